//! The scalar field, integers mod the group order n, in Montgomery form (`a·2^256 mod n`,
//! always canonical: below n).

use crate::advice::{self, Advisor, Question};
use zkos_ecc::{words, Modulus, Montgomery, Residue};
use zkos_guest_rt::U256;

pub(crate) const N: U256 = U256([
    0xD036_4141,
    0xBFD2_5E8C,
    0xAF48_A03B,
    0xBAAE_DCE6,
    0xFFFF_FFFE,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
]);
/// floor(n / 2): k256 calls a larger `s` "high".
const HALF_N: U256 = U256([
    0x681B_20A0,
    0xDFE9_2F46,
    0x57A4_501D,
    0x5D57_6E73,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
    0x7FFF_FFFF,
]);
/// The group order n.
pub struct GroupOrder;

impl Modulus for GroupOrder {
    const MODULUS: U256 = N;
    /// `-n^-1 mod 2^256`.
    const NEG_INVERSE: U256 = U256([
        0x5588_B13F,
        0x4B0D_FF66,
        0x34B9_EC24,
        0x50A5_1AC8,
        0x27CF_AB5E,
        0x897F_30C1,
        0x6494_EF93,
        0xD9E8_890D,
    ]);
    const R_SQUARED: U256 = U256([
        0x67D7_D140,
        0x896C_F214,
        0x0E7C_F878,
        0x7414_96C2,
        0x5BCD_07C6,
        0xE697_F5E4,
        0x81C6_9BC5,
        0x9D67_1CD5,
    ]);
    const R: U256 = U256([
        0x2FC9_BEBF,
        0x402D_A173,
        0x50B7_5FC4,
        0x4551_2319,
        0x0000_0001,
        0,
        0,
        0,
    ]);
}

/// λ, the cube root of unity mod n with λ·(x, y) = (β·x, y).
const LAMBDA: U256 = U256([
    0x1B23_BD72,
    0xDF02_967C,
    0x2081_6678,
    0x122E_22EA,
    0x8812_645A,
    0xA526_1C02,
    0xC05C_30E0,
    0x5363_AD4C,
]);
/// The lattice basis and rounding constants of libsecp256k1's `scalar_split_lambda`:
/// `c_i = round(k·g_i / 2^384)`, `k2 = c1·(-b1) + c2·(-b2)`, `k1 = k - k2·λ`.
const MINUS_B1: U256 = U256([
    0x0ABF_E4C3,
    0x6F54_7FA9,
    0x010E_8828,
    0xE443_7ED6,
    0,
    0,
    0,
    0,
]);
const MINUS_B2: U256 = U256([
    0x3DB1_562C,
    0xD765_CDA8,
    0x0774_346D,
    0x8A28_0AC5,
    0xFFFF_FFFE,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
    0xFFFF_FFFF,
]);
const G1: U256 = U256([
    0x45DB_B031,
    0xE893_209A,
    0x71E8_CA7F,
    0x3DAA_8A14,
    0x9284_EB15,
    0xE86C_90E4,
    0xA7D4_6BCD,
    0x3086_D221,
]);
const G2: U256 = U256([
    0x8AC4_7F71,
    0x1571_B4AE,
    0x9DF5_06C6,
    0x2212_08AC,
    0x0ABF_E4C4,
    0x6F54_7FA9,
    0x010E_8828,
    0xE443_7ED6,
]);

/// A scalar's half of the GLV split: below 2^128 in absolute value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignedHalf {
    pub magnitude: U256,
    pub negative: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scalar(Residue<GroupOrder>);

impl Scalar {
    /// The scalar with this big-endian value; `None` for zero or a value not below n
    /// (k256's `Signature::from_scalars` rules for r and s).
    pub fn from_be_bytes_nonzero(bytes: &[u8; 32]) -> Option<Self> {
        let value = words::from_be_bytes(bytes);
        if words::is_zero(&value) {
            return None;
        }
        Montgomery::new().from_canonical(&value).map(Self)
    }

    /// Any 256-bit big-endian value, reduced mod n (how ECDSA takes a message hash).
    pub fn from_be_bytes_reduced(bytes: &[u8; 32]) -> Self {
        Self::from_words_reduced(&words::from_be_bytes(bytes))
    }

