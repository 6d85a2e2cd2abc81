//! Differential test against revm: random bytecode and calldata run as a Cancun, Prague or
//! Osaka transaction through our guest path (system + EVM) and through revm; the validity
//! of the transaction, the outcome, gas used, logs (which carry the callee's return data),
//! and the post-state (balances, nonces, code, storage) must agree.
//!
//! Programs are built from snippets: an opcode preceded by pushes of its stack inputs,
//! drawn from values that reach the interesting edges (zero, word and memory
//! boundaries, huge offsets, the addresses of the other accounts and precompiles). Under
//! Prague and Osaka one account may be an EIP-7702 delegation to the contract, and calldata
//! reaches the EIP-7623 floor. Osaka's rules get snippets of their own, generated under
//! every fork so that the older forks' rejection is compared too: CLZ (EIP-7939, an
//! invalid opcode before Osaka) with its result logged, calls to P256VERIFY at 0x100
//! (EIP-7951) with valid signatures, tampered and edge-case ones and random bytes, and
//! calls to modexp with lengths up to and past EIP-7823's 1024-byte bound (EIP-7883's
//! pricing); some transactions ask for more gas than EIP-7825's cap.
//!
//! Each fork is its own test with `DIFFERENTIAL_CASES` cases (default 1,000), and each
//! checks at the end that the Osaka features were reached in programs whose logs survived.
use p256::ecdsa::signature::hazmat::PrehashSigner;
use proptest::prelude::*;
use proptest::test_runner::{TestCaseResult, TestRunner};
use revm::context::result::{EVMError, InvalidTransaction};
use revm::context::{BlockEnv as RevmBlock, TxEnv};
use revm::context_interface::cfg::gas_params::{GasId, GasParams};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address as RAddress, Bytes, TxKind, B256 as RB256, U256 as RU256};
use revm::state::{AccountInfo, Bytecode};
use revm::{Context, ExecuteEvm, MainBuilder, MainContext};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use zkos_runner::world::{AccountState, PreState, World};
use zkos_statetest::run::{run_world, Target};
use zkos_statetest::transaction::{Fees, UnsignedTx};
use zkos_system::block::BlockEnv;
use zkos_system::receipt::{InvalidTx, Outcome};
use zkos_system::set_code::designator;
use zkos_system::spec::Spec;
use zkos_system::types::keccak256;
use zkos_system::{Address, B256, U256};

const SECRET: B256 = [0x45; 32];
const CONTRACT: Address = [0xc0; 20];
const OTHER: Address = [0xd0; 20];
const WRAPPER: Address = [0xe0; 20];
const COINBASE: Address = [0xcb; 20];
const BASE_FEE: u64 = 7;
/// The gas limit of most transactions.
const GAS_LIMIT: u64 = 3_000_000;
const BLOCK_GAS_LIMIT: u64 = 30_000_000;
/// EIP-7825: from Osaka a transaction may ask for at most 2^24 gas.
const TX_GAS_LIMIT_CAP: u64 = 16_777_216;
// A transaction above the cap must fit in the block, or it would be invalid for that reason.
const _: () = assert!(BLOCK_GAS_LIMIT > TX_GAS_LIMIT_CAP + 1);

/// EIP-7951's precompile.
const P256VERIFY: u64 = 0x100;
const MODEXP: u64 = 0x05;
/// Topics that name what a log of one of the Osaka snippets reports.
const CLZ_LOG: u64 = 0x7939;
const P256VERIFY_LOG: u64 = 0x7951;
/// A modexp call with every length within EIP-7823's bound, and one with some length past it.
const MODEXP_LOG: u64 = 0x7883;
const MODEXP_OVERSIZE_LOG: u64 = 0x7823;

/// The sender's address (computed once: the strategies ask for it for every snippet).
fn sender() -> Address {
    static SENDER: OnceLock<Address> = OnceLock::new();
    *SENDER.get_or_init(|| {
        let key = k256::ecdsa::SigningKey::from_bytes((&SECRET).into()).unwrap();
        let point = key.verifying_key().to_encoded_point(false);
        keccak256(&point.as_bytes()[1..])[12..].try_into().unwrap()
    })
}

/// Stack inputs of each opcode we generate.
const OPCODES: &[(u8, usize)] = &[
    (0x00, 0),
    (0x01, 2),
    (0x02, 2),
    (0x03, 2),
    (0x04, 2),
    (0x05, 2),
    (0x06, 2),
    (0x07, 2),
    (0x08, 3),
    (0x09, 3),
    (0x0a, 2),
    (0x0b, 2),
    (0x10, 2),
    (0x11, 2),
    (0x12, 2),
    (0x13, 2),
    (0x14, 2),
    (0x15, 1),
    (0x16, 2),
    (0x17, 2),
    (0x18, 2),
    (0x19, 1),
    (0x1a, 2),
    (0x1b, 2),
    (0x1c, 2),
    (0x1d, 2),
    // CLZ (EIP-7939): Osaka's, an invalid opcode before.
    (0x1e, 1),
    (0x20, 2),
    (0x30, 0),
    (0x31, 1),
    (0x32, 0),
    (0x33, 0),
    (0x34, 0),
    (0x35, 1),
    (0x36, 0),
    (0x37, 3),
    (0x38, 0),
    (0x39, 3),
    (0x3a, 0),
    (0x3b, 1),
    (0x3c, 4),
    (0x3d, 0),
    (0x3e, 3),
    (0x3f, 1),
    (0x40, 1),
    (0x41, 0),
    (0x42, 0),
    (0x43, 0),
    (0x44, 0),
    (0x45, 0),
    (0x46, 0),
    (0x47, 0),
    (0x48, 0),
    (0x49, 1),
    (0x4a, 0),
    (0x50, 1),
    (0x51, 1),
    (0x52, 2),
    (0x53, 2),
    (0x54, 1),
    (0x55, 2),
    (0x56, 1),
    (0x57, 2),
    (0x58, 0),
    (0x59, 0),
    (0x5a, 0),
    (0x5b, 0),
    (0x5c, 1),
    (0x5d, 2),
    (0x5e, 3),
    (0x5f, 0),
    (0x80, 1),
    (0x81, 2),
    (0x8f, 16),
    (0x90, 2),
    (0x91, 3),
    (0x9f, 17),
    (0xa0, 2),
    (0xa1, 3),
    (0xa2, 4),
    (0xa4, 6),
    (0xf0, 3),
    (0xf1, 7),
    (0xf2, 7),
    (0xf3, 2),
    (0xf4, 6),
    (0xf5, 4),
    (0xfa, 6),
    (0xfd, 2),
    (0xfe, 0),
    (0xff, 1),
    (0x0c, 0),
    (0xef, 0),
];

