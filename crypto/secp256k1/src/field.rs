//! The base field, integers mod p = 2^256 - 2^32 - 977.
//!
//! Values are kept "lazily reduced": any 256-bit integer congruent to the element, so
//! additions and products need no final comparison with p. [`Field::normalize`] gives
//! the canonical value (below p) where it matters: bytes, parity, equality. Reduction
//! folds the part above 2^256 back with 2^256 ≡ 2^32 + 977 (mod p).
//!
//! The arithmetic lives on [`Field`], which keeps the constant 2^256 mod p and the
//! intermediate operands in memory that outlives each operation: the device works in
//! place on RAM, and refilling a scratch operand with the device's copy is cheaper than
//! building a fresh one word by word.

use crate::advice::{self, Advisor, Question};
use zkos_ecc::{words, CurveField, NonZero};
use zkos_guest_rt::U256;

/// 2^256 mod p.
const FOLD: u64 = 0x1_0000_03D1;
pub(crate) const P: U256 = U256([
    0xFFFF_FC2F,
    0xFFFF_FFFE,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
]);

#[derive(Clone, Copy, Debug)]
pub struct FieldElement(pub(crate) U256);

impl FieldElement {
    pub const ZERO: Self = Self(U256::ZERO);
    pub const ONE: Self = Self(U256::ONE);

    /// The element with this canonical value; `None` if it is not below p.
    pub fn from_words(value: U256) -> Option<Self> {
        words::less_than(&value, &P).then_some(Self(value))
    }

    /// Any 256-bit integer, taken mod p.
    pub const fn from_words_unreduced(value: U256) -> Self {
        Self(value)
    }

    pub fn from_be_bytes(bytes: &[u8; 32]) -> Option<Self> {
        Self::from_words(words::from_be_bytes(bytes))
    }

    /// The big-endian bytes of a canonical (normalized) element.
    pub fn to_be_bytes(&self) -> [u8; 32] {
        words::to_be_bytes(&self.0)
    }
}

/// Field arithmetic: the constant and scratch operands the device reads from RAM.
pub struct Field {
    fold: U256,
    high: U256,
    addend: U256,
}

impl Default for Field {
    fn default() -> Self {
        Self::new()
    }
}

impl CurveField for Field {
    type Element = FieldElement;
    const ZERO: FieldElement = FieldElement::ZERO;
    const ONE: FieldElement = FieldElement::ONE;

    /// The canonical value: below p. A lazy value is below 2^256 < 2p, so at most one p
    /// comes off; `x + (2^256 - p)` carries exactly when `x >= p`.
    #[inline(always)]
    fn normalize(&mut self, a: &FieldElement) -> FieldElement {
        self.high.copy_from(&a.0, false);
        if self.high.add_with_carry(&self.fold, false) {
            FieldElement(self.high)
        } else {
            *a
        }
    }

    #[inline(always)]
    fn is_zero(&mut self, a: &FieldElement) -> bool {
        words::is_zero(&self.normalize(a).0)
    }

    #[inline(always)]
    fn equals(&mut self, a: &FieldElement, b: &FieldElement) -> bool {
        words::equal(&self.normalize(a).0, &self.normalize(b).0)
    }

    #[inline(always)]
    fn add(&mut self, a: &FieldElement, b: &FieldElement) -> FieldElement {
        let mut sum = a.0;
        let mut carry = sum.add_with_carry(&b.0, false);
        // Each wrap past 2^256 dropped 2^256 ≡ FOLD; the second wrap leaves a tiny value.
        while carry {
            carry = sum.add_with_carry(&self.fold, false);
        }
        FieldElement(sum)
    }

    #[inline(always)]
    fn sub(&mut self, a: &FieldElement, b: &FieldElement) -> FieldElement {
        let mut difference = a.0;
        let mut borrow = difference.sub_with_borrow(&b.0, false);
        while borrow {
            borrow = difference.sub_with_borrow(&self.fold, false);
        }
        FieldElement(difference)
    }

    fn neg(&mut self, a: &FieldElement) -> FieldElement {
        let mut negated = a.0;
        let mut borrow = negated.sub_and_negate(&P, false);
        while borrow {
            borrow = negated.sub_with_borrow(&self.fold, false);
        }
        FieldElement(negated)
    }

