//! Points of y² = x³ + 7 (the formulas are zkos-ecc's, over [`Field`]).

use crate::advice::{self, Advisor, Question};
use crate::field::{Field, FieldElement};
use zkos_ecc::{words, CurveField};
use zkos_guest_rt::U256;

pub type AffinePoint = zkos_ecc::AffinePoint<FieldElement>;
pub type JacobianPoint = zkos_ecc::JacobianPoint<Field>;

const B: FieldElement = FieldElement::from_words_unreduced(U256::from_u64(7));
/// β, the cube root of unity mod p with λ·(x, y) = (β·x, y).
pub(crate) const BETA: FieldElement = FieldElement::from_words_unreduced(U256([
    0x7195_01EE,
    0xC139_6C28,
    0x12F5_8995,
    0x9CF0_4975,
    0xAC34_34E9,
    0x6E64_479E,
    0x657C_0710,
    0x7AE9_6A2B,
]));

/// The point with this canonical `x` and the parity of `y`, if `x³ + 7` is a square (the
/// root, or the proof that there is none, is advice).
pub fn decompress(
    f: &mut Field,
    advisor: &mut dyn Advisor,
    x: &FieldElement,
    y_odd: bool,
) -> Option<AffinePoint> {
    let y_squared = curve_right_side(f, x);
    let y = f.sqrt_advised(&y_squared, advisor)?;
    let y = if f.is_odd(&y) == y_odd { y } else { f.neg(&y) };
    Some(AffinePoint {
        x: *x,
        y: f.normalize(&y),
    })
}

/// The recovered key as advice, checked to be a point of the curve; `None` where the host
/// claims the key is at infinity (which the caller must then check).
pub fn advised_key(
    f: &mut Field,
    advisor: &mut dyn Advisor,
    message_hash: &[u8; 32],
    r: &[u8; 32],
    s: &[u8; 32],
    recovery_id: u8,
) -> Option<AffinePoint> {
    let mut coordinate = |coordinate| {
        advisor.advise(Question::Key {
            message_hash,
            r,
            s,
            recovery_id,
            coordinate,
        })
    };
    let (tag, x) = coordinate(0);
    match tag {
        advice::INFINITY if words::is_zero(&x) => return None,
        0 => {}
        _ => advice::lie("a key's tag or padding"),
    }
    let (tag, y) = coordinate(1);
    let (Some(x), Some(y), 0) = (
        FieldElement::from_words(x),
        FieldElement::from_words(y),
        tag,
    ) else {
        advice::lie("a key coordinate not below p");
    };
    let right = curve_right_side(f, &x);
    let left = f.square(&y);
    if !f.equals(&left, &right) {
        advice::lie("the key is not on the curve");
    }
    Some(AffinePoint { x, y })
}

/// `x³ + 7`, which is `y²` for a point of the curve.
fn curve_right_side(f: &mut Field, x: &FieldElement) -> FieldElement {
    let x_squared = f.square(x);
    let x_cubed = f.mul(&x_squared, x);
    f.add(&x_cubed, &B)
}
