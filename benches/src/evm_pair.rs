//! One EVM workload run by ours and by revm, for the side-by-side benches
//! (`benches/evm.rs` under criterion, `examples/evm_ab.rs` alternating): hand-assembled
//! loops (arithmetic; ERC-20-style balance transfers with KECCAK256 mapping slots, SLOAD
//! and SSTORE; KECCAK256) and the solc-compiled compute workloads of [`crate::evm_compute`].
//! Ours runs one call frame against an in-memory host; revm runs the same call as a
//! transaction against its in-memory database.
use crate::evm_compute::{self, Workload};
use crate::evm_host::{run_frame, Outcome, CALLER, CONTRACT, GAS};
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address as RAddress, Bytes, TxKind, U256 as RU256};
use revm::state::{AccountInfo, Bytecode};
use revm::{Context, ExecuteEvm, MainBuilder, MainContext};
use std::collections::HashMap;
use std::rc::Rc;
use zkos_ee_evm::EvmEnvironment;
use zkos_system::types::keccak256;
use zkos_system::{B256, U256};

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
pub fn arithmetic_loop() -> Vec<u8> {
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
pub fn erc20_transfers() -> Vec<u8> {
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
pub fn keccak_loop() -> Vec<u8> {
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

pub fn initial_storage() -> HashMap<B256, U256> {
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

/// The six workloads: the three hand-assembled loops, then the three solc ones.
pub fn workloads() -> Vec<Workload> {
    let loop_workload = |name, code| Workload {
        name,
        code,
        input: Vec::new(),
        expected: evm_compute::Expected::SameAsRevm,
    };
    vec![
        loop_workload("arithmetic_loop", arithmetic_loop()),
        loop_workload("erc20_transfers", erc20_transfers()),
        loop_workload("keccak_loop", keccak_loop()),
        evm_compute::bignum(BIGNUM_SQUARINGS),
        evm_compute::sha256(SHA256_BYTES),
        evm_compute::ray_tracer(RAY_TRACER_SIZE.0, RAY_TRACER_SIZE.1),
    ]
}

/// A workload ready to run on both EVMs, checked first: both charge the same gas and
/// return the same output, and the workload accepts it.
pub struct Pair {
    pub name: &'static str,
    environment: EvmEnvironment,
    code: Rc<[u8]>,
    input: Vec<u8>,
    revm: RevmEvm,
}

impl Pair {
    pub fn new(workload: &Workload) -> Self {
        let code: Rc<[u8]> = Rc::from(workload.code.clone());
        let mut pair = Pair {
            name: workload.name,
            environment: EvmEnvironment::new(),
            revm: revm_for(&code),
            code,
            input: workload.input.clone(),
        };
        let ours = pair.run_ours();
        let theirs = pair.run_revm();
        let name = workload.name;
        assert_eq!(
            ours.gas_used, theirs.gas_used,
            "{name}: both charge the same gas"
        );
        assert_eq!(
            ours.output, theirs.output,
            "{name}: both return the same output"
        );
        workload.check(&ours.output);
        pair
    }

    pub fn run_ours(&self) -> Outcome {
        run_ours(&self.environment, &self.code, &self.input)
    }

    pub fn run_revm(&mut self) -> Outcome {
        run_revm(&mut self.revm, &self.input)
    }
}
