//! Transactions built to cost the guest as much as possible per unit of gas, one per
//! expensive family: the measurements the native-resource model is calibrated on.
//!
//! Each case is one transaction that calls a contract, and the contract loops until the
//! gas runs out. A precompile is called again and again with one valid input. KECCAK256,
//! cold SLOAD, fresh SSTORE and cold BALANCE run in a loop. One case recurses with a large
//! memory in every frame, another returns large return data. The guest's cost of a case is
//! its block's cycles minus those of the same block with a plain transfer instead
//! ([`baseline`]), and it is set against the gas above the transfer's 21,000.
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, PrimeField};
use k256::ecdsa::SigningKey;
use zkos_runner::scenario::{block_env, fresh_address, BASE_FEE, CHAIN_ID};
use zkos_runner::txgen::{address_of, key_from_seed, sign, TxSpec};
use zkos_runner::{AccountState, PreState, World};
use zkos_system::spec::Spec;
use zkos_system::types::keccak256;
use zkos_system::{Address, U256};

/// The contract every case calls.
pub const CONTRACT: Address = [0xc5; 20];
/// A contract that returns [`RETURN_DATA_LEN`] bytes (for the return-data case).
pub const RETURNER: Address = [0xc6; 20];
pub const RETURN_DATA_LEN: u32 = 32 * 1024;
/// Gas of every case's transaction.
pub const GAS_LIMIT: u64 = 10_000_000;

pub struct WorstCase {
    pub name: String,
    pub spec: Spec,
    pub code: Vec<u8>,
    pub calldata: Vec<u8>,
    /// The precompile the contract calls in a loop with `calldata`, if it does.
    pub precompile: Option<u16>,
    /// Whether the pre-state holds a cold contract of the largest code for every call the
    /// gas can pay (the code-loading case).
    pub large_codes: bool,
}

/// The first of the large-code contracts; the others follow at consecutive addresses.
const LARGE_CODE_BASE: u32 = 0x1_0000;
/// The cold call that pays for loading one of them.
const COLD_CALL_GAS: u64 = 2_600;

/// The address `LARGE_CODE_BASE + index` as a contract address.
fn large_code_address(index: u32) -> Address {
    let mut address = [0u8; 20];
    address[16..].copy_from_slice(&(LARGE_CODE_BASE + index).to_be_bytes());
    address
}

/// EIP-170's largest code, distinct for each `index`: STOP, then bytes of a hash chain.
fn large_code(index: u32) -> Vec<u8> {
    let mut code = vec![0x00];
    let mut block = keccak256(&index.to_be_bytes());
    while code.len() < 24_576 {
        code.extend_from_slice(&block);
        block = keccak256(&block);
    }
    code.truncate(24_576);
    code
}

/// CALL the large-code contracts one after another, each for the first time.
fn large_code_calls() -> Vec<u8> {
    let mut code = vec![0x62];
    code.extend(&LARGE_CODE_BASE.to_be_bytes()[1..]);
    let loop_start = code.len() as u8;
    code.extend([0x5b, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x85, 0x5a, 0xf1, 0x50]);
    code.extend([0x60, 0x01, 0x01, 0x60, loop_start, 0x56]);
    code
}

fn sender_key() -> SigningKey {
    key_from_seed(7)
}

fn pre_state(case_code: &[u8]) -> PreState {
    let mut pre = PreState::new();
    pre.insert(
        address_of(&sender_key()),
        AccountState {
            balance: U256::from(10u64).pow(U256::from(20)),
            ..Default::default()
        },
    );
    for (address, code) in [(CONTRACT, case_code.to_vec()), (RETURNER, returner_code())] {
        pre.insert(
            address,
            AccountState {
                nonce: 1,
                code,
                ..Default::default()
            },
        );
    }
    pre
}

fn world(spec: Spec, pre: PreState, tx: TxSpec) -> World {
    let mut env = block_env();
    env.spec = spec;
    World::new(pre, env, vec![sign(&tx, &sender_key())])
}

