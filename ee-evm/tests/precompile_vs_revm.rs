//! Differential tests: every precompile against revm's (`revm-precompile` with its independent
//! back ends: libsecp256k1, substrate-bn, aurora-engine-modexp, c-kzg, blst) on random inputs and
//! gas.
//! Success must match in output and gas; a failure must be a failure in both (out of gas and
//! invalid input cost the same in Ethereum: all the gas, so which one is not compared).

use proptest::prelude::*;
use revm_precompile::Precompiles;
use substrate_bn::{AffineG1, AffineG2, Fq, Fq2, Fr, Group, G1, G2};
use support::Outcome;
use zkos_ee_evm::precompiles;
use zkos_system::spec::Spec;

mod support;

/// The first fork with the precompile: Cancun's own are checked under Cancun.
fn spec_of(precompile: u8) -> Spec {
    if precompile <= 0x0a {
        Spec::Cancun
    } else {
        Spec::Prague
    }
}

fn ours(precompile: u8, input: &[u8], gas_limit: u64) -> Outcome {
    support::ours(spec_of(precompile), precompile.into(), input, gas_limit)
}

fn reference(precompile: u8, input: &[u8], gas_limit: u64) -> Outcome {
    let precompiles = match spec_of(precompile) {
        Spec::Cancun => Precompiles::cancun(),
        _ => Precompiles::prague(),
    };
    support::reference(precompiles, precompile.into(), input, gas_limit)
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

// ---- BLS12-381 (EIP-2537) ----

mod bls {
    use super::*;
    use bls12_381::hash_to_curve::{HashToField, MapToCurve};
    use bls12_381::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};

    pub const G1_LEN: usize = 128;
    pub const G2_LEN: usize = 256;

    /// The base-field modulus, big-endian.
    pub const P: [u8; 48] = [
        0x1a, 0x01, 0x11, 0xea, 0x39, 0x7f, 0xe6, 0x9a, 0x4b, 0x1b, 0xa7, 0xb6, 0x43, 0x4b, 0xac,
        0xd7, 0x64, 0x77, 0x4b, 0x84, 0xf3, 0x85, 0x12, 0xbf, 0x67, 0x30, 0xd2, 0xa0, 0xf6, 0xb0,
        0xf6, 0x24, 0x1e, 0xab, 0xff, 0xfe, 0xb1, 0x53, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff,
        0xff, 0xaa, 0xab,
    ];

    /// The group order r, big-endian.
    pub const R: [u8; 32] = [
        0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8,
        0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00,
        0x00, 0x01,
    ];

    /// 48-byte values, each padded to 64 bytes, one after another.
    fn padded(values: &[&[u8]]) -> Vec<u8> {
        values
            .iter()
            .flat_map(|value| [&[0u8; 16][..], value].concat())
            .collect()
    }

    pub fn g1_bytes(point: G1Affine) -> Vec<u8> {
        if bool::from(point.is_identity()) {
            return vec![0; G1_LEN];
        }
        let raw = point.to_uncompressed();
        padded(&[&raw[..48], &raw[48..]])
    }

    /// The library writes c1 before c0; EIP-2537 writes c0 first.
    pub fn g2_bytes(point: G2Affine) -> Vec<u8> {
        if bool::from(point.is_identity()) {
            return vec![0; G2_LEN];
        }
        let raw = point.to_uncompressed();
        padded(&[&raw[48..96], &raw[..48], &raw[144..], &raw[96..144]])
    }

    pub fn scalar(seed: &[u8; 64]) -> Scalar {
        Scalar::from_bytes_wide(seed)
    }

    /// `value + p` in the low 48 bytes of a 64-byte element: the same residue, not canonical
    /// (it stays below 2^384 since value < p).
    fn plus_p(element: &mut [u8]) {
        let mut carry = 0u16;
        for (byte, p) in element[16..].iter_mut().zip(P).rev() {
            let sum = u16::from(*byte) + u16::from(p) + carry;
            *byte = sum as u8;
            carry = sum >> 8;
        }
    }

    /// A valid encoding spoiled (or not) in one of the ways EIP-2537 rejects.
    fn spoiled(mut point: Vec<u8>, how: u8) -> Vec<u8> {
        match how % 4 {
            0 => point[63] ^= 1,           // x's last byte: almost surely off the curve
            1 => plus_p(&mut point[..64]), // x + p
            2 => point[64] = 1,            // y's padding
            _ => {}
        }
        point
    }

    /// A G1 encoding: mostly multiples of the generator, else infinity, a curve point outside
    /// the subgroup, or a spoiled encoding.
    pub fn g1_encoding() -> impl Strategy<Value = Vec<u8>> {
        (0u8..12, any::<[u8; 64]>(), any::<u8>()).prop_map(|(kind, seed, how)| {
            let valid = || g1_bytes((G1Affine::generator() * scalar(&seed)).into());
            match kind {
                0..=6 => valid(),
                7 => vec![0; G1_LEN],
                8 | 9 => {
                    let u = <G1Projective as MapToCurve>::Field::from_okm((&seed).into());
                    g1_bytes(G1Projective::map_to_curve(&u).into())
                }
                _ => spoiled(valid(), how),
            }
        })
    }

    pub fn g2_encoding() -> impl Strategy<Value = Vec<u8>> {
        (0u8..12, any::<[u8; 64]>(), any::<[u8; 64]>(), any::<u8>()).prop_map(
            |(kind, seed, seed2, how)| {
                let valid = || g2_bytes((G2Affine::generator() * scalar(&seed)).into());
                match kind {
                    0..=6 => valid(),
                    7 => vec![0; G2_LEN],
                    8 | 9 => {
                        let okm: [u8; 128] = [seed, seed2].concat().try_into().unwrap();
                        let u = <G2Projective as MapToCurve>::Field::from_okm((&okm).into());
                        g2_bytes(G2Projective::map_to_curve(&u).into())
                    }
                    _ => spoiled(valid(), how),
                }
            },
        )
    }

    /// A 32-byte scalar: random, zero, one, the group order or all ones.
    pub fn scalar_encoding() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            6 => any::<[u8; 32]>().prop_map(|s| s.to_vec()),
            1 => Just(vec![0; 32]),
            1 => Just(word(&[1]).to_vec()),
            1 => Just(R.to_vec()),
            1 => Just(vec![0xff; 32]),
        ]
    }

    /// A base-field element for the maps: random canonical ones, zero, p - 1, p (not
    /// canonical), or nonzero padding.
    pub fn fp_encoding() -> impl Strategy<Value = Vec<u8>> {
        let p_minus_1 = {
            let mut value = P;
            value[47] -= 1;
            value
        };
        prop_oneof![
            6 => any::<[u8; 48]>().prop_map(|mut value| {
                value[0] &= 0x0f; // below 2^380 < p
                padded(&[&value])
            }),
            1 => Just(vec![0; 64]),
            1 => Just(padded(&[&p_minus_1])),
            1 => Just(padded(&[&P])),
            1 => (any::<[u8; 48]>(), 0usize..16).prop_map(|(value, byte)| {
                let mut element = padded(&[&value]);
                element[byte] = 1;
                element
            }),
        ]
    }

    /// Pairs of points that pair to one: e(aP, bQ) · e(-abP, Q).
    pub fn balanced_pairs() -> impl Strategy<Value = Vec<u8>> {
        (any::<[u8; 64]>(), any::<[u8; 64]>()).prop_map(|(a, b)| {
            let (a, b) = (scalar(&a), scalar(&b));
            [
                g1_bytes((G1Affine::generator() * a).into()),
                g2_bytes((G2Affine::generator() * b).into()),
                g1_bytes((-(G1Affine::generator() * (a * b))).into()),
                g2_bytes(G2Affine::generator()),
            ]
            .concat()
        })
    }
}

