//! The public output: one hash binding the previous commitment, the new commitment and
//! the block (number, environment, transactions), as the 8 words of x10..x17.
use crate::block::BlockEnv;
use crate::hash::{hash_concat, Blake2s};
use crate::tree::Commitment;
use crate::types::B256;
use alloc::vec::Vec;

/// `blake2s(env encoding ‖ tx count (4, LE) ‖ keccak(raw tx) for each tx)`.
pub fn block_digest(hasher: &dyn Blake2s, env: &BlockEnv, tx_hashes: &[B256]) -> B256 {
    let mut bytes = env.encode();
    bytes.extend_from_slice(&(tx_hashes.len() as u32).to_le_bytes());
    for hash in tx_hashes {
        bytes.extend_from_slice(hash);
    }
    hasher.hash(&bytes)
}

/// `blake2s(previous commitment hash ‖ new commitment hash ‖ block digest)`.
pub fn public_output_hash(
    hasher: &dyn Blake2s,
    previous: &Commitment,
    new: &Commitment,
    block_digest: &B256,
) -> B256 {
    hash_concat(
        hasher,
        &[&previous.hash(hasher), &new.hash(hasher), block_digest],
    )
}

/// The hash as the 8 output registers (little-endian words).
pub fn hash_to_words(hash: &B256) -> [u32; 8] {
    core::array::from_fn(|i| u32::from_le_bytes(hash[4 * i..4 * i + 4].try_into().unwrap()))
}

pub fn words_to_hash(words: &[u32; 8]) -> B256 {
    let bytes: Vec<u8> = words.iter().flat_map(|word| word.to_le_bytes()).collect();
    bytes.try_into().unwrap()
}
