//! Client of the oracle device through CSR 0x7C0 (`SPEC.md` section 2), the door the
//! prover sees.

/// Pops the next word of the non-determinism stream (0 once it is exhausted).
#[inline(always)]
pub fn read() -> u32 {
    let word: u32;
    // SAFETY: reading CSR 0x7C0 only pops the input stream.
    unsafe { core::arch::asm!("csrrw {0}, 0x7c0, x0", out(reg) word, options(nomem, nostack)) };
    word
}

/// Hands a word to the host (not part of the proof).
#[inline(always)]
pub fn write(word: u32) {
    // SAFETY: writing CSR 0x7C0 only passes a word to the host.
    unsafe { core::arch::asm!("csrrw x0, 0x7c0, {0}", in(reg) word, options(nomem, nostack)) };
}

/// Reads `count` words into a new vector.
pub fn read_words(count: usize) -> alloc::vec::Vec<u32> {
    (0..count).map(|_| read()).collect()
}

/// Reads a length-prefixed list: the word count, then that many words.
pub fn read_counted_words() -> alloc::vec::Vec<u32> {
    let count = read() as usize;
    read_words(count)
}
