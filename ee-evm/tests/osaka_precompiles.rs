//! Osaka's precompiles: P256VERIFY at 0x100 (EIP-7951) and modexp with EIP-7823's length
//! bound and EIP-7883's pricing, against revm-precompile 43's Osaka set (p256 and aurora's
//! modexp behind it), the EIPs' vectors and hand-checked costs; and the fork gating: Cancun
//! and Prague keep the old behaviour exactly.

use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::ecdsa::{Signature, SigningKey};
use proptest::prelude::*;
use revm_precompile::Precompiles;
use support::{address, ours, reference, Outcome};
use zkos_ee_evm::precompiles::{self, addresses, is_precompile, PrecompileError, PrecompileOutput};
use zkos_system::spec::Spec;

mod support;

const P256VERIFY: u16 = 0x100;
const MODEXP: u16 = 0x05;

fn revm_osaka(precompile: u16, input: &[u8], gas_limit: u64) -> Outcome {
    reference(Precompiles::osaka(), precompile, input, gas_limit)
}

fn assert_same_as_revm(precompile: u16, input: &[u8], gas_limit: u64) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        ours(Spec::Osaka, precompile, input, gas_limit),
        revm_osaka(precompile, input, gas_limit),
        "precompile {:#x}, gas limit {}, input {}",
        precompile,
        gas_limit,
        hex::encode(input)
    );
    Ok(())
}

fn word(value: u64) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[24..].copy_from_slice(&value.to_be_bytes());
    word
}

fn modexp_input(base: &[u8], exponent: &[u8], modulus: &[u8]) -> Vec<u8> {
    let lengths = [base.len(), exponent.len(), modulus.len()].map(|len| word(len as u64));
    [&lengths.concat()[..], base, exponent, modulus].concat()
}

// ---- fork gating ----

#[test]
fn p256verify_exists_and_is_warm_from_osaka_only() {
    for spec in [Spec::Cancun, Spec::Prague] {
        assert!(!is_precompile(spec, &address(P256VERIFY)), "{spec:?}");
        assert_eq!(
            precompiles::run(spec, &address(P256VERIFY), &[0; 160], 1_000_000),
            None
        );
        let expected = if spec == Spec::Cancun { 10 } else { 17 };
        assert_eq!(addresses(spec).len(), expected);
        assert!(!addresses(spec).contains(&address(P256VERIFY)));
    }
    assert!(is_precompile(Spec::Osaka, &address(P256VERIFY)));
    let expected: Vec<[u8; 20]> = (1..=0x11).chain([P256VERIFY]).map(address).collect();
    assert_eq!(addresses(Spec::Osaka), &expected[..]);
    // Nothing else in the low range (0x0b..=0x11 are EIP-2537's), nor 0x100 with another
    // byte set.
    for n in (0..=0x1ff).filter(|n| !(1..=0x11).contains(n) && *n != P256VERIFY) {
        assert!(!is_precompile(Spec::Osaka, &address(n)), "{n:#x}");
    }
    let mut high = address(P256VERIFY);
    high[0] = 1;
    assert!(!is_precompile(Spec::Osaka, &high));
}

#[test]
fn modexp_keeps_eip_2565_before_osaka() {
    // EIP-198 example 1: base 3, exponent p-1 (256 bits), modulus p: 255 iterations.
    let input = modexp_input(
        &[3],
        &hex::decode("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e").unwrap(),
        &hex::decode("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f").unwrap(),
    );
    let one = word(1).to_vec();
    for spec in [Spec::Cancun, Spec::Prague] {
        // max(200, 4² · 255 / 3) = 1360
        assert_eq!(
            ours(spec, MODEXP, &input, 1_000_000),
            Ok((1360, one.clone()))
        );
    }
    // EIP-7883: max(500, 16 · 255) = 4080
    assert_eq!(
        ours(Spec::Osaka, MODEXP, &input, 1_000_000),
        Ok((4080, one))
    );
    // The minimum: 200 before, 500 from Osaka.
    let small = modexp_input(&[2], &[1], &[5]);
    assert_eq!(
        ours(Spec::Prague, MODEXP, &small, 1_000),
        Ok((200, vec![2]))
    );
    assert_eq!(ours(Spec::Osaka, MODEXP, &small, 1_000), Ok((500, vec![2])));
    assert_eq!(ours(Spec::Osaka, MODEXP, &small, 499), Err(()));
}