fn interesting_value() -> impl Strategy<Value = U256> {
    let address = |a: &Address| U256::from_be_slice(a);
    prop_oneof![
        4 => (0u64..70).prop_map(U256::from),
        2 => prop::sample::select(vec![0x1f, 0x20, 0x21, 0x40, 0xff, 0x100, 0x5b, 2300, 10_000, 100_000]).prop_map(U256::from),
        2 => prop::sample::select(vec![address(&CONTRACT), address(&OTHER), address(&WRAPPER), address(&COINBASE), address(&sender()), U256::from(P256VERIFY)]),
        2 => (1u8..=10).prop_map(U256::from),
        1 => prop::sample::select(vec![U256::MAX, U256::MAX - U256::from(1), U256::from(1) << 255, U256::from(1) << 32, U256::from(1) << 64]),
        1 => any::<[u8; 32]>().prop_map(U256::from_be_bytes),
    ]
}

fn push(code: &mut Vec<u8>, value: &U256) {
    if value.is_zero() {
        code.push(0x5f);
        return;
    }
    let bytes = value.to_be_bytes_trimmed_vec();
    code.push(0x5f + bytes.len() as u8);
    code.extend(bytes);
}

fn snippet() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        24 => opcode_snippet(),
        1 => clz_snippet(),
        1 => p256verify_snippet(),
        1 => modexp_snippet(),
    ]
}

fn opcode_snippet() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(OPCODES).prop_flat_map(|(op, inputs)| {
        prop::collection::vec(interesting_value(), inputs).prop_map(move |args| {
            let mut code = Vec::new();
            for arg in args.iter().rev() {
                push(&mut code, arg);
            }
            code.push(op);
            code
        })
    })
}

/// CLZ of a value around a bit boundary (or any interesting one), logged as one word with
/// topic `CLZ_LOG`: PUSH value, CLZ, PUSH0, MSTORE, LOG1(0, 32, CLZ_LOG).
fn clz_snippet() -> impl Strategy<Value = Vec<u8>> {
    let around_a_bit = (0usize..256, 0u8..3).prop_map(|(bit, shape)| {
        let power = U256::from(1) << bit;
        match shape {
            0 => power,
            1 => power - U256::from(1),
            _ => power | (power >> 1usize) | U256::from(1),
        }
    });
    prop_oneof![around_a_bit, interesting_value()].prop_map(|value| {
        let mut code = Vec::new();
        push(&mut code, &value);
        code.extend([0x1e, 0x5f, 0x52]);
        push(&mut code, &U256::from(CLZ_LOG));
        code.extend([0x60, 0x20, 0x5f, 0xa1]);
        code
    })
}

/// Writes `input` at memory 0, calls `address` with the first `input_len` bytes of memory
/// and `gas` (all there is when `None`), copies the return data to memory 0 and logs it with
/// topics (`marker`, success).
fn precompile_call(
    address: u64,
    input: &[u8],
    input_len: usize,
    gas: Option<u64>,
    marker: u64,
) -> Vec<u8> {
    let mut code = Vec::new();
    for (index, chunk) in input.chunks(32).enumerate() {
        let mut word = [0u8; 32];
        word[..chunk.len()].copy_from_slice(chunk);
        code.push(0x7f);
        code.extend(word);
        push(&mut code, &U256::from(32 * index));
        code.push(0x52);
    }
    // CALL(gas, address, 0, 0, input_len, 0, 0)
    code.extend([0x5f, 0x5f]);
    push(&mut code, &U256::from(input_len));
    code.extend([0x5f, 0x5f]);
    push(&mut code, &U256::from(address));
    match gas {
        Some(gas) => push(&mut code, &U256::from(gas)),
        None => code.push(0x5a),
    }
    code.push(0xf1);
    // RETURNDATACOPY(0, 0, RETURNDATASIZE); LOG2(0, RETURNDATASIZE, marker, success)
    code.extend([0x3d, 0x5f, 0x5f, 0x3e]);
    push(&mut code, &U256::from(marker));
    code.extend([0x3d, 0x5f, 0xa2]);
    code
}

fn hex_word(hex: &str) -> [u8; 32] {
    hex::decode(hex).unwrap().try_into().unwrap()
}

