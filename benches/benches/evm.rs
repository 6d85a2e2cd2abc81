//! The EVM beside revm on three workloads written here: an arithmetic loop, ERC-20-style
//! balance transfers (KECCAK256 mapping slots, SLOAD, SSTORE) and KECCAK256 in a loop.
//! Ours runs one call frame against an in-memory host; revm runs the same call as a
//! transaction against its in-memory database (the transaction overhead is a few
//! microseconds beside workloads of several milliseconds). The ratio to report is
//! `zkos / revm` per workload.
use criterion::{criterion_group, criterion_main, Criterion};
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address as RAddress, Bytes, TxKind, U256 as RU256};
use revm::state::{AccountInfo, Bytecode};
use revm::{Context, ExecuteEvm, MainBuilder, MainContext};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use zkos_ee_evm::EvmEnvironment;
use zkos_runner::riscv::run_riscv;
use zkos_runner::world::{AccountState, PreState, World};
use zkos_statetest::transaction::{Fees, UnsignedTx};
use zkos_system::account::Account;
use zkos_system::block::{BlockEnv, TxEnv as ZkTxEnv};
use zkos_system::ee::{
    CallKind, CallRequest, ExecutionEnvironment, FrameInput, FrameStep, Host, Status,
};
use zkos_system::state::{Log, SlotValue};
use zkos_system::types::{keccak256, KECCAK_EMPTY};
use zkos_system::{Address, Fatal, B256, U256};

const CONTRACT: Address = [0xc0; 20];
const CALLER: Address = [0xa0; 20];
const ITERATIONS: u16 = 20_000;
const GAS: u64 = 100_000_000;

/// A tiny assembler: opcodes, pushes and one backward jump label.
struct Asm(Vec<u8>);

impl Asm {
    fn op(mut self, ops: &[u8]) -> Self {
        self.0.extend_from_slice(ops);
        self
    }
    fn push(mut self, value: u16) -> Self {
        self.0.push(0x61);
        self.0.extend(value.to_be_bytes());
        self
    }
    fn label(&self) -> u16 {
        self.0.len() as u16
    }
}

const JUMPDEST: u8 = 0x5b;
const JUMPI: u8 = 0x57;

/// `x = ((x * 16777619 + i) ^ (x << 7))` for `ITERATIONS` rounds.
fn arithmetic_loop() -> Vec<u8> {
    let asm = Asm(Vec::new()).push(0).push(1);
    let top = asm.label();
    asm.op(&[
        JUMPDEST, 0x63, 0x01, 0x00, 0x01, 0x93, 0x02, 0x81, 0x01, 0x80, 0x60, 7, 0x1b, 0x18,
    ])
    .op(&[0x90, 0x60, 1, 0x01, 0x90]) // i += 1
    .op(&[0x81])
    .push(ITERATIONS)
    .op(&[0x11])
    .push(top)
    .op(&[JUMPI, 0x5f, 0x52, 0x60, 32, 0x5f, 0xf3])
    .0
}

/// `ITERATIONS` transfers of 1 between 16 holders of a `mapping(address => uint)` at slot 0.
fn erc20_transfers() -> Vec<u8> {
    let asm = Asm(Vec::new()).push(0);
    let top = asm.label();
    asm.op(&[JUMPDEST])
        .op(&[0x60, 16, 0x81, 0x06]) // from = i % 16
        .op(&[
            0x5f, 0x52, 0x60, 64, 0x5f, 0x20, 0x80, 0x54, 0x60, 1, 0x90, 0x03, 0x90, 0x55,
        ])
        .op(&[0x60, 16, 0x81, 0x60, 1, 0x01, 0x06]) // to = (i + 1) % 16
        .op(&[
            0x5f, 0x52, 0x60, 64, 0x5f, 0x20, 0x80, 0x54, 0x60, 1, 0x01, 0x90, 0x55,
        ])
        .op(&[0x60, 1, 0x01, 0x80])
        .push(ITERATIONS)
        .op(&[0x11])
        .push(top)
        .op(&[JUMPI, 0x00])
        .0
}

/// `h = keccak256(h)` for `ITERATIONS` rounds.
fn keccak_loop() -> Vec<u8> {
    let asm = Asm(Vec::new()).push(0);
    let top = asm.label();
    asm.op(&[
        JUMPDEST, 0x60, 32, 0x5f, 0x20, 0x5f, 0x52, 0x60, 1, 0x01, 0x80,
    ])
    .push(ITERATIONS)
    .op(&[0x11])
    .push(top)
    .op(&[JUMPI, 0x00])
    .0
}

fn holder_slot(holder: u8) -> B256 {
    let mut preimage = [0u8; 64];
    preimage[31] = holder;
    keccak256(&preimage)
}

fn initial_storage() -> HashMap<B256, U256> {
    (0..16)
        .map(|holder| (holder_slot(holder), U256::from(1_000_000u64)))
        .collect()
}