// ---- EIP-7823 ----

#[test]
fn modexp_lengths_above_1024_fail_from_osaka() {
    for position in 0..3 {
        let mut lengths = [1usize; 3];
        lengths[position] = 1025;
        let [base, exponent, modulus] = lengths.map(|len| vec![1u8; len]);
        let input = modexp_input(&base, &exponent, &modulus);
        let result = precompiles::run(Spec::Osaka, &address(MODEXP), &input, 100_000_000);
        assert_eq!(
            result,
            Some(Err(PrecompileError::Failure)),
            "length {position}"
        );
        assert!(
            ours(Spec::Prague, MODEXP, &input, 100_000_000).is_ok(),
            "Prague has no bound"
        );
        lengths[position] = 1024;
        let [base, exponent, modulus] = lengths.map(|len| vec![1u8; len]);
        let input = modexp_input(&base, &exponent, &modulus);
        assert!(
            ours(Spec::Osaka, MODEXP, &input, 100_000_000).is_ok(),
            "1024 is allowed"
        );
    }
    // A length word too large for any machine fails the same way, whatever the gas.
    let mut huge = modexp_input(&[], &[], &[]);
    huge[64..96].fill(0xff);
    assert_eq!(ours(Spec::Osaka, MODEXP, &huge, u64::MAX), Err(()));
}

// ---- EIP-7883 vectors (go-ethereum's modexp_eip7883.json, from the EIP) ----

const NAGYDANI_1_BASE: &str = "e09ad9675465c53a109fac66a445c91b292d2bb2c5268addb30cd82f80fcb0033ff97c80a5fc6f39193ae969c6ede6710a6b7ac27078a06d90ef1c72e5c85fb5";
const NAGYDANI_1_MODULUS: &str = "fc9e1f6beb81516545975218075ec2af118cd8798df6e08a147c60fd6095ac2bb02c2908cf4dd7c81f11c289e4bce98f3553768f392a80ce22bf5c4f4a248c6b";

#[test]
fn eip_7883_vectors() {
    let base = hex::decode(NAGYDANI_1_BASE).unwrap();
    let modulus = hex::decode(NAGYDANI_1_MODULUS).unwrap();
    // (name, exponent, output, EIP-7883 gas)
    let vectors: [(&str, &[u8], &str, u64); 3] = [
        ("nagydani-1-square", &[2], "60008f1614cc01dcfb6bfb09c625cf90b47d4468db81b5f8b7a39d42f332eab9b2da8f2d95311648a8f243f4bb13cfb3d8f7f2a3c014122ebb3ed41b02783adc", 500),
        ("nagydani-1-qube", &[3], "4834a46ba565db27903b1c720c9d593e84e4cbd6ad2e64b31885d944f68cd801f92225a8961c952ddf2797fa4701b330c85c4b363798100b921a1a22a46a7fec", 500),
        ("nagydani-1-pow0x10001", &[1, 0, 1], "c36d804180c35d4426b57b50c5bfcca5c01856d104564cd513b461d3c8b8409128a5573e416d0ebe38f5f736766d9dc27143e4da981dfa4d67f7dc474cbee6d2", 2048),
    ];
    for (name, exponent, output, gas) in vectors {
        let input = modexp_input(&base, exponent, &modulus);
        let expected = Ok((gas, hex::decode(output).unwrap()));
        assert_eq!(
            ours(Spec::Osaka, MODEXP, &input, 10_000_000),
            expected,
            "{name}"
        );
        assert_eq!(
            ours(Spec::Osaka, MODEXP, &input, gas - 1),
            Err(()),
            "{name} one short"
        );
    }
}