/// Concatenated items, sometimes cut short by up to `cut` bytes or one byte too long.
fn concatenated_and_resized(items: Vec<Vec<u8>>, resize: u8, cut: usize) -> Vec<u8> {
    let mut input = items.concat();
    match resize % 8 {
        0 => input.truncate(input.len().saturating_sub(cut)),
        1 => input.push(0),
        _ => {}
    }
    input
}

fn resize() -> impl Strategy<Value = (u8, usize)> {
    (any::<u8>(), 1usize..300)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn bls12_g1_add_matches_revm(a in bls::g1_encoding(), b in bls::g1_encoding(), (how, cut) in resize(), gas in gas_limit()) {
        assert_same(0x0b, &concatenated_and_resized(vec![a, b], how, cut), gas)?;
    }

    #[test]
    fn bls12_g2_add_matches_revm(a in bls::g2_encoding(), b in bls::g2_encoding(), (how, cut) in resize(), gas in gas_limit()) {
        assert_same(0x0d, &concatenated_and_resized(vec![a, b], how, cut), gas)?;
    }

    #[test]
    fn bls12_g1_msm_matches_revm(
        pairs in proptest::collection::vec((bls::g1_encoding(), bls::scalar_encoding()), 0..=5),
        (how, cut) in resize(),
        gas in prop_oneof![Just(u64::MAX), gas_limit()],
    ) {
        let items = pairs.into_iter().map(|(point, scalar)| [point, scalar].concat()).collect();
        assert_same(0x0c, &concatenated_and_resized(items, how, cut), gas)?;
    }

    #[test]
    fn bls12_g2_msm_matches_revm(
        pairs in proptest::collection::vec((bls::g2_encoding(), bls::scalar_encoding()), 0..=4),
        (how, cut) in resize(),
        gas in prop_oneof![Just(u64::MAX), gas_limit()],
    ) {
        let items = pairs.into_iter().map(|(point, scalar)| [point, scalar].concat()).collect();
        assert_same(0x0e, &concatenated_and_resized(items, how, cut), gas)?;
    }

    #[test]
    fn bls12_pairing_matches_revm(
        pairs in proptest::collection::vec((bls::g1_encoding(), bls::g2_encoding()), 0..=3),
        balanced in proptest::option::of(bls::balanced_pairs()),
        (how, cut) in resize(),
        gas in prop_oneof![Just(u64::MAX), gas_limit()],
    ) {
        let mut items: Vec<Vec<u8>> = pairs.into_iter().map(|(p, q)| [p, q].concat()).collect();
        items.extend(balanced);
        assert_same(0x0f, &concatenated_and_resized(items, how, cut), gas)?;
    }

    #[test]
    fn bls12_maps_match_revm(
        c0 in bls::fp_encoding(),
        c1 in bls::fp_encoding(),
        (how, cut) in resize(),
        gas in prop_oneof![Just(u64::MAX), 0u64..30_000],
    ) {
        assert_same(0x10, &concatenated_and_resized(vec![c0.clone()], how, cut % 64 + 1), gas)?;
        assert_same(0x11, &concatenated_and_resized(vec![c0, c1], how, cut), gas)?;
    }
}

