//! Input: the implementation (0: sha3, 1: zkos-keccak, 2: zkos-keccak's streaming hasher
//! fed in three uneven pieces; 3 and 4: the bare permutations of `keccak` (sha3's) and of
//! zkos-keccak), a repetition count, the byte length, then the bytes packed little-endian
//! in words. Hashes them `count` times, or permutes a state of the bytes (zero-padded to
//! 200) `count` times.
//! Output: the last Keccak-256 or the state's first 32 bytes, as 8 words (bytes
//! little-endian within a word; for hashes, zero for count 0).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use core::hint::black_box;
use sha3::Digest;
use zkos_guest_rt::oracle::read;

fn sha3_keccak256(data: &[u8]) -> [u8; 32] {
    sha3::Keccak256::digest(data).into()
}

fn streamed(data: &[u8]) -> [u8; 32] {
    let (first, rest) = data.split_at(data.len() / 3);
    let (second, third) = rest.split_at(rest.len() / 2 + 1.min(rest.len()));
    let mut hasher = zkos_keccak::Keccak256::new();
    for piece in [first, second, third] {
        hasher.update(piece);
    }
    hasher.finalize()
}

/// The 25 lanes of `data`, zero-padded.
fn lanes(data: &[u8]) -> [u64; 25] {
    let mut bytes = [0u8; 200];
    let len = data.len().min(200);
    bytes[..len].copy_from_slice(&data[..len]);
    core::array::from_fn(|i| u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().unwrap()))
}

fn permute_sha3(data: &[u8], count: u32) -> [u64; 25] {
    let mut state = lanes(data);
    for _ in 0..count {
        keccak::f1600(black_box(&mut state));
    }
    state
}

fn permute_interleaved(data: &[u8], count: u32) -> [u64; 25] {
    let mut state = [0u32; 50];
    for (words, lane) in state.chunks_exact_mut(2).zip(lanes(data)) {
        (words[0], words[1]) = zkos_keccak::interleaved::interleave(lane as u32, (lane >> 32) as u32);
    }
    for _ in 0..count {
        zkos_keccak::interleaved::keccak_f1600(black_box(&mut state));
    }
    core::array::from_fn(|i| {
        let (lo, hi) = zkos_keccak::interleaved::deinterleave(state[2 * i], state[2 * i + 1]);
        lo as u64 | (hi as u64) << 32
    })
}

fn read_data(len: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity(len + 3);
    for _ in 0..len.div_ceil(4) {
        data.extend_from_slice(&read().to_le_bytes());
    }
    data.truncate(len);
    data
}

fn hashes(hash: fn(&[u8]) -> [u8; 32], data: &[u8], count: u32) -> [u32; 8] {
    let mut digest = [0u8; 32];
    for _ in 0..count {
        digest = hash(black_box(data));
    }
    core::array::from_fn(|i| u32::from_le_bytes(digest[4 * i..4 * i + 4].try_into().unwrap()))
}

fn first_words(state: &[u64; 25]) -> [u32; 8] {
    core::array::from_fn(|i| (state[i / 2] >> (32 * (i % 2))) as u32)
}

fn main() -> [u32; 8] {
    let implementation = read();
    let count = read();
    let len = read() as usize;
    let data = read_data(len);
    match implementation {
        0 => hashes(sha3_keccak256, &data, count),
        1 => hashes(zkos_keccak::keccak256, &data, count),
        2 => hashes(streamed, &data, count),
        3 => first_words(&permute_sha3(&data, count)),
        4 => first_words(&permute_interleaved(&data, count)),
        _ => zkos_guest_rt::abort(),
    }
}

zkos_guest_rt::entry!(main);
