//! 0x01 ecrecover: the address that signed a message hash, or empty output if the signature is
//! invalid (the gas is charged either way). Recovery runs on the U256 delegation on RISC-V
//! (`zkos-secp256k1`, bit-identical to k256).

use super::{padded, Budget, PrecompileOutput, PrecompileResult};
use ruint::aliases::U256;

/// The order of secp256k1's group.
const N: U256 =
    ruint::uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256);

const GAS: u64 = 3000;

pub(super) fn run(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    let gas_used = budget.charge(GAS, 0)?;
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
    let (r, s) = rs.split_at(32);
    let r = U256::from_be_slice(r);
    let s = U256::from_be_slice(s);
    if r.is_zero() || r >= N || s.is_zero() || s >= N {
        return None;
    }
    // Recovery takes low-s signatures; (r, n - s) with the other parity names the same key.
    let (s, y_odd) = if s > N >> 1 {
        (N - s, !y_odd)
    } else {
        (s, y_odd)
    };
    let hash: &[u8; 32] = hash.try_into().ok()?;
    let key = zkos_secp256k1::recover(hash, &r.to_be_bytes(), &s.to_be_bytes(), y_odd as u8)?;
    let digest = zkos_keccak::keccak256(&key);
    let mut word = [0u8; 32];
    word[12..].copy_from_slice(&digest[12..]);
    Some(word)
}