/// A long MSM, past the end of the discount table.
#[test]
fn bls12_msm_with_many_pairs_matches_revm() {
    use bls12_381::{G1Affine, G2Affine, Scalar};
    let terms: Vec<(u64, [u8; 32])> = (1..=140u64)
        .map(|i| {
            (
                i * 0x9e37_79b9,
                word(&(i * 0x0123_4567_89ab_cdef).to_be_bytes()),
            )
        })
        .collect();
    let g1: Vec<u8> = terms
        .iter()
        .flat_map(|(k, s)| {
            [
                bls::g1_bytes((G1Affine::generator() * Scalar::from(*k)).into()),
                s.to_vec(),
            ]
            .concat()
        })
        .collect();
    let g2: Vec<u8> = terms
        .iter()
        .flat_map(|(k, s)| {
            [
                bls::g2_bytes((G2Affine::generator() * Scalar::from(*k)).into()),
                s.to_vec(),
            ]
            .concat()
        })
        .collect();
    assert_same(0x0c, &g1, u64::MAX).unwrap();
    assert_same(0x0e, &g2, u64::MAX).unwrap();
}

/// u = 0 is an exceptional case of the simplified SWU map (its denominator vanishes).
#[test]
fn bls12_maps_of_zero_match_revm() {
    assert_same(0x10, &[0; 64], u64::MAX).unwrap();
    assert_same(0x11, &[0; 128], u64::MAX).unwrap();
}
