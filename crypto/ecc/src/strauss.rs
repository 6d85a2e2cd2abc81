//! `Σ k_i·P_i` by Strauss' method: the scalars share one chain of doublings, each in
//! w-NAF, with additions of odd multiples of its point from a table: one built per
//! call ([`odd_multiples`], Jacobian), or a fixed one of affine points (in ROM).

use crate::curve::{AffinePoint, CurveField, Divider, JacobianPoint};
use crate::wnaf::wnaf_into;
use zkos_guest_rt::U256;

/// The w-NAF digits of one scalar below 2^(N-1) (see [`wnaf_into`]), with how its
/// table's points enter: negated for a negative scalar, and with `x` scaled by `x_factor`
/// for an endomorphism image.
pub struct Digits<E, const N: usize = 257> {
    digits: [i16; N],
    /// One past the highest non-zero digit.
    len: usize,
    negative: bool,
    x_factor: Option<E>,
}

impl<E, const N: usize> Digits<E, N> {
    /// No digits: a place to [`fill`](Self::fill).
    pub const EMPTY: Self = Self {
        digits: [0; N],
        len: 0,
        negative: false,
        x_factor: None,
    };

    #[inline(always)]
    pub fn new(magnitude: &U256, width: u32, negative: bool, x_factor: Option<E>) -> Self {
        let mut digits = Self::EMPTY;
        digits.fill(magnitude, width, negative, x_factor);
        digits
    }

    /// [`new`](Self::new) in place of empty digits (a returned array is copied).
    pub fn fill(&mut self, magnitude: &U256, width: u32, negative: bool, x_factor: Option<E>) {
        self.len = wnaf_into(magnitude, width, &mut self.digits);
        self.negative = negative;
        self.x_factor = x_factor;
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// Scalars whose points' odd multiples are in one table (of 2^(width-2) entries for
/// digits of that width).
pub struct Terms<'a, T, E, const N: usize = 257> {
    pub table: &'a [T],
    pub digits: &'a [Digits<E, N>],
}

/// The running sum of Strauss' loop: doubled once per digit position, and a table entry
/// (negated, or at an endomorphism's image) added per non-zero digit.
trait Sum<F: CurveField, T> {
    fn double(&mut self, f: &mut F);
    fn add(&mut self, f: &mut F, multiple: &T);

