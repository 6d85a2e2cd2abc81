//! 0x09 blake2f (EIP-152): the BLAKE2b compression function F with a caller-chosen round count.
//!
//! Input, exactly 213 bytes: rounds (4, big-endian) ‖ h (64) ‖ m (128) ‖ t (16) ‖ final flag (1),
//! the words of h, m and t little-endian. One gas per round.

use super::{Budget, PrecompileError, PrecompileOutput, PrecompileResult};
use crate::native;
use alloc::vec::Vec;
// BLAKE2's message schedule, shared with BLAKE2s; BLAKE2b's round `i` uses row `i % 10`.
use zkos_delegation::blake2s::SIGMA;

const INPUT_LEN: usize = 213;

const IV: [u64; 8] = [
    0x6a09e667f3bcc908,
    0xbb67ae8584caa73b,
    0x3c6ef372fe94f82b,
    0xa54ff53a5f1d36f1,
    0x510e527fade682d1,
    0x9b05688c2b3e6c1f,
    0x1f83d9abfb41bd6b,
    0x5be0cd19137e2179,
];

pub(super) fn run(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    let input: &[u8; INPUT_LEN] = input.try_into().map_err(|_| PrecompileError::Failure)?;
    let rounds = u32::from_be_bytes([input[0], input[1], input[2], input[3]]);
    let gas_used = budget.charge(u64::from(rounds), native::BLAKE2F_ROUND * u64::from(rounds))?;
    let last_block = match input[212] {
        0 => false,
        1 => true,
        _ => return Err(PrecompileError::Failure),
    };
    let mut h: [u64; 8] = le_words(&input[4..68]);
    let m: [u64; 16] = le_words(&input[68..196]);
    let t: [u64; 2] = le_words(&input[196..212]);
    compress(rounds, &mut h, &m, t, last_block);
    let output: Vec<u8> = h.iter().flat_map(|word| word.to_le_bytes()).collect();
    Ok(PrecompileOutput { gas_used, output })
}

fn le_words<const N: usize>(bytes: &[u8]) -> [u64; N] {
    let mut words = [0u64; N];
    for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(8)) {
        *word = u64::from_le_bytes(chunk.try_into().expect("chunks_exact yields 8 bytes"));
    }
    words
}

/// BLAKE2b's F (RFC 7693, section 3.2) with `rounds` rounds instead of 12.
fn compress(rounds: u32, h: &mut [u64; 8], m: &[u64; 16], t: [u64; 2], last_block: bool) {
    let mut v = [0u64; 16];
    v[..8].copy_from_slice(h);
    v[8..].copy_from_slice(&IV);
    v[12] ^= t[0];
    v[13] ^= t[1];
    if last_block {
        v[14] = !v[14];
    }
    for round in 0..rounds as usize {
        let s = &SIGMA[round % 10];
        mix(&mut v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
        mix(&mut v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
        mix(&mut v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
        mix(&mut v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
        mix(&mut v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
        mix(&mut v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
        mix(&mut v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
        mix(&mut v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (i, word) in h.iter_mut().enumerate() {
        *word ^= v[i] ^ v[i + 8];
    }
}

/// The mixing function G.
#[inline(always)]
fn mix(v: &mut [u64; 16], a: usize, b: usize, c: usize, d: usize, x: u64, y: u64) {
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
    v[d] = (v[d] ^ v[a]).rotate_right(32);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(24);
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
    v[d] = (v[d] ^ v[a]).rotate_right(16);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(63);
}