    /// `a·b`: the low half of the product plus its high half folded down.
    #[inline(always)]
    fn mul(&mut self, a: &FieldElement, b: &FieldElement) -> FieldElement {
        let mut low = U256::copy_of(&a.0);
        self.high.copy_from(&a.0, false);
        low.mul_low(&b.0);
        self.high.mul_high(&b.0);
        self.fold_high_into(&mut low);
        FieldElement(low)
    }

    /// `a·factor` for a small factor.
    #[inline(always)]
    fn mul_small(&mut self, a: &FieldElement, factor: u32) -> FieldElement {
        let mut low = a.0;
        self.addend.0[0] = factor;
        self.addend.0[1] = 0;
        self.addend.0[2] = 0;
        low.mul_low(&self.addend);
        // floor(a·factor / 2^224) = a7·factor + (less than factor).
        let top = bits_above_256(a.0 .0[7] as u64 * factor as u64, low.0[7]);
        self.add_folded(&mut low, top);
        FieldElement(low)
    }

    /// `a^(p-2)`.
    fn invert(&mut self, a: &FieldElement) -> FieldElement {
        let chain = self.power_chain(a);
        let t = self.square_times(&chain.x223, 23);
        let t = self.mul(&t, &chain.x22);
        let t = self.square_times(&t, 5);
        let t = self.mul(&t, a);
        let t = self.square_times(&t, 3);
        let t = self.mul(&t, &chain.x2);
        let t = self.square_times(&t, 2);
        self.mul(&t, a)
    }

    fn to_be_bytes(&mut self, a: &FieldElement) -> [u8; 32] {
        self.normalize(a).to_be_bytes()
    }

    /// `3·x²` (a = 0).
    fn doubling_slope(&mut self, x: &FieldElement, _z: &FieldElement) -> FieldElement {
        let x_squared = self.square(x);
        self.mul_small(&x_squared, 3)
    }
}

impl Field {
    pub fn new() -> Self {
        Self {
            fold: U256::from_u64(FOLD),
            high: U256::ZERO,
            addend: U256::ZERO,
        }
    }

    pub fn is_odd(&mut self, a: &FieldElement) -> bool {
        self.normalize(a).0 .0[0] & 1 == 1
    }

    /// `a^(2^count)`.
    pub fn square_times(&mut self, a: &FieldElement, count: u32) -> FieldElement {
        let mut result = *a;
        for _ in 0..count {
            result = self.square(&result);
        }
        result
    }

    /// A square root, if there is one: `a^((p+1)/4)`, checked by squaring.
    pub fn sqrt(&mut self, a: &FieldElement) -> Option<FieldElement> {
        let chain = self.power_chain(a);
        let t = self.square_times(&chain.x223, 23);
        let t = self.mul(&t, &chain.x22);
        let t = self.square_times(&t, 6);
        let t = self.mul(&t, &chain.x2);
        let root = self.square_times(&t, 2);
        let check = self.square(&root);
        self.equals(&check, a).then_some(root)
    }

    /// `numerator / denominator` from advice checked by one product.
    pub fn divide_advised(
        &mut self,
        numerator: &FieldElement,
        denominator: &NonZero<FieldElement>,
        advisor: &mut dyn Advisor,
    ) -> FieldElement {
        let denominator = denominator.get();
        let question = Question::FieldQuotient(&numerator.0, &denominator.0);
        let (_, quotient) = self.advised_element(advisor, question, &[0]);
        let product = self.mul(&quotient, denominator);
        let difference = self.sub(&product, numerator);
        if !self.is_zero(&difference) {
            advice::lie("the quotient is wrong");
        }
        quotient
    }

    /// [`sqrt`](Self::sqrt) from advice: a root checked by squaring, or the root of `-a`,
    /// which proves that `a` has none; the even one of the two roots (canonical, below p).
    pub fn sqrt_advised(
        &mut self,
        a: &FieldElement,
        advisor: &mut dyn Advisor,
    ) -> Option<FieldElement> {
        let a = self.normalize(a);
        if words::is_zero(&a.0) {
            return Some(a);
        }
        let (tag, root) = self.advised_element(
            advisor,
            Question::FieldSqrt(&a.0),
            &[advice::ROOT, advice::NO_ROOT],
        );
        // Of the two roots ±w only the even one is accepted: an answer has one valid form.
        if root.0 .0[0] & 1 == 1 {
            advice::lie("an odd square root");
        }
        let square = self.square(&root);
        let claimed = match tag {
            advice::ROOT => a,
            _ => self.neg(&a),
        };
        if !self.equals(&square, &claimed) {
            advice::lie("the square root is wrong");
        }
        (tag == advice::ROOT).then_some(root)
    }

