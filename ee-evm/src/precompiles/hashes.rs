//! 0x02 sha256, 0x03 ripemd160 and 0x04 identity: priced per 32-byte word of input.

use super::{word_priced, Budget, PrecompileOutput, PrecompileResult};
use alloc::vec::Vec;
use ripemd::Ripemd160;
use sha2::{Digest, Sha256};

pub(super) fn sha256(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    let gas_used = budget.charge(word_priced(input.len(), 60, 12), 0)?;
    let output = Sha256::digest(input).to_vec();
    Ok(PrecompileOutput { gas_used, output })
}

/// The 20-byte digest, left-padded to a 32-byte word.
pub(super) fn ripemd160(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    let gas_used = budget.charge(word_priced(input.len(), 600, 120), 0)?;
    let mut output = Vec::with_capacity(32);
    output.extend_from_slice(&[0u8; 12]);
    output.extend_from_slice(&Ripemd160::digest(input));
    Ok(PrecompileOutput { gas_used, output })
}

pub(super) fn identity(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    let gas_used = budget.charge(word_priced(input.len(), 15, 3), 0)?;
    Ok(PrecompileOutput {
        gas_used,
        output: input.to_vec(),
    })
}
