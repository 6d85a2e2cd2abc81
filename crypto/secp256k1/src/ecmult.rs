//! The scalar multiplications of recovery. [`check_key`] checks an advised key with about
//! 64 doublings; [`double_mul`] computes `u1·G + u2·P` in full (for a key claimed at
//! infinity).
//!
//! `u1·G + u2·P` by Strauss' method with the GLV endomorphism: each scalar splits into
//! two halves below 2^128 (`u = k1 + k2·λ`), so the four products `k1·G + k2·λG +
//! k1'·P + k2'·λP` share one chain of about 130 doublings. The halves are in w-NAF;
//! additions come from a fixed table of G's odd multiples (affine, in ROM) and a table
//! of P's odd multiples built per call, with λ applied as `x -> β·x` on the way.
//!
//! The sum is kept in affine coordinates: each doubling and addition takes its slope as
//! advice (checked by one product), and then costs 2 or 3 products more instead of a
//! Jacobian formula's 7 to 16.

use crate::advice::{self, Advisor, Question};
use crate::field::{Field, FieldElement};
use crate::g_table::{G64_ODD_MULTIPLES, G_ODD_MULTIPLES, G_WINDOW};
use crate::point::{AffinePoint, BETA};
use crate::scalar::{Scalar, SignedHalf};
use zkos_ecc::{odd_multiples_affine, strauss_affine, Digits, Divider, NonZero, Terms};
use zkos_guest_rt::U256;

const P_WINDOW: u32 = 5;
const P_TABLE_SIZE: usize = 1 << (P_WINDOW - 2);

/// Digits of a magnitude below 2^128 (a λ-half, or an entry of the key check's vector):
/// 128 positions and one for the last carry.
const HALF_DIGITS: usize = 129;

type HalfDigits = Digits<FieldElement, HALF_DIGITS>;

/// A table's place before it is filled.
const NO_POINT: AffinePoint = AffinePoint {
    x: FieldElement::ZERO,
    y: FieldElement::ZERO,
};

/// The digits of both halves of `scalar`; the second's points are taken at λ.
fn halves(scalar: &Scalar, width: u32) -> [HalfDigits; 2] {
    let [k1, k2] = scalar.split_lambda();
    let digits =
        |half: &SignedHalf, factor| HalfDigits::new(&half.magnitude, width, half.negative, factor);
    [digits(&k1, None), digits(&k2, Some(BETA))]
}

/// Field quotients as checked advice.
struct AdvisedQuotients<'a>(&'a mut dyn Advisor);

impl Divider<Field> for AdvisedQuotients<'_> {
    fn divide(
        &mut self,
        f: &mut Field,
        numerator: &FieldElement,
        denominator: &NonZero<FieldElement>,
    ) -> FieldElement {
        f.divide_advised(numerator, denominator, self.0)
    }
}

/// `u1·G + u2·P`, `None` for infinity.
pub fn double_mul(
    f: &mut Field,
    advisor: &mut dyn Advisor,
    u1: &Scalar,
    u2: &Scalar,
    point: &AffinePoint,
) -> Option<AffinePoint> {
    let g_halves = halves(u1, G_WINDOW);
    let p_halves = halves(u2, P_WINDOW);
    let mut quotients = AdvisedQuotients(advisor);
    let mut p_table = [NO_POINT; P_TABLE_SIZE];
    if !odd_multiples_affine(f, &mut quotients, point, &mut p_table) {
        return None;
    }
    strauss_affine(
        f,
        &mut quotients,
        &[Terms {
            table: &p_table,
            digits: &p_halves,
        }],
        &[Terms {
            table: &G_ODD_MULTIPLES,
            digits: &g_halves,
        }],
    )
}

/// What the key check needs of a signature: its scalars (`z` the message hash mod n,
/// `r_inv` checked) and the nonce point R.
pub struct Signature<'a> {
    pub r: &'a Scalar,
    pub s: &'a Scalar,
    pub z: &'a Scalar,
    pub r_inv: &'a Scalar,
    pub nonce_point: &'a AffinePoint,
}

