//! EIP-2935: the history contract's code runs as on Ethereum and its storage is the chain's
//! committed block-hash window. A probe contract asks it for blocks at the edges of its
//! 8191-block range (and with a wrong input length) in block 9000 of a chain; the answers
//! must be the hashes the window holds, on both targets, and gas and results must equal
//! revm's running the same transaction against the storage Ethereum's system calls would
//! have written (slot `b % 8191` = hash of block `b`, for the 8191 blocks before).
use revm::context::{BlockEnv as RevmBlock, TxEnv};
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address as RAddress, Bytes, TxKind, U256 as RU256};
use revm::state::{AccountInfo, Bytecode};
use revm::{Context, ExecuteEvm, MainBuilder, MainContext};
use zkos_runner::world::{AccountState, PreState, World};
use zkos_statetest::run::{run_world, Target};
use zkos_statetest::transaction::{Fees, UnsignedTx};
use zkos_system::block::BlockEnv;
use zkos_system::chain::WINDOW_SLOTS;
use zkos_system::history::{HISTORY_SERVE_WINDOW, HISTORY_STORAGE_ADDRESS, HISTORY_STORAGE_CODE};
use zkos_system::receipt::Outcome;
use zkos_system::spec::Spec;
use zkos_system::types::keccak256;
use zkos_system::{Address, B256, U256};

const NUMBER: u64 = 9000;
const SECRET: B256 = [0x45; 32];
const PROBE: Address = [0xb0; 20];
const COINBASE: Address = [0xcb; 20];
const GAS_LIMIT: u64 = 2_000_000;

fn sender() -> Address {
    let key = k256::ecdsa::SigningKey::from_bytes((&SECRET).into()).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    keccak256(&point.as_bytes()[1..])[12..].try_into().unwrap()
}

/// The hash of block `b` in this chain (any distinct words do).
fn hash_of(block: u64) -> B256 {
    keccak256(&block.to_be_bytes())
}

/// `(asked block, calldata length)`: the range's edges, outside it, the block itself, the
/// future, and inputs that are not one word.
fn queries() -> Vec<(u64, usize)> {
    let window = HISTORY_SERVE_WINDOW;
    let mut asked: Vec<(u64, usize)> = [
        NUMBER - 1,
        NUMBER - 2,
        NUMBER - 256,
        NUMBER - 257,
        NUMBER - 4000,
        NUMBER - window + 1,
        NUMBER - window,
        NUMBER - window - 1,
        NUMBER,
        NUMBER + 1,
        0,
        1,
    ]
    .into_iter()
    .map(|block| (block, 32))
    .collect();
    asked.extend([(NUMBER - 1, 31), (NUMBER - 1, 33), (NUMBER - 1, 0)]);
    asked.push((NUMBER - 1, 32));
    asked
}

fn push(code: &mut Vec<u8>, value: U256) {
    code.push(0x7f);
    code.extend(value.to_be_bytes::<32>());
}

/// For query `i`: mem[0] = block, mem[32] = 0, CALL(gas, history, 0, 0, len, 32, 32), then
/// slot 2i = success and slot 2i + 1 = mem[32].
fn probe_code() -> Vec<u8> {
    let mut code = Vec::new();
    for (i, (block, len)) in queries().into_iter().enumerate() {
        push(&mut code, U256::from(block));
        code.extend([0x5f, 0x52]);
        code.extend([0x5f, 0x60, 0x20, 0x52]);
        code.extend([0x60, 0x20, 0x60, 0x20, 0x60, len as u8, 0x5f, 0x5f, 0x73]);
        code.extend(HISTORY_STORAGE_ADDRESS);
        code.extend([0x5a, 0xf1]);
        code.extend([0x60, 2 * i as u8, 0x55]);
        code.extend([0x60, 0x20, 0x51, 0x60, 2 * i as u8 + 1, 0x55]);
    }
    code.push(0x00);
    code
}

fn pre_state() -> PreState {
    let mut pre = PreState::new();
    pre.insert(
        sender(),
        AccountState {
            balance: U256::from(10u64).pow(U256::from(18)),
            ..Default::default()
        },
    );
    pre.insert(
        HISTORY_STORAGE_ADDRESS,
        AccountState {
            nonce: 1,
            code: HISTORY_STORAGE_CODE.to_vec(),
            ..Default::default()
        },
    );
    pre.insert(
        PROBE,
        AccountState {
            nonce: 1,
            code: probe_code(),
            ..Default::default()
        },
    );
    pre
}

fn env(spec: Spec) -> BlockEnv {
    BlockEnv {
        spec,
        chain_id: 1,
        number: NUMBER,
        timestamp: 100_000,
        coinbase: COINBASE,
        gas_limit: 30_000_000,
        base_fee: U256::from(7),
        prevrandao: [0; 32],
        excess_blob_gas: 0,
        native_limits: true,
    }
}

fn transaction() -> Vec<u8> {
    UnsignedTx {
        nonce: U256::ZERO,
        fees: Fees::Dynamic {
            max_fee: U256::from(20),
            max_priority_fee: U256::from(2),
        },
        gas_limit: U256::from(GAS_LIMIT),
        to: Some(PROBE),
        value: U256::ZERO,
        data: Vec::new(),
        access_list: Some(Vec::new()),
        blob: None,
    }
    .sign(&SECRET)
    .unwrap()
}

