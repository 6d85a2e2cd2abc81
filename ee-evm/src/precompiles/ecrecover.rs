//! 0x01 ecrecover: the address that signed a message hash, or empty output if the signature is
//! invalid (the gas is charged either way).

use super::{charge, padded, PrecompileOutput, PrecompileResult};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use sha3::{Digest, Keccak256};

const GAS: u64 = 3000;

pub(super) fn run(input: &[u8], gas_limit: u64) -> PrecompileResult {
    let gas_used = charge(gas_limit, GAS)?;
    let input = padded::<128>(input, 0);
    let output = recover_address(&input).map_or_else(Default::default, |word| word.to_vec());
    Ok(PrecompileOutput { gas_used, output })
}

/// Input: hash ‖ v ‖ r ‖ s, four 32-byte words; v must be 27 or 28 and 0 < r, s < n.
/// Unlike transaction signatures, a high s is allowed here.
fn recover_address(input: &[u8; 128]) -> Option<[u8; 32]> {
    let (hash, rest) = input.split_at(32);
    let (v, rs) = rest.split_at(32);
    let y_odd = match (v[..31].iter().all(|&byte| byte == 0), v[31]) {
        (true, 27) => false,
        (true, 28) => true,
        _ => return None,
    };
    let signature = Signature::from_slice(rs).ok()?;
    // k256 only recovers from low-s signatures; (r, -s) with the other parity names the same key.
    let (signature, y_odd) = match signature.normalize_s() {
        Some(low_s) => (low_s, !y_odd),
        None => (signature, y_odd),
    };
    let recovery_id = RecoveryId::new(y_odd, false);
    let key = VerifyingKey::recover_from_prehash(hash, &signature, recovery_id).ok()?;
    let public_key = key.to_encoded_point(false);
    let digest = Keccak256::digest(&public_key.as_bytes()[1..]);
    let mut word = [0u8; 32];
    word[12..].copy_from_slice(&digest[12..]);
    Some(word)
}