/// A P-256 signature over `hash` by the key `secret` (a fixed key when `secret` is not
/// one), as P256VERIFY's input: hash ‖ r ‖ s ‖ qx ‖ qy.
fn signed_input(secret: [u8; 32], hash: [u8; 32]) -> Vec<u8> {
    let key = p256::ecdsa::SigningKey::from_bytes(&secret.into())
        .unwrap_or_else(|_| p256::ecdsa::SigningKey::from_bytes(&[7u8; 32].into()).unwrap());
    let signature: p256::ecdsa::Signature = key.sign_prehash(&hash).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    let mut input = hash.to_vec();
    input.extend(signature.to_bytes());
    input.extend(point.x().unwrap());
    input.extend(point.y().unwrap());
    input
}

/// 160 bytes for P256VERIFY: a valid signature, the same with s replaced by n - s (also
/// valid: EIP-7951 does not restrict s to the lower half), or random bytes; then perhaps one
/// byte flipped or one word replaced by an edge of its range (0, 1, n - 1, n, p - 1, p,
/// 2^256 - 1).
fn p256verify_input() -> impl Strategy<Value = Vec<u8>> {
    let order = U256::from_be_bytes(hex_word(
        "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
    ));
    let prime = U256::from_be_bytes(hex_word(
        "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
    ));
    let edges = vec![
        U256::ZERO,
        U256::from(1),
        order - U256::from(1),
        order,
        prime - U256::from(1),
        prime,
        U256::MAX,
    ];
    let signed = (any::<[u8; 32]>(), any::<[u8; 32]>(), any::<bool>()).prop_map(
        move |(secret, hash, high_s)| {
            let mut input = signed_input(secret, hash);
            if high_s {
                let s = U256::from_be_slice(&input[64..96]);
                input[64..96].copy_from_slice(&(order - s).to_be_bytes::<32>());
            }
            input
        },
    );
    let base = prop_oneof![4 => signed, 1 => prop::collection::vec(any::<u8>(), 160)];
    let change = prop_oneof![
        3 => Just(None),
        1 => (0usize..160, 1u8..=255).prop_map(|(index, mask)| Some((index, Err(mask)))),
        1 => (0usize..5, prop::sample::select(edges)).prop_map(|(word, value)| Some((word, Ok(value)))),
    ];
    (base, change).prop_map(|(mut input, change)| {
        match change {
            None => {}
            Some((index, Err(mask))) => input[index] ^= mask,
            Some((word, Ok(value))) => {
                input[32 * word..32 * (word + 1)].copy_from_slice(&value.to_be_bytes::<32>())
            }
        }
        input
    })
}

/// A call to P256VERIFY (under Osaka: 6900 gas, the word 1 or nothing; before, an empty
/// account), mostly with its 160 bytes, sometimes with a length EIP-7951 rejects or gas
/// around the price.
fn p256verify_snippet() -> impl Strategy<Value = Vec<u8>> {
    let input_len = prop_oneof![
        6 => Just(160usize),
        1 => prop::sample::select(vec![0usize, 32, 128, 159, 161, 192]),
    ];
    let gas = prop_oneof![
        6 => Just(None),
        1 => prop::sample::select(vec![0u64, 3450, 6899, 6900, 6901, 10_000]).prop_map(Some),
    ];
    (p256verify_input(), input_len, gas).prop_map(|(mut input, input_len, gas)| {
        input.resize(input_len.max(160), 0);
        precompile_call(P256VERIFY, &input, input_len, gas, P256VERIFY_LOG)
    })
}

/// A modexp length: small, around the 32-byte and EIP-7823's 1024-byte edges, or huge.
fn modexp_length() -> impl Strategy<Value = U256> {
    prop_oneof![
        6 => (0u64..=70).prop_map(U256::from),
        3 => prop::sample::select(vec![0u64, 1, 31, 32, 33, 64, 65, 256, 1023, 1024, 1025, 1100, 2048, 1 << 32]).prop_map(U256::from),
        1 => prop::sample::select(vec![U256::from(1) << 64, U256::MAX]),
    ]
}

/// The three lengths of a modexp call: each drawn on its own, or small ones with one just
/// past EIP-7823's bound (cheap before Osaka, rejected from Osaka), or at the bound.
fn modexp_lengths() -> impl Strategy<Value = [U256; 3]> {
    let small = || (0u64..=64).prop_map(U256::from);
    let one_at = |lengths: prop::sample::Select<u64>| {
        (0usize..3, lengths, [small(), small(), small()]).prop_map(|(index, len, mut lengths)| {
            lengths[index] = U256::from(len);
            lengths
        })
    };
    prop_oneof![
        4 => [modexp_length(), modexp_length(), modexp_length()],
        2 => one_at(prop::sample::select(vec![1025u64, 1026, 1100, 2048])),
        1 => one_at(prop::sample::select(vec![1023u64, 1024])),
    ]
}

/// A call to modexp: base_len ‖ exp_len ‖ mod_len ‖ random bytes for base, exponent and
/// modulus (zeros past them), sometimes cut short; the log's marker says whether a length,
/// as the precompile reads it from the bytes it gets, is past 1024 bytes (which Osaka rejects).
fn modexp_snippet() -> impl Strategy<Value = Vec<u8>> {
    // Mostly a fixed amount: a failing call consumes what it is given, which with all the
    // gas would leave too little for the next snippets.
    let gas = prop_oneof![
        2 => Just(None),
        4 => Just(Some(100_000)),
        1 => prop::sample::select(vec![199u64, 200, 499, 500, 1_000, 5_000]).prop_map(Some),
    ];
    (
        modexp_lengths(),
        prop::collection::vec(any::<u8>(), 0..160),
        prop_oneof![6 => Just(None), 1 => (0usize..200).prop_map(Some)],
        gas,
    )
        .prop_map(|(lengths, body, cut, gas)| {
            let mut input = Vec::new();
            for len in lengths {
                input.extend(len.to_be_bytes::<32>());
            }
            input.extend(body);
            let input_len = cut.unwrap_or(input.len()).min(input.len());
            let mut header = input[..input_len.min(96)].to_vec();
            header.resize(96, 0);
            let oversize = header
                .chunks(32)
                .any(|len| U256::from_be_slice(len) > U256::from(1024));
            let marker = if oversize {
                MODEXP_OVERSIZE_LOG
            } else {
                MODEXP_LOG
            };
            precompile_call(MODEXP, &input, input_len, gas, marker)
        })
}