/// The block of this chain at `NUMBER`: its window holds the 8192 blocks before it.
fn world(spec: Spec) -> World {
    let window: Vec<B256> = (NUMBER - WINDOW_SLOTS as u64..NUMBER)
        .map(hash_of)
        .collect();
    World::new(pre_state(), env(spec), vec![transaction()])
        .with_recent_hashes(&window)
        .unwrap()
}

/// The probe's storage and the gas used, by our guest path.
fn ours(spec: Spec, target: Target) -> (Vec<(B256, U256)>, u64) {
    let world = world(spec);
    let run = run_world(&world, target).unwrap();
    let receipt = &run.outcome.receipts[0];
    assert_eq!(receipt.outcome, Outcome::Success, "{spec:?} {target:?}");
    let post = world.post_state(&run.outcome);
    assert!(
        post[&HISTORY_STORAGE_ADDRESS].storage.is_empty(),
        "the history contract's storage is the window, not the tree"
    );
    let storage = post[&PROBE].storage.clone().into_iter().collect();
    (storage, receipt.cumulative_gas_used)
}

/// The same by revm, with the history contract's storage as Ethereum's system calls leave it
/// from Prague on (and empty before, when nothing writes it).
fn revm(spec: Spec) -> (Vec<(B256, U256)>, u64) {
    let mut db = CacheDB::new(EmptyDB::default());
    for (address, account) in pre_state() {
        let info = AccountInfo {
            balance: account.balance,
            nonce: account.nonce,
            ..Default::default()
        }
        .with_code(Bytecode::new_raw(Bytes::from(account.code)));
        db.insert_account_info(RAddress::from(address), info);
    }
    if spec.enables(Spec::Prague) {
        for block in NUMBER - HISTORY_SERVE_WINDOW..NUMBER {
            let slot = RU256::from(block % HISTORY_SERVE_WINDOW);
            let value = RU256::from_be_bytes(hash_of(block));
            db.insert_account_storage(RAddress::from(HISTORY_STORAGE_ADDRESS), slot, value)
                .unwrap();
        }
    }
    let spec_id = match spec {
        Spec::Cancun => SpecId::CANCUN,
        Spec::Prague => SpecId::PRAGUE,
        Spec::Osaka => SpecId::OSAKA,
    };
    let mut evm = Context::mainnet()
        .modify_cfg_chained(|cfg| {
            cfg.set_spec_and_mainnet_gas_params(spec_id);
            cfg.chain_id = 1;
        })
        .modify_block_chained(|block: &mut RevmBlock| {
            block.number = RU256::from(NUMBER);
            block.timestamp = RU256::from(100_000);
            block.beneficiary = RAddress::from(COINBASE);
            block.gas_limit = 30_000_000;
            block.basefee = 7;
            block.prevrandao = Some([0u8; 32].into());
        })
        .with_db(db)
        .build_mainnet();
    let tx = TxEnv::builder()
        .tx_type(Some(2))
        .caller(RAddress::from(sender()))
        .gas_limit(GAS_LIMIT)
        .max_fee_per_gas(20)
        .gas_priority_fee(Some(2))
        .kind(TxKind::Call(RAddress::from(PROBE)))
        .nonce(0)
        .chain_id(Some(1))
        .build()
        .unwrap();
    let outcome = evm.transact(tx).expect("revm executes the transaction");
    assert!(outcome.result.is_success());
    let probe = &outcome.state[&RAddress::from(PROBE)];
    let mut storage: Vec<(B256, U256)> = probe
        .storage
        .iter()
        .filter(|(_, slot)| !slot.present_value.is_zero())
        .map(|(slot, value)| (slot.to_be_bytes::<32>(), value.present_value))
        .collect();
    storage.sort();
    (storage, outcome.result.tx_gas_used())
}

/// By EIP-2935's rule: one word of input naming one of the 8191 blocks before this one gets
/// that block's hash; anything else reverts.
fn by_hand() -> Vec<(B256, U256)> {
    let mut storage = Vec::new();
    for (i, (block, len)) in queries().into_iter().enumerate() {
        let served = len == 32 && block < NUMBER && NUMBER - block <= HISTORY_SERVE_WINDOW;
        let slot = |n: usize| U256::from(n).to_be_bytes::<32>();
        if served {
            storage.push((slot(2 * i), U256::from(1)));
            storage.push((slot(2 * i + 1), U256::from_be_bytes(hash_of(block))));
        }
    }
    storage.sort();
    storage
}

#[test]
fn the_history_contract_serves_the_window_as_ethereum_serves_its_storage() {
    let expected = by_hand();
    assert_eq!(expected.len(), 2 * 8, "eight of the queries are in range");
    for spec in [Spec::Prague, Spec::Osaka] {
        let (reference, reference_gas) = revm(spec);
        assert_eq!(reference, expected, "revm under {spec:?}");
        for target in [Target::Native, Target::Riscv] {
            let (storage, gas) = ours(spec, target);
            assert_eq!(storage, expected, "{spec:?} {target:?}");
            assert_eq!(gas, reference_gas, "gas under {spec:?} {target:?}");
        }
    }
}

/// Before Prague nothing writes the contract's storage: it is the tree's (empty here), so
/// calls in range return zero, as revm's with empty storage do.
#[test]
fn before_prague_the_contract_storage_is_plain_storage() {
    let (reference, reference_gas) = revm(Spec::Cancun);
    let (storage, gas) = ours(Spec::Cancun, Target::Native);
    assert_eq!(storage, reference);
    assert_eq!(gas, reference_gas);
    assert!(
        storage.iter().all(|(slot, _)| slot[31] % 2 == 0),
        "no hash is returned"
    );
}
