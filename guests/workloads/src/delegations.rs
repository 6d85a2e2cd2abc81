//! The delegations program: BLAKE2s-256 of messages of several lengths (normal mode),
//! Merkle node hashes (compression mode, both sides), and every U256 operation on edge
//! and pseudo-random operands. The output is the BLAKE2s-256 of the serialised
//! [`Report`], itself computed through the delegation.

use crate::rng::XorShift64;
use alloc::vec::Vec;
use zkos_guest_rt::{blake2s, U256};

/// Lengths around the block size (64 bytes) and a few blocks long.
pub const MESSAGE_LENGTHS: [usize; 10] = [0, 1, 3, 32, 63, 64, 65, 128, 200, 1000];

/// How many node pairs are hashed (each twice: state as left, state as right).
pub const NODE_PAIRS: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum U256Op {
    Add { carry_in: bool },
    Sub { borrow_in: bool },
    SubAndNegate { borrow_in: bool },
    MulLow,
    MulHigh,
    Eq,
    Copy { increment: bool },
}

pub const U256_OPS: [U256Op; 11] = [
    U256Op::Add { carry_in: false },
    U256Op::Add { carry_in: true },
    U256Op::Sub { borrow_in: false },
    U256Op::Sub { borrow_in: true },
    U256Op::SubAndNegate { borrow_in: false },
    U256Op::SubAndNegate { borrow_in: true },
    U256Op::MulLow,
    U256Op::MulHigh,
    U256Op::Eq,
    U256Op::Copy { increment: false },
    U256Op::Copy { increment: true },
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct U256Outcome {
    pub value: U256,
    pub flag: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// BLAKE2s-256 of [`message`] for each of [`MESSAGE_LENGTHS`].
    pub message_digests: Vec<[u8; 32]>,
    /// For each of [`node_pairs`]: `hash_node(left, right)`, then the same node hashed
    /// with the right node in the device's state.
    pub node_digests: Vec<[u32; 8]>,
    /// For each of [`u256_operands`] and each of [`U256_OPS`] in order.
    pub u256: Vec<U256Outcome>,
    /// `1 + MAX` with `MAX` read from ROM (the wrapper must copy it to RAM first).
    pub rom_operand: U256Outcome,
}

/// An operand that lives in ROM (`.rodata`), where the device may not read it.
pub static ROM_OPERAND: U256 = U256::MAX;

pub fn run() -> [u32; 8] {
    blake2s::bytes_to_words(&blake2s::blake2s256(&serialize(&report())))
}

pub fn report() -> Report {
    let message_digests = MESSAGE_LENGTHS
        .iter()
        .map(|&len| blake2s::blake2s256(&message(len)))
        .collect();
    let node_digests = node_pairs()
        .iter()
        .flat_map(|(left, right)| {
            [
                blake2s::hash_node(left, right),
                blake2s::compress_node(right, left, true),
            ]
        })
        .collect();
    let u256 = u256_operands()
        .iter()
        .flat_map(|(a, b)| U256_OPS.map(|op| apply(op, a, b)))
        .collect();
    let rom_operand = apply(U256Op::Add { carry_in: false }, &U256::ONE, &ROM_OPERAND);
    Report {
        message_digests,
        node_digests,
        u256,
        rom_operand,
    }
}

/// The message of length `len` (bytes vary with position and length).
pub fn message(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 + len * 7 + 5) as u8).collect()
}

pub fn node_pairs() -> [([u32; 8], [u32; 8]); NODE_PAIRS] {
    let mut rng = XorShift64::new(0x6E0D);
    let mut random = || core::array::from_fn(|_| rng.next_u32());
    [
        ([0; 8], [0; 8]),
        ([u32::MAX; 8], [0; 8]),
        (random(), random()),
        (random(), random()),
    ]
}

/// Operand pairs: carries through every limb, zero, the top bit, equal operands, and
/// pseudo-random values of full and half width.
pub fn u256_operands() -> Vec<(U256, U256)> {
    let top_bit = U256([0, 0, 0, 0, 0, 0, 0, 0x8000_0000]);
    let half = U256([u32::MAX, u32::MAX, u32::MAX, u32::MAX, 0, 0, 0, 0]);
    let mut pairs = alloc::vec![
        (U256::ZERO, U256::ZERO),
        (U256::MAX, U256::ONE),
        (U256::ONE, U256::MAX),
        (U256::ZERO, U256::ONE),
        (U256::MAX, U256::MAX),
        (top_bit, top_bit),
        (half, half),
        (U256::from_u64(u64::MAX), U256::from_u64(u64::MAX)),
    ];
    let mut rng = XorShift64::new(0x0256);
    for width in [8, 8, 4, 2] {
        let mut random = || {
            U256(core::array::from_fn(|i| {
                if i < width {
                    rng.next_u32()
                } else {
                    0
                }
            }))
        };
        let a = random();
        pairs.push((a, random()));
        pairs.push((a, a));
    }
    pairs
}

/// One operation through the U256 delegation.
pub fn apply(op: U256Op, a: &U256, b: &U256) -> U256Outcome {
    let mut value = *a;
    let flag = match op {
        U256Op::Add { carry_in } => value.add_with_carry(b, carry_in),
        U256Op::Sub { borrow_in } => value.sub_with_borrow(b, borrow_in),
        U256Op::SubAndNegate { borrow_in } => value.sub_and_negate(b, borrow_in),
        U256Op::MulLow => value.mul_low(b),
        U256Op::MulHigh => {
            value.mul_high(b);
            false
        }
        U256Op::Eq => value.eq_delegated(b),
        U256Op::Copy { increment } => value.copy_from(b, increment),
    };
    U256Outcome { value, flag }
}

/// Message digests, then node digests (words little-endian), then each U256 result
/// (32 bytes little-endian and one flag byte), the ROM-operand result last.
pub fn serialize(report: &Report) -> Vec<u8> {
    let mut bytes = Vec::new();
    for digest in &report.message_digests {
        bytes.extend_from_slice(digest);
    }
    for node in &report.node_digests {
        bytes.extend_from_slice(&blake2s::words_to_bytes(node));
    }
    for outcome in report.u256.iter().chain([&report.rom_operand]) {
        bytes.extend_from_slice(&outcome.value.to_le_bytes());
        bytes.push(outcome.flag as u8);
    }
    bytes
}
