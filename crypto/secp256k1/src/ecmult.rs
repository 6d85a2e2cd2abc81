//! `u1·G + u2·P` by Strauss' method with the GLV endomorphism: each scalar splits into
//! two halves below 2^128 (`u = k1 + k2·λ`), so the four products `k1·G + k2·λG +
//! k1'·P + k2'·λP` share one chain of about 130 doublings. The halves are in w-NAF;
//! additions come from a fixed table of G's odd multiples (affine, in ROM) and a table
//! of P's odd multiples built per call, with λ applied as `x -> β·x` on the way.

use crate::field::Field;
use crate::g_table::{G_ODD_MULTIPLES, G_WINDOW};
use crate::point::{AffinePoint, JacobianPoint};
use crate::scalar::{Scalar, SignedHalf};
use crate::wnaf::wnaf;

const P_WINDOW: u32 = 5;
const P_TABLE_SIZE: usize = 1 << (P_WINDOW - 2);

/// The w-NAF digits of one half, its sign, and whether λ applies to its point.
struct Digits {
    digits: [i8; 257],
    negative: bool,
    lambda: bool,
}

impl Digits {
    fn of_halves(scalar: &Scalar, width: u32) -> [Self; 2] {
        let [k1, k2] = scalar.split_lambda();
        [Self::new(&k1, width, false), Self::new(&k2, width, true)]
    }

    fn new(half: &SignedHalf, width: u32, lambda: bool) -> Self {
        Self {
            digits: wnaf(&half.magnitude, width),
            negative: half.negative,
            lambda,
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

pub fn double_mul(f: &mut Field, u1: &Scalar, u2: &Scalar, point: &AffinePoint) -> JacobianPoint {
    let g_halves = Digits::of_halves(u1, G_WINDOW);
    let p_halves = Digits::of_halves(u2, P_WINDOW);
    let p_table = odd_multiples(f, point);
    let len = g_halves
        .iter()
        .chain(&p_halves)
        .map(Digits::len)
        .max()
        .unwrap_or(0);
    let mut sum = JacobianPoint::INFINITY;
    for i in (0..len).rev() {
        sum.double_in_place(f);
        for half in &p_halves {
            let digit = half.digits[i];
            if digit != 0 {
                let multiple = &p_table[table_index(digit)];
                let negate = (digit < 0) != half.negative;
                let multiple = if half.lambda {
                    multiple.endomorphism(f, negate)
                } else {
                    multiple.negate_if(f, negate)
                };
                sum.add_in_place(f, &multiple);
            }
        }
        for half in &g_halves {
            let digit = half.digits[i];
            if digit != 0 {
                // Copied out of ROM once: the device reads operands only from RAM.
                let multiple = G_ODD_MULTIPLES[table_index(digit)];
                let negate = (digit < 0) != half.negative;
                let multiple = if half.lambda {
                    multiple.endomorphism(f, negate)
                } else {
                    multiple.negate_if(f, negate)
                };
                sum.add_affine_in_place(f, &multiple);
            }
        }
    }
    sum
}

/// `P, 3P, 5P, ...`.
fn odd_multiples(f: &mut Field, point: &AffinePoint) -> [JacobianPoint; P_TABLE_SIZE] {
    let first = JacobianPoint::from(point);
    let twice = first.double(f);
    let mut table = [first; P_TABLE_SIZE];
    for i in 1..P_TABLE_SIZE {
        table[i] = table[i - 1];
        table[i].add_in_place(f, &twice);
    }
    table
}

/// Where `|digit|·point` sits in a table of odd multiples.
fn table_index(digit: i8) -> usize {
    digit.unsigned_abs() as usize / 2
}
