//! BLAKE2s-256 on the round delegation: the sequential hash (normal mode) and the
//! Merkle node hash (compression mode). The guest does no message scheduling beyond
//! setting the counter and final-block words before round 0.

use crate::delegation::{blake2s_control, blake2s_round, Blake2sBlock, Blake2sState};

pub const IV: [u32; 8] = [
    0x6A09_E667,
    0xBB67_AE85,
    0x3C6E_F372,
    0xA54F_F53A,
    0x510E_527F,
    0x9B05_688C,
    0x1F83_D9AB,
    0x5BE0_CD19,
];

/// IV with the parameter block of an unkeyed 32-byte sequential hash folded in.
pub const CIV: [u32; 8] = {
    let mut civ = IV;
    civ[0] ^= 0x0101_0000 ^ 32;
    civ
};

const SIGMA: [[u8; 16]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

pub const ROUNDS: usize = 10;
pub const BLOCK_BYTES: usize = 64;

/// One BLAKE2s round: the column then the diagonal mixing, message permuted by SIGMA[round].
pub fn round(v: &mut [u32; 16], m: &[u32; 16], round: usize) {
    let s = &SIGMA[round];
    let mut g = |a: usize, b: usize, c: usize, d: usize, i: usize| {
        let (x, y) = (m[s[2 * i] as usize], m[s[2 * i + 1] as usize]);
        v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
        v[d] = (v[d] ^ v[a]).rotate_right(16);
        v[c] = v[c].wrapping_add(v[d]);
        v[b] = (v[b] ^ v[c]).rotate_right(12);
        v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
        v[d] = (v[d] ^ v[a]).rotate_right(8);
        v[c] = v[c].wrapping_add(v[d]);
        v[b] = (v[b] ^ v[c]).rotate_right(7);
    };
    g(0, 4, 8, 12, 0);
    g(1, 5, 9, 13, 1);
    g(2, 6, 10, 14, 2);
    g(3, 7, 11, 15, 3);
    g(0, 5, 10, 15, 4);
    g(1, 6, 11, 12, 5);
    g(2, 7, 8, 13, 6);
    g(3, 4, 9, 14, 7);
}

/// Runs the 10 rounds of one compression with `control` on every round.
fn compress(state: &mut Blake2sState, message: &Blake2sBlock, control: u32) {
    for r in 0..ROUNDS {
        let last = if r == ROUNDS - 1 {
            blake2s_control::LAST_ROUND
        } else {
            0
        };
        blake2s_round(state, message, r, control | last);
    }
}

/// Incremental BLAKE2s-256 (unkeyed). Messages are limited to 4 GiB: the device keeps
/// the high counter word at IV[5].
#[derive(Clone)]
pub struct Blake2s {
    state: Blake2sState,
    block: [u8; BLOCK_BYTES],
    buffered: usize,
    /// Bytes compressed so far, the block in `block` excluded.
    counter: u32,
}

impl Default for Blake2s {
    fn default() -> Self {
        Self::new()
    }
}

impl Blake2s {
    pub fn new() -> Self {
        Self {
            state: Blake2sState { h: CIV, v: [0; 16] },
            block: [0; BLOCK_BYTES],
            buffered: 0,
            counter: 0,
        }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            // Keep a full block buffered: only `finalize` knows whether it is the last.
            if self.buffered == BLOCK_BYTES {
                self.compress_block(false);
            }
            let taken = data.len().min(BLOCK_BYTES - self.buffered);
            self.block[self.buffered..self.buffered + taken].copy_from_slice(&data[..taken]);
            self.buffered += taken;
            data = &data[taken..];
        }
    }

    pub fn finalize(mut self) -> [u8; 32] {
        self.block[self.buffered..].fill(0);
        self.compress_block(true);
        words_to_bytes(&self.state.h)
    }

    fn compress_block(&mut self, last: bool) {
        self.counter = self
            .counter
            .checked_add(self.buffered as u32)
            .expect("blake2s: messages are limited to 4 GiB");
        self.buffered = 0;
        self.state.v[12] = IV[4] ^ self.counter;
        self.state.v[14] = IV[6] ^ if last { 0xFFFF_FFFF } else { 0 };
        let message: Blake2sBlock = core::array::from_fn(|i| {
            u32::from_le_bytes(self.block[4 * i..4 * i + 4].try_into().unwrap())
        });
        compress(&mut self.state, &message, 0);
    }
}

/// BLAKE2s-256 of `data`.
pub fn blake2s256(data: &[u8]) -> [u8; 32] {
    let mut hasher = Blake2s::new();
    hasher.update(data);
    hasher.finalize()
}

/// The Merkle node hash: BLAKE2s-256 of the 64 bytes `left ‖ right` (words little-endian),
/// as one compression in compression mode.
pub fn hash_node(left: &[u32; 8], right: &[u32; 8]) -> [u32; 8] {
    compress_node(left, right, false)
}

/// The node hash with `state_node` in the device's state words and `other` as its
/// message; `state_is_right` says which side of the node `state_node` is.
pub fn compress_node(state_node: &[u32; 8], other: &[u32; 8], state_is_right: bool) -> [u32; 8] {
    let mut state = Blake2sState {
        h: *state_node,
        v: [0; 16],
    };
    let mut message = [0u32; 16];
    message[..8].copy_from_slice(other);
    let side = if state_is_right {
        blake2s_control::STATE_IS_RIGHT_NODE
    } else {
        0
    };
    compress(
        &mut state,
        &message,
        blake2s_control::COMPRESSION_MODE | side,
    );
    state.h
}

pub fn words_to_bytes(words: &[u32; 8]) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    for (chunk, word) in bytes.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    bytes
}

pub fn bytes_to_words(bytes: &[u8; 32]) -> [u32; 8] {
    core::array::from_fn(|i| u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap()))
}
