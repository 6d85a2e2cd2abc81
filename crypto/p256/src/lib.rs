//! P-256 (secp256r1) ECDSA verification for the guest OS, as EIP-7951's P256VERIFY
//! specifies it, on the 256-bit integer delegation (CSR 0x7CA, `SPEC.md` section 3).
//!
//! The arithmetic is zkos-ecc's: Montgomery residues for both the base field and the
//! group order, Jacobian formulas with the curve's a = -3, and Strauss' method with a
//! ROM table of the generator's odd multiples. On the host the same code runs on
//! `zkos_guest_rt`'s software model of the device. Results agree with RustCrypto's
//! `p256` (`VerifyingKey::verify_prehash`), including its rejections.
#![no_std]

mod field;
mod g_table;
mod scalar;

pub use field::{BaseModulus, Field, FieldElement};
pub use g_table::{G_ODD_MULTIPLES, G_WINDOW};
pub use scalar::GroupOrder;

use zkos_ecc::{odd_multiples, strauss, words, CurveField, Digits, Montgomery, Terms};
use zkos_guest_rt::U256;

pub type AffinePoint = zkos_ecc::AffinePoint<FieldElement>;
pub type JacobianPoint = zkos_ecc::JacobianPoint<Field>;

const KEY_WINDOW: u32 = 5;
const KEY_TABLE_SIZE: usize = 1 << (KEY_WINDOW - 2);

/// The curve's b (canonical).
const B: U256 = U256([
    0x27D2_604B,
    0x3BCE_3C3E,
    0xCC53_B0F6,
    0x651D_06B0,
    0x7698_86BC,
    0xB3EB_BD55,
    0xAA3A_93E7,
    0x5AC6_35D8,
]);

/// Whether `(r, s)` is a signature of `message_hash` by the public key `(key_x, key_y)`
/// (all big-endian), with EIP-7951's checks: `r` and `s` in `[1, n-1]`, the key's
/// coordinates below p and the key on the curve (so not at infinity), then with
/// `u1 = h·s⁻¹` and `u2 = r·s⁻¹`, `R = u1·G + u2·Q` not at infinity and `R.x ≡ r (mod n)`.
/// The hash is taken mod n; a high `s` is accepted.
pub fn verify(
    message_hash: &[u8; 32],
    r: &[u8; 32],
    s: &[u8; 32],
    key_x: &[u8; 32],
    key_y: &[u8; 32],
) -> bool {
    let mut scalars = Montgomery::<GroupOrder>::new();
    let (Some(r_scalar), Some(s_scalar)) = (
        scalar::from_be_bytes_nonzero(&mut scalars, r),
        scalar::from_be_bytes_nonzero(&mut scalars, s),
    ) else {
        return false;
    };
    let mut field = Field::new();
    let Some(key) = public_key(&mut field, key_x, key_y) else {
        return false;
    };
    let s_inv = scalars.invert(&s_scalar);
    let z = scalars.from_words_reduced(&words::from_be_bytes(message_hash));
    let u1 = scalars.mul(&z, &s_inv);
    let u2 = scalars.mul(&r_scalar, &s_inv);
    let (u1, u2) = (scalars.to_words(&u1), scalars.to_words(&u2));
    let sum = double_mul(&mut field, &u1, &u2, &key);
    x_matches(&mut field, &sum, &words::from_be_bytes(r))
}

/// The key as a point, if both coordinates are below p and `y² = x³ - 3x + b`.
fn public_key(f: &mut Field, x: &[u8; 32], y: &[u8; 32]) -> Option<AffinePoint> {
    let x = f.from_canonical(&words::from_be_bytes(x))?;
    let y = f.from_canonical(&words::from_be_bytes(y))?;
    let b = f.from_canonical(&B)?;
    let x_squared = f.square(&x);
    let x_cubed = f.mul(&x_squared, &x);
    let three_x = f.mul_small(&x, 3);
    let right = f.sub(&x_cubed, &three_x);
    let right = f.add(&right, &b);
    let left = f.square(&y);
    f.equals(&left, &right).then_some(AffinePoint { x, y })
}

/// `u1·G + u2·key` (canonical scalars below n).
pub fn double_mul(f: &mut Field, u1: &U256, u2: &U256, key: &AffinePoint) -> JacobianPoint {
    let key_table: [JacobianPoint; KEY_TABLE_SIZE] = odd_multiples(f, key);
    strauss(
        f,
        Terms {
            table: &key_table,
            digits: &[Digits::new(u2, KEY_WINDOW, false, None)],
        },
        Terms {
            table: &G_ODD_MULTIPLES,
            digits: &[Digits::new(u1, G_WINDOW, false, None)],
        },
    )
}

/// Whether the affine x of `point`, reduced mod n, is `r` (a canonical, non-zero
/// scalar), without inverting Z: `x = X/Z²` is below p < 2n, so it is `r` or `r + n`
/// (where that is below p), and `x = c` exactly when `X = c·Z²`.
fn x_matches(f: &mut Field, point: &JacobianPoint, r: &U256) -> bool {
    if point.is_infinity() {
        return false;
    }
    let z_squared = f.square(&point.z);
    let mut r_plus_n = *r;
    let overflow = r_plus_n.add_with_carry(&GroupOrder::N, false);
    x_is(f, point, &z_squared, r) || (!overflow && x_is(f, point, &z_squared, &r_plus_n))
}

/// `X = candidate·Z²` for a candidate below p.
fn x_is(f: &mut Field, point: &JacobianPoint, z_squared: &FieldElement, candidate: &U256) -> bool {
    let Some(candidate) = f.from_canonical(candidate) else {
        return false;
    };
    let scaled = f.mul(&candidate, z_squared);
    f.equals(&scaled, &point.x)
}
