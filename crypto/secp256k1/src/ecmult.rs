//! `u1·G + u2·P` by Strauss' method with the GLV endomorphism: each scalar splits into
//! two halves below 2^128 (`u = k1 + k2·λ`), so the four products `k1·G + k2·λG +
//! k1'·P + k2'·λP` share one chain of about 130 doublings. The halves are in w-NAF;
//! additions come from a fixed table of G's odd multiples (affine, in ROM) and a table
//! of P's odd multiples built per call, with λ applied as `x -> β·x` on the way.
//!
//! The sum is kept in affine coordinates: each doubling and addition takes its slope as
//! advice (checked by one product), and then costs 2 or 3 products more instead of a
//! Jacobian formula's 7 to 16.

use crate::advice::Advisor;
use crate::field::{Field, FieldElement};
use crate::g_table::{G_ODD_MULTIPLES, G_WINDOW};
use crate::point::{AffinePoint, BETA};
use crate::scalar::{Scalar, SignedHalf};
use zkos_ecc::{odd_multiples_affine, strauss_affine, Digits, Divider, Terms};

const P_WINDOW: u32 = 5;
const P_TABLE_SIZE: usize = 1 << (P_WINDOW - 2);

/// The digits of both halves of `scalar`; the second's points are taken at λ.
fn halves(scalar: &Scalar, width: u32) -> [Digits<FieldElement>; 2] {
    let [k1, k2] = scalar.split_lambda();
    let digits =
        |half: &SignedHalf, factor| Digits::new(&half.magnitude, width, half.negative, factor);
    [digits(&k1, None), digits(&k2, Some(BETA))]
}

/// Field quotients as checked advice.
struct AdvisedQuotients<'a>(&'a mut dyn Advisor);

impl Divider<Field> for AdvisedQuotients<'_> {
    fn divide(
        &mut self,
        f: &mut Field,
        numerator: &FieldElement,
        denominator: &FieldElement,
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
    let mut inverses = AdvisedQuotients(advisor);
    let p_table: [AffinePoint; P_TABLE_SIZE] = odd_multiples_affine(f, &mut inverses, point)?;
    strauss_affine(
        f,
        &mut inverses,
        Terms {
            table: &p_table,
            digits: &p_halves,
        },
        Terms {
            table: &G_ODD_MULTIPLES,
            digits: &g_halves,
        },
    )
}
