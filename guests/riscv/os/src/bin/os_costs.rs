//! Guest: measures the unit costs of the guest OS's heavy operations, for the cost
//! breakdown of `cargo run --release -p zkos-runner --example block_costs`.
//! Input: mode, count, then for mode 0 a raw transaction (byte length, bytes).
//! Mode 0 recovers the transaction's sender `count` times; mode 1 computes `count` chained
//! Merkle node hashes (BLAKE2s delegation, compression mode). Output: the last result.
#![no_std]
#![no_main]

extern crate alloc;

use zkos_guest_os::hash::RtBlake2s;
use zkos_guest_rt::oracle::{read, read_words};
use zkos_system::hash::Blake2s;

fn recover(count: u32) -> [u8; 32] {
    let len = read() as usize;
    let words = read_words(len.div_ceil(4));
    let bytes = zkos_guest_os::protocol::unpack_bytes(&words, len).unwrap_or_default();
    let Ok(tx) = zkos_system::tx::decode(&bytes) else {
        zkos_guest_rt::abort()
    };
    let mut out = [0u8; 32];
    for _ in 0..count {
        let sender = zkos_system::tx::recover_sender(&tx).unwrap_or([0xff; 20]);
        out[..20].copy_from_slice(&sender);
    }
    out
}

fn hash_nodes(count: u32) -> [u8; 32] {
    let mut node = [1u8; 32];
    for _ in 0..count {
        node = RtBlake2s.hash_node(&node, &node);
    }
    node
}

fn main() -> [u32; 8] {
    let mode = read();
    let count = read();
    let out = match mode {
        0 => recover(count),
        1 => hash_nodes(count),
        _ => zkos_guest_rt::abort(),
    };
    zkos_system::output::hash_to_words(&out)
}

zkos_guest_rt::entry!(main);
