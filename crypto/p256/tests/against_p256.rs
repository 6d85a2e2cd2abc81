//! `verify` against RustCrypto's p256 (`VerifyingKey::verify_prehash`, the back end of
//! revm's P256VERIFY): signatures of random keys and messages, tampered ones, arbitrary
//! inputs, edge cases of EIP-7951's range checks, and the Wycheproof ECDSA P-256
//! SHA-256 vectors (DER and IEEE P1363 encodings).
use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::EncodedPoint;
use proptest::prelude::*;
use ruint::aliases::U256 as Int;
use sha2::{Digest, Sha256};
use wycheproof::ecdsa::{TestName, TestSet};
use wycheproof::TestResult;

const N: Int =
    ruint::uint!(0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551_U256);
const P: Int =
    ruint::uint!(0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF_U256);

/// The 160-byte EIP-7951 input `h ‖ r ‖ s ‖ qx ‖ qy`.
#[derive(Clone, Debug)]
struct Input([u8; 160]);

impl Input {
    fn new(hash: &[u8; 32], signature: &[u8; 64], key: &[u8; 64]) -> Self {
        let mut bytes = [0u8; 160];
        bytes[..32].copy_from_slice(hash);
        bytes[32..96].copy_from_slice(signature);
        bytes[96..].copy_from_slice(key);
        Self(bytes)
    }

    fn word(&self, index: usize) -> &[u8; 32] {
        self.0[32 * index..32 * (index + 1)].try_into().unwrap()
    }

    fn zkos(&self) -> bool {
        let w = |i| self.word(i);
        zkos_p256::verify(w(0), w(1), w(2), w(3), w(4))
    }

    /// revm-precompile 43's `verify_signature` with the p256 back end.
    fn reference(&self) -> bool {
        let Ok(signature) = Signature::from_slice(&self.0[32..96]) else {
            return false;
        };
        let key = EncodedPoint::from_untagged_bytes(self.0[96..].into());
        let Ok(key) = VerifyingKey::from_encoded_point(&key) else {
            return false;
        };
        key.verify_prehash(self.word(0), &signature).is_ok()
    }
}

fn key_bytes(key: &VerifyingKey) -> [u8; 64] {
    key.to_encoded_point(false).as_bytes()[1..]
        .try_into()
        .unwrap()
}

/// A signature of `hash` by the key with this seed (the seed reduced to a valid secret).
fn signed(seed: &[u8; 32], hash: &[u8; 32]) -> Input {
    let secret = Int::from_be_bytes(*seed) % (N - Int::from(1u8)) + Int::from(1u8);
    let key = SigningKey::from_bytes(&secret.to_be_bytes::<32>().into()).unwrap();
    let signature: Signature = key.sign_prehash(hash).unwrap();
    Input::new(
        hash,
        &signature.to_bytes().into(),
        &key_bytes(key.verifying_key()),
    )
}

fn int_bytes(value: Int) -> [u8; 32] {
    value.to_be_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn valid_signatures_verify(seed in any::<[u8; 32]>(), hash in any::<[u8; 32]>()) {
        let input = signed(&seed, &hash);
        prop_assert!(input.reference());
        prop_assert!(input.zkos());
    }

    /// A high s (the other signature of the same nonce) is valid too: no malleability rule.
    #[test]
    fn negated_s_verifies(seed in any::<[u8; 32]>(), hash in any::<[u8; 32]>()) {
        let mut input = signed(&seed, &hash);
        let s = Int::from_be_bytes(*input.word(2));
        input.0[64..96].copy_from_slice(&int_bytes(N - s));
        prop_assert!(input.reference());
        prop_assert!(input.zkos());
    }

    /// Any one bit flipped anywhere: the same verdict as p256 (almost always a rejection).
    #[test]
    fn tampered_signatures_agree(
        seed in any::<[u8; 32]>(),
        hash in any::<[u8; 32]>(),
        bit in 0usize..1280,
    ) {
        let mut input = signed(&seed, &hash);
        input.0[bit / 8] ^= 1 << (bit % 8);
        prop_assert_eq!(input.zkos(), input.reference());
        prop_assert!(!input.zkos());
    }

    /// Arbitrary words, with a real key so the scalar and curve checks are passed often.
    #[test]
    fn arbitrary_inputs_agree(
        seed in any::<[u8; 32]>(),
        words in any::<[[u8; 32]; 3]>(),
        real_key in any::<bool>(),
    ) {
        let mut input = signed(&seed, &words[0]);
        input.0[32..64].copy_from_slice(&words[1]);
        input.0[64..96].copy_from_slice(&words[2]);
        if !real_key {
            input.0[96..128].copy_from_slice(&words[1]);
        }
        prop_assert_eq!(input.zkos(), input.reference());
    }

    /// A hash at or above n is taken mod n, as p256 does.
    #[test]
    fn hash_is_taken_mod_n(seed in any::<[u8; 32]>(), offset in 0u64..u64::MAX) {
        let hash = Int::from(offset) % (Int::MAX - N);
        let reduced = signed(&seed, &int_bytes(hash));
        let mut unreduced = reduced.clone();
        unreduced.0[..32].copy_from_slice(&int_bytes(hash + N));
        prop_assert!(reduced.zkos() && unreduced.zkos());
        prop_assert!(unreduced.reference());
    }
}

