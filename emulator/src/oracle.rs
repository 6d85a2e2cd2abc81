//! The oracle device (SPEC section 2): the guest's only source of outside data.
//!
//! The host side is the [`Oracle`] trait. [`StreamOracle`] serves a fixed stream of words,
//! such as a file in Airbender's hex format. [`OracleDevice`] sits between the machine and the
//! host: it counts the words read and decodes Airbender's console convention out of the words
//! the guest writes.

use std::fmt;

/// The host side of the oracle device.
pub trait Oracle {
    /// The next word of the non-determinism stream; 0 once it is exhausted.
    fn read_word(&mut self) -> u32;
    /// A word the guest handed to the host that is not part of a console message.
    fn write_word(&mut self, word: u32) {
        let _ = word;
    }
    /// Text the guest printed through Airbender's console convention.
    fn console(&mut self, text: &[u8]) {
        eprint!("{}", String::from_utf8_lossy(text));
    }
    /// The words the next reads return, whatever the guest writes before them: compiled
    /// code takes them from here without a call per word, then hands the count to
    /// [`Oracle::consume`]. Empty (the default) where answers can depend on the guest's
    /// writes.
    fn upcoming(&self) -> &[u32] {
        &[]
    }
    /// Takes the first `count` words of [`Oracle::upcoming`] as read.
    fn consume(&mut self, count: usize) {
        let _ = count;
    }
}

impl<O: Oracle + ?Sized> Oracle for &mut O {
    fn read_word(&mut self) -> u32 {
        (**self).read_word()
    }
    fn write_word(&mut self, word: u32) {
        (**self).write_word(word)
    }
    fn console(&mut self, text: &[u8]) {
        (**self).console(text)
    }
    fn upcoming(&self) -> &[u32] {
        (**self).upcoming()
    }
    fn consume(&mut self, count: usize) {
        (**self).consume(count)
    }
}

/// A fixed stream of words, read front to back.
#[derive(Clone, Debug, Default)]
pub struct StreamOracle {
    words: Vec<u32>,
    next: usize,
    /// Words the guest wrote that were not console text.
    pub written: Vec<u32>,
    /// Console text, kept instead of printed when `capture_console` is set.
    pub console_text: Vec<u8>,
    pub capture_console: bool,
}

impl StreamOracle {
    pub fn new(words: Vec<u32>) -> StreamOracle {
        StreamOracle {
            words,
            ..StreamOracle::default()
        }
    }

    /// Parses Airbender's format: 8-hex-digit words, most significant digit first,
    /// concatenated; whitespace between words is tolerated.
    pub fn from_hex(text: &str) -> Result<StreamOracle, HexError> {
        parse_hex_words(text).map(StreamOracle::new)
    }

    /// The stream as given.
    pub fn words(&self) -> &[u32] {
        &self.words
    }

    /// How many words the guest has read so far.
    pub fn words_read(&self) -> usize {
        self.next
    }
}

impl Oracle for StreamOracle {
    fn read_word(&mut self) -> u32 {
        let word = self.words.get(self.next).copied().unwrap_or(0);
        self.next = (self.next + 1).min(self.words.len());
        word
    }
    fn write_word(&mut self, word: u32) {
        self.written.push(word);
    }
    /// The rest of the stream: writes never change it.
    fn upcoming(&self) -> &[u32] {
        &self.words[self.next..]
    }
    fn consume(&mut self, count: usize) {
        self.next = (self.next + count).min(self.words.len());
    }
    fn console(&mut self, text: &[u8]) {
        if self.capture_console {
            self.console_text.extend_from_slice(text);
        } else {
            eprint!("{}", String::from_utf8_lossy(text));
        }
    }
}

/// A malformed oracle stream in hex format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HexError {
    /// A character that is not a hex digit, at this byte offset.
    BadDigit { offset: usize, found: char },
    /// The digits do not split into whole 8-digit words.
    PartialWord { digits: usize },
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HexError::BadDigit { offset, found } => {
                write!(f, "bad hex digit {found:?} at byte {offset}")
            }
            HexError::PartialWord { digits } => write!(
                f,
                "{digits} hex digits do not make whole 8-digit words (the last word has {})",
                digits % 8
            ),
        }
    }
}

impl std::error::Error for HexError {}

/// Parses concatenated 8-hex-digit words.
pub fn parse_hex_words(text: &str) -> Result<Vec<u32>, HexError> {
    if let Some(words) = whole_words(text) {
        return Ok(words);
    }
    parse_hex_words_closely(text)
}

