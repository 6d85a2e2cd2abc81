//! Differential tests: every precompile against revm's (`revm-precompile` with its independent
//! back ends: libsecp256k1, substrate-bn, aurora-engine-modexp, c-kzg) on random inputs and gas.
//! Success must match in output and gas; a failure must be a failure in both (out of gas and
//! invalid input cost the same in Ethereum: all the gas, so which one is not compared).

use proptest::prelude::*;
use revm_precompile::Precompiles;
use substrate_bn::{AffineG1, AffineG2, Fq, Fq2, Fr, Group, G1, G2};
use support::Outcome;
use zkos_ee_evm::precompiles;
use zkos_system::spec::Spec;

mod support;

fn ours(precompile: u8, input: &[u8], gas_limit: u64) -> Outcome {
    support::ours(Spec::Cancun, precompile.into(), input, gas_limit)
}

fn reference(precompile: u8, input: &[u8], gas_limit: u64) -> Outcome {
    support::reference(Precompiles::cancun(), precompile.into(), input, gas_limit)
}

fn assert_same(precompile: u8, input: &[u8], gas_limit: u64) -> Result<(), TestCaseError> {
    let expected = reference(precompile, input, gas_limit);
    let got = ours(precompile, input, gas_limit);
    prop_assert_eq!(
        &got,
        &expected,
        "precompile {:#x}, gas limit {}, input {}",
        precompile,
        gas_limit,
        hex::encode(input)
    );
    Ok(())
}

/// A gas limit near the cost more often than not, sometimes anything.
fn gas_limit() -> impl Strategy<Value = u64> {
    prop_oneof![4 => 0u64..200_000, 1 => any::<u64>(), 1 => Just(30_000_000u64)]
}

fn word(value: &[u8]) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[32 - value.len()..].copy_from_slice(value);
    word
}

/// Input truncated to a random length, as a caller passing short calldata would.
fn truncated(mut input: Vec<u8>, keep: usize) -> Vec<u8> {
    input.truncate(keep);
    input
}

// ---- ecrecover ----

