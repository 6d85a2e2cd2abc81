//! `zkos run`: one block on the native target, the RISC-V target or both.
use crate::code_cache::CodeCacheArgs;
use crate::error::CliError;
use crate::guest_source::load_world;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use zkos_emulator::MAX_PROVABLE_CYCLES;
use zkos_runner::run::{run_block, runs_json, BlockRuns, Target};
use zkos_runner::World;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TargetArg {
    Native,
    Riscv,
    Both,
}

impl From<TargetArg> for Target {
    fn from(target: TargetArg) -> Target {
        match target {
            TargetArg::Native => Target::Native,
            TargetArg::Riscv => Target::Riscv,
            TargetArg::Both => Target::Both,
        }
    }
}

#[derive(Args)]
pub struct RunArgs {
    /// The pre-state: address -> {balance, nonce, code, storage} (state tests' `pre` format).
    #[arg(long)]
    pub state: PathBuf,
    /// The block: {"env": {...}, "transactions": ["0x..", ...]}.
    #[arg(long)]
    pub block: PathBuf,
    /// Where to run the guest; `both` fails on any difference between the two.
    #[arg(long, value_enum, default_value = "both")]
    pub target: TargetArg,
    /// Stop the RISC-V run with an error after this many cycles.
    #[arg(long, default_value_t = MAX_PROVABLE_CYCLES)]
    pub max_cycles: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub code_cache: CodeCacheArgs,
}

/// Parses the input files and runs the block, the guest OS's compiled code kept in `cache`.
pub fn load_and_run(
    state: &std::path::Path,
    block: &std::path::Path,
    target: Target,
    max_cycles: u64,
    cache: &CodeCacheArgs,
) -> Result<(World, BlockRuns), CliError> {
    let world = load_world(state, block)?;
    let riscv = !matches!(target, Target::Native);
    let runs = cache.around_guest_os(riscv, || {
        run_block(&world, target, max_cycles).map_err(CliError::guest)
    })?;
    Ok((world, runs))
}

pub fn run(args: RunArgs) -> Result<(), CliError> {
    let (world, runs) = load_and_run(
        &args.state,
        &args.block,
        args.target.into(),
        args.max_cycles,
        &args.code_cache,
    )?;
    let report = runs_json(&world, &runs);
    if args.json {
        println!("{report}");
    } else {
        print_text(&report);
    }
    Ok(())
}

fn print_text(report: &serde_json::Value) {
    for (index, receipt) in report["receipts"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let reason = receipt["invalidReason"]
            .as_str()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        println!(
            "tx {index} {}: {}{reason}, gas used {}",
            receipt["txHash"].as_str().unwrap_or(""),
            receipt["status"].as_str().unwrap_or(""),
            receipt["gasUsed"]
        );
    }
    println!(
        "block hash           {}",
        report["blockHash"].as_str().unwrap_or("")
    );
    println!(
        "previous chain state {}",
        report["previousChainState"]["hash"].as_str().unwrap_or("")
    );
    println!(
        "new chain state      {}",
        report["newChainState"]["hash"].as_str().unwrap_or("")
    );
    println!(
        "previous commitment  {}",
        report["previousCommitment"]["hash"].as_str().unwrap_or("")
    );
    println!(
        "new commitment       {}",
        report["newCommitment"]["hash"].as_str().unwrap_or("")
    );
    println!(
        "public input         {}",
        report["publicOutput"]["hash"].as_str().unwrap_or("")
    );
    if let Some(native) = report.get("native") {
        println!(
            "native               {:.3} ms",
            native["seconds"].as_f64().unwrap_or(0.0) * 1e3
        );
    }
    if let Some(riscv) = report.get("riscv") {
        let cycles = &riscv["cycles"];
        println!(
            "riscv                {} cycles raw, {} BLAKE2s rounds, {} U256 ops, {} effective; {:.3} s, {:.1} MIPS",
            cycles["raw"], cycles["blake2sRounds"], cycles["u256Ops"], cycles["effective"],
            riscv["seconds"].as_f64().unwrap_or(0.0), riscv["mips"].as_f64().unwrap_or(0.0)
        );
    }
}
