//! `zkos run`: one block on the native target, the RISC-V target or both, with every
//! cross-check the host can make.
use crate::native::{run_native, GuestFault, GuestRun};
use crate::report::{
    chain_state_json, commitment_json, hex0x, output_json, receipts_json, state_json,
};
use crate::riscv::{run_riscv, run_riscv_silent, RiscvRun};
use crate::world::World;
use serde_json::{json, Value};
use zkos_system::output::{hash_to_words, words_to_hash, SealedBlock};
use zkos_system::Fatal;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Native,
    Riscv,
    Both,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{target} run: {fault}")]
    Guest {
        target: &'static str,
        fault: GuestFault,
    },
    #[error("native and RISC-V runs differ: {0}")]
    Mismatch(String),
    #[error("{target} run: the guest's new commitment {guest} differs from the host's {host}")]
    Commitment {
        target: &'static str,
        guest: String,
        host: String,
    },
    #[error("{target} run: the guest's public input {guest} differs from the host's {host}")]
    PublicInput {
        target: &'static str,
        guest: String,
        host: String,
    },
    #[error("{target} run: the host cannot seal the block: {fatal}")]
    Seal { target: &'static str, fatal: Fatal },
}

pub struct BlockRuns {
    pub native: Option<GuestRun>,
    pub riscv: Option<RiscvRun>,
    /// The host's sealing of the block, equal to what the guest's public input commits to.
    pub sealed: SealedBlock,
}

impl BlockRuns {
    /// The run whose results are shown (both agree when both ran).
    pub fn primary(&self) -> &GuestRun {
        self.native
            .as_ref()
            .or(self.riscv.as_ref().map(|riscv| &riscv.run))
            .expect("at least one run")
    }
}

pub fn run_block(world: &World, target: Target, max_cycles: u64) -> Result<BlockRuns, RunError> {
    let mut sealed = None;
    let native = match target {
        Target::Native | Target::Both => {
            let native = run_native(world).map_err(|fault| RunError::Guest {
                target: "native",
                fault,
            })?;
            sealed = Some(checked(world, "native", &native)?);
            Some(native)
        }
        Target::Riscv => None,
    };
    let riscv = match target {
        Target::Riscv | Target::Both => {
            // With the native run's outcome at hand, the RISC-V run is the prover's:
            // silent, its public input checked against the host's sealing of that outcome.
            let riscv = match &native {
                Some(native) => run_riscv_silent(world, max_cycles, native),
                None => run_riscv(world, max_cycles),
            }
            .map_err(|fault| RunError::Guest {
                target: "riscv",
                fault,
            })?;
            sealed = Some(checked(world, "riscv", &riscv.run)?);
            Some(riscv)
        }
        Target::Native => None,
    };
    if let (Some(native), Some(riscv)) = (&native, &riscv) {
        compare(native, &riscv.run)?;
    }
    let sealed = sealed.expect("at least one target ran");
    Ok(BlockRuns {
        native,
        riscv,
        sealed,
    })
}

/// The guest's new commitment must equal the host's own application of the guest's diff,
/// and its public input the host's sealing of the block it reported.
fn checked(world: &World, target: &'static str, run: &GuestRun) -> Result<SealedBlock, RunError> {
    let host = world.commitment_after(&run.outcome);
    let guest = run.outcome.commitment;
    if host != guest {
        return Err(RunError::Commitment {
            target,
            guest: format!("{:?}", guest),
            host: format!("{:?}", host),
        });
    }
    let sealed = world
        .seal(&run.outcome)
        .map_err(|fatal| RunError::Seal { target, fatal })?;
    if hash_to_words(&sealed.public_input) != run.output {
        return Err(RunError::PublicInput {
            target,
            guest: hex0x(&words_to_hash(&run.output)),
            host: hex0x(&sealed.public_input),
        });
    }
    Ok(sealed)
}

fn compare(native: &GuestRun, riscv: &GuestRun) -> Result<(), RunError> {
    if native.output != riscv.output {
        return Err(RunError::Mismatch(format!(
            "public output {:08x?} vs {:08x?}",
            native.output, riscv.output
        )));
    }
    if riscv.report.is_some() && native.report != riscv.report {
        return Err(RunError::Mismatch("receipts or state diff differ".into()));
    }
    if native.stream_without_host_choices() != riscv.stream_without_host_choices() {
        return Err(RunError::Mismatch("the oracle streams differ".into()));
    }
    Ok(())
}

/// `zkos run --json`'s object.
pub fn runs_json(world: &World, runs: &BlockRuns) -> Value {
    let primary = runs.primary();
    let outcome = &primary.outcome;
    let mut value = json!({
        "receipts": receipts_json(&outcome.receipts, &world.transactions),
        "postState": state_json(&world.post_state(outcome)),
        "previousCommitment": commitment_json(&world.commitment()),
        "newCommitment": commitment_json(&outcome.commitment),
        "publicOutput": output_json(&primary.output),
        "blockHash": hex0x(&runs.sealed.block_hash),
        "previousChainState": chain_state_json(&world.previous_chain_state()),
        "newChainState": chain_state_json(&runs.sealed.chain_state),
        "oracleWords": primary.stream.len(),
    });
    if let Some(native) = &runs.native {
        value["native"] = json!({"seconds": native.elapsed.as_secs_f64()});
    }
    if let Some(riscv) = &runs.riscv {
        let seconds = riscv.run.elapsed.as_secs_f64();
        value["riscv"] = json!({
            "seconds": seconds,
            "cycles": {
                "raw": riscv.cycles.raw,
                "blake2sRounds": riscv.cycles.blake2s_rounds,
                "u256Ops": riscv.cycles.u256_ops,
                "effective": riscv.cycles.effective(),
            },
            "mips": riscv.cycles.raw as f64 / seconds / 1e6,
            "heapBytes": riscv.heap_used,
        });
    }
    value
}
