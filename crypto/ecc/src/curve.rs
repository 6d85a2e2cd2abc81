//! Points of a short Weierstrass curve y² = x³ + a·x + b of prime order: affine, and
//! Jacobian (x = X/Z², y = Y/Z³) for the arithmetic, over any base field that
//! implements [`CurveField`].
//!
//! With a prime order no point but infinity doubles to infinity; sums of equal or
//! opposite points are handled (they occur for crafted signatures).

/// A curve's base field: its arithmetic, with whatever constants and scratch operands
/// it keeps in RAM, and the one formula that depends on the curve's `a`.
///
/// Elements may be kept in any representation congruent to the value (lazily reduced,
/// Montgomery form); [`normalize`](Self::normalize), [`equals`](Self::equals) and
/// [`to_be_bytes`](Self::to_be_bytes) see the value itself.
pub trait CurveField {
    type Element: Copy + core::fmt::Debug;
    const ZERO: Self::Element;
    const ONE: Self::Element;

    /// The canonical representation of the element (unique per value).
    fn normalize(&mut self, a: &Self::Element) -> Self::Element;
    fn is_zero(&mut self, a: &Self::Element) -> bool;
    fn equals(&mut self, a: &Self::Element, b: &Self::Element) -> bool;
    /// The big-endian bytes of the value, below p.
    fn to_be_bytes(&mut self, a: &Self::Element) -> [u8; 32];

    fn add(&mut self, a: &Self::Element, b: &Self::Element) -> Self::Element;
    fn sub(&mut self, a: &Self::Element, b: &Self::Element) -> Self::Element;
    fn neg(&mut self, a: &Self::Element) -> Self::Element;
    fn mul(&mut self, a: &Self::Element, b: &Self::Element) -> Self::Element;
    /// `a·factor` for a small factor.
    fn mul_small(&mut self, a: &Self::Element, factor: u32) -> Self::Element;
    /// The inverse of a non-zero element (zero maps to zero).
    fn invert(&mut self, a: &Self::Element) -> Self::Element;

    /// `3·x² + a·z⁴`: the slope's numerator in the doubling of the Jacobian `(x, _, z)`.
    fn doubling_slope(&mut self, x: &Self::Element, z: &Self::Element) -> Self::Element;

    fn double(&mut self, a: &Self::Element) -> Self::Element {
        self.add(a, a)
    }

    fn square(&mut self, a: &Self::Element) -> Self::Element {
        self.mul(a, a)
    }

    /// `a` as a denominator, if it is not zero.
    fn non_zero(&mut self, a: &Self::Element) -> Option<NonZero<Self::Element>> {
        (!self.is_zero(a)).then_some(NonZero(*a))
    }
}

/// An element checked not to be zero ([`CurveField::non_zero`]): a quotient's
/// denominator, which must not be zero (then every quotient would pass its check), and
/// whose check the curve's formulas make anyway.
#[derive(Clone, Copy, Debug)]
pub struct NonZero<E>(E);

impl<E> NonZero<E> {
    pub fn get(&self) -> &E {
        &self.0
    }
}

/// An affine point. Tables and inputs hold canonical (normalized) coordinates; sums
/// ([`AffinePoint::add_in_place`]) hold whatever the field keeps, normalized where compared.
#[derive(Clone, Copy, Debug)]
pub struct AffinePoint<E> {
    pub x: E,
    pub y: E,
}

/// The slopes of affine sums: one quotient per addition or doubling, which the guest
/// takes as advice (found by the host, checked by one product) instead of inverting.
pub trait Divider<F: CurveField> {
    fn divide(
        &mut self,
        f: &mut F,
        numerator: &F::Element,
        denominator: &NonZero<F::Element>,
    ) -> F::Element;
}

/// A line's slope, or its negation where that is what the formula has at hand (the
/// square does not see the sign; `y` takes it by swapping a difference).
enum Slope<E> {
    Plain(E),
    Negated(E),
}

pub struct JacobianPoint<F: CurveField> {
    pub x: F::Element,
    pub y: F::Element,
    pub z: F::Element,
    pub infinity: bool,
}

// Derived impls would require the field's arithmetic state `F` itself to be `Copy`.
impl<F: CurveField> Clone for JacobianPoint<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: CurveField> Copy for JacobianPoint<F> {}

