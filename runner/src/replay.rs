//! A transport that plays back a recorded stream of words and ignores questions: how a
//! prover sees the oracle, and how fault injection feeds the guest a corrupted stream.
use zkos_guest_os::protocol::OracleTransport;

use std::borrow::Cow;

pub struct ReplayTransport<'s> {
    words: Cow<'s, [u32]>,
    position: usize,
}

impl<'s> ReplayTransport<'s> {
    pub fn new(words: &'s [u32]) -> Self {
        ReplayTransport {
            words: Cow::Borrowed(words),
            position: 0,
        }
    }

    /// A transport that owns its words.
    pub fn into_owned(self) -> ReplayTransport<'static> {
        ReplayTransport {
            words: Cow::Owned(self.words.into_owned()),
            position: self.position,
        }
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
