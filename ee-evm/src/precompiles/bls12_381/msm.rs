//! Multi-scalar multiplication Σ [s_i]P_i by interleaved wNAF (Straus): the k scalars share
//! one chain of 256 doublings, and each point adds one of its precomputed odd multiples about
//! once every WINDOW + 1 bits. Against k separate wNAF multiplications this saves 255 doublings
//! per extra point, which is most of their cost.
//!
//! Variable-time: the inputs of a precompile are public.

use alloc::vec::Vec;
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};

/// wNAF window width: digits are odd and below 2^(WINDOW-1) in absolute value. With 256-bit
/// scalars, 5 minimises the table (2^(WINDOW-2) points) plus the additions (~256/(WINDOW+1)).
const WINDOW: usize = 5;
const TABLE_LEN: usize = 1 << (WINDOW - 2);
const SCALAR_BITS: usize = 256;

/// Σ [scalar]point over `terms`, each scalar a 256-bit number as little-endian limbs.
pub(super) fn msm<A: PrimeCurveAffine>(terms: &[(A, [u64; 4])]) -> A::Curve {
    let terms: Vec<&(A, [u64; 4])> = terms
        .iter()
        .filter(|(point, scalar)| !bool::from(point.is_identity()) && *scalar != [0; 4])
        .collect();
    let tables = odd_multiples(terms.iter().map(|(point, _)| *point));
    let digits: Vec<Vec<i8>> = terms.iter().map(|(_, scalar)| wnaf(scalar)).collect();
    let top = digits.iter().map(Vec::len).max().unwrap_or(0);
    let mut sum = A::Curve::identity();
    for position in (0..top).rev() {
        sum = sum.double();
        for (table, digits) in tables.chunks_exact(TABLE_LEN).zip(&digits) {
            add_digit(&mut sum, table, digits.get(position).copied().unwrap_or(0));
        }
    }
    sum
}

/// `sum += [digit]P` for an odd `digit` (or zero) given P's odd multiples.
fn add_digit<A: PrimeCurveAffine>(sum: &mut A::Curve, table: &[A], digit: i8) {
    let index = usize::from(digit.unsigned_abs() / 2);
    match digit {
        0 => {}
        d if d > 0 => *sum += table[index],
        _ => *sum -= table[index],
    }
}

/// P, 3P, 5P, ... (TABLE_LEN of them) for each point, one after another, in affine form
/// (cheaper to add) through a single batched inversion.
fn odd_multiples<A: PrimeCurveAffine>(points: impl Iterator<Item = A>) -> Vec<A> {
    let mut projective = Vec::new();
    for point in points {
        let point = point.to_curve();
        let double = point.double();
        let mut multiple = point;
        for _ in 0..TABLE_LEN {
            projective.push(multiple);
            multiple += double;
        }
    }
    let mut affine = alloc::vec![A::identity(); projective.len()];
    A::Curve::batch_normalize(&projective, &mut affine);
    affine
}

/// The width-WINDOW non-adjacent form of `scalar`, least significant digit first: every
/// nonzero digit is odd, below 2^(WINDOW-1) in absolute value, and followed by at least
/// WINDOW-1 zeros. It can be one digit longer than the scalar.
fn wnaf(scalar: &[u64; 4]) -> Vec<i8> {
    let width = 1u32 << WINDOW;
    let mut digits = Vec::with_capacity(SCALAR_BITS + 1);
    let mut carry = 0u32;
    let mut position = 0;
    while position <= SCALAR_BITS || carry != 0 {
        let window = bits(scalar, position, WINDOW) + carry;
        if window & 1 == 0 {
            // An even window keeps the carry: with carry 1 the scalar's own bit is 1, so
            // adding it carries on.
            digits.push(0);
            position += 1;
            continue;
        }
        let digit = if window < width / 2 {
            carry = 0;
            window as i8
        } else {
            carry = 1;
            (window as i32 - width as i32) as i8
        };
        digits.push(digit);
        digits.extend(core::iter::repeat_n(0, WINDOW - 1));
        position += WINDOW;
    }
    while digits.last() == Some(&0) {
        digits.pop();
    }
    digits
}

/// `count` bits of `scalar` from bit `position` (zeros past its end), least significant first.
fn bits(scalar: &[u64; 4], position: usize, count: usize) -> u32 {
    (0..count)
        .map(|offset| position + offset)
        .filter(|&bit| bit < SCALAR_BITS && (scalar[bit / 64] >> (bit % 64)) & 1 == 1)
        .fold(0, |window, bit| window | 1 << (bit - position))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bls12_381::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
    use proptest::prelude::*;

    /// The number a wNAF encodes, modulo the group order (as the group sees it).
    fn wnaf_value(digits: &[i8]) -> Scalar {
        digits.iter().rev().fold(Scalar::zero(), |value, &digit| {
            let magnitude = Scalar::from(u64::from(digit.unsigned_abs()));
            let value = value.double();
            if digit < 0 {
                value - magnitude
            } else {
                value + magnitude
            }
        })
    }

    /// Σ [p·s]generator with the library's own scalar multiplication.
    fn naive_sum<G: Group<Scalar = Scalar>>(generator: G, terms: &[(u64, [u64; 4])]) -> G {
        terms
            .iter()
            .map(|&(p, s)| generator * (Scalar::from(p) * scalar_of(&s)))
            .sum()
    }

    fn scalar_of(limbs: &[u64; 4]) -> Scalar {
        let mut wide = [0u8; 64];
        for (chunk, limb) in wide.chunks_exact_mut(8).zip(limbs) {
            chunk.copy_from_slice(&limb.to_le_bytes());
        }
        Scalar::from_bytes_wide(&wide)
    }

    proptest! {
        #[test]
        fn wnaf_digits_encode_the_scalar(limbs in any::<[u64; 4]>()) {
            let digits = wnaf(&limbs);
            prop_assert!(digits.len() <= SCALAR_BITS + 1);
            for (i, &digit) in digits.iter().enumerate() {
                if digit != 0 {
                    prop_assert!(digit % 2 != 0 && digit.unsigned_abs() < 1 << (WINDOW - 1));
                    prop_assert!(digits[i + 1..].iter().take(WINDOW - 1).all(|&d| d == 0));
                }
            }
            prop_assert_eq!(wnaf_value(&digits), scalar_of(&limbs));
        }

        #[test]
        fn msm_is_the_sum_of_the_products(
            terms in proptest::collection::vec((any::<u64>(), any::<[u64; 4]>()), 0..6),
        ) {
            let g1_terms: Vec<_> = terms
                .iter()
                .map(|&(p, s)| (G1Affine::from(G1Affine::generator() * Scalar::from(p)), s))
                .collect();
            let g2_terms: Vec<_> = terms
                .iter()
                .map(|&(p, s)| (G2Affine::from(G2Affine::generator() * Scalar::from(p)), s))
                .collect();
            prop_assert_eq!(msm(&g1_terms), naive_sum(G1Projective::generator(), &terms));
            prop_assert_eq!(msm(&g2_terms), naive_sum(G2Projective::generator(), &terms));
        }
    }
}