impl<F: CurveField> core::fmt::Debug for JacobianPoint<F> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("JacobianPoint")
            .field("x", &self.x)
            .field("y", &self.y)
            .field("z", &self.z)
            .field("infinity", &self.infinity)
            .finish()
    }
}

impl<E: Copy> AffinePoint<E> {
    /// `-self`; `negate` false gives `self`.
    pub fn negate_if<F: CurveField<Element = E>>(&self, f: &mut F, negate: bool) -> Self {
        if !negate {
            return *self;
        }
        Self {
            x: self.x,
            y: f.neg(&self.y),
        }
    }

    /// `(factor·x, ±y)`: an endomorphism such as secp256k1's `λ·(x, y) = (β·x, y)`, or
    /// just the negation without a factor.
    pub fn scale_x<F: CurveField<Element = E>>(
        &self,
        f: &mut F,
        factor: Option<&E>,
        negate: bool,
    ) -> Self {
        let y = if negate { f.neg(&self.y) } else { self.y };
        let x = match factor {
            Some(factor) => f.mul(&self.x, factor),
            None => self.x,
        };
        Self { x, y }
    }

    /// `self += other`; false if the sum is infinity (then `self` is unspecified). The
    /// slope `(y2 - y1)/(x2 - x1)` is one quotient, and the sum 2 products more (a
    /// Jacobian sum takes 11 to 16). Equal `x` means the double (equal points) or infinity
    /// (opposite points). In place: a scalar multiplication's loop would otherwise move
    /// the point on every step.
    pub fn add_in_place<F: CurveField<Element = E>>(
        &mut self,
        f: &mut F,
        divider: &mut dyn Divider<F>,
        other: &Self,
    ) -> bool {
        let dx = f.sub(&other.x, &self.x);
        let Some(dx) = f.non_zero(&dx) else {
            return f.equals(&self.y, &other.y) && self.double_in_place(f, divider);
        };
        let dy = f.sub(&other.y, &self.y);
        let slope = divider.divide(f, &dy, &dx);
        self.reflect_through(f, &Slope::Plain(slope), &other.x);
        true
    }

    /// `self = 2·self`; false for infinity (a point with y = 0, which a curve of odd
    /// prime order has none of). The tangent's slope `(3x² + a)/2y` is one quotient.
    pub fn double_in_place<F: CurveField<Element = E>>(
        &mut self,
        f: &mut F,
        divider: &mut dyn Divider<F>,
    ) -> bool {
        // 2y is zero exactly where y is: p is odd.
        let two_y = f.double(&self.y);
        let Some(two_y) = f.non_zero(&two_y) else {
            return false;
        };
        let numerator = f.doubling_slope(&self.x, &F::ONE);
        let slope = divider.divide(f, &numerator, &two_y);
        let x = self.x;
        self.reflect_through(f, &Slope::Plain(slope), &x);
        true
    }

    /// `self = 2·self + other` as `(self + other) + self`, without the `y` of
    /// `self + other` (Eisenträger, Lauter and Montgomery): two quotients and three
    /// products, where a doubling and then an addition take two quotients and five. False
    /// if the sum is infinity. Where a line meets a point twice (`other = ±self`, or
    /// `self + other = -self`), the doubling and the addition are taken one by one.
    pub fn double_add_in_place<F: CurveField<Element = E>>(
        &mut self,
        f: &mut F,
        divider: &mut dyn Divider<F>,
        other: &Self,
    ) -> bool {
        let dx = f.sub(&other.x, &self.x);
        if let Some(dx) = f.non_zero(&dx) {
            let dy = f.sub(&other.y, &self.y);
            let slope = divider.divide(f, &dy, &dx);
            let squared = f.square(&slope);
            let t = f.sub(&squared, &self.x);
            let sum_x = f.sub(&t, &other.x);
            let run = f.sub(&sum_x, &self.x);
            if let Some(run) = f.non_zero(&run) {
                // The second line's slope is `-(slope + 2y/run)`.
                let two_y = f.double(&self.y);
                let correction = divider.divide(f, &two_y, &run);
                let negated_slope = f.add(&slope, &correction);
                self.reflect_through(f, &Slope::Negated(negated_slope), &sum_x);
                return true;
            }
        }
        if !self.double_in_place(f, divider) {
            *self = *other;
            return true;
        }
        self.add_in_place(f, divider, other)
    }