fn call(to: Address, data: Vec<u8>, gas_limit: u64) -> TxSpec {
    TxSpec {
        data,
        gas_limit,
        ..TxSpec::transfer(CHAIN_ID, 0, to, U256::ZERO, 2 * BASE_FEE, 1)
    }
}

/// The contract of the `index`-th case of a block of cases.
fn case_contract(index: usize) -> Address {
    let mut address = CONTRACT;
    address[19] = address[19].wrapping_add(index as u8 + 1);
    address
}

/// One block under `spec` with a transaction of `gas_limit` for each case, in order, from
/// the one sender, each calling its case's contract; `gas_limit` of block gas for each.
pub fn block_of(cases: &[WorstCase], spec: Spec, gas_limit: u64) -> World {
    assert!(cases.len() < 200, "one contract address byte per case");
    let mut pre = PreState::new();
    for case in cases {
        pre.extend(case.pre_state(gas_limit));
    }
    for (index, case) in cases.iter().enumerate() {
        let account = AccountState {
            nonce: 1,
            code: case.code.clone(),
            ..Default::default()
        };
        pre.insert(case_contract(index), account);
    }
    let transactions = cases
        .iter()
        .enumerate()
        .map(|(index, case)| {
            let tx = TxSpec {
                nonce: index as u64,
                ..call(case_contract(index), case.calldata.clone(), gas_limit)
            };
            sign(&tx, &sender_key())
        })
        .collect();
    let mut env = block_env();
    env.spec = spec;
    env.gas_limit = gas_limit * cases.len() as u64;
    World::new(pre, env, transactions)
}

impl WorstCase {
    /// The block of this case: one transaction calling [`CONTRACT`] with all of
    /// [`GAS_LIMIT`].
    pub fn world(&self) -> World {
        self.world_with_gas(GAS_LIMIT)
    }

    pub fn world_with_gas(&self, gas_limit: u64) -> World {
        world(
            self.spec,
            self.pre_state(gas_limit),
            self.transaction(gas_limit),
        )
    }

    fn pre_state(&self, gas_limit: u64) -> PreState {
        let mut pre = pre_state(&self.code);
        if self.large_codes {
            for index in 0..=(gas_limit / COLD_CALL_GAS) as u32 {
                let code = large_code(index);
                let account = AccountState {
                    nonce: 1,
                    code,
                    ..Default::default()
                };
                pre.insert(large_code_address(index), account);
            }
        }
        pre
    }

    /// The case's transaction, from the funded sender with `nonce` 0.
    pub fn transaction(&self, gas_limit: u64) -> TxSpec {
        call(CONTRACT, self.calldata.clone(), gas_limit)
    }

    /// The same block with a plain transfer instead: what the case's cycles are measured
    /// from.
    pub fn baseline(&self) -> World {
        world(
            self.spec,
            self.pre_state(0),
            call(fresh_address(1), Vec::new(), 21_000),
        )
    }
}

/// `CALLDATACOPY` the input to memory, then `STATICCALL(GAS, precompile, input)` in a loop.
fn precompile_loop(precompile: u16) -> Vec<u8> {
    let mut code = vec![0x36, 0x5f, 0x5f, 0x37];
    let loop_start = code.len() as u8;
    code.extend([0x5b, 0x5f, 0x5f, 0x36, 0x5f, 0x61]);
    code.extend(precompile.to_be_bytes());
    code.extend([0x5a, 0xfa, 0x50, 0x60, loop_start, 0x56]);
    code
}

/// `op` in a loop, its inputs pushed by `inputs` (GAS gives a fresh value each time).
fn op_loop(inputs: &[u8], op: u8, pops: usize) -> Vec<u8> {
    let mut code = vec![0x5b];
    code.extend(inputs);
    code.push(op);
    code.extend(std::iter::repeat_n(0x50, pops));
    code.extend([0x5f, 0x56]);
    code
}

