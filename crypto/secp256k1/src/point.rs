//! Points of y² = x³ + 7: affine, and Jacobian (x = X/Z², y = Y/Z³) for the arithmetic.
//!
//! The group has prime order, so no point but infinity doubles to infinity; sums of
//! equal or opposite points are handled (they occur for crafted signatures).

use crate::field::{Field, FieldElement};
use zkos_guest_rt::U256;

const B: FieldElement = FieldElement::from_words_unreduced(U256::from_u64(7));
/// β, the cube root of unity mod p with λ·(x, y) = (β·x, y).
const BETA: FieldElement = FieldElement::from_words_unreduced(U256([
    0x7195_01EE,
    0xC139_6C28,
    0x12F5_8995,
    0x9CF0_4975,
    0xAC34_34E9,
    0x6E64_479E,
    0x657C_0710,
    0x7AE9_6A2B,
]));

/// An affine point with canonical (normalized) coordinates.
#[derive(Clone, Copy, Debug)]
pub struct AffinePoint {
    pub x: FieldElement,
    pub y: FieldElement,
}

#[derive(Clone, Copy, Debug)]
pub struct JacobianPoint {
    x: FieldElement,
    y: FieldElement,
    z: FieldElement,
    infinity: bool,
}

impl AffinePoint {
    /// The point with this canonical `x` and the parity of `y`, if `x³ + 7` is a square.
    pub fn decompress(f: &mut Field, x: &FieldElement, y_odd: bool) -> Option<Self> {
        let x_squared = f.square(x);
        let x_cubed = f.mul(&x_squared, x);
        let y_squared = f.add(&x_cubed, &B);
        let y = f.sqrt(&y_squared)?;
        let y = if f.is_odd(&y) == y_odd { y } else { f.neg(&y) };
        Some(Self {
            x: *x,
            y: f.normalize(&y),
        })
    }

    /// `λ·self = (β·x, y)`, with `-λ·self` for `negate`.
    pub fn endomorphism(&self, f: &mut Field, negate: bool) -> Self {
        let y = if negate { f.neg(&self.y) } else { self.y };
        Self {
            x: f.mul(&self.x, &BETA),
            y,
        }
    }

    /// `-self`; `negate` false gives `self`.
    pub fn negate_if(&self, f: &mut Field, negate: bool) -> Self {
        if !negate {
            return *self;
        }
        Self {
            x: self.x,
            y: f.neg(&self.y),
        }
    }

    /// `x ‖ y`, big-endian: the SEC1 uncompressed encoding without its 0x04 prefix.
    pub fn to_uncompressed(&self) -> [u8; 64] {
        let mut bytes = [0u8; 64];
        bytes[..32].copy_from_slice(&self.x.to_be_bytes());
        bytes[32..].copy_from_slice(&self.y.to_be_bytes());
        bytes
    }
}

impl From<&AffinePoint> for JacobianPoint {
    fn from(point: &AffinePoint) -> Self {
        Self {
            x: point.x,
            y: point.y,
            z: FieldElement::ONE,
            infinity: false,
        }
    }
}

/// The parts of a sum that both addition formulas share: `U1 = X1·Z2²`, `S1 = Y1·Z2³`
/// and the same for the second point.
struct SumTerms {
    u1: FieldElement,
    u2: FieldElement,
    s1: FieldElement,
    s2: FieldElement,
}

impl JacobianPoint {
    pub const INFINITY: Self = Self {
        x: FieldElement::ZERO,
        y: FieldElement::ONE,
        z: FieldElement::ZERO,
        infinity: true,
    };

    pub fn is_infinity(&self) -> bool {
        self.infinity
    }

    /// `None` at infinity.
    pub fn to_affine(&self, f: &mut Field) -> Option<AffinePoint> {
        if self.infinity {
            return None;
        }
        let z_inv = f.invert(&self.z);
        let z_inv_squared = f.square(&z_inv);
        let z_inv_cubed = f.mul(&z_inv_squared, &z_inv);
        let x = f.mul(&self.x, &z_inv_squared);
        let y = f.mul(&self.y, &z_inv_cubed);
        Some(AffinePoint {
            x: f.normalize(&x),
            y: f.normalize(&y),
        })
    }

    /// `-self`; `negate` false gives `self`.
    pub fn negate_if(&self, f: &mut Field, negate: bool) -> Self {
        if !negate {
            return *self;
        }
        Self {
            y: f.neg(&self.y),
            ..*self
        }
    }