/// Mostly a random program; sometimes a few of the Osaka snippets and STOP, so that what
/// they log is kept (a random program often ends in an exceptional halt, which drops its logs).
fn program() -> impl Strategy<Value = Vec<u8>> {
    let osaka_snippet = prop_oneof![clz_snippet(), p256verify_snippet(), modexp_snippet()];
    let osaka_program = prop::collection::vec(osaka_snippet, 1..6).prop_map(|snippets| {
        let mut code = snippets.concat();
        code.push(0x00);
        code
    });
    prop_oneof![
        3 => prop::collection::vec(snippet(), 1..40).prop_map(|snippets| snippets.concat()),
        1 => osaka_program,
    ]
}

/// Calls CONTRACT with the calldata and logs (return data, success): return data is
/// compared through the logs.
fn wrapper_code() -> Vec<u8> {
    let mut code = vec![0x36, 0x5f, 0x5f, 0x37, 0x5f, 0x5f, 0x36, 0x5f, 0x5f, 0x73];
    code.extend(CONTRACT);
    code.extend([0x5a, 0xf1, 0x3d, 0x5f, 0x5f, 0x3e, 0x3d, 0x5f, 0xa1, 0x00]);
    code
}

#[derive(Debug, Clone)]
struct Scenario {
    contract_code: Vec<u8>,
    other_code: Vec<u8>,
    storage: Vec<(u8, u64)>,
    calldata: Vec<u8>,
    value: u64,
    through_wrapper: bool,
    spec: Spec,
    /// Prague and later: `OTHER` holds a delegation designator to `CONTRACT` instead of code.
    other_delegates: bool,
    gas_limit: u64,
}

/// The transaction's gas limit: mostly `GAS_LIMIT`, sometimes at EIP-7825's cap, just
/// above it (invalid from Osaka, valid before) or far above it (within the block's limit).
fn gas_limit() -> impl Strategy<Value = u64> {
    prop_oneof![
        16 => Just(GAS_LIMIT),
        1 => Just(TX_GAS_LIMIT_CAP),
        1 => Just(TX_GAS_LIMIT_CAP + 1),
        1 => TX_GAS_LIMIT_CAP + 2..=BLOCK_GAS_LIMIT,
    ]
}

fn scenario(spec: Spec) -> impl Strategy<Value = Scenario> {
    (
        program(),
        program(),
        prop::collection::vec((0u8..4, 0u64..3), 0..3),
        prop::collection::vec(any::<u8>(), 0..70),
        0u64..3,
        any::<bool>(),
        any::<bool>(),
        gas_limit(),
    )
        .prop_map(
            move |(
                contract_code,
                other_code,
                storage,
                calldata,
                value,
                through_wrapper,
                delegates,
                gas_limit,
            )| Scenario {
                contract_code,
                other_code,
                storage,
                calldata,
                value,
                through_wrapper,
                spec,
                other_delegates: spec.enables(Spec::Prague) && delegates,
                gas_limit,
            },
        )
}

fn pre_state(scenario: &Scenario) -> PreState {
    let mut pre = PreState::new();
    let storage: BTreeMap<B256, U256> = scenario
        .storage
        .iter()
        .filter(|(_, value)| *value != 0)
        .map(|(slot, value)| (U256::from(*slot).to_be_bytes::<32>(), U256::from(*value)))
        .collect();
    let account = |code: &[u8], storage: BTreeMap<B256, U256>| AccountState {
        balance: U256::from(1_000_000u64),
        nonce: 1,
        code: code.to_vec(),
        storage,
    };
    pre.insert(CONTRACT, account(&scenario.contract_code, storage.clone()));
    let other_code = if scenario.other_delegates {
        designator(&CONTRACT)
    } else {
        scenario.other_code.clone()
    };
    pre.insert(OTHER, account(&other_code, storage));
    pre.insert(WRAPPER, account(&wrapper_code(), BTreeMap::new()));
    pre.insert(
        sender(),
        AccountState {
            balance: U256::from(10u64).pow(U256::from(18)),
            ..Default::default()
        },
    );
    pre
}

fn block_env(spec: Spec) -> BlockEnv {
    BlockEnv {
        spec,
        chain_id: 1,
        number: 300,
        timestamp: 1_000,
        coinbase: COINBASE,
        gas_limit: BLOCK_GAS_LIMIT,
        base_fee: U256::from(BASE_FEE),
        prevrandao: [0x11; 32],
        excess_blob_gas: 0,
        native_limits: false,
    }
}

/// The hashes of the 256 blocks before block 300 as revm's `EmptyDB` gives them: keccak256
/// of the decimal number.
fn recent_hashes() -> Vec<B256> {
    (300 - 256..300u64)
        .map(|n| keccak256(n.to_string().as_bytes()))
        .collect()
}