fn ecrecover_input() -> impl Strategy<Value = Vec<u8>> {
    let signed = (any::<[u8; 32]>(), any::<[u8; 32]>(), any::<bool>()).prop_filter_map(
        "key must be a valid scalar",
        |(key, hash, flip_s)| {
            let key = k256::ecdsa::SigningKey::from_slice(&key).ok()?;
            let (signature, recovery) = key.sign_prehash_recoverable(&hash).ok()?;
            let (mut r_s, mut y_odd) = (signature.to_bytes().to_vec(), recovery.is_y_odd());
            if flip_s {
                // (r, n - s) with the other parity recovers the same key.
                let s = -*signature.s();
                r_s[32..].copy_from_slice(&s.to_bytes());
                y_odd = !y_odd;
            }
            Some([&hash[..], &word(&[27 + u8::from(y_odd)]), &r_s].concat())
        },
    );
    let v = prop_oneof![
        Just(word(&[27])),
        Just(word(&[28])),
        any::<[u8; 32]>(),
        any::<u8>().prop_map(|v| word(&[v]))
    ];
    let random = (any::<[u8; 32]>(), v, any::<[u8; 64]>())
        .prop_map(|(hash, v, rs)| [&hash[..], &v, &rs].concat());
    (prop_oneof![signed, random], 0usize..=160)
        .prop_map(|(input, keep)| truncated(input, keep.max(64)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ecrecover_matches_revm(input in ecrecover_input(), gas in gas_limit()) {
        assert_same(1, &input, gas)?;
    }

    #[test]
    fn hashes_and_identity_match_revm(
        precompile in 2u8..=4,
        input in proptest::collection::vec(any::<u8>(), 0..300),
        gas in prop_oneof![0u64..2_000, Just(u64::MAX)],
    ) {
        assert_same(precompile, &input, gas)?;
    }
}

// ---- modexp ----

fn length_word() -> impl Strategy<Value = [u8; 32]> {
    prop_oneof![
        8 => (0u8..=70).prop_map(|len| word(&[len])),
        1 => (0u16..=600).prop_map(|len| word(&len.to_be_bytes())),
        1 => any::<[u8; 32]>(),
        1 => any::<u64>().prop_map(|len| word(&len.to_be_bytes())),
    ]
}

fn modexp_input() -> impl Strategy<Value = Vec<u8>> {
    (
        length_word(),
        length_word(),
        length_word(),
        proptest::collection::vec(any::<u8>(), 0..400),
        any::<u8>(),
    )
        .prop_map(|(base_len, exp_len, mod_len, body, tweak)| {
            let mut body = body;
            // Even moduli and zero moduli take other code paths than odd ones.
            if let Some(last) = body.last_mut() {
                match tweak % 4 {
                    0 => *last &= 0xfe,
                    1 => body.iter_mut().for_each(|byte| *byte = 0),
                    _ => {}
                }
            }
            [&base_len[..], &exp_len, &mod_len, &body].concat()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    // Gas up to a block's worth: beyond, lengths of gigabytes become payable and revm allocates them.
    fn modexp_matches_revm(input in modexp_input(), gas in prop_oneof![0u64..200_000, Just(30_000_000u64)]) {
        assert_same(5, &input, gas)?;
    }
}

// ---- bn254 ----

fn fq_bytes(value: Fq) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    value.to_big_endian(&mut bytes).expect("32 bytes");
    bytes
}

fn fq2_bytes(value: Fq2) -> [u8; 64] {
    let mut bytes = [0u8; 64];
    bytes[..32].copy_from_slice(&fq_bytes(value.imaginary()));
    bytes[32..].copy_from_slice(&fq_bytes(value.real()));
    bytes
}

fn scalar(bytes: [u8; 32]) -> Fr {
    Fr::from_slice(&bytes).unwrap_or_else(|_| Fr::one())
}

fn g1_bytes(point: G1) -> Vec<u8> {
    match AffineG1::from_jacobian(point) {
        Some(affine) => [fq_bytes(affine.x()), fq_bytes(affine.y())].concat(),
        None => vec![0; 64],
    }
}

fn g2_bytes(point: G2) -> Vec<u8> {
    match AffineG2::from_jacobian(point) {
        Some(affine) => [fq2_bytes(affine.x()), fq2_bytes(affine.y())].concat(),
        None => vec![0; 128],
    }
}

/// BN254's base-field modulus p, big-endian.
const P: [u8; 32] = [
    0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
    0x97, 0x81, 0x6a, 0x91, 0x68, 0x71, 0xca, 0x8d, 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x47,
];

/// `word + p` (wrapping): the same residue written out of range.
fn plus_p(word: &[u8]) -> Vec<u8> {
    let mut out = word.to_vec();
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let sum = u16::from(out[i]) + u16::from(P[i]) + carry;
        out[i] = sum as u8;
        carry = sum >> 8;
    }
    out
}

/// A G1 encoding: a valid multiple of the generator, infinity, random bytes, or a valid point
/// with a coordinate written as itself + p.
fn g1_encoding() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => any::<[u8; 32]>().prop_map(|k| g1_bytes(G1::one() * scalar(k))),
        1 => Just(vec![0u8; 64]),
        1 => any::<[u8; 64]>().prop_map(|bytes| bytes.to_vec()),
        1 => any::<[u8; 32]>().prop_map(|k| {
            let point = g1_bytes(G1::one() * scalar(k));
            [plus_p(&point[..32]), point[32..].to_vec()].concat()
        }),
    ]
}

/// x^3 + b' on the twist, with b' taken from the generator.
fn twist_rhs(x: Fq2) -> Fq2 {
    let generator = AffineG2::from_jacobian(G2::one()).expect("finite");
    let (gx, gy) = (generator.x(), generator.y());
    let b = gy * gy - gx * gx * gx;
    x * x * x + b
}

/// A point on the twist that is almost surely outside the order-r subgroup, if x has one.
fn g2_off_subgroup(x_bytes: [u8; 64]) -> Option<Vec<u8>> {
    let x = Fq2::new(
        Fq::from_slice(&x_bytes[32..]).ok()?,
        Fq::from_slice(&x_bytes[..32]).ok()?,
    );
    let y = twist_rhs(x).sqrt()?;
    Some([fq2_bytes(x), fq2_bytes(y)].concat())
}

fn g2_encoding() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => any::<[u8; 32]>().prop_map(|k| g2_bytes(G2::one() * scalar(k))),
        1 => Just(vec![0u8; 128]),
        1 => proptest::collection::vec(any::<u8>(), 128),
        2 => any::<[u8; 64]>().prop_filter_map("x needs a square root", |mut x| {
            x[0] &= 0x1f;
            x[32] &= 0x1f;
            g2_off_subgroup(x)
        }),
    ]
}