#[test]
fn range_checks_of_eip_7951() {
    let valid = signed(&[7; 32], &[9; 32]);
    assert!(valid.zkos());
    let with = |index: usize, value: Int| {
        let mut input = valid.clone();
        input.0[32 * index..32 * (index + 1)].copy_from_slice(&int_bytes(value));
        input
    };
    let (r, s) = (
        Int::from_be_bytes(*valid.word(1)),
        Int::from_be_bytes(*valid.word(2)),
    );
    let (x, y) = (
        Int::from_be_bytes(*valid.word(3)),
        Int::from_be_bytes(*valid.word(4)),
    );
    let cases = [
        ("r = 0", with(1, Int::ZERO)),
        ("r = n", with(1, N)),
        ("r + n", with(1, r + N)),
        ("s = 0", with(2, Int::ZERO)),
        ("s = n", with(2, N)),
        ("s + n", with(2, s + N)),
        ("x + p", with(3, x + P)),
        ("y + p", with(4, y.checked_add(P).unwrap_or(Int::MAX))),
        ("y = -y", with(4, P - y)),
        ("point (0, 0)", with(3, Int::ZERO)),
    ];
    for (name, input) in cases {
        let input = if name == "point (0, 0)" {
            let mut zero = input;
            zero.0[128..].fill(0);
            zero
        } else {
            input
        };
        assert!(!input.zkos(), "{name}");
        assert!(!input.reference(), "{name}");
    }
}

/// With the key Q = G·d, u1·G + u2·Q is infinity when h = -r·d (mod n): the sum is at
/// infinity and the signature must fail. With h = r·d it is the double of u1·G (equal
/// points in the addition).
#[test]
fn crafted_sums_at_infinity_and_doubling() {
    let d = Int::from(0x1234_5678_9abc_def0u64);
    let key = SigningKey::from_bytes(&int_bytes(d).into()).unwrap();
    let key = key_bytes(key.verifying_key());
    for s in [Int::from(1u8), Int::from(3u8), N - Int::from(2u8)] {
        // Any r below n; the sum is (h + r·d)/s · G.
        let r = Int::from(0xdead_beefu64);
        let rd = r.mul_mod(d, N);
        for hash in [(N - rd) % N, rd] {
            let mut signature = [0u8; 64];
            signature[..32].copy_from_slice(&int_bytes(r));
            signature[32..].copy_from_slice(&int_bytes(s));
            let input = Input::new(&int_bytes(hash), &signature, &key);
            assert_eq!(input.zkos(), input.reference(), "s {s}, h {hash}");
            assert!(!input.zkos());
        }
    }
}

