//! The EIP-2537 encodings: a base-field element is 64 bytes, 16 zero bytes then the 48-byte
//! big-endian value below p; an F_p² element c0 + c1·u is c0 ‖ c1; a point is x ‖ y, with all
//! zeros for the point at infinity; a scalar is any 32-byte big-endian number.
//!
//! Points are read through the library's uncompressed form (48-byte coordinates, c1 before c0
//! in F_p²), whose top three bits are flags. A canonical coordinate is below p < 2^381, so its
//! top three bits are zero: checking canonicity here first keeps a non-canonical input from
//! being read as a flag (x = 2^382 would otherwise decode as the point at infinity).

use super::super::PrecompileError;
use alloc::vec::Vec;
use bls12_381::{G1Affine, G2Affine};
use group::prime::PrimeCurveAffine;

pub(super) const FP_LEN: usize = 64;
pub(super) const SCALAR_LEN: usize = 32;
const FP_PADDING: usize = 16;
const FP_VALUE_LEN: usize = FP_LEN - FP_PADDING;

/// The BLS12-381 base-field modulus p, big-endian.
const P: [u8; FP_VALUE_LEN] = [
    0x1a, 0x01, 0x11, 0xea, 0x39, 0x7f, 0xe6, 0x9a, 0x4b, 0x1b, 0xa7, 0xb6, 0x43, 0x4b, 0xac, 0xd7,
    0x64, 0x77, 0x4b, 0x84, 0xf3, 0x85, 0x12, 0xbf, 0x67, 0x30, 0xd2, 0xa0, 0xf6, 0xb0, 0xf6, 0x24,
    0x1e, 0xab, 0xff, 0xfe, 0xb1, 0x53, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xab,
];

/// A point of G1 or G2 with its EIP-2537 encoding, so that the precompiles over both groups
/// share one implementation.
pub(super) trait EncodedPoint: PrimeCurveAffine {
    /// The length of an encoded point: two coordinates.
    const LEN: usize;

    /// A point on the curve (not necessarily in the prime-order subgroup) in its canonical
    /// encoding of exactly `LEN` bytes.
    fn decode(bytes: &[u8]) -> Result<Self, PrecompileError>;

    fn encode(&self) -> Vec<u8>;

    fn is_in_subgroup(&self) -> bool;

    /// A point of the prime-order subgroup (as MSM and pairing inputs must be).
    fn decode_in_subgroup(bytes: &[u8]) -> Result<Self, PrecompileError> {
        Some(Self::decode(bytes)?)
            .filter(Self::is_in_subgroup)
            .ok_or(PrecompileError::Failure)
    }
}

impl EncodedPoint for G1Affine {
    const LEN: usize = 2 * FP_LEN;

    fn decode(bytes: &[u8]) -> Result<Self, PrecompileError> {
        let uncompressed: [u8; 96] = flattened(&read_fps::<2>(bytes)?);
        on_curve_or_infinity(&uncompressed, || {
            Option::from(G1Affine::from_uncompressed_unchecked(&uncompressed))
                .filter(|point: &G1Affine| point.is_on_curve().into())
        })
    }

    fn encode(&self) -> Vec<u8> {
        encode_uncompressed(self.is_identity().into(), &self.to_uncompressed())
    }

    fn is_in_subgroup(&self) -> bool {
        self.is_torsion_free().into()
    }
}

impl EncodedPoint for G2Affine {
    const LEN: usize = 4 * FP_LEN;

    fn decode(bytes: &[u8]) -> Result<Self, PrecompileError> {
        let [x0, x1, y0, y1] = read_fps::<4>(bytes)?;
        let uncompressed: [u8; 192] = flattened(&[x1, x0, y1, y0]);
        on_curve_or_infinity(&uncompressed, || {
            Option::from(G2Affine::from_uncompressed_unchecked(&uncompressed))
                .filter(|point: &G2Affine| point.is_on_curve().into())
        })
    }