#[test]
fn eip_7883_costs_by_hand() {
    // (base_len, exponent, mod_len, gas) with a zero-filled base and modulus 1 in the last byte.
    let cases: [(usize, Vec<u8>, usize, u64); 5] = [
        // <= 32 bytes: complexity 16; exponent 2^40: 40 iterations -> 640
        (32, vec![1, 0, 0, 0, 0, 0], 32, 640),
        // 33 bytes: 2·ceil(33/8)² = 50; 1 iteration -> max(500, 50)
        (33, vec![3], 1, 500),
        // 1024 bytes: 2·128² = 32768; exponent 0x0100: 8 iterations
        (1, vec![1, 0], 1024, 262_144),
        // 40-byte exponent 0x01 00..: its first 32 bytes have bit length 249, so
        // 16·(40 - 32) + 248 = 376 iterations at complexity 16
        (8, [vec![1], vec![0; 39]].concat(), 8, 6016),
        // zero exponent: 1 iteration at the minimum
        (64, vec![0; 32], 64, 500),
    ];
    for (base_len, exponent, mod_len, gas) in cases {
        let mut modulus = vec![0u8; mod_len];
        modulus[mod_len - 1] = 1;
        let input = modexp_input(&vec![0; base_len], &exponent, &modulus);
        let outcome = ours(Spec::Osaka, MODEXP, &input, 10_000_000);
        assert_eq!(
            outcome.map(|(gas, _)| gas),
            Ok(gas),
            "{base_len} {exponent:?} {mod_len}"
        );
    }
}

/// A length near the interesting boundaries (32, 1024) or anywhere up to 1100.
fn length() -> impl Strategy<Value = usize> {
    prop_oneof![
        3 => 0usize..=40,
        1 => 1000usize..=1030,
        1 => 0usize..=1100,
    ]
}

fn modexp_case() -> impl Strategy<Value = Vec<u8>> {
    (length(), length(), length(), any::<u64>(), any::<bool>()).prop_map(
        |(base_len, exp_len, mod_len, seed, truncate)| {
            let byte = |i: usize, salt: u64| {
                (seed
                    .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                    .rotate_left((i % 64) as u32)
                    ^ salt) as u8
            };
            let base: Vec<u8> = (0..base_len).map(|i| byte(i, 1)).collect();
            let exponent: Vec<u8> = (0..exp_len).map(|i| byte(i, 2)).collect();
            let modulus: Vec<u8> = (0..mod_len).map(|i| byte(i, 3)).collect();
            let mut input = modexp_input(&base, &exponent, &modulus);
            if truncate {
                // Zero-padded past the end.
                input.truncate(input.len() / 2);
            }
            input
        },
    )
}