/// The signature whose R has `x >= n`: r is `x - n`, and only the comparison with
/// `r + n` accepts it. Such an R needs a search; Wycheproof's "k*G has a large x-coordinate"
/// cases cover it, and here the comparison path itself: r + n overflowing 256 bits.
#[test]
fn r_near_n_is_compared_without_overflow() {
    let valid = signed(&[3; 32], &[4; 32]);
    let mut input = valid.clone();
    input.0[32..64].copy_from_slice(&int_bytes(N - Int::from(1u8)));
    assert_eq!(input.zkos(), input.reference());
    assert!(!input.zkos());
}

/// `r ‖ s` from a strict DER `SEQUENCE { INTEGER r, INTEGER s }` (minimal lengths and
/// integers, non-negative, nothing after), each fitting 32 bytes; `None` otherwise.
fn der_words(der: &[u8]) -> Option<[u8; 64]> {
    let (&[0x30, len], body) = der.split_first_chunk::<2>()? else {
        return None;
    };
    if len as usize != body.len() || len >= 0x80 {
        return None;
    }
    let (r, rest) = der_integer(body)?;
    let (s, rest) = der_integer(rest)?;
    if !rest.is_empty() {
        return None;
    }
    let mut words = [0u8; 64];
    words[32 - r.len()..32].copy_from_slice(r);
    words[64 - s.len()..].copy_from_slice(s);
    Some(words)
}

/// The magnitude bytes of a leading DER INTEGER (at most 32), and what follows it.
fn der_integer(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&[0x02, len], rest) = der.split_first_chunk::<2>()? else {
        return None;
    };
    let len = len as usize;
    if len == 0 || len >= 0x80 || rest.len() < len {
        return None;
    }
    let (value, rest) = rest.split_at(len);
    let negative = value[0] & 0x80 != 0;
    let padded = len > 1 && value[0] == 0 && value[1] & 0x80 == 0;
    if negative || padded {
        return None;
    }
    let magnitude = if value[0] == 0 { &value[1..] } else { value };
    (magnitude.len() <= 32).then_some((magnitude, rest))
}

struct Counts {
    ran: usize,
    skipped: usize,
}

fn run_wycheproof(name: TestName, raw: bool) -> Counts {
    let set = TestSet::load(name).unwrap();
    let mut counts = Counts { ran: 0, skipped: 0 };
    for group in &set.test_groups {
        let key: [u8; 64] = group.key.key[1..].try_into().unwrap();
        for test in &group.tests {
            // Out-of-range r or s still fit the precompile's 32-byte words; only
            // encodings that give no pair of words are skipped.
            let words = if raw {
                test.sig.as_ref().try_into().ok()
            } else {
                der_words(&test.sig)
            };
            let Some(words) = words else {
                counts.skipped += 1;
                continue;
            };
            let hash: [u8; 32] = Sha256::digest(&test.msg).into();
            let input = Input::new(&hash, &words, &key);
            let verdict = input.zkos();
            assert_eq!(
                verdict,
                input.reference(),
                "tc {}: {}",
                test.tc_id,
                test.comment
            );
            match test.result {
                TestResult::Valid => assert!(verdict, "tc {}: {}", test.tc_id, test.comment),
                // An invalid DER test may hold valid r and s in a (strict) encoding
                // that DER verifiers must refuse for other reasons, but none does here.
                TestResult::Invalid => assert!(!verdict, "tc {}: {}", test.tc_id, test.comment),
                _ => {}
            }
            counts.ran += 1;
        }
    }
    counts
}

#[test]
fn wycheproof_p256_sha256_der() {
    let counts = run_wycheproof(TestName::EcdsaSecp256r1Sha256, false);
    println!(
        "wycheproof ecdsa_secp256r1_sha256: {} ran, {} skipped (invalid DER)",
        counts.ran, counts.skipped
    );
    // The counts of wycheproof 0.7.0's file (484 tests): a change means vectors were lost.
    assert_eq!((counts.ran, counts.skipped), (249, 235));
}

#[test]
fn wycheproof_p256_sha256_p1363() {
    let counts = run_wycheproof(TestName::EcdsaSecp256r1Sha256P1363, true);
    println!(
        "wycheproof ecdsa_secp256r1_sha256_p1363: {} ran, {} skipped (not 64 bytes)",
        counts.ran, counts.skipped
    );
    assert_eq!((counts.ran, counts.skipped), (241, 21));
}
