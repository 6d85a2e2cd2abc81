//! Expected results computed with reference crates, independently of this crate's
//! algorithms and of the runtime's delegation code (host only, feature `reference`).

use crate::delegations::{self, Report, U256Op, U256Outcome};
use crate::Digest;
use alloc::vec::Vec;
use blake2::{Blake2s256, Digest as _};
use ruint::aliases::U256 as Ref256;
use sha3::Keccak256;
use zkos_guest_rt::U256;

pub fn sha256(data: &[u8]) -> [u8; 32] {
    sha2::Sha256::digest(data).into()
}

pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

pub fn blake2s256(data: &[u8]) -> [u8; 32] {
    Blake2s256::digest(data).into()
}

fn le_words(bytes: &[u8; 32]) -> [u32; 8] {
    core::array::from_fn(|i| u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap()))
}

fn le_bytes(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// Output of the hashing program.
pub fn hashing(data: &[u8]) -> [u32; 8] {
    let mut input = data.to_vec();
    input.extend_from_slice(&keccak256(data));
    le_words(&sha256(&input))
}

/// Output of the sorting program (the library sort in place of both sorts).
pub fn sorting(seed: u32, len: usize) -> [u32; 8] {
    let mut values = crate::sorting::random_values(seed, len);
    values.sort();
    let mut digest = Digest::new();
    digest.push_words(&values);
    digest.finish()
}

/// The node hash as BLAKE2s-256 of the 64 bytes `left ‖ right`.
pub fn node_hash(left: &[u32; 8], right: &[u32; 8]) -> [u32; 8] {
    let mut node = le_bytes(left);
    node.extend(le_bytes(right));
    le_words(&blake2s256(&node))
}

fn to_ref(value: &U256) -> Ref256 {
    Ref256::from_le_slice(&le_bytes(&value.0))
}

fn from_ref(value: Ref256) -> U256 {
    U256::from_le_bytes(&value.to_le_bytes::<32>())
}

/// A U256 operation as `SPEC.md` section 3 defines it, computed with ruint.
pub fn u256_op(op: U256Op, a: &U256, b: &U256) -> U256Outcome {
    let (a, b) = (to_ref(a), to_ref(b));
    let with = |flag: bool| Ref256::from(flag as u8);
    let (value, flag) = match op {
        U256Op::Add { carry_in } => {
            let (sum, c0) = a.overflowing_add(b);
            let (sum, c1) = sum.overflowing_add(with(carry_in));
            (sum, c0 || c1)
        }
        U256Op::Sub { borrow_in } => {
            let (difference, b0) = a.overflowing_sub(b);
            let (difference, b1) = difference.overflowing_sub(with(borrow_in));
            (difference, b0 || b1)
        }
        U256Op::SubAndNegate { borrow_in } => {
            let (difference, b0) = b.overflowing_sub(a);
            let (difference, b1) = difference.overflowing_sub(with(borrow_in));
            (difference, b0 || b1)
        }
        U256Op::MulLow => {
            let product: ruint::aliases::U512 = a.widening_mul(b);
            let limbs = product.as_limbs();
            (
                Ref256::from_limbs(limbs[..4].try_into().unwrap()),
                limbs[4..].iter().any(|&l| l != 0),
            )
        }
        U256Op::MulHigh => {
            let product: ruint::aliases::U512 = a.widening_mul(b);
            (
                Ref256::from_limbs(product.as_limbs()[4..].try_into().unwrap()),
                false,
            )
        }
        U256Op::Eq => (a, a == b),
        U256Op::Copy { increment } => b.overflowing_add(with(increment)),
    };
    U256Outcome {
        value: from_ref(value),
        flag,
    }
}

/// The report of the delegations program.
pub fn delegation_report() -> Report {
    let message_digests = delegations::MESSAGE_LENGTHS
        .iter()
        .map(|&len| blake2s256(&delegations::message(len)))
        .collect();
    let node_digests = delegations::node_pairs()
        .iter()
        .flat_map(|(left, right)| {
            let node = node_hash(left, right);
            [node, node]
        })
        .collect();
    let u256 = delegations::u256_operands()
        .iter()
        .flat_map(|(a, b)| delegations::U256_OPS.map(|op| u256_op(op, a, b)))
        .collect();
    let rom_operand = u256_op(U256Op::Add { carry_in: false }, &U256::ONE, &U256::MAX);
    Report {
        message_digests,
        node_digests,
        u256,
        rom_operand,
    }
}

/// Output of the delegations program.
pub fn delegations_output() -> [u32; 8] {
    le_words(&blake2s256(&delegations::serialize(&delegation_report())))
}

/// Delegation calls the delegations program makes: (BLAKE2s rounds, U256 operations).
pub fn delegation_calls() -> (u64, u64) {
    let blocks = |len: usize| len.div_ceil(64).max(1) as u64;
    let message_blocks: u64 = delegations::MESSAGE_LENGTHS
        .iter()
        .map(|&len| blocks(len))
        .sum();
    let node_compressions = 2 * delegations::NODE_PAIRS as u64;
    let report_blocks = blocks(delegations::serialize(&delegation_report()).len());
    let rounds = 10 * (message_blocks + node_compressions + report_blocks);
    let rom_operand_ops = 1;
    let ops =
        (delegations::u256_operands().len() * delegations::U256_OPS.len()) as u64 + rom_operand_ops;
    (rounds, ops)
}