/// KECCAK256 of `len` bytes of memory in a loop.
fn keccak_loop(len: u16) -> Vec<u8> {
    let mut code = vec![0x5b, 0x61];
    code.extend(len.to_be_bytes());
    code.extend([0x5f, 0x20, 0x50, 0x5f, 0x56]);
    code
}

fn push3(code: &mut Vec<u8>, value: u32) {
    code.push(0x62);
    code.extend(&value.to_be_bytes()[1..]);
}

/// Expands memory to `frame_memory` bytes, then calls itself with all its gas: as deep as
/// the gas (or the 1024 limit) allows, every frame holding its memory.
fn deep_call_code(frame_memory: u32) -> Vec<u8> {
    let mut code = vec![0x60, 0x01];
    push3(&mut code, frame_memory - 1);
    code.push(0x53); // MSTORE8
    code.extend([0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x30, 0x5a, 0xf1, 0x00]);
    code
}

/// `RETURN` of [`RETURN_DATA_LEN`] bytes of memory.
fn returner_code() -> Vec<u8> {
    let mut code = Vec::new();
    push3(&mut code, RETURN_DATA_LEN);
    code.extend([0x5f, 0xf3]);
    code
}

/// CALL [`RETURNER`], then RETURNDATACOPY all of it to memory, in a loop.
fn return_data_loop() -> Vec<u8> {
    let mut code = vec![0x5b, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x73];
    code.extend(RETURNER);
    code.extend([0x5a, 0xf1, 0x50]);
    code.extend([0x3d, 0x5f, 0x5f, 0x3e]); // RETURNDATACOPY(0, 0, RETURNDATASIZE)
    code.extend([0x5f, 0x56]);
    code
}

fn word(value: usize) -> [u8; 32] {
    U256::from(value).to_be_bytes()
}

/// A modexp input: base and modulus of `len` bytes (all 0xff, so the modulus is odd and
/// full), an exponent of `exp_len` bytes of 0xff.
fn modexp_input(len: usize, exp_len: usize) -> Vec<u8> {
    let mut input = [word(len), word(exp_len), word(len)].concat();
    input.extend(vec![0xfe; len]);
    input.extend(vec![0xff; exp_len]);
    input.extend(vec![0xff; len]);
    input
}

fn bn_fq(value: ark_bn254::Fq) -> Vec<u8> {
    value.into_bigint().to_bytes_be()
}

fn bn_g1() -> Vec<u8> {
    let g = ark_bn254::G1Affine::generator();
    [bn_fq(g.x), bn_fq(g.y)].concat()
}

/// EIP-197's G2 encoding: each coordinate imaginary part first.
fn bn_g2() -> Vec<u8> {
    let g = ark_bn254::G2Affine::generator();
    [bn_fq(g.x.c1), bn_fq(g.x.c0), bn_fq(g.y.c1), bn_fq(g.y.c0)].concat()
}

/// EIP-2537 pads each 48-byte base-field element to 64 bytes.
fn bls_fp(bytes: &[u8]) -> Vec<u8> {
    [&[0u8; 16][..], bytes].concat()
}

fn bls_g1() -> Vec<u8> {
    let raw = bls12_381::G1Affine::generator().to_uncompressed();
    [bls_fp(&raw[..48]), bls_fp(&raw[48..])].concat()
}

/// EIP-2537's G2 encoding (c0 first; the zcash encoding has c1 first).
fn bls_g2() -> Vec<u8> {
    let raw = bls12_381::G2Affine::generator().to_uncompressed();
    let c = |i: usize| bls_fp(&raw[48 * i..48 * (i + 1)]);
    [c(1), c(0), c(3), c(2)].concat()
}

fn ecrecover_input() -> Vec<u8> {
    let hash = keccak256(b"worst case");
    let (signature, recovery) = sender_key().sign_prehash_recoverable(&hash).unwrap();
    [
        &hash[..],
        &word(27 + recovery.to_byte() as usize),
        &signature.to_bytes()[..],
    ]
    .concat()
}

