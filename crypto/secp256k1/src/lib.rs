//! secp256k1 ECDSA public-key recovery for the guest OS, with the field (mod p) and
//! scalar (mod n) arithmetic on the 256-bit integer delegation (CSR 0x7CA, `SPEC.md`
//! section 3).
//!
//! On RISC-V every 256-bit operation is one delegation call; on the host the same code
//! runs on `zkos_guest_rt`'s software model of the device, and the tests hold it to the
//! hardware. The host's [`recover`] (the sequencer's run) is libsecp256k1 instead, which
//! the tests hold to the same answers. Results match `k256`'s
//! `VerifyingKey::recover_from_prehash` bit for bit, including its rejections.
#![no_std]

#[cfg(not(target_arch = "riscv32"))]
extern crate alloc;

pub mod advice;
mod ecmult;
mod field;
mod g_table;
#[cfg(not(target_arch = "riscv32"))]
mod host;
#[cfg(not(target_arch = "riscv32"))]
mod lattice;
mod point;
mod scalar;

use advice::Advisor;
pub use field::{Field, FieldElement};
pub use point::{AffinePoint, JacobianPoint};
pub use scalar::{Scalar, SignedHalf};
use zkos_ecc::words;
pub use zkos_ecc::CurveField;

/// The odd multiples `G, 3G, 5G, ...` and of `2^64·G` used by the scalar multiplications.
pub use g_table::{G64_ODD_MULTIPLES, G_ODD_MULTIPLES, G_WINDOW};

/// The public key (uncompressed `x ‖ y`, big-endian) whose signature of `message_hash`
/// is `(r, s)` with `recovery_id` (bit 0: `y` of the nonce point is odd, bit 1: its `x`
/// is `r + n`).
///
/// `None` exactly where `k256`'s `recover_from_prehash` fails: `recovery_id > 3`, `r` or
/// `s` zero or not below the group order, `s` above half the order (k256 checks the
/// recovered key with its low-s verification), `r + n` not a field element, no curve
/// point with that `x`, or a recovered key at infinity.
///
/// On RISC-V this is [`recover_on_u256_delegation`] with the host's advice (asked once
/// through the oracle, every answer checked and used). On the host (the sequencer's run) it
/// is libsecp256k1's recovery through the `secp256k1` bindings, behind the same checks:
/// the same answers (`tests/against_k256.rs` holds all three to each other), at a small
/// part of the software model's time.
pub fn recover(
    message_hash: &[u8; 32],
    r: &[u8; 32],
    s: &[u8; 32],
    recovery_id: u8,
) -> Option<[u8; 64]> {
    #[cfg(target_arch = "riscv32")]
    {
        let mut advisor = advice::OracleAdvisor::ask(message_hash, r, s, recovery_id);
        let key = recover_on_u256_delegation(message_hash, r, s, recovery_id, &mut advisor);
        advisor.finish();
        key
    }
    #[cfg(not(target_arch = "riscv32"))]
    return host::recover(message_hash, r, s, recovery_id);
}

/// [`recover`] on the 256-bit integer delegation (its software model on the host): the
/// guest's computation. The key, and what its check needs, come from `advisor`, each
/// checked; a wrong answer aborts (a panic).
pub fn recover_on_u256_delegation(
    message_hash: &[u8; 32],
    r: &[u8; 32],
    s: &[u8; 32],
    recovery_id: u8,
    advisor: &mut dyn Advisor,
) -> Option<[u8; 64]> {
    if recovery_id > 3 {
        return None;
    }
    let r_scalar = Scalar::from_be_bytes_nonzero(r)?;
    let s_scalar = Scalar::from_be_bytes_nonzero(s)?;
    if s_scalar.is_high() {
        return None;
    }
    let nonce_x = nonce_x(r, recovery_id & 2 != 0)?;
    let mut field = Field::new();
    let nonce_point = point::decompress(&mut field, advisor, &nonce_x, recovery_id & 1 != 0)?;
    let r_inv = r_scalar.invert_advised(advisor);
    let z = Scalar::from_be_bytes_reduced(message_hash);
    let f = &mut field;
    let Some(key) = point::advised_key(f, advisor, message_hash, r, s, recovery_id) else {
        // Claimed at infinity: s·R = z·G, checked by computing the key the long way.
        let u1 = r_inv.mul(&z).neg();
        let u2 = r_inv.mul(&s_scalar);
        if ecmult::double_mul(f, advisor, &u1, &u2, &nonce_point).is_some() {
            advice::lie("the key is not at infinity");
        }
        return None;
    };
    let signature = ecmult::Signature {
        r: &r_scalar,
        s: &s_scalar,
        z: &z,
        r_inv: &r_inv,
        nonce_point: &nonce_point,
    };
    ecmult::check_key(f, advisor, &signature, &key);
    Some(key.to_uncompressed(f))
}

/// The nonce point's `x`: `r`, or `r + n` for a reduced `x` (`None` if that is not below p).
fn nonce_x(r: &[u8; 32], x_reduced: bool) -> Option<FieldElement> {
    let mut x = words::from_be_bytes(r);
    if x_reduced && x.add_with_carry(&scalar::N, false) {
        return None;
    }
    FieldElement::from_words(x)
}
