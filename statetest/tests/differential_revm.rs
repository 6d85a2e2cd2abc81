//! Differential test against revm: random bytecode and calldata run as a Cancun or Prague
//! transaction through our guest path (system + EVM) and through revm; the outcome,
//! gas used, logs (which carry the callee's return data), and the post-state (balances,
//! nonces, code, storage) must agree.
//!
//! Programs are built from snippets: an opcode preceded by pushes of its stack inputs,
//! drawn from values that reach the interesting edges (zero, word and memory
//! boundaries, huge offsets, the addresses of the other accounts and precompiles). Under
//! Prague one account may be an EIP-7702 delegation to the contract, and calldata reaches
//! the EIP-7623 floor.
use proptest::prelude::*;
use revm::context::{BlockEnv as RevmBlock, TxEnv};
use revm::context_interface::cfg::gas_params::{GasId, GasParams};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address as RAddress, Bytes, TxKind, B256 as RB256, U256 as RU256};
use revm::state::{AccountInfo, Bytecode};
use revm::{Context, ExecuteEvm, MainBuilder, MainContext};
use std::collections::BTreeMap;
use zkos_runner::world::{AccountState, PreState, World};
use zkos_statetest::run::{run_world, Target};
use zkos_statetest::transaction::{Fees, UnsignedTx};
use zkos_system::block::BlockEnv;
use zkos_system::receipt::Outcome;
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
const GAS_LIMIT: u64 = 3_000_000;

fn sender() -> Address {
    let key = k256::ecdsa::SigningKey::from_bytes((&SECRET).into()).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    keccak256(&point.as_bytes()[1..])[12..].try_into().unwrap()
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
        2 => prop::sample::select(vec![address(&CONTRACT), address(&OTHER), address(&WRAPPER), address(&COINBASE), address(&sender())]),
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

fn program() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(snippet(), 1..40).prop_map(|snippets| snippets.concat())
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
    /// Prague: `OTHER` holds a delegation designator to `CONTRACT` instead of code.
    other_delegates: bool,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        program(),
        program(),
        prop::collection::vec((0u8..4, 0u64..3), 0..3),
        prop::collection::vec(any::<u8>(), 0..70),
        0u64..3,
        any::<bool>(),
        prop::sample::select(vec![Spec::Cancun, Spec::Prague]),
        any::<bool>(),
    )
        .prop_map(
            |(
                contract_code,
                other_code,
                storage,
                calldata,
                value,
                through_wrapper,
                spec,
                delegates,
            )| Scenario {
                contract_code,
                other_code,
                storage,
                calldata,
                value,
                through_wrapper,
                spec,
                other_delegates: spec == Spec::Prague && delegates,
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
        gas_limit: 30_000_000,
        base_fee: U256::from(BASE_FEE),
        prevrandao: [0x11; 32],
        excess_blob_gas: 0,
        block_hashes: core::array::from_fn(|i| {
            keccak256((300 - 256 + i as u64).to_string().as_bytes())
        }),
    }
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
    success: bool,
    gas_used: u64,
    logs: Vec<(Address, Vec<B256>, Vec<u8>)>,
    post: PreState,
}

fn ours(scenario: &Scenario, pre: &PreState) -> Result {
    let tx = UnsignedTx {
        nonce: U256::ZERO,
        fees: Fees::Dynamic {
            max_fee: U256::from(20),
            max_priority_fee: U256::from(2),
        },
        gas_limit: U256::from(GAS_LIMIT),
        to: Some(target(scenario)),
        value: U256::from(scenario.value),
        data: scenario.calldata.clone(),
        access_list: Some(Vec::new()),
        blob: None,
    };
    let raw = tx.sign(&SECRET).unwrap();
    let world = World::new(pre.clone(), block_env(scenario.spec), vec![raw]);
    let run = run_world(&world, Target::Native).expect("our run completes");
    let receipt = &run.outcome.receipts[0];
    Result {
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
        .gas_limit(GAS_LIMIT)
        .max_fee_per_gas(20)
        .gas_priority_fee(Some(2))
        .kind(TxKind::Call(revm_address(&target(scenario))))
        .value(RU256::from(scenario.value))
        .data(Bytes::from(scenario.calldata.clone()))
        .nonce(0)
        .chain_id(Some(1))
        .build()
        .unwrap();
    let outcome = evm.transact(tx).expect("revm accepts the transaction");
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

fn cases() -> u32 {
    std::env::var("DIFFERENTIAL_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_programs_match_revm(scenario in scenario()) {
        let pre = pre_state(&scenario);
        let expected = revm(&scenario, &pre);
        let got = ours(&scenario, &pre);
        prop_assert_eq!(got.success, expected.success, "success");
        prop_assert_eq!(got.gas_used, expected.gas_used, "gas used");
        prop_assert_eq!(&got.logs, &expected.logs, "logs");
        prop_assert_eq!(&got.post, &expected.post, "post-state");
    }
}

/// The comparison is sharp: with one gas constant of revm's changed (a cold SLOAD costs one
/// more), a program that reads a cold slot no longer matches, in either fork.
#[test]
fn a_changed_gas_constant_is_caught() {
    for spec in [Spec::Cancun, Spec::Prague] {
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
