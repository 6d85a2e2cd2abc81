//! `recover` against k256's `VerifyingKey::recover_from_prehash`: signatures of random
//! keys, arbitrary and edge-case inputs (same key or same rejection), published vectors
//! and crafted signatures that hit the special cases of point addition. Every case runs
//! both implementations, the guest's (on the delegation's software model) and the host's
//! (libsecp256k1), and holds them equal.
use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::{ProjectivePoint, Scalar};
use proptest::prelude::*;
use ruint::aliases::U256 as Int;
use sha3::{Digest, Keccak256};
use zkos_secp256k1::advice::HostAdvisor;

/// The guest's recovery, after checking that the host's gives the same answer.
fn recover(hash: &[u8; 32], r: &[u8; 32], s: &[u8; 32], id: u8) -> Option<[u8; 64]> {
    let guest = zkos_secp256k1::recover_on_u256_delegation(hash, r, s, id, &mut HostAdvisor);
    let host = zkos_secp256k1::recover(hash, r, s, id);
    assert_eq!(guest, host, "the guest's and the host's recovery disagree");
    guest
}

const N: Int =
    ruint::uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256);
const P: Int =
    ruint::uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F_U256);

fn k256_recover(hash: &[u8; 32], r: &[u8; 32], s: &[u8; 32], id: u8) -> Option<[u8; 64]> {
    let recovery_id = RecoveryId::from_byte(id)?;
    let signature = Signature::from_scalars(*r, *s).ok()?;
    let key = VerifyingKey::recover_from_prehash(hash, &signature, recovery_id).ok()?;
    Some(uncompressed(&key))
}

fn uncompressed(key: &VerifyingKey) -> [u8; 64] {
    key.to_encoded_point(false).as_bytes()[1..]
        .try_into()
        .unwrap()
}

fn be(value: Int) -> [u8; 32] {
    value.to_be_bytes()
}

fn scalar_bytes(value: &Scalar) -> [u8; 32] {
    value.to_bytes().into()
}

