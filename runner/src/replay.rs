//! A transport that plays back a recorded stream of words and ignores questions: how a
//! prover sees the oracle, and how fault injection feeds the guest a corrupted stream.
use zkos_guest_os::protocol::OracleTransport;

pub struct ReplayTransport<'s> {
    words: &'s [u32],
    position: usize,
}

impl<'s> ReplayTransport<'s> {
    pub fn new(words: &'s [u32]) -> Self {
        ReplayTransport { words, position: 0 }
    }

    pub fn words_read(&self) -> usize {
        self.position
    }
}

impl OracleTransport for ReplayTransport<'_> {
    fn read_word(&mut self) -> u32 {
        let word = self.words.get(self.position).copied().unwrap_or(0);
        self.position += 1;
        word
    }

    fn write_word(&mut self, _word: u32) {}
}
