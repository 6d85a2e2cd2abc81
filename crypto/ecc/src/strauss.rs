//! `Σ k_i·P_i` by Strauss' method: the scalars share one chain of doublings, each in
//! w-NAF, with additions of odd multiples of its point from a table: one built per
//! call ([`odd_multiples`], Jacobian), or a fixed one of affine points (in ROM).

use crate::curve::{AffinePoint, CurveField, JacobianPoint};
use crate::wnaf::wnaf;
use zkos_guest_rt::U256;

/// The w-NAF digits of one scalar, with how its table's points enter: negated for a
/// negative scalar, and with `x` scaled by `x_factor` for an endomorphism image.
pub struct Digits<E> {
    digits: [i8; 257],
    negative: bool,
    x_factor: Option<E>,
}

impl<E> Digits<E> {
    pub fn new(magnitude: &U256, width: u32, negative: bool, x_factor: Option<E>) -> Self {
        Self {
            digits: wnaf(magnitude, width),
            negative,
            x_factor,
        }
    }

    /// One past the highest non-zero digit.
    fn len(&self) -> usize {
        self.digits
            .iter()
            .rposition(|&d| d != 0)
            .map_or(0, |i| i + 1)
    }
}

/// Scalars whose points' odd multiples are in one table (of 2^(width-2) entries for
/// digits of that width).
pub struct Terms<'a, T, E> {
    pub table: &'a [T],
    pub digits: &'a [Digits<E>],
}

pub fn strauss<F: CurveField>(
    f: &mut F,
    per_call: Terms<'_, JacobianPoint<F>, F::Element>,
    fixed: Terms<'_, AffinePoint<F::Element>, F::Element>,
) -> JacobianPoint<F> {
    let len = per_call
        .digits
        .iter()
        .chain(fixed.digits)
        .map(Digits::len)
        .max()
        .unwrap_or(0);
    let mut sum = JacobianPoint::INFINITY;
    for i in (0..len).rev() {
        sum.double_in_place(f);
        for term in per_call.digits {
            let digit = term.digits[i];
            if digit != 0 {
                let negate = (digit < 0) != term.negative;
                let multiple = per_call.table[table_index(digit)];
                let multiple = multiple.scale_x(f, term.x_factor.as_ref(), negate);
                sum.add_in_place(f, &multiple);
            }
        }
        for term in fixed.digits {
            let digit = term.digits[i];
            if digit != 0 {
                let negate = (digit < 0) != term.negative;
                // Copied out of ROM once: the device reads operands only from RAM.
                let multiple = fixed.table[table_index(digit)];
                let multiple = multiple.scale_x(f, term.x_factor.as_ref(), negate);
                sum.add_affine_in_place(f, &multiple);
            }
        }
    }
    sum
}

/// `P, 3P, 5P, ...`.
pub fn odd_multiples<F: CurveField, const N: usize>(
    f: &mut F,
    point: &AffinePoint<F::Element>,
) -> [JacobianPoint<F>; N] {
    let first = JacobianPoint::from(point);
    let twice = first.double(f);
    let mut table = [first; N];
    for i in 1..N {
        table[i] = table[i - 1];
        table[i].add_in_place(f, &twice);
    }
    table
}

/// Where `|digit|·point` sits in a table of odd multiples.
fn table_index(digit: i8) -> usize {
    digit.unsigned_abs() as usize / 2
}
