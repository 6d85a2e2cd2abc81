//! `2·P + Q` in one step (`AffinePoint::double_add_in_place`), against k256, for random
//! points and for each case where a line of the one-step formula meets a point twice:
//! `Q = P`, `Q = -P`, and `Q = -2P` (the sum is infinity).
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::{ProjectivePoint, Scalar};
use proptest::prelude::*;
use zkos_ecc::{Divider, NonZero};
use zkos_guest_rt::U256;
use zkos_secp256k1::{AffinePoint, CurveField, Field, FieldElement};

/// Quotients by inversion: the test needs right ones, not cheap ones.
struct Inverting;

impl Divider<Field> for Inverting {
    fn divide(
        &mut self,
        f: &mut Field,
        numerator: &FieldElement,
        denominator: &NonZero<FieldElement>,
    ) -> FieldElement {
        let inverse = f.invert(denominator.get());
        f.mul(numerator, &inverse)
    }
}

fn element(bytes: &[u8]) -> FieldElement {
    let mut words = [0u32; 8];
    for (i, chunk) in bytes.rchunks_exact(4).enumerate() {
        words[i] = u32::from_be_bytes(chunk.try_into().unwrap());
    }
    FieldElement::from_words_unreduced(U256(words))
}

fn affine(point: ProjectivePoint) -> AffinePoint {
    let encoded = point.to_affine().to_encoded_point(false);
    let bytes = encoded.as_bytes();
    AffinePoint {
        x: element(&bytes[1..33]),
        y: element(&bytes[33..65]),
    }
}

/// `2·p + q` by the one-step formula, as k256 points (`None` for infinity).
fn double_add(p: ProjectivePoint, q: ProjectivePoint) -> Option<Vec<u8>> {
    let mut f = Field::new();
    let mut sum = affine(p);
    sum.double_add_in_place(&mut f, &mut Inverting, &affine(q))
        .then(|| sum.to_uncompressed(&mut f).to_vec())
}

fn expected(p: ProjectivePoint, q: ProjectivePoint) -> Option<Vec<u8>> {
    let sum = p.double() + q;
    (sum != ProjectivePoint::IDENTITY).then(|| sum.to_encoded_point(false).as_bytes()[1..].to_vec())
}

proptest! {
    #[test]
    fn two_p_plus_q_matches_k256(a in 1u64.., b in 1u64.., case in 0u8..4) {
        let p = ProjectivePoint::GENERATOR * Scalar::from(a);
        let q = match case {
            0 => ProjectivePoint::GENERATOR * Scalar::from(b),
            1 => p,
            2 => -p,
            _ => -p.double(),
        };
        prop_assert_eq!(double_add(p, q), expected(p, q));
    }
}

#[test]
fn minus_two_p_sums_to_infinity() {
    let p = ProjectivePoint::GENERATOR * Scalar::from(7u64);
    assert_eq!(double_add(p, -p.double()), None);
}