/// Aborts unless `key` is the signature's key, `r·Q = s·R - z·G`. Multiplied by any
/// `t ≠ 0` the relation is `k_R·R + k_Q·Q + k_G·G = O` with `k_R = -t·s`, `k_Q = t·r`,
/// `k_G = t·z`. The advice is a short vector `(e1, e2, e3, e4)` (entries below 2^128,
/// about 2^64 in practice) with `k_R = e1 + e2·λ`, `k_Q = e3 + e4·λ`, checked by
/// `k_R·r + k_Q·s = 0` and `k_Q ≠ 0`; `k_G = k_Q·z/r` is split into four 64-bit parts
/// (GLV, then at 2^64, on tables of G and of 2^64·G). The eight terms share about 64
/// doublings, half of what computing the key takes.
pub fn check_key(
    f: &mut Field,
    advisor: &mut dyn Advisor,
    signature: &Signature,
    key: &AffinePoint,
) {
    let (r, s) = (signature.r.to_words(), signature.s.to_words());
    let entries: [SignedHalf; 4] =
        core::array::from_fn(|index| advised_entry(advisor, &r, &s, index));
    let k_r = Scalar::from_lambda_halves(&entries[0], &entries[1]);
    let k_q = Scalar::from_lambda_halves(&entries[2], &entries[3]);
    if k_q.is_zero() || !k_r.mul(signature.r).add(&k_q.mul(signature.s)).is_zero() {
        advice::lie("the key check's vector is not in its lattice");
    }
    let k_g = k_q.mul(signature.z).mul(signature.r_inv);
    let [g1, g2] = k_g.split_lambda();
    let [g1_low, g1_high] = split_at_64(&g1);
    let [g2_low, g2_high] = split_at_64(&g2);
    let mut quotients = AdvisedQuotients(advisor);
    let mut nonce_table = [NO_POINT; P_TABLE_SIZE];
    let mut key_table = [NO_POINT; P_TABLE_SIZE];
    if !odd_multiples_affine(f, &mut quotients, signature.nonce_point, &mut nonce_table)
        || !odd_multiples_affine(f, &mut quotients, key, &mut key_table)
    {
        advice::lie("a point of prime order with a small multiple at infinity");
    }
    // Filled in place: an array of returned digits is copied.
    let mut digits = [HalfDigits::EMPTY; 8];
    let halves = [
        (&entries[0], P_WINDOW, None),
        (&entries[1], P_WINDOW, Some(BETA)),
        (&entries[2], P_WINDOW, None),
        (&entries[3], P_WINDOW, Some(BETA)),
        (&g1_low, G_WINDOW, None),
        (&g2_low, G_WINDOW, Some(BETA)),
        (&g1_high, G_WINDOW, None),
        (&g2_high, G_WINDOW, Some(BETA)),
    ];
    for (place, (half, width, factor)) in digits.iter_mut().zip(halves) {
        place.fill(&half.magnitude, width, half.negative, factor);
    }
    let sum = strauss_affine(
        f,
        &mut quotients,
        &[
            Terms {
                table: &nonce_table,
                digits: &digits[0..2],
            },
            Terms {
                table: &key_table,
                digits: &digits[2..4],
            },
        ],
        &[
            Terms {
                table: &G_ODD_MULTIPLES,
                digits: &digits[4..6],
            },
            Terms {
                table: &G64_ODD_MULTIPLES,
                digits: &digits[6..8],
            },
        ],
    );
    if sum.is_some() {
        advice::lie("the advised key is not the signature's");
    }
}

/// Entry `index` of the key check's vector: a sign tag and a magnitude below 2^128.
fn advised_entry(advisor: &mut dyn Advisor, r: &U256, s: &U256, index: usize) -> SignedHalf {
    let (tag, magnitude) = advisor.advise(Question::KeyCheckVector { r, s, index });
    // A zero entry is positive: an answer has one valid form.
    let zero = magnitude.0.iter().all(|&word| word == 0);
    if tag > 1 || (tag == 1 && zero) || magnitude.0[4..].iter().any(|&word| word != 0) {
        advice::lie("a key check entry's sign or size");
    }
    SignedHalf {
        magnitude,
        negative: tag == 1,
    }
}

/// `±(low + high·2^64)` as `[±low, ±high]`.
fn split_at_64(half: &SignedHalf) -> [SignedHalf; 2] {
    let w = half.magnitude.0;
    [
        U256([w[0], w[1], 0, 0, 0, 0, 0, 0]),
        U256([w[2], w[3], w[4], w[5], w[6], w[7], 0, 0]),
    ]
    .map(|magnitude| SignedHalf {
        magnitude,
        negative: half.negative,
    })
}
