//! Client of the oracle device through CSR 0x7C0 (`SPEC.md` section 2), the door the
//! prover sees, and the escape that keeps every question word apart from console text
//! (on both targets: the host's side undoes it).

/// The escape for question words: the machine's oracle device takes a written
/// `0xFFFF_FFFF` for the start of console text, so a word `0xFFFF_FFFE | b` is sent as
/// `ESCAPE, b` and no question word is ever the console marker.
pub const ESCAPE: u32 = 0xFFFF_FFFE;

/// The words that carry one question word.
pub fn escaped(word: u32) -> ([u32; 2], usize) {
    if word >= ESCAPE {
        ([ESCAPE, word & 1], 2)
    } else {
        ([word, 0], 1)
    }
}

/// Undoes [`escaped`] on the receiving side, one written word at a time.
#[derive(Default)]
pub struct Unescaper {
    pending: bool,
}

impl Unescaper {
    /// The question word completed by `written`, if any.
    pub fn push(&mut self, written: u32) -> Option<u32> {
        if self.pending {
            self.pending = false;
            return Some(ESCAPE | (written & 1));
        }
        if written == ESCAPE {
            self.pending = true;
            return None;
        }
        Some(written)
    }
}

/// The question id of advice (`docs/oracle-protocol.md`): the one question that code below
/// the system asks (the curve arithmetic), so its id lives here.
pub const ADVICE: u32 = 11;

/// Pops the next word of the non-determinism stream (0 once it is exhausted).
#[cfg(target_arch = "riscv32")]
#[inline(always)]
pub fn read() -> u32 {
    let word: u32;
    // SAFETY: reading CSR 0x7C0 only pops the input stream.
    unsafe { core::arch::asm!("csrrw {0}, 0x7c0, x0", out(reg) word, options(nomem, nostack)) };
    word
}

/// Hands a word to the host (not part of the proof).
#[cfg(target_arch = "riscv32")]
#[inline(always)]
pub fn write(word: u32) {
    // SAFETY: writing CSR 0x7C0 only passes a word to the host.
    unsafe { core::arch::asm!("csrrw x0, 0x7c0, {0}", in(reg) word, options(nomem, nostack)) };
}

/// Sends a question (its id, then its parameters), escaped.
#[cfg(target_arch = "riscv32")]
pub fn ask(id: u32, params: &[u32]) {
    for &word in core::iter::once(&id).chain(params) {
        let (sent, count) = escaped(word);
        for &w in &sent[..count] {
            write(w);
        }
    }
}

/// Reads `count` words into a new vector.
#[cfg(target_arch = "riscv32")]
pub fn read_words(count: usize) -> alloc::vec::Vec<u32> {
    (0..count).map(|_| read()).collect()
}

/// Reads a length-prefixed list: the word count, then that many words.
#[cfg(target_arch = "riscv32")]
pub fn read_counted_words() -> alloc::vec::Vec<u32> {
    let count = read() as usize;
    read_words(count)
}
