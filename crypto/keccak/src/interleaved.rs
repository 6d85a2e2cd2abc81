//! Keccak-256 whose state stays bit-interleaved for the whole hash: input words are
//! interleaved as they are absorbed and only the 32 output bytes are converted back.
use crate::permutation::{complemented, permute_complemented};
pub use crate::permutation::{keccak_f1600, State};
use crate::RATE;

/// Swaps the bits of `x` under `mask` with those `shift` places above them.
#[inline(always)]
fn swap_bits(x: u32, mask: u32, shift: u32) -> u32 {
    let t = (x ^ (x >> shift)) & mask;
    x ^ t ^ (t << shift)
}

/// Even bits of `x` to its low half, odd bits to its high half, both in order.
#[inline(always)]
fn unzip(x: u32) -> u32 {
    let x = swap_bits(x, 0x2222_2222, 1);
    let x = swap_bits(x, 0x0c0c_0c0c, 2);
    let x = swap_bits(x, 0x00f0_00f0, 4);
    swap_bits(x, 0x0000_ff00, 8)
}

/// The inverse of [`unzip`].
#[inline(always)]
fn zip(x: u32) -> u32 {
    let x = swap_bits(x, 0x0000_ff00, 8);
    let x = swap_bits(x, 0x00f0_00f0, 4);
    let x = swap_bits(x, 0x0c0c_0c0c, 2);
    swap_bits(x, 0x2222_2222, 1)
}

/// The 64-bit lane `lo | hi << 32` as `(even bits, odd bits)`.
#[inline(always)]
pub fn interleave(lo: u32, hi: u32) -> (u32, u32) {
    let (lo, hi) = (unzip(lo), unzip(hi));
    ((lo & 0xffff) | (hi << 16), (lo >> 16) | (hi & 0xffff_0000))
}

/// The inverse of [`interleave`]: `(lo, hi)` of the lane.
#[inline(always)]
pub fn deinterleave(even: u32, odd: u32) -> (u32, u32) {
    let lo = (even & 0xffff) | (odd << 16);
    let hi = (even >> 16) | (odd & 0xffff_0000);
    (zip(lo), zip(hi))
}

#[inline(always)]
fn le_word(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// XORs one 136-byte block into the rate and permutes.
fn absorb_block(state: &mut State, block: &[u8; RATE]) {
    xor_lanes(state, block);
    permute_complemented(state);
}

/// XORs whole lanes of `bytes` (a multiple of 8 bytes, at most a block) into the state.
#[inline(always)]
fn xor_lanes(state: &mut State, bytes: &[u8]) {
    // SAFETY: every bit pattern is a `u32`.
    let (unaligned, words, _) = unsafe { bytes.align_to::<u32>() };
    if unaligned.is_empty() {
        // Word loads: RV32 has no misaligned ones, so the general path reads bytes.
        xor_words(state, words.len(), |i| u32::from_le(words[i]));
    } else {
        xor_words(state, bytes.len() / 4, |i| le_word(&bytes[4 * i..]));
    }
}

#[inline(always)]
fn xor_words(state: &mut State, count: usize, word: impl Fn(usize) -> u32) {
    for (i, lane) in state[..count].chunks_exact_mut(2).enumerate() {
        let (even, odd) = interleave(word(2 * i), word(2 * i + 1));
        lane[0] ^= even;
        lane[1] ^= odd;
    }
}

/// A block buffer aligned for word loads.
#[derive(Clone)]
#[repr(align(4))]
struct Buffer([u8; RATE]);

/// The empty state in its stored form (see [`crate::permutation::COMPLEMENTED`]).
const INITIAL: State = {
    let mut state = [0u32; 50];
    let mut lane = 0;
    while lane < 25 {
        if (crate::permutation::COMPLEMENTED >> lane) & 1 == 1 {
            state[2 * lane] = u32::MAX;
            state[2 * lane + 1] = u32::MAX;
        }
        lane += 1;
    }
    state
};

/// Streaming Keccak-256 on the interleaved permutation. The state is kept in the stored
/// form of [`permute_complemented`] from `new` to `finalize`.
#[derive(Clone)]
pub struct Keccak256 {
    state: State,
    buffer: Buffer,
    buffered: usize,
}

impl Default for Keccak256 {
    fn default() -> Self {
        Self::new()
    }
}

impl Keccak256 {
    pub const fn new() -> Self {
        Self {
            state: INITIAL,
            buffer: Buffer([0; RATE]),
            buffered: 0,
        }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        if self.buffered > 0 {
            let take = data.len().min(RATE - self.buffered);
            self.buffer.0[self.buffered..self.buffered + take].copy_from_slice(&data[..take]);
            self.buffered += take;
            data = &data[take..];
            if self.buffered < RATE {
                return;
            }
            absorb_block(&mut self.state, &self.buffer.0);
            self.buffered = 0;
        }
        let rest = absorb_blocks(&mut self.state, data);
        self.buffer.0[..rest.len()].copy_from_slice(rest);
        self.buffered = rest.len();
    }

    pub fn finalize(mut self) -> [u8; 32] {
        finish(&mut self.state, &self.buffer.0[..self.buffered])
    }
}

/// Keccak-256 of `data` in one call, without the hasher's buffer.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    let mut state = INITIAL;
    let rest = absorb_blocks(&mut state, data);
    finish(&mut state, rest)
}

/// Absorbs the whole blocks of `data`; returns what is left.
fn absorb_blocks<'a>(state: &mut State, data: &'a [u8]) -> &'a [u8] {
    let mut blocks = data.chunks_exact(RATE);
    for block in &mut blocks {
        absorb_block(state, block.try_into().unwrap());
    }
    blocks.remainder()
}

/// Pads and absorbs the last `rest` bytes (under a block) and squeezes the hash. Only the
/// lanes that hold data or padding are converted: the others are zero.
fn finish(state: &mut State, rest: &[u8]) -> [u8; 32] {
    let full = rest.len() / 8 * 8;
    xor_lanes(state, &rest[..full]);
    let mut tail = [0u8; 8];
    tail[..rest.len() - full].copy_from_slice(&rest[full..]);
    tail[rest.len() - full] = 0x01;
    let (even, odd) = interleave(le_word(&tail[..4]), le_word(&tail[4..]));
    state[full / 4] ^= even;
    state[full / 4 + 1] ^= odd;
    // The last byte's 0x80 is bit 63 of lane 16: the top bit of its odd word.
    state[2 * (RATE / 8 - 1) + 1] ^= 1 << 31;
    permute_complemented(state);
    let mut words = [0u32; 8];
    for (lane, out) in words.chunks_exact_mut(2).enumerate() {
        let mask = if complemented(lane) { u32::MAX } else { 0 };
        let (lo, hi) = deinterleave(state[2 * lane] ^ mask, state[2 * lane + 1] ^ mask);
        out[0] = lo.to_le();
        out[1] = hi.to_le();
    }
    // SAFETY: `[u32; 8]` and `[u8; 32]` have the same size, and every bit pattern is bytes.
    unsafe { core::mem::transmute::<[u32; 8], [u8; 32]>(words) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaving_round_trips_and_splits_bits() {
        for value in [0u64, 1, 2, u64::MAX, 0x0123_4567_89ab_cdef, 1 << 63] {
            let (lo, hi) = (value as u32, (value >> 32) as u32);
            let (even, odd) = interleave(lo, hi);
            assert_eq!((even, odd), crate::permutation::split_bits(value));
            assert_eq!(deinterleave(even, odd), (lo, hi));
        }
    }
}