    /// `2·self + multiple`, where a sum has a cheaper way than the two steps.
    fn double_add(&mut self, f: &mut F, multiple: &T) {
        self.double(f);
        self.add(f, multiple);
    }
}

/// A table entry as it enters the sum: negated, or at an endomorphism's image.
trait Entry<F: CurveField>: Copy {
    fn scaled(&self, f: &mut F, x_factor: Option<&F::Element>, negate: bool) -> Self;
}

impl<F: CurveField> Entry<F> for JacobianPoint<F> {
    fn scaled(&self, f: &mut F, x_factor: Option<&F::Element>, negate: bool) -> Self {
        self.scale_x(f, x_factor, negate)
    }
}

impl<F: CurveField> Entry<F> for AffinePoint<F::Element> {
    fn scaled(&self, f: &mut F, x_factor: Option<&F::Element>, negate: bool) -> Self {
        self.scale_x(f, x_factor, negate)
    }
}

fn run<F: CurveField, S, P, Q, const N: usize>(
    f: &mut F,
    sum: &mut S,
    per_call: &[Terms<'_, P, F::Element, N>],
    fixed: &[Terms<'_, Q, F::Element, N>],
) where
    S: Sum<F, P> + Sum<F, Q>,
    P: Entry<F>,
    Q: Entry<F>,
{
    let per_call_digits = per_call.iter().flat_map(|terms| terms.digits);
    let fixed_digits = fixed.iter().flat_map(|terms| terms.digits);
    let len = per_call_digits
        .chain(fixed_digits)
        .map(Digits::len)
        .max()
        .unwrap_or(0);
    for i in (0..len).rev() {
        // The position's doubling waits for its first addition, to be taken with it.
        let mut doubled = false;
        for terms in per_call {
            add_digits(f, sum, terms, i, &mut doubled);
        }
        for terms in fixed {
            add_digits(f, sum, terms, i, &mut doubled);
        }
        if !doubled {
            Sum::<F, P>::double(sum, f);
        }
    }
}

fn add_digits<F: CurveField, S: Sum<F, T>, T: Entry<F>, const N: usize>(
    f: &mut F,
    sum: &mut S,
    terms: &Terms<'_, T, F::Element, N>,
    i: usize,
    doubled: &mut bool,
) {
    for term in terms.digits {
        let digit = term.digits[i];
        if digit != 0 {
            let negate = (digit < 0) != term.negative;
            // An operand in ROM (a fixed table's) is copied to RAM by the delegation
            // wrapper where the device needs it.
            let entry = &terms.table[table_index(digit)];
            let multiple = entry.scaled(f, term.x_factor.as_ref(), negate);
            if *doubled {
                sum.add(f, &multiple);
            } else {
                sum.double_add(f, &multiple);
                *doubled = true;
            }
        }
    }
}

impl<F: CurveField> Sum<F, JacobianPoint<F>> for JacobianPoint<F> {
    fn double(&mut self, f: &mut F) {
        self.double_in_place(f);
    }

    fn add(&mut self, f: &mut F, multiple: &Self) {
        self.add_in_place(f, multiple);
    }
}

impl<F: CurveField> Sum<F, AffinePoint<F::Element>> for JacobianPoint<F> {
    fn double(&mut self, f: &mut F) {
        self.double_in_place(f);
    }

    fn add(&mut self, f: &mut F, multiple: &AffinePoint<F::Element>) {
        self.add_affine_in_place(f, multiple);
    }
}

/// `Σ k_i·P_i` in Jacobian coordinates (no inversion).
pub fn strauss<F: CurveField>(
    f: &mut F,
    per_call: Terms<'_, JacobianPoint<F>, F::Element>,
    fixed: Terms<'_, AffinePoint<F::Element>, F::Element>,
) -> JacobianPoint<F> {
    let mut sum = JacobianPoint::INFINITY;
    run(f, &mut sum, &[per_call], &[fixed]);
    sum
}

/// An affine running sum and where its inverses come from.
struct AffineSum<'i, F: CurveField> {
    point: AffinePoint<F::Element>,
    infinity: bool,
    divider: &'i mut dyn Divider<F>,
}

impl<F: CurveField> Sum<F, AffinePoint<F::Element>> for AffineSum<'_, F> {
    fn double(&mut self, f: &mut F) {
        self.infinity = self.infinity || !self.point.double_in_place(f, self.divider);
    }

    fn add(&mut self, f: &mut F, multiple: &AffinePoint<F::Element>) {
        self.take(multiple, |point, divider| {
            point.add_in_place(f, divider, multiple)
        });
    }

    fn double_add(&mut self, f: &mut F, multiple: &AffinePoint<F::Element>) {
        self.take(multiple, |point, divider| {
            point.double_add_in_place(f, divider, multiple)
        });
    }
}

impl<F: CurveField> AffineSum<'_, F> {
    /// Adds `multiple` by `step` (false where the result is infinity); at infinity the
    /// sum, doubled or not, is `multiple`.
    #[inline(always)]
    fn take(
        &mut self,
        multiple: &AffinePoint<F::Element>,
        step: impl FnOnce(&mut AffinePoint<F::Element>, &mut dyn Divider<F>) -> bool,
    ) {
        if self.infinity {
            self.point = *multiple;
            self.infinity = false;
        } else {
            self.infinity = !step(&mut self.point, self.divider);
        }
    }
}

/// `Σ k_i·P_i` in affine coordinates, one quotient per doubling and per addition (for
/// quotients that cost little: advice checked by a product); `None` for infinity.
pub fn strauss_affine<F: CurveField, const N: usize>(
    f: &mut F,
    divider: &mut dyn Divider<F>,
    per_call: &[Terms<'_, AffinePoint<F::Element>, F::Element, N>],
    fixed: &[Terms<'_, AffinePoint<F::Element>, F::Element, N>],
) -> Option<AffinePoint<F::Element>> {
    let mut sum = AffineSum {
        point: AffinePoint {
            x: F::ZERO,
            y: F::ZERO,
        },
        infinity: true,
        divider,
    };
    run(f, &mut sum, per_call, fixed);
    (!sum.infinity).then_some(sum.point)
}

/// `table` becomes `P, 3P, 5P, ...` in affine coordinates, by
/// [`AffinePoint::add_in_place`]; false if one is infinity (not for a point of a curve of
/// prime order above twice the table's length). Filled in place: a returned table is copied.
pub fn odd_multiples_affine<F: CurveField>(
    f: &mut F,
    divider: &mut dyn Divider<F>,
    point: &AffinePoint<F::Element>,
    table: &mut [AffinePoint<F::Element>],
) -> bool {
    let mut twice = *point;
    if !twice.double_in_place(f, divider) {
        return false;
    }
    table[0].x = point.x;
    table[0].y = point.y;
    for i in 1..table.len() {
        // Coordinate by coordinate: a 32-byte copy is inlined, a 64-byte one calls memcpy.
        table[i].x = table[i - 1].x;
        table[i].y = table[i - 1].y;
        if !table[i].add_in_place(f, divider, &twice) {
            return false;
        }
    }
    true
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
fn table_index(digit: i16) -> usize {
    digit.unsigned_abs() as usize / 2
}