/// k pairs, sometimes arranged so that the product is one: e(aP, bQ) · e(-abP, Q).
fn pairing_input() -> impl Strategy<Value = Vec<u8>> {
    let random_pairs =
        proptest::collection::vec((g1_encoding(), g2_encoding()), 0..=3).prop_map(|pairs| {
            pairs
                .into_iter()
                .flat_map(|(g1, g2)| [g1, g2].concat())
                .collect::<Vec<u8>>()
        });
    let balanced = (any::<[u8; 32]>(), any::<[u8; 32]>()).prop_map(|(a, b)| {
        let (a, b) = (scalar(a), scalar(b));
        [
            g1_bytes(G1::one() * a),
            g2_bytes(G2::one() * b),
            g1_bytes(-(G1::one() * (a * b))),
            g2_bytes(G2::one()),
        ]
        .concat()
    });
    let input = prop_oneof![2 => random_pairs, 1 => balanced];
    (input, prop_oneof![9 => Just(0usize), 1 => 1usize..192])
        .prop_map(|(input, cut)| truncated(input.clone(), input.len().saturating_sub(cut)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn bn254_add_matches_revm(a in g1_encoding(), b in g1_encoding(), keep in 0usize..=160, gas in gas_limit()) {
        let input = truncated([a, b].concat(), keep);
        assert_same(6, &input, gas)?;
    }

    #[test]
    fn bn254_mul_matches_revm(point in g1_encoding(), k in any::<[u8; 32]>(), keep in 0usize..=128, gas in gas_limit()) {
        let input = truncated([point, k.to_vec()].concat(), keep);
        assert_same(7, &input, gas)?;
    }

    #[test]
    fn bn254_pairing_matches_revm(input in pairing_input(), gas in prop_oneof![Just(200_000u64), Just(u64::MAX), 0u64..200_000]) {
        assert_same(8, &input, gas)?;
    }
}

// ---- blake2f ----

fn blake2f_input() -> impl Strategy<Value = Vec<u8>> {
    let rounds = prop_oneof![0u32..2_000, any::<u32>()];
    let flag = prop_oneof![4 => 0u8..=1, 1 => any::<u8>()];
    (
        rounds,
        proptest::collection::vec(any::<u8>(), 208),
        flag,
        prop_oneof![8 => Just(0i8), 1 => -1i8..=1],
    )
        .prop_map(|(rounds, state, flag, length_change)| {
            let mut input = [&rounds.to_be_bytes()[..], &state, &[flag]].concat();
            match length_change {
                -1 => {
                    input.pop();
                }
                1 => input.push(0),
                _ => {}
            }
            input
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn blake2f_matches_revm(input in blake2f_input(), gas in prop_oneof![0u64..3_000, Just(u64::MAX)]) {
        // Huge round counts are only ever run when the gas allows them, which it does not here.
        let gas = if gas == u64::MAX { 3_000 } else { gas };
        assert_same(9, &input, gas)?;
    }
}

// ---- point evaluation ----

const BLS_MODULUS: [u8; 32] = [
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
];

/// A field element below the BLS modulus, from random bytes.
fn canonical(mut bytes: [u8; 32]) -> [u8; 32] {
    bytes[0] &= 0x3f;
    bytes
}

fn point_evaluation_input(seed: [u8; 32], z: [u8; 32], blob_scalars: usize) -> Vec<u8> {
    let settings = c_kzg::ethereum_kzg_settings(0);
    let mut blob = vec![0u8; c_kzg::BYTES_PER_BLOB];
    for (i, element) in blob.chunks_exact_mut(32).take(blob_scalars).enumerate() {
        let mut value = seed;
        value[31] ^= i as u8;
        element.copy_from_slice(&canonical(value));
    }
    let blob = c_kzg::Blob::from_bytes(&blob).expect("canonical blob");
    let commitment = settings.blob_to_kzg_commitment(&blob).expect("commitment");
    let z = canonical(z);
    let (proof, y) = settings
        .compute_kzg_proof(&blob, &c_kzg::Bytes32::from(z))
        .expect("proof");
    let commitment = commitment.to_bytes();
    let versioned_hash = precompiles::kzg_to_versioned_hash(&commitment[..]);
    [
        &versioned_hash[..],
        &z,
        &y[..],
        &commitment[..],
        &proof.to_bytes()[..],
    ]
    .concat()
}

/// Ways to spoil a valid input: each keeps the rest of it intact.
fn spoil(mut input: Vec<u8>, how: u8, position: usize) -> Vec<u8> {
    match how % 8 {
        0 | 1 => {}
        2 => input[64 + position % 32] ^= 1, // y
        3 => input[32 + position % 32] ^= 1, // z
        4 => input[144 + position % 48] ^= 1 << (position % 8), // proof
        5 => input[32..64].copy_from_slice(&BLS_MODULUS), // z = modulus: not canonical
        6 => input[position % 32] ^= 1,      // versioned hash
        _ => input.truncate(position % 192),
    }
    input
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn point_evaluation_matches_revm(
        seed in any::<[u8; 32]>(),
        z in any::<[u8; 32]>(),
        blob_scalars in 0usize..4,
        how in any::<u8>(),
        position in any::<usize>(),
        gas in prop_oneof![Just(50_000u64), Just(49_999u64), Just(u64::MAX)],
    ) {
        let input = spoil(point_evaluation_input(seed, z, blob_scalars), how, position);
        assert_same(10, &input, gas)?;
    }
}
