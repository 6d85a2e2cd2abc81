//! Input: the byte length, then the bytes packed little-endian in words.
//! Output: SHA-256(data ‖ Keccak-256(data)) as 8 little-endian words.
#![no_std]
#![no_main]

fn main() -> [u32; 8] {
    let len = zkos_guest_rt::oracle::read() as usize;
    let words = zkos_guest_rt::oracle::read_words(len.div_ceil(4));
    let mut data: alloc::vec::Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    data.truncate(len);
    zkos_workloads::hashing::run(&data)
}

extern crate alloc;
zkos_guest_rt::entry!(main);