fn target(scenario: &Scenario) -> Address {
    if scenario.through_wrapper {
        WRAPPER
    } else {
        CONTRACT
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Result {
    /// Why the transaction is invalid; `None` when it is executed.
    invalid: Option<InvalidTx>,
    success: bool,
    gas_used: u64,
    logs: Vec<(Address, Vec<B256>, Vec<u8>)>,
    post: PreState,
}

fn ours(scenario: &Scenario, pre: &PreState) -> Result {
    ours_on(scenario, pre, Target::Native)
}

fn ours_on(scenario: &Scenario, pre: &PreState, on: Target) -> Result {
    let tx = UnsignedTx {
        nonce: U256::ZERO,
        fees: Fees::Dynamic {
            max_fee: U256::from(20),
            max_priority_fee: U256::from(2),
        },
        gas_limit: U256::from(scenario.gas_limit),
        to: Some(target(scenario)),
        value: U256::from(scenario.value),
        data: scenario.calldata.clone(),
        access_list: Some(Vec::new()),
        blob: None,
    };
    let raw = tx.sign(&SECRET).unwrap();
    let world = World::new(pre.clone(), block_env(scenario.spec), vec![raw])
        .with_recent_hashes(&recent_hashes())
        .unwrap();
    let run = run_world(&world, on).expect("our run completes");
    let receipt = &run.outcome.receipts[0];
    Result {
        invalid: match receipt.outcome {
            Outcome::Invalid(reason) => Some(reason),
            _ => None,
        },
        success: receipt.outcome == Outcome::Success,
        gas_used: receipt.gas_used,
        logs: receipt
            .logs
            .iter()
            .map(|log| (log.address, log.topics.clone(), log.data.clone()))
            .collect(),
        post: world.post_state(&run.outcome),
    }
}

fn revm_address(address: &Address) -> RAddress {
    RAddress::from(*address)
}

fn revm_spec(spec: Spec) -> SpecId {
    match spec {
        Spec::Cancun => SpecId::CANCUN,
        Spec::Prague => SpecId::PRAGUE,
        Spec::Osaka => SpecId::OSAKA,
    }
}

fn revm(scenario: &Scenario, pre: &PreState) -> Result {
    revm_with(scenario, pre, &[])
}

/// revm with some gas constants changed (`overrides`), to show the comparison notices.
fn revm_with(scenario: &Scenario, pre: &PreState, overrides: &[(GasId, u64)]) -> Result {
    let mut db = CacheDB::new(EmptyDB::default());
    for (address, account) in pre {
        let info = AccountInfo {
            balance: account.balance,
            nonce: account.nonce,
            ..Default::default()
        }
        .with_code(Bytecode::new_raw(Bytes::from(account.code.clone())));
        db.insert_account_info(revm_address(address), info);
        for (slot, value) in &account.storage {
            db.insert_account_storage(revm_address(address), RU256::from_be_bytes(*slot), *value)
                .unwrap();
        }
    }
    let env = block_env(scenario.spec);
    let spec = revm_spec(scenario.spec);
    let mut gas_params = GasParams::new_spec(spec);
    gas_params.override_gas(overrides.iter().copied());
    let blob_fraction = zkos_system::blob::BlobSchedule::of(scenario.spec).update_fraction;
    let mut evm = Context::mainnet()
        .modify_cfg_chained(|cfg| {
            cfg.set_spec_and_mainnet_gas_params(spec);
            cfg.set_gas_params(gas_params);
            cfg.chain_id = 1;
        })
        .modify_block_chained(|block: &mut RevmBlock| {
            block.number = RU256::from(env.number);
            block.timestamp = RU256::from(env.timestamp);
            block.beneficiary = revm_address(&COINBASE);
            block.gas_limit = env.gas_limit;
            block.basefee = BASE_FEE;
            block.prevrandao = Some(RB256::from(env.prevrandao));
            block.set_blob_excess_gas_and_price(0, blob_fraction);
        })
        .with_db(db)
        .build_mainnet();
    let tx = TxEnv::builder()
        .tx_type(Some(2))
        .caller(revm_address(&sender()))
        .gas_limit(scenario.gas_limit)
        .max_fee_per_gas(20)
        .gas_priority_fee(Some(2))
        .kind(TxKind::Call(revm_address(&target(scenario))))
        .value(RU256::from(scenario.value))
        .data(Bytes::from(scenario.calldata.clone()))
        .nonce(0)
        .chain_id(Some(1))
        .build()
        .unwrap();
    let outcome = match evm.transact(tx) {
        Ok(outcome) => outcome,
        Err(EVMError::Transaction(reason)) => {
            return Result {
                invalid: Some(our_reason(&reason)),
                success: false,
                gas_used: 0,
                logs: Vec::new(),
                post: pre.clone(),
            }
        }
        Err(error) => panic!("revm fails: {error:?}"),
    };
    let mut post = pre.clone();
    for (address, account) in outcome.state {
        let address: Address = address.into_array();
        if account.is_selfdestructed() {
            post.remove(&address);
            continue;
        }
        let entry = post.entry(address).or_default();
        entry.balance = account.info.balance;
        entry.nonce = account.info.nonce;
        if let Some(code) = &account.info.code {
            entry.code = code.original_bytes().to_vec();
        }
        for (slot, value) in account.storage {
            let slot = slot.to_be_bytes::<32>();
            if value.present_value.is_zero() {
                entry.storage.remove(&slot);
            } else {
                entry.storage.insert(slot, value.present_value);
            }
        }
    }
    post.retain(|_, account| {
        !(account.nonce == 0
            && account.balance.is_zero()
            && account.code.is_empty()
            && account.storage.is_empty())
    });
    let result = outcome.result;
    Result {
        invalid: None,
        success: result.is_success(),
        gas_used: result.tx_gas_used(),
        logs: result
            .logs()
            .iter()
            .map(|log| {
                let topics = log.topics().iter().map(|topic| topic.0).collect();
                (log.address.into_array(), topics, log.data.data.to_vec())
            })
            .collect(),
        post,
    }
}

/// Our name for revm's reason to reject a transaction (only the reasons these transactions
/// can have are named).
fn our_reason(reason: &InvalidTransaction) -> InvalidTx {
    match reason {
        InvalidTransaction::TxGasLimitGreaterThanCap { .. } => InvalidTx::GasLimitAboveCap,
        InvalidTransaction::CallerGasLimitMoreThanBlock => InvalidTx::GasLimitExceedsBlock,
        InvalidTransaction::CallGasCostMoreThanGasLimit { .. } => InvalidTx::IntrinsicGasTooLow,
        InvalidTransaction::GasFloorMoreThanGasLimit { .. } => InvalidTx::GasBelowCalldataFloor,
        other => panic!("revm rejects the transaction for a reason not mapped here: {other:?}"),
    }
}

/// Cases per fork.
fn cases() -> u32 {
    std::env::var("DIFFERENTIAL_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000)
}

/// How often the Osaka features were reached in transactions whose logs survived.
#[derive(Debug, Default)]
struct Coverage {
    /// Transactions with a gas limit above EIP-7825's cap: rejected for it / executed.
    above_cap_invalid: u32,
    above_cap_executed: u32,
    /// CLZ results logged.
    clz: u32,
    /// Calls to 0x100 that succeeded returning the word 1 / returning nothing.
    p256verify_valid: u32,
    p256verify_empty: u32,
    /// modexp calls within the bound that succeeded; past it, that failed / succeeded.
    modexp_within: u32,
    modexp_oversize_failed: u32,
    modexp_oversize_succeeded: u32,
}

impl Coverage {
    fn record(&mut self, scenario: &Scenario, result: &Result) {
        if scenario.gas_limit > TX_GAS_LIMIT_CAP {
            match result.invalid {
                Some(InvalidTx::GasLimitAboveCap) => self.above_cap_invalid += 1,
                None => self.above_cap_executed += 1,
                Some(_) => {}
            }
        }
        let word = |value: u64| U256::from(value).to_be_bytes::<32>();
        let mut one = [0u8; 32];
        one[31] = 1;
        for (_, topics, data) in &result.logs {
            let success = topics.get(1) == Some(&word(1));
            match topics.first() {
                Some(topic) if *topic == word(CLZ_LOG) => self.clz += 1,
                Some(topic) if *topic == word(P256VERIFY_LOG) && success => {
                    if data[..] == one {
                        self.p256verify_valid += 1;
                    } else if data.is_empty() {
                        self.p256verify_empty += 1;
                    }
                }
                Some(topic) if *topic == word(MODEXP_LOG) && success => self.modexp_within += 1,
                Some(topic) if *topic == word(MODEXP_OVERSIZE_LOG) => {
                    if success {
                        self.modexp_oversize_succeeded += 1;
                    } else {
                        self.modexp_oversize_failed += 1;
                    }
                }
                _ => {}
            }
        }
    }

    /// Each feature reached at least `least` times as the fork has it: from Osaka a gas
    /// limit above the cap is rejected, CLZ returns, P256VERIFY accepts valid signatures and
    /// modexp past the bound fails (never succeeds); before, the transaction runs, CLZ is
    /// invalid, 0x100 is an empty account (the call succeeds with no data), and modexp past
    /// the bound may succeed.
    fn check(&self, spec: Spec, least: u32) {
        let reached = if spec.enables(Spec::Osaka) {
            assert_eq!(self.above_cap_executed, 0, "{self:?}");
            assert_eq!(self.modexp_oversize_succeeded, 0, "{self:?}");
            vec![
                ("gas limit above the cap rejected", self.above_cap_invalid),
                ("CLZ", self.clz),
                ("P256VERIFY accepting", self.p256verify_valid),
                ("P256VERIFY rejecting", self.p256verify_empty),
                ("modexp within the bound", self.modexp_within),
                ("modexp past the bound failing", self.modexp_oversize_failed),
            ]
        } else {
            assert_eq!(self.above_cap_invalid, 0, "{self:?}");
            assert_eq!(self.clz, 0, "{self:?}");
            assert_eq!(self.p256verify_valid, 0, "{self:?}");
            vec![
                ("gas limit above the cap executed", self.above_cap_executed),
                ("call to 0x100 (no precompile)", self.p256verify_empty),
                ("modexp within the bound", self.modexp_within),
                (
                    "modexp past the bound succeeding",
                    self.modexp_oversize_succeeded,
                ),
            ]
        };
        for (feature, count) in reached {
            assert!(
                count >= least,
                "{spec:?}: {feature} reached {count} times (< {least}): {self:?}"
            );
        }
        eprintln!("{spec:?}: {} cases, {self:?}", cases());
    }
}

fn compare(scenario: &Scenario, coverage: &RefCell<Coverage>) -> TestCaseResult {
    let pre = pre_state(scenario);
    let expected = revm(scenario, &pre);
    let got = ours(scenario, &pre);
    prop_assert_eq!(got.invalid, expected.invalid, "validity");
    prop_assert_eq!(got.success, expected.success, "success");
    prop_assert_eq!(got.gas_used, expected.gas_used, "gas used");
    prop_assert_eq!(&got.logs, &expected.logs, "logs");
    prop_assert_eq!(&got.post, &expected.post, "post-state");
    coverage.borrow_mut().record(scenario, &got);
    Ok(())
}

/// `cases()` random scenarios under `spec` match revm, and reach the Osaka features.
fn random_programs_match_revm(spec: Spec) {
    let config = ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let coverage = RefCell::new(Coverage::default());
    let mut runner = TestRunner::new(config);
    if let Err(error) = runner.run(&scenario(spec), |scenario| compare(&scenario, &coverage)) {
        panic!("{spec:?}: {error}");
    }
    // Proportional, so that a small DIFFERENTIAL_CASES still runs.
    coverage.into_inner().check(spec, cases() / 200);
}

#[test]
fn cancun_matches_revm() {
    random_programs_match_revm(Spec::Cancun);
}

#[test]
fn prague_matches_revm() {
    random_programs_match_revm(Spec::Prague);
}

#[test]
fn osaka_matches_revm() {
    random_programs_match_revm(Spec::Osaka);
}

/// The comparison is sharp: with one gas constant of revm's changed (a cold SLOAD costs one
/// more), a program that reads a cold slot no longer matches, in any fork.
#[test]
fn a_changed_gas_constant_is_caught() {
    for spec in Spec::ALL {
        let scenario = Scenario {
            // PUSH1 0 SLOAD POP STOP
            contract_code: vec![0x60, 0x00, 0x54, 0x50, 0x00],
            other_code: Vec::new(),
            storage: Vec::new(),
            calldata: Vec::new(),
            value: 0,
            through_wrapper: false,
            spec,
            other_delegates: false,
            gas_limit: GAS_LIMIT,
        };
        let pre = pre_state(&scenario);
        assert_eq!(ours(&scenario, &pre), revm(&scenario, &pre), "{spec:?}");
        let cold = GasParams::new_spec(revm_spec(spec)).get(GasId::cold_storage_additional_cost());
        let changed = revm_with(
            &scenario,
            &pre,
            &[(GasId::cold_storage_additional_cost(), cold + 1)],
        );
        let ours = ours(&scenario, &pre);
        assert_ne!(ours.gas_used, changed.gas_used, "{spec:?}");
        assert_eq!(ours.gas_used + 1, changed.gas_used, "{spec:?}");
    }
}

/// Balances at the top of the 256-bit range: a value no balance can hold never aborts the
/// block. A transfer the recipient cannot hold halts its frame and consumes its gas
/// (revm's `OverflowPayment`), at the top level it fails the transaction; a fee or a
/// SELFDESTRUCT balance it cannot hold is not credited. Each case matches revm on both
/// targets, where revm's journal does not lose the value (see [`revm_keeping`]), and the
/// hand-checked facts that make it an overflow case hold.
mod balance_overflow {
    use super::*;

    const CALL: u8 = 0xf1;
    const CALLCODE: u8 = 0xf2;
    /// The gas the contract gives the value-carrying call.
    const CALL_GAS: u64 = 100_000;

    fn scenario(spec: Spec, contract_code: Vec<u8>, value: u64) -> Scenario {
        Scenario {
            contract_code,
            other_code: Vec::new(),
            storage: Vec::new(),
            calldata: Vec::new(),
            value,
            through_wrapper: false,
            spec,
            other_delegates: false,
            gas_limit: GAS_LIMIT,
        }
    }

    /// `CALL`/`CALLCODE(CALL_GAS, to, 1 wei, no input, no output)`; slot 0 = the success
    /// flag, slot 1 = the gas left after it.
    fn call_one_wei(opcode: u8, to: &Address) -> Vec<u8> {
        let mut code = vec![0x5f, 0x5f, 0x5f, 0x5f, 0x60, 0x01, 0x73];
        code.extend(to);
        code.push(0x62);
        code.extend(&CALL_GAS.to_be_bytes()[5..]);
        code.extend([opcode, 0x5f, 0x55, 0x5a, 0x60, 0x01, 0x55, 0x00]);
        code
    }

    /// `CREATE(1 wei, no init code)`; slot 0 = the new address (zero on failure), slot 1 =
    /// the gas left after it.
    fn create_one_wei() -> Vec<u8> {
        vec![
            0x5f, 0x5f, 0x60, 0x01, 0xf0, 0x5f, 0x55, 0x5a, 0x60, 0x01, 0x55, 0x00,
        ]
    }

    /// revm's result where a call's transfer of `value` from `payer` overflowed: revm takes
    /// the value from the payer before it finds the recipient cannot hold it, and neither
    /// restores it nor journals the debit, so the value vanishes although the frame is
    /// reverted (its creations do restore it). The value stays with the payer here.
    fn revm_keeping(scenario: &Scenario, pre: &PreState, payer: &Address, value: u64) -> Result {
        let mut expected = revm(scenario, pre);
        expected.post.get_mut(payer).unwrap().balance += U256::from(value);
        expected
    }

    /// Runs the case on both targets, checks each against revm, and returns our result.
    fn matches_revm(scenario: &Scenario, pre: &PreState) -> Result {
        matches(scenario, pre, revm(scenario, pre))
    }

    fn matches(scenario: &Scenario, pre: &PreState, expected: Result) -> Result {
        let native = ours_on(scenario, pre, Target::Native);
        assert_eq!(
            native, expected,
            "native against revm ({:?})",
            scenario.spec
        );
        let riscv = ours_on(scenario, pre, Target::Riscv);
        assert_eq!(riscv, native, "RISC-V against native ({:?})", scenario.spec);
        native
    }

    fn slot(result: &Result, index: u64) -> U256 {
        let slot = U256::from(index).to_be_bytes::<32>();
        result.post[&CONTRACT]
            .storage
            .get(&slot)
            .copied()
            .unwrap_or_default()
    }

    #[test]
    fn a_call_the_recipient_cannot_hold_halts_and_consumes_the_calls_gas() {
        for spec in Spec::ALL {
            let scenario = scenario(spec, call_one_wei(CALL, &OTHER), 0);
            let mut pre = pre_state(&scenario);
            pre.get_mut(&OTHER).unwrap().balance = U256::MAX;
            let result = matches(&scenario, &pre, revm_keeping(&scenario, &pre, &CONTRACT, 1));
            assert!(result.success, "the transaction goes on after the halt");
            assert_eq!(slot(&result, 0), U256::ZERO, "the call failed");
            assert_eq!(result.post[&OTHER].balance, U256::MAX);
            assert_eq!(result.post[&CONTRACT].balance, pre[&CONTRACT].balance);
            assert!(
                result.gas_used > CALL_GAS,
                "the call's gas is consumed, not returned: {}",
                result.gas_used
            );
            // One wei less and the same call succeeds and returns its gas.
            pre.get_mut(&OTHER).unwrap().balance = U256::MAX - U256::from(1);
            let fits = matches_revm(&scenario, &pre);
            assert_eq!(slot(&fits, 0), U256::from(1));
            assert_eq!(fits.post[&OTHER].balance, U256::MAX);
            assert!(fits.gas_used < CALL_GAS);
        }
    }

    /// CALLCODE moves the value from the contract to itself: a full balance can do that.
    #[test]
    fn a_value_moved_to_oneself_never_overflows() {
        for spec in Spec::ALL {
            let scenario = scenario(spec, call_one_wei(CALLCODE, &OTHER), 0);
            let mut pre = pre_state(&scenario);
            pre.get_mut(&CONTRACT).unwrap().balance = U256::MAX;
            let result = matches_revm(&scenario, &pre);
            assert_eq!(slot(&result, 0), U256::from(1), "the call succeeded");
            assert_eq!(result.post[&CONTRACT].balance, U256::MAX);
        }
    }

    #[test]
    fn a_creation_into_a_full_balance_fails_and_keeps_the_creators_nonce() {
        for spec in Spec::ALL {
            let scenario = scenario(spec, create_one_wei(), 0);
            let mut pre = pre_state(&scenario);
            let created = zkos_system::frames::create_address(
                &CONTRACT,
                1,
                &zkos_system::ee::CreateScheme::Create,
                &[],
            );
            pre.insert(
                created,
                AccountState {
                    balance: U256::MAX,
                    ..Default::default()
                },
            );
            let result = matches_revm(&scenario, &pre);
            assert!(result.success);
            assert_eq!(
                slot(&result, 0),
                U256::ZERO,
                "no address: the creation failed"
            );
            assert_eq!(result.post[&CONTRACT].balance, pre[&CONTRACT].balance);
            assert_eq!(result.post[&CONTRACT].nonce, 2, "the creator's nonce moved");
            assert_eq!(
                result.post[&created].nonce, 0,
                "the new account was rolled back"
            );
            assert!(result.gas_used > 30_000, "the creation's gas is consumed");
        }
    }

    #[test]
    fn a_transaction_whose_value_the_recipient_cannot_hold_fails_and_pays_all_its_gas() {
        for spec in Spec::ALL {
            let scenario = scenario(spec, vec![0x00], 1);
            let mut pre = pre_state(&scenario);
            pre.get_mut(&CONTRACT).unwrap().balance = U256::MAX;
            let result = matches(&scenario, &pre, revm_keeping(&scenario, &pre, &sender(), 1));
            assert_eq!(result.invalid, None, "the transaction is valid");
            assert!(!result.success);
            assert_eq!(result.gas_used, GAS_LIMIT);
            let sender_paid = pre[&sender()].balance - result.post[&sender()].balance;
            assert_eq!(
                sender_paid,
                U256::from(GAS_LIMIT) * U256::from(BASE_FEE + 2)
            );
        }
    }

    #[test]
    fn a_tip_a_full_coinbase_cannot_hold_is_burned() {
        for spec in Spec::ALL {
            let scenario = scenario(spec, vec![0x00], 0);
            let mut pre = pre_state(&scenario);
            pre.insert(
                COINBASE,
                AccountState {
                    balance: U256::MAX - U256::from(5),
                    ..Default::default()
                },
            );
            let result = matches_revm(&scenario, &pre);
            assert!(result.success);
            assert_eq!(result.post[&COINBASE].balance, U256::MAX - U256::from(5));
        }
    }

    /// SELFDESTRUCT empties the contract; a balance the beneficiary cannot hold is burned.
    /// revm wraps the beneficiary's balance there, so only that balance is checked by hand.
    #[test]
    fn a_selfdestruct_into_a_full_balance_burns_it() {
        for spec in Spec::ALL {
            let mut code = vec![0x73];
            code.extend(OTHER);
            code.push(0xff);
            let scenario = scenario(spec, code, 0);
            let mut pre = pre_state(&scenario);
            pre.get_mut(&OTHER).unwrap().balance = U256::MAX - U256::from(2);
            let mut expected = revm(&scenario, &pre);
            let wrapped = (U256::MAX - U256::from(2)).wrapping_add(pre[&CONTRACT].balance);
            assert_eq!(expected.post[&OTHER].balance, wrapped, "revm wraps");
            expected.post.get_mut(&OTHER).unwrap().balance = U256::MAX - U256::from(2);
            for target in [Target::Native, Target::Riscv] {
                let result = ours_on(&scenario, &pre, target);
                assert!(result.success, "{spec:?} {target:?}");
                assert_eq!(result.post[&CONTRACT].balance, U256::ZERO);
                assert_eq!(result, expected, "{spec:?} {target:?}");
            }
        }
    }
}