fn p256verify_input() -> Vec<u8> {
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    let key = p256::ecdsa::SigningKey::from_bytes(&[0x42; 32].into()).unwrap();
    let hash = keccak256(b"worst case");
    let signature: p256::ecdsa::Signature = key.sign_prehash(&hash).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    [&hash[..], &signature.to_bytes(), &point.as_bytes()[1..]].concat()
}

/// A valid KZG opening of a blob of small field elements at `z = 5`.
fn point_evaluation_input() -> Vec<u8> {
    let settings = c_kzg::ethereum_kzg_settings(0);
    let mut blob = vec![0u8; c_kzg::BYTES_PER_BLOB];
    for (i, element) in blob.chunks_exact_mut(32).enumerate() {
        element[24..].copy_from_slice(&(i as u64 * 7919).to_be_bytes());
    }
    let blob = c_kzg::Blob::from_bytes(&blob).expect("canonical blob");
    let commitment = settings.blob_to_kzg_commitment(&blob).unwrap().to_bytes();
    let z = word(5);
    let (proof, y) = settings
        .compute_kzg_proof(&blob, &c_kzg::Bytes32::from(z))
        .unwrap();
    let versioned_hash = zkos_ee_evm::precompiles::kzg_to_versioned_hash(&commitment[..]);
    [
        &versioned_hash[..],
        &z,
        &y[..],
        &commitment[..],
        &proof.to_bytes()[..],
    ]
    .concat()
}

fn blake2f_input(rounds: u32) -> Vec<u8> {
    let mut input = rounds.to_be_bytes().to_vec();
    input.extend([0x5a; 64 + 128 + 16]);
    input.push(1);
    input
}

/// The case named `name`.
pub fn case(name: &str) -> WorstCase {
    cases()
        .into_iter()
        .find(|case| case.name == name)
        .unwrap_or_else(|| panic!("no worst case named {name:?}"))
}

