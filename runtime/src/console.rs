//! Text output to the host through the oracle's write door, in Airbender's convention:
//! `0xFFFFFFFF`, the number of words that follow (the byte length word included), the
//! byte length, then the bytes packed little-endian into words.

use crate::oracle;
use core::fmt::{self, Write};

const CONSOLE_MARKER: u32 = 0xFFFF_FFFF;

/// Prints bytes as one console message.
pub fn print_bytes(bytes: &[u8]) {
    oracle::write(CONSOLE_MARKER);
    oracle::write(bytes.len().div_ceil(4) as u32 + 1);
    oracle::write(bytes.len() as u32);
    for chunk in bytes.chunks(4) {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        oracle::write(u32::from_le_bytes(word));
    }
}

pub fn print(text: &str) {
    print_bytes(text.as_bytes());
}

/// A fixed-capacity text buffer; text past the capacity is dropped.
pub struct LineBuffer<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> LineBuffer<N> {
    pub const fn new() -> Self {
        Self {
            bytes: [0; N],
            len: 0,
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl<const N: usize> Default for LineBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Write for LineBuffer<N> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let taken = text.len().min(N - self.len);
        self.bytes[self.len..self.len + taken].copy_from_slice(&text.as_bytes()[..taken]);
        self.len += taken;
        Ok(())
    }
}

/// Formats into a 256-byte buffer and prints it as one message (longer text is cut).
pub fn print_fmt(args: fmt::Arguments) {
    let mut line = LineBuffer::<256>::new();
    let _ = line.write_fmt(args);
    print_bytes(line.as_bytes());
}

/// `print!` for guest programs: one console message per call.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::console::print_fmt(format_args!($($arg)*)) };
}

/// `println!` for guest programs: one console message per call, ending in a newline.
#[macro_export]
macro_rules! println {
    () => { $crate::console::print("\n") };
    ($($arg:tt)*) => { $crate::console::print_fmt(format_args!("{}\n", format_args!($($arg)*))) };
}
