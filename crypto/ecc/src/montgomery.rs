//! Integers mod an odd 256-bit modulus in Montgomery form (`a·2^256 mod m`, always
//! canonical: below m), for any modulus: a curve's group order, or a base field without
//! a special shape.

use crate::words;
use core::marker::PhantomData;
use zkos_guest_rt::U256;

/// The constants of one odd modulus `m`.
pub trait Modulus {
    const MODULUS: U256;
    /// `-m^-1 mod 2^256`.
    const NEG_INVERSE: U256;
    /// `2^512 mod m`: Montgomery multiplication by it enters the Montgomery form.
    const R_SQUARED: U256;
    /// `2^256 mod m`, the Montgomery form of 1.
    const R: U256;
}

/// A value mod `M` in Montgomery form.
pub struct Residue<M> {
    montgomery: U256,
    modulus: PhantomData<M>,
}

impl<M> Residue<M> {
    /// The residue whose Montgomery form is `montgomery` (below the modulus).
    pub const fn from_montgomery(montgomery: U256) -> Self {
        Self {
            montgomery,
            modulus: PhantomData,
        }
    }

    pub const fn montgomery(&self) -> &U256 {
        &self.montgomery
    }

    pub fn is_zero(&self) -> bool {
        words::is_zero(&self.montgomery)
    }
}

impl<M: Modulus> Residue<M> {
    pub const ZERO: Self = Self::from_montgomery(U256::ZERO);
    pub const ONE: Self = Self::from_montgomery(M::R);
}

// Derived impls would require `M: Clone` etc.; the marker holds no `M`.
impl<M> Clone for Residue<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Residue<M> {}

impl<M> PartialEq for Residue<M> {
    fn eq(&self, other: &Self) -> bool {
        crate::words::equal(&self.montgomery, &other.montgomery)
    }
}

impl<M> Eq for Residue<M> {}

impl<M> core::fmt::Debug for Residue<M> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Residue({:08x?})", self.montgomery.0)
    }
}

/// Arithmetic mod `M`, with the modulus, its constant and a scratch operand in RAM (the
/// device reads no ROM; constants used straight from ROM would be copied on every use).
pub struct Montgomery<M> {
    modulus: U256,
    neg_inverse: U256,
    high: U256,
    marker: PhantomData<M>,
}

impl<M: Modulus> Default for Montgomery<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Modulus> Montgomery<M> {
    pub fn new() -> Self {
        Self {
            modulus: M::MODULUS,
            neg_inverse: M::NEG_INVERSE,
            high: U256::ZERO,
            marker: PhantomData,
        }
    }

    /// The residue of this canonical value; `None` if it is not below the modulus.
    pub fn from_canonical(&mut self, value: &U256) -> Option<Residue<M>> {
        words::less_than(value, &M::MODULUS).then(|| self.from_words_reduced(value))
    }

    /// Any 256-bit value, reduced: the Montgomery product with 2^512 is below 2m even
    /// for `value >= m`, and the multiplication reduces it once more.
    pub fn from_words_reduced(&mut self, value: &U256) -> Residue<M> {
        Residue::from_montgomery(self.mul_words(value, &M::R_SQUARED))
    }

    /// The canonical value (below the modulus).
    pub fn to_words(&mut self, a: &Residue<M>) -> U256 {
        self.mul_words(&a.montgomery, &U256::ONE)
    }

    pub fn to_be_bytes(&mut self, a: &Residue<M>) -> [u8; 32] {
        words::to_be_bytes(&self.to_words(a))
    }

    pub fn mul(&mut self, a: &Residue<M>, b: &Residue<M>) -> Residue<M> {
        Residue::from_montgomery(self.mul_words(&a.montgomery, &b.montgomery))
    }

    pub fn square(&mut self, a: &Residue<M>) -> Residue<M> {
        self.mul(a, a)
    }

    pub fn add(&mut self, a: &Residue<M>, b: &Residue<M>) -> Residue<M> {
        let mut sum = a.montgomery;
        let overflow = sum.add_with_carry(&b.montgomery, false);
        Residue::from_montgomery(self.reduce_once(sum, overflow))
    }

    pub fn sub(&mut self, a: &Residue<M>, b: &Residue<M>) -> Residue<M> {
        let mut difference = a.montgomery;
        if difference.sub_with_borrow(&b.montgomery, false) {
            difference.add_with_carry(&self.modulus, false);
        }
        Residue::from_montgomery(difference)
    }

    pub fn neg(&mut self, a: &Residue<M>) -> Residue<M> {
        if a.is_zero() {
            return *a;
        }
        let mut negated = a.montgomery;
        negated.sub_and_negate(&self.modulus, false);
        Residue::from_montgomery(negated)
    }

    /// `a^exponent`, with fixed 4-bit windows.
    pub fn pow(&mut self, a: &Residue<M>, exponent: &U256) -> Residue<M> {
        let mut powers = [*a; 16];
        powers[0] = Residue::ONE;
        for i in 2..16 {
            powers[i] = self.mul(&powers[i - 1], a);
        }
        let mut result = powers[0];
        for nibble in (0..64).rev() {
            for _ in 0..4 {
                result = self.square(&result);
            }
            let digit = words::bits(exponent, nibble * 4, 4) as usize;
            if digit != 0 {
                result = self.mul(&result, &powers[digit]);
            }
        }
        result
    }

    /// `a^(m-2)`, the inverse of a non-zero residue (the modulus is prime; zero maps to zero).
    pub fn invert(&mut self, a: &Residue<M>) -> Residue<M> {
        let mut exponent = M::MODULUS;
        exponent.sub_with_borrow(&U256::from_u64(2), false);
        self.pow(a, &exponent)
    }

    /// `value - m` if that is not negative, where `value` has `overflow` as bit 256 and
    /// is below 2m.
    fn reduce_once(&mut self, value: U256, overflow: bool) -> U256 {
        let mut reduced = value;
        let borrow = reduced.sub_with_borrow(&self.modulus, false);
        if overflow || !borrow {
            reduced
        } else {
            value
        }
    }

    /// `a·b·2^-256 mod m` for `a·b < 2^256·m`, below m.
    ///
    /// With `T = a·b` and `k = (T mod 2^256)·m' mod 2^256`, `T + k·m` is divisible by
    /// 2^256; its low halves sum to 0 or to exactly 2^256 (a carry of 1 whenever
    /// `T mod 2^256` is not zero). The quotient is below 2m, and may pass 2^256 (the
    /// carry out of the add).
    fn mul_words(&mut self, a: &U256, b: &U256) -> U256 {
        self.high.copy_from(a, false);
        self.high.mul_high(b);
        let mut k = *a;
        k.mul_low(b);
        let low_carry = !words::is_zero(&k);
        k.mul_low(&self.neg_inverse);
        k.mul_high(&self.modulus);
        let overflow = k.add_with_carry(&self.high, low_carry);
        self.high.copy_from(&k, false);
        let borrow = self.high.sub_with_borrow(&self.modulus, false);
        if overflow || !borrow {
            self.high
        } else {
            k
        }
    }
}