    /// `self` becomes the third point of the curve on the line of `slope` through `self`
    /// and a point with x `other_x`, reflected: `x3 = slope² - x1 - x2`,
    /// `y3 = slope·(x1 - x3) - y1`.
    fn reflect_through<F: CurveField<Element = E>>(
        &mut self,
        f: &mut F,
        slope: &Slope<E>,
        other_x: &E,
    ) {
        let (Slope::Plain(value) | Slope::Negated(value)) = slope;
        let slope_squared = f.square(value);
        let t = f.sub(&slope_squared, &self.x);
        let x = f.sub(&t, other_x);
        let t = match slope {
            Slope::Plain(_) => f.sub(&self.x, &x),
            Slope::Negated(_) => f.sub(&x, &self.x),
        };
        let t = f.mul(value, &t);
        self.y = f.sub(&t, &self.y);
        self.x = x;
    }

    /// `x ‖ y`, big-endian: the SEC1 uncompressed encoding without its 0x04 prefix.
    pub fn to_uncompressed<F: CurveField<Element = E>>(&self, f: &mut F) -> [u8; 64] {
        let mut bytes = [0u8; 64];
        bytes[..32].copy_from_slice(&f.to_be_bytes(&self.x));
        bytes[32..].copy_from_slice(&f.to_be_bytes(&self.y));
        bytes
    }
}

impl<F: CurveField> From<&AffinePoint<F::Element>> for JacobianPoint<F> {
    fn from(point: &AffinePoint<F::Element>) -> Self {
        Self {
            x: point.x,
            y: point.y,
            z: F::ONE,
            infinity: false,
        }
    }
}

/// The parts of a sum that both addition formulas share: `U1 = X1·Z2²`, `S1 = Y1·Z2³`
/// and the same for the second point.
struct SumTerms<E> {
    u1: E,
    u2: E,
    s1: E,
    s2: E,
}

impl<F: CurveField> JacobianPoint<F> {
    pub const INFINITY: Self = Self {
        x: F::ZERO,
        y: F::ONE,
        z: F::ZERO,
        infinity: true,
    };

    pub fn is_infinity(&self) -> bool {
        self.infinity
    }

    /// `None` at infinity.
    pub fn to_affine(&self, f: &mut F) -> Option<AffinePoint<F::Element>> {
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

    /// `(factor·X, ±Y, Z)`: as [`AffinePoint::scale_x`] (x = X/Z² scales like X).
    pub fn scale_x(&self, f: &mut F, factor: Option<&F::Element>, negate: bool) -> Self {
        let y = if negate { f.neg(&self.y) } else { self.y };
        let x = match factor {
            Some(factor) => f.mul(&self.x, factor),
            None => self.x,
        };
        Self { x, y, ..*self }
    }

    pub fn double(&self, f: &mut F) -> Self {
        let mut doubled = *self;
        doubled.double_in_place(f);
        doubled
    }

    /// Doubling (dbl-2009-l generalised to any `a`, with `D = 4·X·Y²` taken as a product:
    /// squares cost the same as products on the device, and this saves three additions):
    /// with `M = 3X² + a·Z⁴`, X3 = M² - 2D, Y3 = M·(D - X3) - 8Y⁴, Z3 = 2·Y·Z. In place:
    /// the loop of a scalar multiplication would otherwise copy the whole point on every
    /// step.
    pub fn double_in_place(&mut self, f: &mut F) {
        if self.infinity {
            return;
        }
        let b = f.square(&self.y);
        let c = f.square(&b);
        let x_b = f.mul(&self.x, &b);
        let d = f.mul_small(&x_b, 4);
        let m = f.doubling_slope(&self.x, &self.z);
        let m_squared = f.square(&m);
        let two_d = f.double(&d);
        let x = f.sub(&m_squared, &two_d);
        let t = f.sub(&d, &x);
        let t = f.mul(&m, &t);
        let eight_c = f.mul_small(&c, 8);
        let y = f.sub(&t, &eight_c);
        let t = f.mul(&self.y, &self.z);
        self.z = f.double(&t);
        self.x = x;
        self.y = y;
    }

    /// `self += other` (add-1998-cmo-2: 12M + 4S).
    pub fn add_in_place(&mut self, f: &mut F, other: &Self) {
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
    pub fn add_affine_in_place(&mut self, f: &mut F, other: &AffinePoint<F::Element>) {
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
    fn finish_add(&mut self, f: &mut F, terms: &SumTerms<F::Element>, z1_z2: &F::Element) {
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
