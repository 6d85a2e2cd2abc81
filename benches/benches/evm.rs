//! The EVM beside revm on workloads written here: an arithmetic loop, ERC-20-style
//! balance transfers (KECCAK256 mapping slots, SLOAD, SSTORE) and KECCAK256 in a loop,
//! hand-assembled; and three solc-compiled compute workloads called with calldata
//! (`zkos_benches::evm_compute`: 1024-bit Montgomery squaring, SHA-256, a ray tracer).
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
use std::collections::HashMap;
use std::rc::Rc;
use zkos_benches::evm_compute::{self, Workload};
use zkos_benches::evm_host::{run_frame, BenchHost, Outcome, CALLER, CONTRACT, GAS};
use zkos_ee_evm::EvmEnvironment;
use zkos_runner::riscv::run_riscv;
use zkos_runner::world::{AccountState, PreState, World};
use zkos_statetest::transaction::{Fees, UnsignedTx};
use zkos_system::types::keccak256;
use zkos_system::{Address, B256, U256};

const ITERATIONS: u16 = 20_000;
/// Sizes of the compute workloads: a few milliseconds each.
const BIGNUM_SQUARINGS: u64 = 60;
const SHA256_BYTES: usize = 1024;
const RAY_TRACER_SIZE: (u64, u64) = (8, 6);

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

/// Runs the workload's frame to its end.
fn run_ours(environment: &EvmEnvironment, code: &Rc<[u8]>, input: &[u8]) -> Outcome {
    run_frame(environment, code, &initial_storage(), input)
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

fn revm_tx(input: &[u8]) -> TxEnv {
    TxEnv::builder()
        .caller(RAddress::from(CALLER))
        .data(Bytes::from(input.to_vec()))
        .gas_limit(GAS + 21_000)
        .gas_price(0)
        .kind(TxKind::Call(RAddress::from(CONTRACT)))
        .build()
        .unwrap()
}

fn run_revm(evm: &mut RevmEvm, input: &[u8]) -> Outcome {
    let outcome = evm
        .transact(revm_tx(input))
        .expect("revm runs the workload");
    assert!(
        outcome.result.is_success(),
        "the workload succeeds in revm: {:?}",
        outcome.result
    );
    Outcome {
        // Gas spent before refunds, as the frame sees it.
        gas_used: outcome.result.gas().total_gas_spent() - 21_000 - calldata_gas(input),
        output: outcome
            .result
            .output()
            .map_or(Vec::new(), |out| out.to_vec()),
    }
}

/// The intrinsic gas of calldata (EIP-2028 prices; Prague's floor is not reached here).
fn calldata_gas(input: &[u8]) -> u64 {
    input.iter().map(|&b| if b == 0 { 4 } else { 16 }).sum()
}

/// Benches one call of `code` with `input`, after checking that both EVMs charge the
/// same gas and return the same output, and that `check` accepts it.
fn bench_call(c: &mut Criterion, name: &str, code: Vec<u8>, input: &[u8], check: impl Fn(&[u8])) {
    let environment = EvmEnvironment::new();
    let code: Rc<[u8]> = Rc::from(code);
    let mut evm = revm_for(&code);
    let ours = run_ours(&environment, &code, input);
    let theirs = run_revm(&mut evm, input);
    assert_eq!(
        ours.gas_used, theirs.gas_used,
        "{name}: both charge the same gas"
    );
    assert_eq!(
        ours.output, theirs.output,
        "{name}: both return the same output"
    );
    check(&ours.output);
    let mut group = c.benchmark_group(format!("evm/{name}"));
    group.bench_function("zkos", |b| b.iter(|| run_ours(&environment, &code, input)));
    group.bench_function("revm", |b| b.iter(|| run_revm(&mut evm, input)));
    group.finish();
}

fn bench_workload(c: &mut Criterion, name: &str, code: Vec<u8>) {
    bench_call(c, name, code, &[], |_| {});
}

fn bench_compute(c: &mut Criterion, workload: Workload) {
    let check = |output: &[u8]| workload.check(output);
    bench_call(
        c,
        workload.name,
        workload.code.clone(),
        &workload.input,
        check,
    );
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
    let mut env = BenchHost::new(Rc::from(&[][..]), &HashMap::new()).block;
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
    bench_compute(c, evm_compute::bignum(BIGNUM_SQUARINGS));
    bench_compute(c, evm_compute::sha256(SHA256_BYTES));
    bench_compute(
        c,
        evm_compute::ray_tracer(RAY_TRACER_SIZE.0, RAY_TRACER_SIZE.1),
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = evm_benches
}
criterion_main!(benches);
