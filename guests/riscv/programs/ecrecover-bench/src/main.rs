//! Input: the implementation (0: k256, 1: zkos-secp256k1), a repetition count, then one
//! signature: message hash, r and s (32 bytes each, as 8 words with little-endian bytes)
//! and the recovery id (1 word). Recovers the public key `count` times.
//! Output: BLAKE2s of the last key's `x ‖ y` (64 bytes of 0xFF for no key or count 0).
#![no_std]
#![no_main]

use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use zkos_guest_rt::oracle::read;

type Recover = fn(&[u8; 32], &[u8; 32], &[u8; 32], u8) -> Option<[u8; 64]>;

fn read_bytes32() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_exact_mut(4) {
        chunk.copy_from_slice(&read().to_le_bytes());
    }
    bytes
}

fn recover_k256(hash: &[u8; 32], r: &[u8; 32], s: &[u8; 32], id: u8) -> Option<[u8; 64]> {
    let recovery_id = RecoveryId::from_byte(id)?;
    let signature = Signature::from_scalars(*r, *s).ok()?;
    let key = VerifyingKey::recover_from_prehash(hash, &signature, recovery_id).ok()?;
    key.to_encoded_point(false).as_bytes()[1..].try_into().ok()
}

fn main() -> [u32; 8] {
    let implementation = read();
    let count = read();
    let (hash, r, s) = (read_bytes32(), read_bytes32(), read_bytes32());
    let id = read() as u8;
    let recover: Recover = match implementation {
        0 => recover_k256,
        1 => zkos_secp256k1::recover,
        _ => zkos_guest_rt::abort(),
    };
    let mut key = None;
    for _ in 0..count {
        key = recover(&hash, &r, &s, id);
    }
    let digest = zkos_guest_rt::blake2s256(&key.unwrap_or([0xFF; 64]));
    zkos_guest_rt::blake2s::bytes_to_words(&digest)
}

zkos_guest_rt::entry!(main);