fn gas_limit() -> impl Strategy<Value = u64> {
    prop_oneof![4 => 0u64..2_000_000, 1 => any::<u64>(), 1 => Just(30_000_000u64)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn modexp_matches_revm_osaka(input in modexp_case(), gas_limit in gas_limit()) {
        assert_same_as_revm(MODEXP, &input, gas_limit)?;
    }

    #[test]
    fn modexp_short_exponents_match_revm_osaka(
        base in proptest::collection::vec(any::<u8>(), 0..70),
        exponent in proptest::collection::vec(any::<u8>(), 0..40),
        modulus in proptest::collection::vec(any::<u8>(), 0..70),
    ) {
        assert_same_as_revm(MODEXP, &modexp_input(&base, &exponent, &modulus), 10_000_000)?;
    }
}

// ---- P256VERIFY ----

/// Signed inputs from random keys and hashes (the seed reduced to a valid secret).
fn signed_input(seed: [u8; 32], hash: [u8; 32]) -> Vec<u8> {
    let mut secret = seed;
    secret[0] &= 0x7f;
    secret[31] |= 1;
    let key = SigningKey::from_bytes(&secret.into()).unwrap();
    let signature: Signature = key.sign_prehash(&hash).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    [&hash[..], &signature.to_bytes(), &point.as_bytes()[1..]].concat()
}

fn one() -> Vec<u8> {
    word(1).to_vec()
}

/// revm-precompile's vectors (from daimo-eth/p256-verifier, as in RIP-7212 and EIP-7951).
const VALID: [&str; 2] = [
    "4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d604aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e",
    "3fec5769b5cf4e310a7d150508e82fb8e3eda1c2c94c61492d3bd8aea99e06c9e22466e928fdccef0de49e3503d2657d00494a00e764fd437bdafa05f5922b1fbbb77c6817ccf50748419477e843d5bac67e6a70e97dde5a57e0c983b777e1ad31a80482dadf89de6302b1988c82c29544c9c07bb910596158f6062517eb089a2f54c9a0f348752950094d3228d3b940258c75fe2a413cb70baa21dc2e352fc5",
];

#[test]
fn p256verify_vectors_and_malformed_inputs() {
    for vector in VALID {
        let input = hex::decode(vector).unwrap();
        assert_eq!(
            ours(Spec::Osaka, P256VERIFY, &input, 6900),
            Ok((6900, one()))
        );
        // Every failure returns nothing and costs the same 6900: it is not an error.
        let mut wrong_hash = input.clone();
        wrong_hash[0] ^= 0x80;
        let mut infinity_key = input.clone();
        infinity_key[96..].fill(0);
        let mut r_is_n = input.clone();
        r_is_n[32..64].copy_from_slice(
            &hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
                .unwrap(),
        );
        let longer = [&input[..], &[0]].concat();
        for (name, bad) in [
            ("wrong hash", wrong_hash),
            ("key (0, 0)", infinity_key),
            ("r = n", r_is_n),
            ("161 bytes", longer),
            ("159 bytes", input[..159].to_vec()),
            ("empty", Vec::new()),
        ] {
            assert_eq!(
                ours(Spec::Osaka, P256VERIFY, &bad, 100_000),
                Ok((6900, Vec::new())),
                "{name}"
            );
            prop_assert_same(&bad, 100_000);
        }
        assert_eq!(
            precompiles::run(Spec::Osaka, &address(P256VERIFY), &input, 6899),
            Some(Err(PrecompileError::OutOfGas))
        );
    }
}

fn prop_assert_same(input: &[u8], gas_limit: u64) {
    assert_eq!(
        ours(Spec::Osaka, P256VERIFY, input, gas_limit),
        revm_osaka(P256VERIFY, input, gas_limit),
        "input {}",
        hex::encode(input)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn p256verify_matches_revm_osaka(
        seed in any::<[u8; 32]>(),
        hash in any::<[u8; 32]>(),
        flip in proptest::option::of(0usize..1280),
        length_change in prop_oneof![4 => Just(0i32), 1 => -3i32..3],
        gas_limit in prop_oneof![3 => Just(6900u64), 1 => 0u64..10_000, 1 => any::<u64>()],
    ) {
        let mut input = signed_input(seed, hash);
        if let Some(bit) = flip {
            input[bit / 8] ^= 1 << (bit % 8);
        }
        let new_len = (input.len() as i32 + length_change) as usize;
        input.resize(new_len, 0);
        assert_same_as_revm(P256VERIFY, &input, gas_limit)?;
        if flip.is_none() && length_change == 0 && gas_limit >= 6900 {
            prop_assert_eq!(
                precompiles::run(Spec::Osaka, &address(P256VERIFY), &input, gas_limit),
                Some(Ok(PrecompileOutput { gas_used: 6900, output: one() }))
            );
        }
    }
}
