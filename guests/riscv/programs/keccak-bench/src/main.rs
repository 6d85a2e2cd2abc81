//! Input: the implementation (0: sha3, 1: zkos-keccak, 2: zkos-keccak's streaming hasher
//! fed in three uneven pieces), a repetition count, the byte
//! length, then the bytes packed little-endian in words. Hashes them `count` times.
//! Output: the last Keccak-256 as 8 words (bytes little-endian within a word; zero for
//! count 0).
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

fn read_data(len: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity(len + 3);
    for _ in 0..len.div_ceil(4) {
        data.extend_from_slice(&read().to_le_bytes());
    }
    data.truncate(len);
    data
}

fn main() -> [u32; 8] {
    let implementation = read();
    let count = read();
    let len = read() as usize;
    let data = read_data(len);
    let hash: fn(&[u8]) -> [u8; 32] = match implementation {
        0 => sha3_keccak256,
        1 => zkos_keccak::keccak256,
        2 => streamed,
        _ => zkos_guest_rt::abort(),
    };
    let mut digest = [0u8; 32];
    for _ in 0..count {
        digest = hash(black_box(&data));
    }
    let mut words = [0u32; 8];
    for (word, bytes) in words.iter_mut().zip(digest.chunks_exact(4)) {
        *word = u32::from_le_bytes(bytes.try_into().unwrap());
    }
    words
}

zkos_guest_rt::entry!(main);
