//! 0x100 P256VERIFY (EIP-7951, Osaka): ECDSA verification on secp256r1.
//!
//! Input: hash ‖ r ‖ s ‖ qx ‖ qy, exactly 160 bytes. Every call that can pay costs 6900
//! gas; a valid signature returns the 32-byte word 1, anything else (a wrong length, values
//! out of range, a key off the curve, a failed verification) returns nothing, which is
//! not a failure of the call.

use super::{Budget, PrecompileOutput, PrecompileResult};
use alloc::vec::Vec;

const GAS: u64 = 6900;
const INPUT_LEN: usize = 160;

pub(super) fn run(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    let gas_used = budget.charge(GAS, 0)?;
    let output = if verifies(input) {
        let mut one = [0u8; 32];
        one[31] = 1;
        one.to_vec()
    } else {
        Vec::new()
    };
    Ok(PrecompileOutput { gas_used, output })
}

fn verifies(input: &[u8]) -> bool {
    let Ok(input) = <&[u8; INPUT_LEN]>::try_from(input) else {
        return false;
    };
    let word = |index: usize| -> &[u8; 32] {
        input[32 * index..32 * (index + 1)]
            .try_into()
            .expect("32 bytes")
    };
    zkos_p256::verify(word(0), word(1), word(2), word(3), word(4))
}
