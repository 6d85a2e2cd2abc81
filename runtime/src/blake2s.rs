//! BLAKE2s-256 on the round delegation: the sequential hash (normal mode) and the
//! Merkle node hash (compression mode). The guest does no message scheduling beyond
//! setting the counter and final-block words before round 0.

use crate::delegation::{blake2s_control, blake2s_round, Blake2sBlock, Blake2sState};

pub use zkos_delegation::blake2s::{CIV, IV};

pub const ROUNDS: usize = 10;
pub const BLOCK_BYTES: usize = 64;

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
        compress_bytes(&mut self.state, &self.block, self.counter, last);
    }
}

/// One compression of a 64-byte block in normal mode, `counter` bytes hashed with it.
fn compress_bytes(state: &mut Blake2sState, block: &[u8], counter: u32, last: bool) {
    state.v[12] = IV[4] ^ counter;
    state.v[14] = IV[6] ^ if last { 0xFFFF_FFFF } else { 0 };
    let message: Blake2sBlock = core::array::from_fn(|i| {
        u32::from_le_bytes([
            block[4 * i],
            block[4 * i + 1],
            block[4 * i + 2],
            block[4 * i + 3],
        ])
    });
    compress(state, &message, 0);
}

/// BLAKE2s-256 of `data`, block by block from the slice (the incremental [`Blake2s`]
/// moves its buffer and state around, a tenth of a short hash's cycles).
pub fn blake2s256(data: &[u8]) -> [u8; 32] {
    let len = u32::try_from(data.len()).expect("blake2s: messages are limited to 4 GiB");
    let mut state = Blake2sState { h: CIV, v: [0; 16] };
    // Every block but the last, which takes the final flag (an empty message has one).
    let before_last = data.len().saturating_sub(1) / BLOCK_BYTES * BLOCK_BYTES;
    let (head, last) = data.split_at(before_last);
    for (index, block) in head.chunks_exact(BLOCK_BYTES).enumerate() {
        compress_bytes(&mut state, block, ((index + 1) * BLOCK_BYTES) as u32, false);
    }
    let mut padded = [0u8; BLOCK_BYTES];
    padded[..last.len()].copy_from_slice(last);
    compress_bytes(&mut state, &padded, len, true);
    words_to_bytes(&state.h)
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
    core::array::from_fn(|i| (words[i / 4] >> (8 * (i % 4))) as u8)
}

pub fn bytes_to_words(bytes: &[u8; 32]) -> [u32; 8] {
    core::array::from_fn(|i| u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap()))
}
