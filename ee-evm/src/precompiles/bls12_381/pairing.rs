//! 0x0f PAIRING_CHECK: whether the product of the pairings e(P_i, Q_i) of k > 0 pairs of
//! subgroup points is one, as a 32-byte word. A pair with the point at infinity contributes one.

use super::encoding::EncodedPoint;
use crate::native;
use crate::precompiles::{Budget, PrecompileError, PrecompileOutput, PrecompileResult};
use alloc::vec::Vec;
use bls12_381::{multi_miller_loop, G1Affine, G2Affine, G2Prepared, Gt};

const BASE_GAS: u64 = 37_700;
const PER_PAIR_GAS: u64 = 32_600;
const PAIR_LEN: usize = <G1Affine as EncodedPoint>::LEN + <G2Affine as EncodedPoint>::LEN;
const WORD: usize = 32;

pub(in crate::precompiles) fn pairing_check(
    input: &[u8],
    budget: &mut Budget<'_>,
) -> PrecompileResult {
    if input.is_empty() || !input.len().is_multiple_of(PAIR_LEN) {
        return Err(PrecompileError::Failure);
    }
    let pairs = (input.len() / PAIR_LEN) as u64;
    let gas_used = budget.charge(
        PER_PAIR_GAS.saturating_mul(pairs).saturating_add(BASE_GAS),
        native::bls_pairing(pairs),
    )?;
    let mut terms = Vec::new();
    for pair in input.chunks_exact(PAIR_LEN) {
        let (p, q) = pair.split_at(<G1Affine as EncodedPoint>::LEN);
        let p = G1Affine::decode_in_subgroup(p)?;
        let q = G2Affine::decode_in_subgroup(q)?;
        if !bool::from(p.is_identity() | q.is_identity()) {
            terms.push((p, G2Prepared::from(q)));
        }
    }
    let terms: Vec<(&G1Affine, &G2Prepared)> = terms.iter().map(|(p, q)| (p, q)).collect();
    let is_one = multi_miller_loop(&terms).final_exponentiation() == Gt::identity();
    let mut output = alloc::vec![0u8; WORD];
    output[WORD - 1] = u8::from(is_one);
    Ok(PrecompileOutput { gas_used, output })
}
