//! 0x0a KZG point evaluation (EIP-4844): checks that the polynomial committed to in a blob's
//! commitment takes the value y at z, given a KZG proof.
//!
//! Input, exactly 192 bytes: versioned_hash ‖ z ‖ y ‖ commitment (48) ‖ proof (48), with z and y
//! big-endian BLS12-381 scalars below the modulus and the points compressed G1 points.

use super::{Budget, PrecompileError, PrecompileOutput, PrecompileResult};
use crate::native;
use bls12_381::{multi_miller_loop, G1Affine, G1Projective, G2Affine, G2Prepared, Gt, Scalar};
use group::Wnaf;
use sha2::{Digest, Sha256};

const GAS: u64 = 50_000;
const INPUT_LEN: usize = 192;
const VERSIONED_HASH_VERSION_KZG: u8 = 0x01;

/// FIELD_ELEMENTS_PER_BLOB (4096) ‖ BLS_MODULUS, each a 32-byte word.
const RETURN_VALUE: [u8; 64] = {
    let mut value = [0u8; 64];
    value[30] = 0x10;
    let modulus = BLS_MODULUS_BE;
    let mut i = 0;
    while i < 32 {
        value[32 + i] = modulus[i];
        i += 1;
    }
    value
};

const BLS_MODULUS_BE: [u8; 32] = [
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
];

/// [τ]G2 of the Ethereum KZG ceremony (g2_monomial[1] of the mainnet trusted setup), stored
/// uncompressed so that loading it costs no square root; a test checks it against the published
/// compressed form.
pub const TAU_G2_UNCOMPRESSED: [u8; 192] = [
    0x15, 0xbf, 0xd7, 0xdd, 0x8c, 0xde, 0xb1, 0x28, 0x84, 0x3b, 0xc2, 0x87, 0x23, 0x0a, 0xf3, 0x89,
    0x26, 0x18, 0x70, 0x75, 0xcb, 0xfb, 0xef, 0xa8, 0x10, 0x09, 0xa2, 0xce, 0x61, 0x5a, 0xc5, 0x3d,
    0x29, 0x14, 0xe5, 0x87, 0x0c, 0xb4, 0x52, 0xd2, 0xaf, 0xaa, 0xab, 0x24, 0xf3, 0x49, 0x9f, 0x72,
    0x18, 0x5c, 0xbf, 0xee, 0x53, 0x49, 0x27, 0x14, 0x73, 0x44, 0x29, 0xb7, 0xb3, 0x86, 0x08, 0xe2,
    0x39, 0x26, 0xc9, 0x11, 0xcc, 0xec, 0xea, 0xc9, 0xa3, 0x68, 0x51, 0x47, 0x7b, 0xa4, 0xc6, 0x0b,
    0x08, 0x70, 0x41, 0xde, 0x62, 0x10, 0x00, 0xed, 0xc9, 0x8e, 0xda, 0xda, 0x20, 0xc1, 0xde, 0xf2,
    0x16, 0x66, 0xc5, 0x4b, 0x0a, 0x32, 0x52, 0x95, 0x03, 0x43, 0x2f, 0xca, 0xe0, 0x18, 0x1b, 0x4b,
    0xef, 0x79, 0xde, 0x09, 0xfc, 0x63, 0x67, 0x1f, 0xda, 0x5e, 0xd1, 0xba, 0x9b, 0xfa, 0x07, 0x89,
    0x94, 0x95, 0x34, 0x6f, 0x3d, 0x7a, 0xc9, 0xcd, 0x23, 0x04, 0x8e, 0xf3, 0x0d, 0x0a, 0x15, 0x4f,
    0x01, 0x43, 0x53, 0xbd, 0xb9, 0x6b, 0x62, 0x6d, 0xd7, 0xd5, 0xee, 0x85, 0x99, 0xd1, 0xfc, 0xa2,
    0x13, 0x15, 0x69, 0x49, 0x0e, 0x28, 0xde, 0x18, 0xe8, 0x24, 0x51, 0xa4, 0x96, 0xa9, 0xc9, 0x79,
    0x4c, 0xe2, 0x6d, 0x10, 0x59, 0x41, 0xf3, 0x83, 0xee, 0x68, 0x9b, 0xfb, 0xbb, 0x83, 0x2a, 0x99,
];

