//! The oracle protocol: question ids and the packing of bytes into u32 words.
//! See `docs/oracle-protocol.md`, the one place that documents the answers.
use alloc::vec::Vec;

/// How the guest talks to the oracle, one u32 at a time.
pub trait OracleTransport {
    /// The next word of the answer stream (0 once exhausted).
    fn read_word(&mut self) -> u32;
    /// A word of a question (not part of the proof).
    fn write_word(&mut self, word: u32);
}

pub use zkos_guest_rt::oracle::{escaped, Unescaper, ESCAPE};

/// Question ids. `0xFFFF_FFFF` is never one: it starts Airbender's console output.
pub mod question {
    pub const PREVIOUS_CHAIN_STATE: u32 = 1;
    pub const BLOCK_ENV: u32 = 2;
    pub const TRANSACTION_COUNT: u32 = 3;
    pub const TRANSACTION: u32 = 4;
    pub const READ_KEY: u32 = 5;
    pub const LEAF_PATH: u32 = 6;
    pub const ACCOUNT_PREIMAGE: u32 = 7;
    pub const BYTECODE: u32 = 8;
    /// Not a question: the guest's report of the block outcome (no answer).
    pub const REPORT: u32 = 9;
    pub const BLOCK_HASHES: u32 = 10;
    /// Whether the host wants the report: the sequencer's run does, the prover's does not.
    pub const WANTS_REPORT: u32 = 12;
    /// Values that are costly to compute and cheap to check, for a signature's recovery.
    pub const ADVICE: u32 = zkos_guest_rt::oracle::ADVICE;

    /// How many parameter words follow the id of a question with a fixed shape.
    pub fn param_words(id: u32) -> Option<usize> {
        match id {
            PREVIOUS_CHAIN_STATE | BLOCK_ENV | TRANSACTION_COUNT | WANTS_REPORT => Some(0),
            TRANSACTION | BLOCK_HASHES => Some(1),
            READ_KEY | ACCOUNT_PREIMAGE => Some(8),
            LEAF_PATH => Some(2),
            BYTECODE => Some(9),
            ADVICE => Some(25),
            _ => None,
        }
    }
}

/// `READ_KEY` answer tags.
pub const KEY_PRESENT: u32 = 0;
pub const KEY_ABSENT: u32 = 1;

/// Most transactions a block may have; bounds what a lying count can make the guest do.
pub const MAX_TRANSACTIONS: u32 = 10_000;
/// Largest raw transaction in bytes (Ethereum's mempool limit is 128 KiB).
pub const MAX_TRANSACTION_LEN: u32 = 128 * 1024;

pub fn words_for_bytes(len: usize) -> usize {
    len.div_ceil(4)
}

/// Bytes as little-endian words, the last one zero-padded.
pub fn pack_bytes(bytes: &[u8]) -> Vec<u32> {
    let mut words = Vec::with_capacity(words_for_bytes(bytes.len()));
    // Whole words first: a copy of a chunk of unknown length is a memcpy call per word.
    let mut chunks = bytes.chunks_exact(4);
    words.extend(
        chunks
            .by_ref()
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
    );
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 4];
        word[..rest.len()].copy_from_slice(rest);
        words.push(u32::from_le_bytes(word));
    }
    words
}

/// The inverse of [`pack_bytes`]; `None` if the words do not fit `len` exactly or the
/// padding is not zero.
pub fn unpack_bytes(words: &[u32], len: usize) -> Option<Vec<u8>> {
    if words.len() != words_for_bytes(len) {
        return None;
    }
    let mut bytes: Vec<u8> = words.iter().flat_map(|word| word.to_le_bytes()).collect();
    if bytes[len..].iter().any(|&byte| byte != 0) {
        return None;
    }
    bytes.truncate(len);
    Some(bytes)
}

pub fn u64_to_words(value: u64) -> [u32; 2] {
    [value as u32, (value >> 32) as u32]
}

#[cfg(test)]
mod report_tests {
    use super::*;
    use zkos_guest_rt::oracle::{escaped, Unescaper};

    #[test]
    fn report_words_never_look_like_console_text() {
        let bytes = [0xffu8; 9];
        let words = pack_bytes(&bytes);
        assert!(words.contains(&0xFFFF_FFFF));
        let sent: Vec<u32> = words
            .iter()
            .flat_map(|&word| {
                let (sent, count) = escaped(word);
                sent[..count].to_vec()
            })
            .collect();
        assert!(sent.iter().all(|&word| word != 0xFFFF_FFFF));
        let mut unescaper = Unescaper::default();
        let received: Vec<u32> = sent.iter().filter_map(|&w| unescaper.push(w)).collect();
        assert_eq!(unpack_bytes(&received, bytes.len()), Some(bytes.to_vec()));
    }
}

#[cfg(test)]
mod escape_tests {
    use super::*;

    #[test]
    fn every_word_round_trips_and_none_is_the_console_marker() {
        let words = [
            0,
            1,
            0x7FFF_FFFF,
            ESCAPE - 1,
            ESCAPE,
            0xFFFF_FFFF,
            0xDEAD_BEEF,
        ];
        let mut unescaper = Unescaper::default();
        let mut received = Vec::new();
        for &word in &words {
            let (sent, count) = escaped(word);
            for &w in &sent[..count] {
                assert_ne!(w, 0xFFFF_FFFF);
                received.extend(unescaper.push(w));
            }
        }
        assert_eq!(received, words);
    }
}