    /// The advisor's canonical element and tag (one of `tags`).
    fn advised_element(
        &mut self,
        advisor: &mut dyn Advisor,
        question: Question<'_>,
        tags: &[u32],
    ) -> (u32, FieldElement) {
        let (tag, value) = advisor.advise(question);
        if !tags.contains(&tag) {
            advice::lie("unknown tag");
        }
        match FieldElement::from_words(value) {
            Some(element) => (tag, element),
            None => advice::lie("a field element not below p"),
        }
    }

    /// The powers `a^(2^k - 1)` that both exponents `p-2` and `(p+1)/4` are built from
    /// (libsecp256k1's addition chain: about 255 squarings and 15 products per exponent).
    fn power_chain(&mut self, a: &FieldElement) -> PowerChain {
        let step = |f: &mut Self, base: &FieldElement, squarings, factor: &FieldElement| {
            let t = f.square_times(base, squarings);
            f.mul(&t, factor)
        };
        let x2 = step(self, a, 1, a);
        let x3 = step(self, &x2, 1, a);
        let x6 = step(self, &x3, 3, &x3);
        let x9 = step(self, &x6, 3, &x3);
        let x11 = step(self, &x9, 2, &x2);
        let x22 = step(self, &x11, 11, &x11);
        let x44 = step(self, &x22, 22, &x22);
        let x88 = step(self, &x44, 44, &x44);
        let x176 = step(self, &x88, 88, &x88);
        let x220 = step(self, &x176, 44, &x44);
        let x223 = step(self, &x220, 3, &x3);
        PowerChain { x2, x22, x223 }
    }

    /// `low + high·2^256 (mod p)` with `high` in `self.high`: `high·2^256 ≡ high·FOLD`,
    /// a 289-bit value whose low 256 bits add to `low`; what lies above (below 2^34 with
    /// the carry) folds again. That part comes from the top words of `high` and of the
    /// low product, without a second multiplication.
    #[inline(always)]
    fn fold_high_into(&mut self, low: &mut U256) {
        let (h6, h7) = (self.high.0[6] as u64, self.high.0[7] as u64);
        self.high.mul_low(&self.fold);
        // high·FOLD / 2^224 = h7·2^32 + h6 + 977·h7 + (less than 978).
        let above = h7 + bits_above_256(h6 + 977 * h7, self.high.0[7]);
        let carry = low.add_with_carry(&self.high, false);
        self.add_folded(low, above + carry as u64);
    }

    /// `low + top·2^256 (mod p)` for `top < 2^35`: adds `top·FOLD` (below 2^68); a carry
    /// out leaves a value below 2^68, so the one further fold cannot carry.
    #[inline(always)]
    fn add_folded(&mut self, low: &mut U256, top: u64) {
        if top == 0 {
            return;
        }
        // top·(2^32 + 977) in 32-bit words, without a 128-bit multiplication; the
        // addend's upper words stay zero.
        let times_977 = top * 977;
        let middle = (times_977 >> 32) + (top as u32 as u64);
        self.addend.0[0] = times_977 as u32;
        self.addend.0[1] = middle as u32;
        self.addend.0[2] = ((middle >> 32) + (top >> 32)) as u32;
        if low.add_with_carry(&self.addend, false) {
            low.add_with_carry(&self.fold, false);
        }
    }
}

/// The bits above 2^256 of a product, beyond a known multiple of 2^32 of them, from an
/// estimate `e` with `e <= floor(product / 2^224) - m·2^32 < e + 2^32` and the top
/// word of the product's low half (which is `floor(product / 2^224) mod 2^32`): the
/// estimate's shortfall is the difference of the low words.
#[inline(always)]
fn bits_above_256(estimate: u64, low_top_word: u32) -> u64 {
    let shortfall = low_top_word.wrapping_sub(estimate as u32) as u64;
    (estimate + shortfall) >> 32
}

/// `a^(2^k - 1)` for the k in the field names.
struct PowerChain {
    x2: FieldElement,
    x22: FieldElement,
    x223: FieldElement,
}