/// Hashes 32-byte keys that are already uniform (keccak slots) by their first 8 bytes,
/// as fast in-memory databases do; SipHash would dominate the storage workload.
#[derive(Default)]
struct SlotHasher(u64);

impl std::hash::Hasher for SlotHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<SlotHasher>>;
type FastSet<K> = HashSet<K, std::hash::BuildHasherDefault<SlotHasher>>;

/// Just enough state for one contract's frame.
struct BenchHost {
    block: BlockEnv,
    tx: ZkTxEnv,
    code: Rc<[u8]>,
    storage: FastMap<B256, (U256, U256)>,
    warm_slots: FastSet<B256>,
    warm_accounts: FastSet<Address>,
    logs: Vec<Log>,
}

impl BenchHost {
    fn new(code: Rc<[u8]>) -> Self {
        BenchHost {
            block: BlockEnv {
                spec: Default::default(),
                chain_id: 1,
                number: 1,
                timestamp: 1,
                coinbase: [0; 20],
                gas_limit: GAS,
                base_fee: U256::ZERO,
                prevrandao: [0; 32],
                excess_blob_gas: 0,
                native_limits: true,
            },
            tx: ZkTxEnv {
                origin: CALLER,
                gas_price: U256::ZERO,
                blob_hashes: Vec::new(),
            },
            code,
            storage: initial_storage()
                .into_iter()
                .map(|(slot, value)| (slot, (value, value)))
                .collect(),
            warm_slots: FastSet::default(),
            warm_accounts: FastSet::default(),
            logs: Vec::new(),
        }
    }
}

impl Host for BenchHost {
    fn block(&self) -> &BlockEnv {
        &self.block
    }
    fn tx(&self) -> &ZkTxEnv {
        &self.tx
    }
    fn account(&mut self, address: &Address) -> Result<Account, Fatal> {
        Ok(if *address == CONTRACT {
            Account {
                nonce: 1,
                balance: U256::ZERO,
                code_hash: keccak256(&self.code),
                code_len: self.code.len() as u32,
            }
        } else {
            Account {
                code_hash: KECCAK_EMPTY,
                ..Account::EMPTY
            }
        })
    }
    fn delegation(&mut self, _: &Address) -> Result<Option<Address>, Fatal> {
        Ok(None)
    }
    fn code(&mut self, address: &Address) -> Result<Rc<[u8]>, Fatal> {
        Ok(if *address == CONTRACT {
            self.code.clone()
        } else {
            Rc::from(&[][..])
        })
    }
    fn warm_account(&mut self, address: &Address) -> bool {
        self.warm_accounts.insert(*address)
    }
    fn warm_slot(&mut self, _address: &Address, slot: &B256) -> bool {
        self.warm_slots.insert(*slot)
    }
    fn sload(&mut self, _address: &Address, slot: &B256) -> Result<SlotValue, Fatal> {
        let (original, current) = self.storage.get(slot).copied().unwrap_or_default();
        Ok(SlotValue { original, current })
    }
    fn sstore(&mut self, address: &Address, slot: &B256, value: U256) -> Result<SlotValue, Fatal> {
        let before = self.sload(address, slot)?;
        self.storage.insert(*slot, (before.original, value));
        Ok(before)
    }
    fn tload(&mut self, _address: &Address, _slot: &B256) -> U256 {
        U256::ZERO
    }
    fn tstore(&mut self, _address: &Address, _slot: &B256, _value: U256) {}
    fn log(&mut self, log: Log) {
        self.logs.push(log);
    }
    fn block_hash(&mut self, _number: u64) -> Result<B256, Fatal> {
        Ok([0; 32])
    }
    fn selfdestruct(&mut self, _address: &Address, _beneficiary: &Address) -> Result<(), Fatal> {
        Ok(())
    }

    fn charge_native(&mut self, _cycles: u64) -> bool {
        true
    }

    fn charge_heap(&mut self, _bytes: u64) -> bool {
        true
    }

    fn heap_left(&self) -> u64 {
        u64::MAX
    }
}

/// Runs the workload's frame to its end; returns the gas it used.
fn run_ours(environment: &EvmEnvironment, code: &Rc<[u8]>) -> u64 {
    let mut host = BenchHost::new(code.clone());
    let request = CallRequest {
        kind: CallKind::Call,
        caller: CALLER,
        target: CONTRACT,
        code_address: CONTRACT,
        value: U256::ZERO,
        input: Vec::new(),
        gas_limit: GAS,
        is_static: false,
    };
    let mut frame = environment.new_frame(FrameInput::Call(request), code.clone(), 0);
    match frame.run(&mut host, None).expect("no fatal error") {
        FrameStep::Return(result) => {
            assert_eq!(result.status, Status::Success, "the workload succeeds");
            GAS - result.gas_left
        }
        _ => panic!("the workloads make no calls"),
    }
}

type RevmEvm = revm::MainnetEvm<revm::handler::MainnetContext<CacheDB<EmptyDB>>>;

