//! The host's recovery: libsecp256k1 (through the `secp256k1` bindings) behind the
//! checks that make it reject exactly what the guest's computation rejects.
use secp256k1::ecdsa::{RecoverableSignature, RecoveryId};
use secp256k1::{Message, SECP256K1};

/// Half the group order, big-endian: the largest `s` that k256's low-s check accepts.
const HALF_ORDER: [u8; 32] = [
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// libsecp256k1 refuses `r` or `s` zero or not below the order, a reduced `x` that is not
/// a field element, no point, and a key at infinity; the high-`s` check is ours (it
/// recovers from any `s`).
pub fn recover(
    message_hash: &[u8; 32],
    r: &[u8; 32],
    s: &[u8; 32],
    recovery_id: u8,
) -> Option<[u8; 64]> {
    if s > &HALF_ORDER {
        return None;
    }
    let id = RecoveryId::try_from(i32::from(recovery_id)).ok()?;
    let mut compact = [0u8; 64];
    compact[..32].copy_from_slice(r);
    compact[32..].copy_from_slice(s);
    let signature = RecoverableSignature::from_compact(&compact, id).ok()?;
    let key = SECP256K1
        .recover_ecdsa(Message::from_digest(*message_hash), &signature)
        .ok()?;
    let mut out = [0u8; 64];
    out.copy_from_slice(&key.serialize_uncompressed()[1..]);
    Some(out)
}
