//! The group order n, for scalars in Montgomery form.

use zkos_ecc::{words, Modulus, Montgomery, Residue};
use zkos_guest_rt::U256;

pub struct GroupOrder;

impl GroupOrder {
    pub const N: U256 = U256([
        0xFC63_2551,
        0xF3B9_CAC2,
        0xA717_9E84,
        0xBCE6_FAAD,
        0xFFFF_FFFF,
        0xFFFF_FFFF,
        0x0000_0000,
        0xFFFF_FFFF,
    ]);
}

impl Modulus for GroupOrder {
    const MODULUS: U256 = Self::N;
    const NEG_INVERSE: U256 = U256([
        0xEE00_BC4F,
        0xCCD1_C8AA,
        0x7D74_D2E4,
        0x48C9_4408,
        0xC588_C6F6,
        0x50FE_77EC,
        0xA9D6_281C,
        0x60D0_6633,
    ]);
    const R_SQUARED: U256 = U256([
        0xBE79_EEA2,
        0x8324_4C95,
        0x49BD_6FA6,
        0x4699_799C,
        0x2B6B_EC59,
        0x2845_B239,
        0xF3D9_5620,
        0x66E1_2D94,
    ]);
    const R: U256 = U256([
        0x039C_DAAF,
        0x0C46_353D,
        0x58E8_617B,
        0x4319_0552,
        0x0000_0000,
        0x0000_0000,
        0xFFFF_FFFF,
        0x0000_0000,
    ]);
}

/// The scalar with this big-endian value; `None` for zero or a value not below n.
pub fn from_be_bytes_nonzero(
    scalars: &mut Montgomery<GroupOrder>,
    bytes: &[u8; 32],
) -> Option<Residue<GroupOrder>> {
    let value = words::from_be_bytes(bytes);
    if words::is_zero(&value) {
        return None;
    }
    scalars.from_canonical(&value)
}