/// 256-bit values near the bounds `recover` checks, and random ones.
fn edge_value() -> impl Strategy<Value = [u8; 32]> {
    let near = |base: Int| (0u64..1000).prop_map(move |k| be(base.wrapping_sub(Int::from(k))));
    prop_oneof![
        any::<[u8; 32]>(),
        (0u64..1000).prop_map(|k| be(Int::from(k))),
        near(N),
        near(N >> 1).prop_map(|b| be(Int::from_be_bytes(b) + Int::from(500u64))),
        near(P - N),
        near(P),
        near(Int::MAX),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn recovers_the_signers_key(secret in any::<[u8; 32]>(), hash in any::<[u8; 32]>()) {
        let Ok(key) = SigningKey::from_bytes(&secret.into()) else {
            return Ok(());
        };
        let (signature, recovery_id) = key.sign_prehash_recoverable(&hash).unwrap();
        let (r, s) = (signature.r().to_bytes().into(), signature.s().to_bytes().into());
        let expected = uncompressed(key.verifying_key());
        prop_assert_eq!(recover(&hash, &r, &s, recovery_id.to_byte()), Some(expected));
        prop_assert_eq!(k256_recover(&hash, &r, &s, recovery_id.to_byte()), Some(expected));
        // The high-s twin of the same signature: k256 (and so `recover`) rejects it.
        let high_s = be(N - Int::from_be_bytes(s));
        let twin_id = recovery_id.to_byte() ^ 1;
        prop_assert_eq!(recover(&hash, &r, &high_s, twin_id), None);
        prop_assert_eq!(k256_recover(&hash, &r, &high_s, twin_id), None);
    }

    #[test]
    fn agrees_with_k256_on_any_input(
        hash in edge_value(),
        r in edge_value(),
        s in edge_value(),
        id in 0u8..6,
    ) {
        prop_assert_eq!(recover(&hash, &r, &s, id), k256_recover(&hash, &r, &s, id));
    }

    /// The nonce point is a small multiple of G and u1, u2 are small, so the additions
    /// meet equal and opposite points (doubling and infinity inside the sum).
    #[test]
    fn agrees_with_k256_on_small_multiples_of_g(
        k in 1u64..24,
        u1 in -40i64..40,
        u2 in -40i64..40,
    ) {
        let nonce = (ProjectivePoint::GENERATOR * Scalar::from(k)).to_affine();
        let encoded = nonce.to_encoded_point(false);
        let r_bytes: [u8; 32] = (*encoded.x().unwrap()).into();
        let y_odd = encoded.y().unwrap()[31] & 1;
        let r = <Scalar as Reduce<k256::U256>>::reduce_bytes(&r_bytes.into());
        let signed = |v: i64| if v < 0 { -Scalar::from(v.unsigned_abs()) } else { Scalar::from(v as u64) };
        // u1 = -z/r and u2 = s/r.
        let z = -(signed(u1) * r);
        let s = signed(u2) * r;
        let (hash, s) = (scalar_bytes(&z), scalar_bytes(&s));
        for id in [y_odd, y_odd ^ 1] {
            prop_assert_eq!(recover(&hash, &r_bytes, &s, id), k256_recover(&hash, &r_bytes, &s, id));
        }
    }
}

fn hex32(text: &str) -> [u8; 32] {
    hex::decode(text).unwrap().try_into().unwrap()
}

/// EIP-155's example transaction: signing hash, r, s, v = 37 (chain 1, y even), signed
/// by the key 0x4646...46.
#[test]
fn eip155_example_recovers_its_sender() {
    let hash = hex32("daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53");
    let r = hex32("28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276");
    let s = hex32("67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
    let key = recover(&hash, &r, &s, 0).unwrap();
    let address = &Keccak256::digest(key)[12..];
    assert_eq!(
        hex::encode(address),
        "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f"
    );
    let signer = SigningKey::from_bytes(&[0x46; 32].into()).unwrap();
    assert_eq!(key, uncompressed(signer.verifying_key()));
}

/// Recovery ids 2 and 3: the nonce point's x is r + n. Only r below p - n qualifies.
#[test]
fn reduced_x_recovers_like_k256() {
    let hash = hex32("0101010101010101010101010101010101010101010101010101010101010101");
    let s = be(Int::from(12345u64));
    let mut recovered = 0;
    for k in 1u64..40 {
        let r = be(Int::from(k));
        for id in [2, 3] {
            let ours = recover(&hash, &r, &s, id);
            assert_eq!(ours, k256_recover(&hash, &r, &s, id), "r = {k}, id = {id}");
            recovered += ours.is_some() as u32;
        }
    }
    assert!(
        recovered > 10,
        "only {recovered} reduced-x signatures recovered"
    );
    let too_large = be(P - N);
    assert_eq!(recover(&hash, &too_large, &s, 2), None);
    assert_eq!(k256_recover(&hash, &too_large, &s, 2), None);
}

/// With nonce point 7G, s = 1 and z = 7: s·R - z·G is infinity, so there is no key.
#[test]
fn key_at_infinity_is_rejected() {
    let nonce = (ProjectivePoint::GENERATOR * Scalar::from(7u64)).to_affine();
    let encoded = nonce.to_encoded_point(false);
    let r: [u8; 32] = (*encoded.x().unwrap()).into();
    assert!(Int::from_be_bytes(r) < N);
    let id = encoded.y().unwrap()[31] & 1;
    let (hash, s) = (be(Int::from(7u64)), be(Int::from(1u64)));
    assert_eq!(k256_recover(&hash, &r, &s, id), None);
    assert_eq!(recover(&hash, &r, &s, id), None);
    // The other parity is -7G, whose recovery is a genuine key.
    assert!(recover(&hash, &r, &s, id ^ 1).is_some());
    assert_eq!(
        recover(&hash, &r, &s, id ^ 1),
        k256_recover(&hash, &r, &s, id ^ 1)
    );
}

#[test]
fn out_of_range_inputs_are_rejected() {
    let hash = [7u8; 32];
    let valid_r = hex32("28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276");
    let valid_s = hex32("67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
    let cases = [
        (be(Int::ZERO), valid_s, 0),
        (valid_r, be(Int::ZERO), 0),
        (be(N), valid_s, 0),
        (valid_r, be(N), 0),
        (valid_r, be((N >> 1) + Int::from(1u64)), 0),
        (valid_r, valid_s, 4),
        (be(Int::MAX), valid_s, 1),
    ];
    for (r, s, id) in cases {
        assert_eq!(k256_recover(&hash, &r, &s, id), None);
        assert_eq!(recover(&hash, &r, &s, id), None);
    }
    // s = floor(n / 2) is the largest accepted s.
    let half = be(N >> 1);
    assert_eq!(
        recover(&hash, &valid_r, &half, 0),
        k256_recover(&hash, &valid_r, &half, 0)
    );
    assert!(recover(&hash, &valid_r, &half, 0).is_some());
}
