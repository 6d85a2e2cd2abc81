//! The EVM beside revm on workloads written here: an arithmetic loop, ERC-20-style
//! balance transfers (KECCAK256 mapping slots, SLOAD, SSTORE) and KECCAK256 in a loop,
//! hand-assembled; and three solc-compiled compute workloads called with calldata
//! (`zkos_benches::evm_compute`: 1024-bit Montgomery squaring, SHA-256, a ray tracer).
//! Ours runs one call frame against an in-memory host; revm runs the same call as a
//! transaction against its in-memory database (the transaction overhead is a few
//! microseconds beside workloads of several milliseconds). The ratio to report is
//! `zkos / revm` per workload.
use criterion::{criterion_group, criterion_main, Criterion};
use std::collections::HashMap;
use std::rc::Rc;
use zkos_benches::evm_host::{BenchHost, CONTRACT, GAS};
use zkos_benches::evm_pair::{self, initial_storage, Pair};
use zkos_runner::riscv::run_riscv;
use zkos_runner::world::{AccountState, PreState, World};
use zkos_statetest::transaction::{Fees, UnsignedTx};
use zkos_system::types::keccak256;
use zkos_system::{Address, U256};

/// Benches one workload on both EVMs, once both are checked to agree.
fn bench_pair(c: &mut Criterion, mut pair: Pair) {
    let mut group = c.benchmark_group(format!("evm/{}", pair.name));
    group.bench_function("zkos", |b| b.iter(|| pair.run_ours()));
    group.bench_function("revm", |b| b.iter(|| pair.run_revm()));
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
        ("arithmetic_loop", evm_pair::arithmetic_loop()),
        ("erc20_transfers", evm_pair::erc20_transfers()),
        ("keccak_loop", evm_pair::keccak_loop()),
    ];
    if std::env::var_os("EVM_BENCH_SKIP_GUEST").is_none() {
        print_cycles_per_gas(&workloads);
    }
    for workload in evm_pair::workloads() {
        bench_pair(c, Pair::new(&workload));
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = evm_benches
}
criterion_main!(benches);