    fn encode(&self) -> Vec<u8> {
        let mut uncompressed = self.to_uncompressed();
        // c1 ‖ c0 for each coordinate in the library's form, c0 ‖ c1 in EIP-2537's.
        for coordinate in uncompressed.chunks_exact_mut(2 * FP_VALUE_LEN) {
            let (c1, c0) = coordinate.split_at_mut(FP_VALUE_LEN);
            c1.swap_with_slice(c0);
        }
        encode_uncompressed(self.is_identity().into(), &uncompressed)
    }

    fn is_in_subgroup(&self) -> bool {
        self.is_torsion_free().into()
    }
}

/// The point at infinity (the `Default` of the library's affine points) if every coordinate
/// byte is zero, otherwise the decoded point if it is on the curve.
fn on_curve_or_infinity<P: Default>(
    coordinates: &[u8],
    decode_on_curve: impl FnOnce() -> Option<P>,
) -> Result<P, PrecompileError> {
    if coordinates.iter().all(|&byte| byte == 0) {
        return Ok(P::default());
    }
    decode_on_curve().ok_or(PrecompileError::Failure)
}

/// The 48-byte values one after another; `N` is their total length.
fn flattened<const N: usize>(values: &[[u8; FP_VALUE_LEN]]) -> [u8; N] {
    values
        .as_flattened()
        .try_into()
        .expect("N is the length of the values together")
}

/// The library's uncompressed coordinates (flags clear unless at infinity), each padded to
/// 64 bytes; all zeros for the point at infinity.
fn encode_uncompressed(is_identity: bool, uncompressed: &[u8]) -> Vec<u8> {
    if is_identity {
        return alloc::vec![0u8; uncompressed.len() / FP_VALUE_LEN * FP_LEN];
    }
    padded_fps(uncompressed)
}

/// 48-byte field-element values, each padded to 64 bytes.
pub(super) fn padded_fps(values: &[u8]) -> Vec<u8> {
    let mut encoded = alloc::vec![0u8; values.len() / FP_VALUE_LEN * FP_LEN];
    for (padded, value) in encoded
        .chunks_exact_mut(FP_LEN)
        .zip(values.chunks_exact(FP_VALUE_LEN))
    {
        padded[FP_PADDING..].copy_from_slice(value);
    }
    encoded
}

/// `N` consecutive field elements, each checked to be canonical, as their 48-byte values.
fn read_fps<const N: usize>(bytes: &[u8]) -> Result<[[u8; FP_VALUE_LEN]; N], PrecompileError> {
    if bytes.len() != N * FP_LEN {
        return Err(PrecompileError::Failure);
    }
    let mut values = [[0u8; FP_VALUE_LEN]; N];
    for (value, encoded) in values.iter_mut().zip(bytes.chunks_exact(FP_LEN)) {
        *value = read_fp(encoded)?;
    }
    Ok(values)
}

/// The 48-byte value of a 64-byte field element, if its padding is zero and it is below p.
fn read_fp(encoded: &[u8]) -> Result<[u8; FP_VALUE_LEN], PrecompileError> {
    let (padding, value) = encoded.split_at(FP_PADDING);
    let value: [u8; FP_VALUE_LEN] = value.try_into().map_err(|_| PrecompileError::Failure)?;
    // Big-endian arrays of equal length compare as the numbers they encode.
    if padding.iter().any(|&byte| byte != 0) || value >= P {
        return Err(PrecompileError::Failure);
    }
    Ok(value)
}

/// `LEN / 64` canonical field elements, as the input of the library's `HashToField::from_okm`:
/// their encoding itself, since it reduces that big-endian number modulo p (64 bytes per
/// element) and a canonical value is already reduced.
pub(super) fn field_elements<const LEN: usize>(
    bytes: &[u8],
) -> Result<&[u8; LEN], PrecompileError> {
    let elements: &[u8; LEN] = bytes.try_into().map_err(|_| PrecompileError::Failure)?;
    for element in elements.chunks_exact(FP_LEN) {
        read_fp(element)?;
    }
    Ok(elements)
}

/// A 32-byte big-endian scalar as four little-endian 64-bit limbs.
pub(super) fn read_scalar(bytes: &[u8]) -> [u64; 4] {
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.rchunks_exact(8)) {
        *limb = u64::from_be_bytes(chunk.try_into().expect("rchunks_exact yields 8 bytes"));
    }
    limbs
}
