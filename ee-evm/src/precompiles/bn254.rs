//! 0x06 add, 0x07 mul and 0x08 pairing check on the alt_bn128 curve (EIP-196, EIP-197), priced
//! by EIP-1108.
//!
//! Encoding: a base-field element is a 32-byte big-endian word below the field modulus; a G1
//! point is x ‖ y and a G2 point is x ‖ y with each coordinate of F_p² written as imaginary ‖ real
//! part. The all-zero encoding is the point at infinity. Points off the curve, or G2 points outside
//! the order-r subgroup, make the call fail.

use super::{padded, Budget, PrecompileError, PrecompileOutput, PrecompileResult};
use crate::native;
use alloc::vec::Vec;
use ark_bn254::{Bn254, Fq, Fq2, G1Affine, G1Projective, G2Affine};
use ark_ec::{pairing::Pairing, AffineRepr, CurveGroup};
use ark_ff::{BigInt, One, PrimeField, Zero};

const ADD_GAS: u64 = 150;
const MUL_GAS: u64 = 6_000;
const PAIRING_BASE_GAS: u64 = 45_000;
const PAIRING_PER_PAIR_GAS: u64 = 34_000;

const WORD: usize = 32;
const G1_LEN: usize = 2 * WORD;
const G2_LEN: usize = 4 * WORD;
const PAIR_LEN: usize = G1_LEN + G2_LEN;

pub(super) fn add(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    let gas_used = budget.charge(ADD_GAS, native::BN254_ADD)?;
    let input = padded::<{ 2 * G1_LEN }>(input, 0);
    let a = read_g1(&input[..G1_LEN])?;
    let b = read_g1(&input[G1_LEN..])?;
    let sum = G1Projective::from(a) + b;
    Ok(PrecompileOutput {
        gas_used,
        output: encode_g1(sum.into_affine()),
    })
}

/// The scalar is any 256-bit number: G1 has prime order r, so it need not be reduced.
pub(super) fn mul(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    let gas_used = budget.charge(MUL_GAS, native::BN254_MUL)?;
    let input = padded::<{ G1_LEN + WORD }>(input, 0);
    let point = read_g1(&input[..G1_LEN])?;
    let product = point.mul_bigint(be_limbs(&input[G1_LEN..]));
    Ok(PrecompileOutput {
        gas_used,
        output: encode_g1(product.into_affine()),
    })
}

/// Whether the product of the pairings of k (G1, G2) pairs is one, as a 32-byte word.
pub(super) fn pairing(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    let pairs = (input.len() / PAIR_LEN) as u64;
    let cost = PAIRING_PER_PAIR_GAS
        .saturating_mul(pairs)
        .saturating_add(PAIRING_BASE_GAS);
    let gas_used = budget.charge(cost, native::bn254_pairing(pairs))?;
    if !input.len().is_multiple_of(PAIR_LEN) {
        return Err(PrecompileError::Failure);
    }
    let mut g1_points = Vec::with_capacity(pairs as usize);
    let mut g2_points = Vec::with_capacity(pairs as usize);
    for pair in input.chunks_exact(PAIR_LEN) {
        let g1 = read_g1(&pair[..G1_LEN])?;
        let g2 = read_g2(&pair[G1_LEN..])?;
        // A pair with the point at infinity contributes a factor of one.
        if !g1.is_zero() && !g2.is_zero() {
            g1_points.push(g1);
            g2_points.push(g2);
        }
    }
    let is_one = g1_points.is_empty() || Bn254::multi_pairing(g1_points, g2_points).0.is_one();
    let mut output = alloc::vec![0u8; WORD];
    output[WORD - 1] = u8::from(is_one);
    Ok(PrecompileOutput { gas_used, output })
}

/// A 32-byte big-endian number as little-endian 64-bit limbs.
fn be_limbs(word: &[u8]) -> BigInt<4> {
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(word.rchunks_exact(8)) {
        *limb = u64::from_be_bytes(chunk.try_into().expect("rchunks_exact yields 8 bytes"));
    }
    BigInt(limbs)
}

fn read_fq(word: &[u8]) -> Result<Fq, PrecompileError> {
    Fq::from_bigint(be_limbs(word)).ok_or(PrecompileError::Failure)
}

fn read_g1(bytes: &[u8]) -> Result<G1Affine, PrecompileError> {
    let x = read_fq(&bytes[..WORD])?;
    let y = read_fq(&bytes[WORD..G1_LEN])?;
    if x.is_zero() && y.is_zero() {
        return Ok(G1Affine::zero());
    }
    // G1's cofactor is one: being on the curve is enough.
    let point = G1Affine::new_unchecked(x, y);
    if !point.is_on_curve() {
        return Err(PrecompileError::Failure);
    }
    Ok(point)
}

fn read_fq2(bytes: &[u8]) -> Result<Fq2, PrecompileError> {
    let imaginary = read_fq(&bytes[..WORD])?;
    let real = read_fq(&bytes[WORD..2 * WORD])?;
    Ok(Fq2::new(real, imaginary))
}

fn read_g2(bytes: &[u8]) -> Result<G2Affine, PrecompileError> {
    let x = read_fq2(&bytes[..2 * WORD])?;
    let y = read_fq2(&bytes[2 * WORD..G2_LEN])?;
    if x.is_zero() && y.is_zero() {
        return Ok(G2Affine::zero());
    }
    let point = G2Affine::new_unchecked(x, y);
    if !point.is_on_curve() || !point.is_in_correct_subgroup_assuming_on_curve() {
        return Err(PrecompileError::Failure);
    }
    Ok(point)
}

fn encode_g1(point: G1Affine) -> Vec<u8> {
    let mut output = alloc::vec![0u8; G1_LEN];
    if let Some((x, y)) = point.xy() {
        write_fq(&mut output[..WORD], x);
        write_fq(&mut output[WORD..], y);
    }
    output
}

fn write_fq(word: &mut [u8], value: Fq) {
    let limbs = value.into_bigint().0;
    for (chunk, limb) in word.rchunks_exact_mut(8).zip(limbs) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
}