/// Every case, under the fork that prices it lowest (modexp and the BLS12-381 ones also
/// under the other forks that have them, as their prices differ).
pub fn cases() -> Vec<WorstCase> {
    let precompile = |name: &str, spec: Spec, address: u16, input: Vec<u8>| WorstCase {
        name: name.into(),
        spec,
        code: precompile_loop(address),
        calldata: input,
        precompile: Some(address),
        large_codes: false,
    };
    let looped = |name: &str, code: Vec<u8>| WorstCase {
        name: name.into(),
        spec: Spec::Cancun,
        code,
        calldata: Vec::new(),
        precompile: None,
        large_codes: false,
    };
    let bn_pairs = |k: usize| [bn_g1(), bn_g2()].concat().repeat(k);
    let bls_pairs = |k: usize| [bls_g1(), bls_g2()].concat().repeat(k);
    let scalar = [0xffu8; 32];
    let mut cases = vec![
        looped("JUMPDEST loop", vec![0x5b, 0x5f, 0x56]),
        looped("MULMOD loop", op_loop(&[0x5a, 0x5a, 0x5a], 0x09, 1)),
        looped("EXP loop", op_loop(&[0x5a, 0x5a], 0x0a, 1)),
        looped("SDIV loop", op_loop(&[0x5a, 0x5a], 0x05, 1)),
        looped(
            "MCOPY of 4 KiB",
            op_loop(&[0x61, 0x10, 0x00, 0x5f, 0x61, 0x10, 0x00], 0x5e, 0),
        ),
        looped("keccak256 of 0 bytes", keccak_loop(0)),
        looped("keccak256 of 4 KiB", keccak_loop(4096)),
        looped("cold SLOAD", op_loop(&[0x5a], 0x54, 1)),
        looped(
            "SSTORE of a new slot",
            op_loop(&[0x60, 0x01, 0x5a], 0x55, 0),
        ),
        looped("cold BALANCE", op_loop(&[0x5a], 0x31, 1)),
        looped("TSTORE of a new slot", op_loop(&[0x5a, 0x5a], 0x5d, 0)),
        looped("LOG0 of 0 bytes", op_loop(&[0x5f, 0x5f], 0xa0, 0)),
        looped("LOG0 of 1 KiB", op_loop(&[0x61, 0x04, 0x00, 0x5f], 0xa0, 0)),
        WorstCase {
            large_codes: true,
            ..looped("cold calls to 24 KiB contracts", large_code_calls())
        },
        looped("deep calls with 64 KiB each", deep_call_code(64 << 10)),
        looped("deep calls with 32 KiB each", deep_call_code(32 << 10)),
        looped("32 KiB of return data", return_data_loop()),
        precompile("ecrecover", Spec::Cancun, 0x01, ecrecover_input()),
        precompile("sha256 of 4 KiB", Spec::Cancun, 0x02, vec![0xab; 4096]),
        precompile("ripemd160 of 4 KiB", Spec::Cancun, 0x03, vec![0xab; 4096]),
        precompile("bn254 add", Spec::Cancun, 0x06, [bn_g1(), bn_g1()].concat()),
        precompile(
            "bn254 mul",
            Spec::Cancun,
            0x07,
            [bn_g1(), scalar.to_vec()].concat(),
        ),
        precompile("bn254 pairing, 1 pair", Spec::Cancun, 0x08, bn_pairs(1)),
        precompile("bn254 pairing, 4 pairs", Spec::Cancun, 0x08, bn_pairs(4)),
        precompile(
            "blake2f, 10^5 rounds",
            Spec::Cancun,
            0x09,
            blake2f_input(100_000),
        ),
        precompile(
            "point evaluation",
            Spec::Cancun,
            0x0a,
            point_evaluation_input(),
        ),
        precompile("p256verify", Spec::Osaka, 0x100, p256verify_input()),
    ];
    for spec in [Spec::Cancun, Spec::Osaka] {
        let name = spec.name();
        for (label, len, exp_len) in [
            ("8-byte modulus, 1 KiB exponent", 8, 1024),
            ("32-byte modulus, 32-byte exponent", 32, 32),
            ("256-byte modulus, 256-byte exponent", 256, 256),
            ("1 KiB modulus, 1-byte exponent", 1024, 1),
        ] {
            let input = modexp_input(len, exp_len);
            cases.push(precompile(
                &format!("modexp, {label} ({name})"),
                spec,
                0x05,
                input,
            ));
        }
    }
    let fp = bls_fp(&[0x07; 48]);
    cases.extend([
        precompile("BLS12-381 G1 add", Spec::Prague, 0x0b, bls_g1().repeat(2)),
        precompile(
            "BLS12-381 G1 MSM, 1 pair",
            Spec::Prague,
            0x0c,
            [bls_g1(), scalar.to_vec()].concat(),
        ),
        precompile(
            "BLS12-381 G1 MSM, 64 pairs",
            Spec::Prague,
            0x0c,
            [bls_g1(), scalar.to_vec()].concat().repeat(64),
        ),
        precompile("BLS12-381 G2 add", Spec::Prague, 0x0d, bls_g2().repeat(2)),
        precompile(
            "BLS12-381 G2 MSM, 1 pair",
            Spec::Prague,
            0x0e,
            [bls_g2(), scalar.to_vec()].concat(),
        ),
        precompile(
            "BLS12-381 pairing, 1 pair",
            Spec::Prague,
            0x0f,
            bls_pairs(1),
        ),
        precompile(
            "BLS12-381 pairing, 4 pairs",
            Spec::Prague,
            0x0f,
            bls_pairs(4),
        ),
        precompile("BLS12-381 map to G1", Spec::Prague, 0x10, fp.clone()),
        precompile("BLS12-381 map to G2", Spec::Prague, 0x11, fp.repeat(2)),
    ]);
    cases
}