pub(super) fn run(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    let gas_used = budget.charge(GAS, native::POINT_EVALUATION)?;
    let input: &[u8; INPUT_LEN] = input.try_into().map_err(|_| PrecompileError::Failure)?;
    let (versioned_hash, rest) = input.split_at(32);
    let (z, rest) = rest.split_at(32);
    let (y, rest) = rest.split_at(32);
    let (commitment, proof) = rest.split_at(48);
    if versioned_hash != kzg_to_versioned_hash(commitment) {
        return Err(PrecompileError::Failure);
    }
    if verify_kzg_proof(commitment, z, y, proof) != Some(true) {
        return Err(PrecompileError::Failure);
    }
    Ok(PrecompileOutput {
        gas_used,
        output: RETURN_VALUE.to_vec(),
    })
}

/// VERSIONED_HASH_VERSION_KZG ‖ sha256(commitment)[1..].
pub fn kzg_to_versioned_hash(commitment: &[u8]) -> [u8; 32] {
    let mut hash: [u8; 32] = Sha256::digest(commitment).into();
    hash[0] = VERSIONED_HASH_VERSION_KZG;
    hash
}

/// `None` if an input is not canonical; otherwise whether the proof shows p(z) = y:
/// e(commitment - [y]G1, -G2) · e(proof, [τ]G2 - [z]G2) = 1, computed in the equivalent form
/// e(commitment - [y]G1 + [z]proof, -G2) · e(proof, [τ]G2) = 1, which keeps both scalar
/// multiplications in G1 (several times cheaper than in G2).
fn verify_kzg_proof(commitment: &[u8], z: &[u8], y: &[u8], proof: &[u8]) -> Option<bool> {
    let commitment = read_g1(commitment)?;
    let proof = read_g1(proof)?;
    let z = read_scalar(z)?;
    let y = read_scalar(y)?;
    let combined =
        G1Projective::from(commitment) - wnaf_mul(G1Affine::generator(), &y) + wnaf_mul(proof, &z);
    let terms = [
        (
            &G1Affine::from(combined),
            &G2Prepared::from(-G2Affine::generator()),
        ),
        (&proof, &G2Prepared::from(tau_g2())),
    ];
    Some(multi_miller_loop(&terms).final_exponentiation() == Gt::identity())
}

/// [scalar]point, variable-time (the inputs are public): wNAF needs far fewer additions than
/// the library's constant-time double-and-add.
fn wnaf_mul(point: G1Affine, scalar: &Scalar) -> G1Projective {
    Wnaf::new().scalar(scalar).base(G1Projective::from(point))
}

/// A compressed G1 point, on the curve and in the subgroup, in its canonical encoding.
fn read_g1(bytes: &[u8]) -> Option<G1Affine> {
    let bytes: &[u8; 48] = bytes.try_into().ok()?;
    G1Affine::from_compressed(bytes).into()
}

/// A big-endian scalar below the BLS12-381 group order.
fn read_scalar(bytes: &[u8]) -> Option<Scalar> {
    let mut le: [u8; 32] = bytes.try_into().ok()?;
    le.reverse();
    Scalar::from_bytes(&le).into()
}

fn tau_g2() -> G2Affine {
    G2Affine::from_uncompressed_unchecked(&TAU_G2_UNCOMPRESSED)
        .expect("the embedded trusted-setup point is a valid encoding")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// g2_monomial[1] of the mainnet trusted setup, as published (compressed).
    const TAU_G2_COMPRESSED: &str = "b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f72185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2";

    #[test]
    fn embedded_tau_g2_is_the_published_setup_point() {
        let compressed: [u8; 96] = hex::decode(TAU_G2_COMPRESSED).unwrap().try_into().unwrap();
        let published = G2Affine::from_compressed(&compressed).unwrap();
        assert_eq!(published.to_uncompressed(), TAU_G2_UNCOMPRESSED);
        assert!(bool::from(
            G2Affine::from_uncompressed(&TAU_G2_UNCOMPRESSED).is_some()
        ));
    }
}
