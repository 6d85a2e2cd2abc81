//! The guest's computation on the host with an advisor that lies once: whatever answer
//! word it corrupts, and however, the recovery panics (the guest's abort) instead of
//! returning a key or refusing the signature.
use k256::ecdsa::SigningKey;
use proptest::prelude::*;
use ruint::aliases::U256 as Int;
use zkos_guest_rt::U256;
use zkos_secp256k1::advice::{answer, Advisor, HostAdvisor, Question};
use zkos_secp256k1::recover_on_u256_delegation;

/// Honest answers, except that word `word` (0: the tag) of answer `question` is XORed
/// with `mask`.
struct LyingAdvisor {
    asked: usize,
    question: usize,
    word: usize,
    mask: u32,
}

impl Advisor for LyingAdvisor {
    fn advise(&mut self, question: Question<'_>) -> (u32, U256) {
        let (mut tag, mut words) = HostAdvisor.advise(question);
        if self.asked == self.question {
            match self.word {
                0 => tag ^= self.mask,
                word => words.0[word - 1] ^= self.mask,
            }
        }
        self.asked += 1;
        (tag, words)
    }
}

proptest! {
    #[test]
    fn a_lie_in_any_answer_word_panics(
        secret in any::<[u8; 32]>(),
        hash in any::<[u8; 32]>(),
        question in 0usize..200,
        word in 0usize..9,
        mask in 1u32..,
    ) {
        let Ok(key) = SigningKey::from_bytes(&secret.into()) else { return Ok(()) };
        let (signature, id) = key.sign_prehash_recoverable(&hash).unwrap();
        let (r, s) = (signature.r().to_bytes().into(), signature.s().to_bytes().into());
        prop_assert!(recover_on_u256_delegation(&hash, &r, &s, id.to_byte(), &mut HostAdvisor).is_some());
        let mut counter = LyingAdvisor { asked: 0, question: usize::MAX, word, mask };
        recover_on_u256_delegation(&hash, &r, &s, id.to_byte(), &mut counter);
        prop_assume!(question < counter.asked);
        let mut liar = LyingAdvisor { asked: 0, question, word, mask };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            recover_on_u256_delegation(&hash, &r, &s, id.to_byte(), &mut liar)
        }));
        prop_assert!(result.is_err(), "question {} word {} mask {:#x} was accepted", question, word, mask);
    }
}

/// The honest answers against their definitions, computed by k256's field and scalar
/// types rather than ruint's (which `answer` uses).
#[test]
fn answers_satisfy_their_checks() {
    use k256::elliptic_curve::ff::PrimeField;
    use k256::{FieldElement, Scalar};
    let words_to_be = |w: &U256| {
        let mut bytes = [0u8; 32];
        for (i, word) in w.0.iter().enumerate() {
            bytes[28 - 4 * i..32 - 4 * i].copy_from_slice(&word.to_be_bytes());
        }
        bytes
    };
    let be_to_words = |b: &[u8; 32]| {
        U256(core::array::from_fn(|i| {
            u32::from_be_bytes(b[28 - 4 * i..32 - 4 * i].try_into().unwrap())
        }))
    };
    for seed in 1u64..40 {
        let x = FieldElement::from(seed * 0x9E37_79B9_7F4A_7C15);
        let value = be_to_words(&x.to_bytes().into());
        let y = FieldElement::from(seed * 0x2545_F491_4F6C_DD1D + 1);
        let numerator = be_to_words(&y.to_bytes().into());
        let (tag, quotient) = answer(Question::FieldQuotient(&numerator, &value)).unwrap();
        let quotient = FieldElement::from_bytes(&words_to_be(&quotient).into()).unwrap();
        assert_eq!((tag, (x * quotient).normalize()), (0, y.normalize()));
        let (tag, root) = answer(Question::FieldSqrt(&value)).unwrap();
        let root = FieldElement::from_bytes(&words_to_be(&root).into()).unwrap();
        let expected = if tag == 0 { x } else { -x };
        assert_eq!(
            root.square().normalize(),
            expected.normalize(),
            "seed {seed} tag {tag}"
        );
        assert_eq!(x.sqrt().is_some().unwrap_u8() == 1, tag == 0);
        let k = Scalar::from(seed * 0xD1B5_4A32_D192_ED03);
        let (tag, inverse) =
            answer(Question::ScalarInverse(&be_to_words(&k.to_repr().into()))).unwrap();
        let inverse = Scalar::from_repr(words_to_be(&inverse).into()).unwrap();
        assert_eq!((tag, k * inverse), (0, Scalar::ONE));
    }
    let zero = U256::ZERO;
    assert_eq!(
        answer(Question::FieldQuotient(&zero, &zero)),
        None,
        "no quotient by zero"
    );
    assert_eq!(
        answer(Question::FieldSqrt(&U256::MAX)),
        None,
        "a value not below p has no answer"
    );
}

