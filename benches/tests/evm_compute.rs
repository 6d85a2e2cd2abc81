//! The EVM bench's compute workloads, small: each output is right (against sha2 and
//! num-bigint, or for the ray tracer, revm's), and ours and revm charge the same gas.
use revm::context::TxEnv;
use revm::database::{CacheDB, EmptyDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address as RAddress, Bytes, TxKind, U256 as RU256};
use revm::state::{AccountInfo, Bytecode};
use revm::{Context, ExecuteEvm, MainBuilder, MainContext};
use std::collections::HashMap;
use std::rc::Rc;
use zkos_benches::evm_compute::{self, Workload};
use zkos_benches::evm_host::{run_frame, Outcome, CALLER, CONTRACT, GAS};
use zkos_ee_evm::EvmEnvironment;

fn run_revm(code: &[u8], input: &[u8]) -> Outcome {
    let mut db = CacheDB::new(EmptyDB::default());
    let contract = AccountInfo::default().with_code(Bytecode::new_raw(Bytes::from(code.to_vec())));
    db.insert_account_info(RAddress::from(CONTRACT), contract);
    let caller = AccountInfo {
        balance: RU256::from(1u64) << 100,
        ..Default::default()
    };
    db.insert_account_info(RAddress::from(CALLER), caller);
    let mut evm = Context::mainnet()
        .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(SpecId::CANCUN))
        .modify_block_chained(|block: &mut revm::context::BlockEnv| {
            block.gas_limit = 2 * GAS;
            block.basefee = 0;
        })
        .with_db(db)
        .build_mainnet();
    let tx = TxEnv::builder()
        .caller(RAddress::from(CALLER))
        .gas_limit(GAS + 1_000_000)
        .gas_price(0)
        .kind(TxKind::Call(RAddress::from(CONTRACT)))
        .data(Bytes::from(input.to_vec()))
        .build()
        .unwrap();
    let result = evm.transact(tx).expect("revm runs the call").result;
    assert!(result.is_success(), "{result:?}");
    let intrinsic = 21_000
        + input
            .iter()
            .map(|&b| if b == 0 { 4 } else { 16 })
            .sum::<u64>();
    Outcome {
        gas_used: result.gas().total_gas_spent() - intrinsic,
        output: result.output().map_or(Vec::new(), |out| out.to_vec()),
    }
}

fn check(workload: Workload) {
    let code: Rc<[u8]> = Rc::from(workload.code.clone());
    let ours = run_frame(
        &EvmEnvironment::new(),
        &code,
        &HashMap::new(),
        &workload.input,
    );
    let theirs = run_revm(&workload.code, &workload.input);
    assert_eq!(
        ours.output, theirs.output,
        "{}: the same output",
        workload.name
    );
    assert_eq!(
        ours.gas_used, theirs.gas_used,
        "{}: the same gas",
        workload.name
    );
    workload.check(&ours.output);
}

#[test]
fn bignum_squarings_match_num_bigint() {
    check(evm_compute::bignum(3));
}

#[test]
fn sha256_matches_the_sha2_crate() {
    // Empty, one block, the padding spilling into a second block, and several blocks.
    for len in [0, 3, 55, 56, 64, 200] {
        check(evm_compute::sha256(len));
    }
}

#[test]
fn ray_tracer_renders_the_same_picture_as_revm() {
    check(evm_compute::ray_tracer(6, 4));
}

#[test]
fn a_wrong_output_is_refused() {
    let workload = evm_compute::sha256(5);
    let code: Rc<[u8]> = Rc::from(workload.code.clone());
    let other = evm_compute::sha256(6);
    let output = run_frame(&EvmEnvironment::new(), &code, &HashMap::new(), &other.input).output;
    let refused = std::panic::catch_unwind(|| workload.check(&output));
    assert!(refused.is_err());
}
