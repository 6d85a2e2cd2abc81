//! The precompile calls that Ethereum's state tests stPreCompiledContracts* and stZeroKnowledge*
//! make, replayed
//! against revm's precompiles.
//!
//! revm runs each case's transaction (Cancun) and an inspector records every call that reaches a
//! precompile with its input and gas; each recorded call then runs through our precompiles and
//! revm-precompile, which must agree on output and gas, or both fail.

use std::path::{Path, PathBuf};
use zkos_system::spec::Spec;

use revm::context::{CfgEnv, Context, ContextTr};
use revm::database::State;
use revm::handler::{MainBuilder, MainContext};
use revm::interpreter::{CallInputs, CallOutcome};
use revm::primitives::hardfork::SpecId;
use revm::statetest_types::{SpecName, TestSuite};
use revm::{InspectEvm, Inspector};
use revm_precompile::{PrecompileStatus, Precompiles};

/// A call to a precompile as the EVM made it.
struct PrecompileCall {
    address: u8,
    input: Vec<u8>,
    gas_limit: u64,
}

#[derive(Default)]
struct PrecompileCallRecorder {
    calls: Vec<PrecompileCall>,
}

impl<CTX: ContextTr> Inspector<CTX> for PrecompileCallRecorder {
    fn call(&mut self, context: &mut CTX, inputs: &mut CallInputs) -> Option<CallOutcome> {
        let address = inputs.bytecode_address.0 .0;
        if address[..19].iter().all(|&byte| byte == 0) && (1..=10).contains(&address[19]) {
            self.calls.push(PrecompileCall {
                address: address[19],
                input: inputs.input.bytes(context).to_vec(),
                gas_limit: inputs.gas_limit,
            });
        }
        None
    }
}

/// The precompile folders, plus the bn254 ones (stZeroKnowledge*).
const FOLDERS: [&str; 4] = [
    "stPreCompiledContracts",
    "stPreCompiledContracts2",
    "stZeroKnowledge",
    "stZeroKnowledge2",
];

/// The files of [`FOLDERS`]; `None` (after a banner) without the suite.
fn suite_files() -> Option<Vec<PathBuf>> {
    let root = zkos_testdata::ethtests("cancun/GeneralStateTests")?;
    let mut files = Vec::new();
    for folder in FOLDERS {
        let dir = root.join(folder);
        let entries =
            std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
        files.extend(entries.map(|entry| entry.expect("directory entry").path()));
    }
    files.sort();
    Some(files)
}

/// Every precompile call made by every Cancun case of one state test file.
fn record_calls(path: &Path) -> Vec<PrecompileCall> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let suite: TestSuite =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()));
    let mut recorder = PrecompileCallRecorder::default();
    for unit in suite.0.values() {
        for case in unit.post.get(&SpecName::Cancun).into_iter().flatten() {
            let mut cfg = CfgEnv::default();
            cfg.spec = SpecId::CANCUN;
            cfg.chain_id = 1;
            let block = unit.block_env(&mut cfg);
            let Ok(tx) = case.tx_env(unit) else { continue };
            let state = State::builder().with_cached_prestate(unit.state()).build();
            let context = Context::mainnet()
                .with_db(state)
                .with_cfg(cfg)
                .with_block(block);
            let mut evm = context.build_mainnet_with_inspector(std::mem::take(&mut recorder));
            // Invalid transactions are part of the suite; they just make no calls.
            let _ = evm.inspect_tx(tx);
            recorder = std::mem::take(&mut evm.inspector);
        }
    }
    recorder.calls
}

type Outcome = Result<(u64, Vec<u8>), ()>;

fn reference(call: &PrecompileCall) -> Outcome {
    let address = revm_precompile::u64_to_address(u64::from(call.address));
    let precompile = Precompiles::cancun()
        .get(&address)
        .expect("a Cancun precompile");
    let output = precompile
        .execute(&call.input, call.gas_limit, 0)
        .expect("no fatal error");
    match output.status {
        PrecompileStatus::Success => Ok((output.gas_used, output.bytes.to_vec())),
        _ => Err(()),
    }
}

fn ours(call: &PrecompileCall) -> Outcome {
    let mut address = [0u8; 20];
    address[19] = call.address;
    match zkos_ee_evm::precompiles::run(Spec::Cancun, &address, &call.input, call.gas_limit)
        .expect("a precompile")
    {
        Ok(output) => Ok((output.gas_used, output.output)),
        Err(_) => Err(()),
    }
}

#[test]
fn state_test_precompile_calls_match_revm() {
    let mut per_address = [0usize; 11];
    let mut mismatches = Vec::new();
    let Some(files) = suite_files() else {
        return;
    };
    for path in files {
        for call in record_calls(&path) {
            per_address[usize::from(call.address)] += 1;
            let (expected, got) = (reference(&call), ours(&call));
            if expected != got {
                mismatches.push(format!(
                    "{}: precompile {:#x}, gas {}, input {}: expected {expected:?}, got {got:?}",
                    path.file_name().unwrap().to_string_lossy(),
                    call.address,
                    call.gas_limit,
                    hex::encode(&call.input)
                ));
            }
        }
    }
    println!(
        "precompile calls per address 0x01..=0x0a: {:?}",
        &per_address[1..]
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    // The suite exercises every precompile; a replay that records none of some tests nothing.
    for (address, &count) in per_address.iter().enumerate().skip(1) {
        assert!(count > 0, "no call to precompile {address:#x} was recorded");
    }
}