/// Text of nothing but whole words of digits (a file's last line break aside), as Airbender
/// writes it: decoded in place by faster-hex's SIMD decoder; None for anything else, errors
/// included, which [`parse_hex_words_closely`] reads and explains.
fn whole_words(text: &str) -> Option<Vec<u32>> {
    let digits = text.trim_end_matches(['\n', '\r']).as_bytes();
    if !digits.len().is_multiple_of(8) {
        return None;
    }
    let mut words = vec![0u32; digits.len() / 8];
    // SAFETY: the words' own bytes, as many as they take; any bytes are a valid u32.
    let bytes =
        unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), 4 * words.len()) };
    faster_hex::hex_decode(digits, bytes).ok()?;
    // Each word's digits are most significant first: big-endian bytes.
    words
        .iter_mut()
        .for_each(|word| *word = u32::from_be(*word));
    Some(words)
}

/// [`parse_hex_words`] digit by digit: whitespace between digits is skipped, and an error
/// names the offending character and where it is.
fn parse_hex_words_closely(text: &str) -> Result<Vec<u32>, HexError> {
    const WHITESPACE: u8 = 0xfe;
    const INVALID: u8 = 0xff;
    // Byte by byte through a table: inputs run to hundreds of thousands of digits.
    const VALUES: [u8; 256] = {
        let mut table = [INVALID; 256];
        let mut byte = 0;
        while byte < 256 {
            let c = byte as u8;
            table[byte] = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ if c.is_ascii_whitespace() => WHITESPACE,
                _ => INVALID,
            };
            byte += 1;
        }
        table
    };
    let bytes = text.as_bytes();
    let mut words = Vec::with_capacity(text.len() / 8);
    let (mut word, mut digits, mut offset) = (0u32, 0usize, 0usize);
    while offset < bytes.len() {
        // A whole word of eight digits, the common case, without a branch per digit.
        if digits % 8 == 0 {
            if let Some(chunk) = bytes.get(offset..offset + 8) {
                let values: [u8; 8] = core::array::from_fn(|i| VALUES[chunk[i] as usize]);
                if values.iter().fold(0, |any, &value| any | value) < 16 {
                    words.push(values.iter().fold(0, |word, &v| (word << 4) | v as u32));
                    digits += 8;
                    offset += 8;
                    continue;
                }
            }
        }
        let byte = bytes[offset];
        offset += 1;
        let digit = match VALUES[byte as usize] {
            WHITESPACE => continue,
            INVALID => {
                // A non-ASCII byte starts a character; the offset is where it starts.
                let found = text[offset - 1..].chars().next().unwrap_or('\u{fffd}');
                return Err(HexError::BadDigit {
                    offset: offset - 1,
                    found,
                });
            }
            digit => digit as u32,
        };
        word = (word << 4) | digit;
        digits += 1;
        if digits % 8 == 0 {
            words.push(word);
            word = 0;
        }
    }
    if digits % 8 != 0 {
        return Err(HexError::PartialWord { digits });
    }
    Ok(words)
}

/// Writes words in Airbender's hex format.
pub fn to_hex_words(words: &[u32]) -> String {
    words.iter().map(|w| format!("{w:08x}")).collect()
}

/// The word that starts a console message.
pub const CONSOLE_MARKER: u32 = 0xFFFF_FFFF;

#[derive(Debug, Default)]
enum ConsoleState {
    #[default]
    Idle,
    AwaitWordCount,
    AwaitByteLength,
    Bytes {
        remaining_words: usize,
        byte_len: usize,
        buffer: Vec<u8>,
    },
}

/// The machine's side of the device: counts reads and decodes console messages.
pub struct OracleDevice<O> {
    pub host: O,
    pub words_read: u64,
    console: ConsoleState,
}

impl<O: Oracle> OracleDevice<O> {
    pub fn new(host: O) -> Self {
        OracleDevice {
            host,
            words_read: 0,
            console: ConsoleState::Idle,
        }
    }

    #[inline]
    pub fn read(&mut self) -> u32 {
        self.words_read += 1;
        self.host.read_word()
    }

    /// Counts `count` words of the host's [`Oracle::upcoming`] as read.
    pub fn consume(&mut self, count: usize) {
        self.words_read += count as u64;
        self.host.consume(count);
    }

    /// A word written by the guest. Console messages are `0xFFFFFFFF`, a word count, the
    /// byte length, then the bytes packed little-endian; the byte length decides how many
    /// data words follow, so both readings of the word count work.
    pub fn write(&mut self, word: u32) {
        self.console = match core::mem::take(&mut self.console) {
            ConsoleState::Idle if word == CONSOLE_MARKER => ConsoleState::AwaitWordCount,
            ConsoleState::Idle => {
                self.host.write_word(word);
                ConsoleState::Idle
            }
            ConsoleState::AwaitWordCount => ConsoleState::AwaitByteLength,
            ConsoleState::AwaitByteLength => {
                let byte_len = word as usize;
                self.after_bytes(byte_len.div_ceil(4), byte_len, Vec::new())
            }
            ConsoleState::Bytes {
                remaining_words,
                byte_len,
                mut buffer,
            } => {
                buffer.extend_from_slice(&word.to_le_bytes());
                self.after_bytes(remaining_words - 1, byte_len, buffer)
            }
        };
    }