fn revm_for(code: &[u8]) -> RevmEvm {
    let mut db = CacheDB::new(EmptyDB::default());
    let info = AccountInfo {
        nonce: 1,
        ..Default::default()
    }
    .with_code(Bytecode::new_raw(Bytes::from(code.to_vec())));
    db.insert_account_info(RAddress::from(CONTRACT), info);
    db.insert_account_info(
        RAddress::from(CALLER),
        AccountInfo {
            balance: RU256::from(1u64) << 100,
            ..Default::default()
        },
    );
    for (slot, value) in initial_storage() {
        db.insert_account_storage(RAddress::from(CONTRACT), RU256::from_be_bytes(slot), value)
            .unwrap();
    }
    Context::mainnet()
        .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(SpecId::CANCUN))
        .modify_block_chained(|block: &mut revm::context::BlockEnv| {
            block.gas_limit = GAS + 1_000_000;
            block.basefee = 0;
        })
        .with_db(db)
        .build_mainnet()
}

fn revm_tx() -> TxEnv {
    TxEnv::builder()
        .caller(RAddress::from(CALLER))
        .gas_limit(GAS + 21_000)
        .gas_price(0)
        .kind(TxKind::Call(RAddress::from(CONTRACT)))
        .build()
        .unwrap()
}

fn run_revm(evm: &mut RevmEvm) -> u64 {
    let outcome = evm.transact(revm_tx()).expect("revm runs the workload");
    assert!(
        outcome.result.is_success(),
        "the workload succeeds in revm: {:?}",
        outcome.result
    );
    // Gas spent before refunds, as the frame sees it.
    outcome.result.gas().total_gas_spent() - 21_000
}

fn bench_workload(c: &mut Criterion, name: &str, code: Vec<u8>) {
    let environment = EvmEnvironment::new();
    let code: Rc<[u8]> = Rc::from(code);
    let mut evm = revm_for(&code);
    let ours_gas = run_ours(&environment, &code);
    let revm_gas = run_revm(&mut evm);
    assert_eq!(ours_gas, revm_gas, "{name}: both charge the same gas");
    let mut group = c.benchmark_group(format!("evm/{name}"));
    group.bench_function("zkos", |b| b.iter(|| run_ours(&environment, &code)));
    group.bench_function("revm", |b| b.iter(|| run_revm(&mut evm)));
    group.finish();
}

/// Runs `code` as a transaction's callee through the guest OS in the emulator.
fn guest_cycles(code: &[u8]) -> (u64, u64) {
    let secret = [0x42u8; 32];
    let key = k256::ecdsa::SigningKey::from_bytes((&secret).into()).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    let sender: Address = keccak256(&point.as_bytes()[1..])[12..].try_into().unwrap();
    let mut pre = PreState::new();
    let storage = initial_storage().into_iter().collect();
    pre.insert(
        CONTRACT,
        AccountState {
            nonce: 1,
            code: code.to_vec(),
            storage,
            ..Default::default()
        },
    );
    pre.insert(
        sender,
        AccountState {
            balance: U256::from(1u64) << 100,
            ..Default::default()
        },
    );
    let tx = UnsignedTx {
        nonce: U256::ZERO,
        fees: Fees::GasPrice(U256::ZERO),
        gas_limit: U256::from(GAS),
        to: Some(CONTRACT),
        value: U256::ZERO,
        data: Vec::new(),
        access_list: None,
        blob: None,
    };
    let mut env = BenchHost::new(Rc::from(&[][..])).block;
    env.gas_limit = 2 * GAS;
    let world = World::new(pre, env, vec![tx.sign(&secret).unwrap()]);
    let riscv = run_riscv(&world, 1 << 36).expect("the guest runs the workload");
    (riscv.cycles.raw, riscv.run.outcome.receipts[0].gas_used)
}

/// Prints the guest's RISC-V cycles per gas for each workload: whole block, and the
/// workload alone (less a block whose call runs just STOP).
fn print_cycles_per_gas(workloads: &[(&str, Vec<u8>)]) {
    let (base_cycles, base_gas) = guest_cycles(&[0x00]);
    for (name, code) in workloads {
        let (cycles, gas) = guest_cycles(code);
        let marginal = (cycles - base_cycles) as f64 / (gas - base_gas) as f64;
        println!(
            "evm/{name}: guest {cycles} cycles for {gas} gas: {:.1} cycles/gas ({marginal:.1} beyond a STOP call's {base_cycles} cycles)",
            cycles as f64 / gas as f64
        );
    }
}

fn evm_benches(c: &mut Criterion) {
    let workloads = [
        ("arithmetic_loop", arithmetic_loop()),
        ("erc20_transfers", erc20_transfers()),
        ("keccak_loop", keccak_loop()),
    ];
    if std::env::var_os("EVM_BENCH_SKIP_GUEST").is_none() {
        print_cycles_per_gas(&workloads);
    }
    bench_workload(c, "arithmetic_loop", arithmetic_loop());
    bench_workload(c, "erc20_transfers", erc20_transfers());
    bench_workload(c, "keccak_loop", keccak_loop());
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = evm_benches
}
criterion_main!(benches);