    /// `λ·self = (β·X, Y, Z)` (x = X/Z² scales by β like X), with `-λ·self` for `negate`.
    pub fn endomorphism(&self, f: &mut Field, negate: bool) -> Self {
        let y = if negate { f.neg(&self.y) } else { self.y };
        Self {
            x: f.mul(&self.x, &BETA),
            y,
            ..*self
        }
    }

    pub fn double(&self, f: &mut Field) -> Self {
        let mut doubled = *self;
        doubled.double_in_place(f);
        doubled
    }

    /// Doubling for a = 0 (dbl-2009-l with `D = 4·X·Y²` taken as a product: squares
    /// cost the same as products on the device, and this saves three additions):
    /// X3 = 9X⁴ - 2D, Y3 = 3X²·(D - X3) - 8Y⁴, Z3 = 2·Y·Z. In place: the loop of a
    /// scalar multiplication would otherwise copy the whole point on every step.
    pub fn double_in_place(&mut self, f: &mut Field) {
        if self.infinity {
            return;
        }
        let a = f.square(&self.x);
        let b = f.square(&self.y);
        let c = f.square(&b);
        let x_b = f.mul(&self.x, &b);
        let d = f.mul_small(&x_b, 4);
        let e = f.mul_small(&a, 3);
        let e_squared = f.square(&e);
        let two_d = f.double(&d);
        let x = f.sub(&e_squared, &two_d);
        let t = f.sub(&d, &x);
        let t = f.mul(&e, &t);
        let eight_c = f.mul_small(&c, 8);
        let y = f.sub(&t, &eight_c);
        let t = f.mul(&self.y, &self.z);
        self.z = f.double(&t);
        self.x = x;
        self.y = y;
    }

    /// `self += other` (add-1998-cmo-2: 12M + 4S).
    pub fn add_in_place(&mut self, f: &mut Field, other: &Self) {
        if self.infinity {
            *self = *other;
            return;
        }
        if other.infinity {
            return;
        }
        let z1_squared = f.square(&self.z);
        let z2_squared = f.square(&other.z);
        let z1_cubed = f.mul(&z1_squared, &self.z);
        let z2_cubed = f.mul(&z2_squared, &other.z);
        let terms = SumTerms {
            u1: f.mul(&self.x, &z2_squared),
            u2: f.mul(&other.x, &z1_squared),
            s1: f.mul(&self.y, &z2_cubed),
            s2: f.mul(&other.y, &z1_cubed),
        };
        let z1_z2 = f.mul(&self.z, &other.z);
        self.finish_add(f, &terms, &z1_z2);
    }

    /// `self += other` for an affine `other` (Z2 = 1; 8M + 3S).
    pub fn add_affine_in_place(&mut self, f: &mut Field, other: &AffinePoint) {
        if self.infinity {
            *self = Self::from(other);
            return;
        }
        let z1_squared = f.square(&self.z);
        let z1_cubed = f.mul(&z1_squared, &self.z);
        let terms = SumTerms {
            u1: self.x,
            u2: f.mul(&other.x, &z1_squared),
            s1: self.y,
            s2: f.mul(&other.y, &z1_cubed),
        };
        let z1 = self.z;
        self.finish_add(f, &terms, &z1);
    }

    /// With `H = U2 - U1` and `R = S2 - S1`: X3 = R² - H³ - 2·U1·H²,
    /// Y3 = R·(U1·H² - X3) - S1·H³, Z3 = Z1·Z2·H. Equal x coordinates (H = 0) mean
    /// the double of `self` (equal points) or infinity (opposite points).
    fn finish_add(&mut self, f: &mut Field, terms: &SumTerms, z1_z2: &FieldElement) {
        let h = f.sub(&terms.u2, &terms.u1);
        if f.is_zero(&h) {
            if f.equals(&terms.s1, &terms.s2) {
                self.double_in_place(f);
            } else {
                *self = Self::INFINITY;
            }
            return;
        }
        let r = f.sub(&terms.s2, &terms.s1);
        let h_squared = f.square(&h);
        let h_cubed = f.mul(&h_squared, &h);
        let v = f.mul(&terms.u1, &h_squared);
        let r_squared = f.square(&r);
        let t = f.sub(&r_squared, &h_cubed);
        let two_v = f.double(&v);
        let x = f.sub(&t, &two_v);
        let t = f.sub(&v, &x);
        let t = f.mul(&r, &t);
        let s1_h_cubed = f.mul(&terms.s1, &h_cubed);
        self.y = f.sub(&t, &s1_h_cubed);
        self.z = f.mul(z1_z2, &h);
        self.x = x;
    }
}