    fn after_bytes(
        &mut self,
        remaining_words: usize,
        byte_len: usize,
        mut buffer: Vec<u8>,
    ) -> ConsoleState {
        if remaining_words > 0 {
            return ConsoleState::Bytes {
                remaining_words,
                byte_len,
                buffer,
            };
        }
        buffer.truncate(byte_len);
        self.host.console(&buffer);
        ConsoleState::Idle
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Words written in the format read back as themselves, whatever whitespace sits
        /// between the digits and whichever case they are in.
        #[test]
        fn hex_words_round_trip(
            words in prop::collection::vec(any::<u32>(), 0..64),
            spaces in prop::collection::vec((0..600usize, prop::sample::select(vec![' ', '\n', '\t', '\r'])), 0..16),
            upper in any::<bool>(),
        ) {
            let mut text: Vec<char> = to_hex_words(&words).chars().collect();
            if upper {
                text.iter_mut().for_each(|c| *c = c.to_ascii_uppercase());
            }
            for (at, space) in spaces {
                text.insert(at.min(text.len()), space);
            }
            let text: String = text.into_iter().collect();
            prop_assert_eq!(parse_hex_words(&text), Ok(words));
        }
    }

    /// The straightforward reading, character by character: what `parse_hex_words` must
    /// agree with on any text.
    fn reference(text: &str) -> Result<Vec<u32>, HexError> {
        let (mut words, mut word, mut digits) = (Vec::new(), 0u32, 0usize);
        for (offset, c) in text.char_indices() {
            if c.is_ascii_whitespace() {
                continue;
            }
            let Some(digit) = c.to_digit(16) else {
                return Err(HexError::BadDigit { offset, found: c });
            };
            word = word << 4 | digit;
            digits += 1;
            if digits % 8 == 0 {
                words.push(word);
                word = 0;
            }
        }
        match digits % 8 {
            0 => Ok(words),
            _ => Err(HexError::PartialWord { digits }),
        }
    }

    proptest! {
        /// Any text, of digits mostly, with whitespace, bad characters and words cut short
        /// here and there, reads as the reference reads it: the same words or error.
        #[test]
        fn any_text_reads_as_the_reference_reads_it(
            text in prop::collection::vec(prop_oneof![
                40 => prop::sample::select(b"0123456789abcdefABCDEF".to_vec()).prop_map(char::from),
                3 => prop::sample::select(vec![' ', '\n', '\t']),
                1 => prop::sample::select(vec!['g', 'x', '-', '\u{e9}', '\u{1f600}']),
            ], 0..200).prop_map(|chars| chars.into_iter().collect::<String>()),
        ) {
            prop_assert_eq!(parse_hex_words(&text), reference(&text));
        }
    }

    proptest! {
        /// Whole words of digits, as Airbender writes them, take the SIMD decoder and read
        /// as the reference reads them; with one character spoilt they fall back and fail
        /// as the reference does.
        #[test]
        fn whole_words_take_the_fast_path_and_agree(
            words in prop::collection::vec(any::<u32>(), 0..80),
            upper in any::<bool>(),
            line_break in any::<bool>(),
            spoilt in prop::option::of((any::<prop::sample::Index>(), prop::sample::select(vec!['g', ' ', 'x', '\u{e9}']))),
        ) {
            let mut text = to_hex_words(&words);
            if upper {
                text = text.to_ascii_uppercase();
            }
            if line_break {
                text.push('\n');
            }
            if let (Some((at, bad)), false) = (spoilt, words.is_empty()) {
                let at = at.index(8 * words.len());
                text.replace_range(at..at + 1, &bad.to_string());
                prop_assert_eq!(parse_hex_words(&text), reference(&text));
            } else {
                prop_assert_eq!(whole_words(&text), Some(words.clone()));
                prop_assert_eq!(parse_hex_words(&text), Ok(words));
            }
        }
    }

    #[test]
    fn a_bad_character_is_named_at_its_byte_offset() {
        assert_eq!(
            parse_hex_words("0000000f 0000é001"),
            Err(HexError::BadDigit {
                offset: 13,
                found: 'é'
            })
        );
        assert_eq!(
            parse_hex_words("0000000g"),
            Err(HexError::BadDigit {
                offset: 7,
                found: 'g'
            })
        );
        assert_eq!(
            parse_hex_words("0000000"),
            Err(HexError::PartialWord { digits: 7 })
        );
    }
}