    /// Any 256-bit value, reduced mod n.
    pub fn from_words_reduced(value: &U256) -> Self {
        Self(Montgomery::new().from_words_reduced(value))
    }

    /// The canonical value (below n) as little-endian words.
    pub fn to_words(&self) -> U256 {
        Montgomery::new().to_words(&self.0)
    }

    pub fn to_be_bytes(&self) -> [u8; 32] {
        words::to_be_bytes(&self.to_words())
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// Above floor(n / 2).
    pub fn is_high(&self) -> bool {
        words::less_than(&HALF_N, &self.to_words())
    }

    pub fn mul(&self, rhs: &Self) -> Self {
        Self(Montgomery::new().mul(&self.0, &rhs.0))
    }

    pub fn square(&self) -> Self {
        self.mul(self)
    }

    pub fn neg(&self) -> Self {
        Self(Montgomery::new().neg(&self.0))
    }

    pub fn add(&self, rhs: &Self) -> Self {
        Self(Montgomery::new().add(&self.0, &rhs.0))
    }

    /// `(k1, k2)` with `self = k1 + k2·λ (mod n)` and both below 2^128 in absolute
    /// value (the GLV decomposition), so `k·P = k1·P + k2·λ(P)` needs half the doublings.
    pub fn split_lambda(&self) -> [SignedHalf; 2] {
        let k = self.to_words();
        let c1 = Self::from_words_reduced(&mul_shift_384(&k, &G1));
        let c2 = Self::from_words_reduced(&mul_shift_384(&k, &G2));
        let k2 = c1
            .mul(&Self::from_words_reduced(&MINUS_B1))
            .add(&c2.mul(&Self::from_words_reduced(&MINUS_B2)));
        let k1 = self.add(&k2.mul(&Self::from_words_reduced(&LAMBDA)).neg());
        [k1.signed_half(), k2.signed_half()]
    }

    /// The value as a sign and a magnitude up to n/2.
    fn signed_half(&self) -> SignedHalf {
        let negative = self.is_high();
        let magnitude = if negative { self.neg() } else { *self };
        SignedHalf {
            magnitude: magnitude.to_words(),
            negative,
        }
    }

    /// `±magnitude mod n`.
    pub fn from_signed(half: &SignedHalf) -> Self {
        let magnitude = Self::from_words_reduced(&half.magnitude);
        if half.negative {
            magnitude.neg()
        } else {
            magnitude
        }
    }

    /// `k1 + k2·λ`.
    pub fn from_lambda_halves(k1: &SignedHalf, k2: &SignedHalf) -> Self {
        let lambda = Self::from_words_reduced(&LAMBDA);
        Self::from_signed(k1).add(&Self::from_signed(k2).mul(&lambda))
    }

    /// The inverse of a non-zero scalar, from advice checked by one product.
    pub fn invert_advised(&self, advisor: &mut dyn Advisor) -> Self {
        let (tag, value) = advisor.advise(Question::ScalarInverse(&self.to_words()));
        let inverse = match Montgomery::new().from_canonical(&value) {
            Some(inverse) if tag == 0 => Self(inverse),
            _ => advice::lie("a scalar not below n"),
        };
        if self.mul(&inverse) != Self(Residue::ONE) {
            advice::lie("the scalar inverse is wrong");
        }
        inverse
    }

    /// `self^(n-2)`, the inverse of a non-zero scalar.
    pub fn invert(&self) -> Self {
        Self(Montgomery::new().invert(&self.0))
    }
}

/// `round(k·g / 2^384)`: the high half of the product shifted by 128 bits, plus the
/// highest bit shifted out.
fn mul_shift_384(k: &U256, g: &U256) -> U256 {
    let mut high = *k;
    high.mul_high(g);
    let mut shifted = [high.0[4], high.0[5], high.0[6], high.0[7], 0, 0, 0, 0];
    let mut carry = high.0[3] >> 31;
    for word in shifted.iter_mut() {
        let (sum, overflow) = word.overflowing_add(carry);
        *word = sum;
        carry = overflow as u32;
    }
    U256(shifted)
}
