//! The base field, integers mod p = 2^256 - 2^224 + 2^192 + 2^96 - 1, in Montgomery form.

use zkos_ecc::{CurveField, Modulus, Montgomery, Residue};
use zkos_guest_rt::U256;

pub struct BaseModulus;

impl Modulus for BaseModulus {
    const MODULUS: U256 = U256([
        0xFFFF_FFFF,
        0xFFFF_FFFF,
        0xFFFF_FFFF,
        0x0000_0000,
        0x0000_0000,
        0x0000_0000,
        0x0000_0001,
        0xFFFF_FFFF,
    ]);
    const NEG_INVERSE: U256 = U256([
        0x0000_0001,
        0x0000_0000,
        0x0000_0000,
        0x0000_0001,
        0x0000_0000,
        0x0000_0000,
        0x0000_0002,
        0xFFFF_FFFF,
    ]);
    const R_SQUARED: U256 = U256([
        0x0000_0003,
        0x0000_0000,
        0xFFFF_FFFF,
        0xFFFF_FFFB,
        0xFFFF_FFFE,
        0xFFFF_FFFF,
        0xFFFF_FFFD,
        0x0000_0004,
    ]);
    const R: U256 = U256([
        0x0000_0001,
        0x0000_0000,
        0x0000_0000,
        0xFFFF_FFFF,
        0xFFFF_FFFF,
        0xFFFF_FFFF,
        0xFFFF_FFFE,
        0x0000_0000,
    ]);
}

pub type FieldElement = Residue<BaseModulus>;

/// Field arithmetic (its constants in RAM).
#[derive(Default)]
pub struct Field(Montgomery<BaseModulus>);

impl Field {
    pub fn new() -> Self {
        Self(Montgomery::new())
    }

    /// The element with this canonical value; `None` if it is not below p.
    pub fn from_canonical(&mut self, value: &U256) -> Option<FieldElement> {
        self.0.from_canonical(value)
    }
}

impl CurveField for Field {
    type Element = FieldElement;
    const ZERO: FieldElement = FieldElement::ZERO;
    const ONE: FieldElement = FieldElement::ONE;

    /// Montgomery residues are always canonical.
    fn normalize(&mut self, a: &FieldElement) -> FieldElement {
        *a
    }

    fn is_zero(&mut self, a: &FieldElement) -> bool {
        a.is_zero()
    }

    fn equals(&mut self, a: &FieldElement, b: &FieldElement) -> bool {
        a == b
    }

    fn to_be_bytes(&mut self, a: &FieldElement) -> [u8; 32] {
        self.0.to_be_bytes(a)
    }

    fn add(&mut self, a: &FieldElement, b: &FieldElement) -> FieldElement {
        self.0.add(a, b)
    }

    fn sub(&mut self, a: &FieldElement, b: &FieldElement) -> FieldElement {
        self.0.sub(a, b)
    }

    fn neg(&mut self, a: &FieldElement) -> FieldElement {
        self.0.neg(a)
    }

    fn mul(&mut self, a: &FieldElement, b: &FieldElement) -> FieldElement {
        self.0.mul(a, b)
    }

    /// By doublings and additions: each is a fraction of a Montgomery product.
    fn mul_small(&mut self, a: &FieldElement, factor: u32) -> FieldElement {
        if factor == 0 {
            return FieldElement::ZERO;
        }
        let mut product = *a;
        for bit in (0..31 - factor.leading_zeros()).rev() {
            product = self.double(&product);
            if factor >> bit & 1 == 1 {
                product = self.add(&product, a);
            }
        }
        product
    }

    fn invert(&mut self, a: &FieldElement) -> FieldElement {
        self.0.invert(a)
    }

    /// `3·x² - 3·z⁴ = 3·(x - z²)·(x + z²)` (a = -3).
    fn doubling_slope(&mut self, x: &FieldElement, z: &FieldElement) -> FieldElement {
        let z_squared = self.square(z);
        let difference = self.sub(x, &z_squared);
        let sum = self.add(x, &z_squared);
        let product = self.mul(&difference, &sum);
        self.mul_small(&product, 3)
    }
}