/// The other square root (`p - y`, also a root, but odd) is refused: each answer has one
/// valid form, so no changed word goes unnoticed.
#[test]
fn the_odd_root_is_refused() {
    struct OtherRoot;
    impl Advisor for OtherRoot {
        fn advise(&mut self, question: Question<'_>) -> (u32, U256) {
            let (tag, root) = HostAdvisor.advise(question);
            if !matches!(question, Question::FieldSqrt(_)) {
                return (tag, root);
            }
            let p = Int::from_str_radix(
                "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f",
                16,
            )
            .unwrap();
            let value = Int::from_limbs(core::array::from_fn(|i| {
                root.0[2 * i] as u64 | (root.0[2 * i + 1] as u64) << 32
            }));
            let other = (p - value).as_limbs().to_owned();
            (
                tag,
                U256(core::array::from_fn(|i| {
                    (other[i / 2] >> (32 * (i % 2))) as u32
                })),
            )
        }
    }
    let key = SigningKey::from_bytes(&[3u8; 32].into()).unwrap();
    let hash = [4u8; 32];
    let (signature, id) = key.sign_prehash_recoverable(&hash).unwrap();
    let (r, s) = (
        signature.r().to_bytes().into(),
        signature.s().to_bytes().into(),
    );
    assert!(recover_on_u256_delegation(&hash, &r, &s, id.to_byte(), &mut HostAdvisor).is_some());
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        recover_on_u256_delegation(&hash, &r, &s, id.to_byte(), &mut OtherRoot)
    }));
    assert!(result.is_err(), "the odd root was accepted");
}

/// Records every answer the plain advisor gives.
struct Recording(Vec<(u32, U256)>);

impl Advisor for Recording {
    fn advise(&mut self, question: Question<'_>) -> (u32, U256) {
        let answer = HostAdvisor.advise(question);
        self.0.push(answer);
        answer
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The oracle's advice for a recovery (which recovers the key and computes the key
    /// check's vector once for all their questions) is, answer for answer, what the plain
    /// advisor gives when asked each question anew: for valid signatures, and for the
    /// same r and s with another recovery id or message (keys elsewhere or none at all).
    #[test]
    fn advice_for_a_recovery_is_the_plain_advisors(
        secret in any::<[u8; 32]>(),
        hash in any::<[u8; 32]>(),
        other_hash in any::<[u8; 32]>(),
        flip_id in any::<bool>(),
    ) {
        let Ok(key) = SigningKey::from_bytes(&secret.into()) else { return Ok(()) };
        let (signature, id) = key.sign_prehash_recoverable(&hash).unwrap();
        let (r, s) = (signature.r().to_bytes().into(), signature.s().to_bytes().into());
        let id = id.to_byte() ^ flip_id as u8;
        for hash in [hash, other_hash] {
            let mut plain = Recording(Vec::new());
            recover_on_u256_delegation(&hash, &r, &s, id, &mut plain);
            prop_assert!(plain.0.len() > 4);
            let advice = zkos_secp256k1::advice::advice_for_recovery(&hash, &r, &s, id);
            prop_assert_eq!(advice, plain.0);
        }
    }
}
