//! `zkos`: the command line of the execution layer.

mod bench;
mod chain;
mod code_cache;
mod debug;
mod error;
mod exec;
mod guest_source;
mod profile;
mod prover_input;
mod reconstruct;
mod run;
mod statetest;
mod trace;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "zkos",
    version,
    about = "Run, trace and profile the zkos execution layer"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an RV32IM program (ELF or flat binary) in the emulator.
    Exec(exec::ExecArgs),
    /// Time whole `zkos exec` processes per tier (interpreter, compiled cold and warm),
    /// against other zkos builds run by run.
    Bench(bench::BenchArgs),
    /// Run a block (STATE.json + BLOCK.json) through the guest OS, natively and/or on RISC-V.
    Run(run::RunArgs),
    /// Run consecutive blocks from a genesis state as a rollup chain.
    Chain(chain::ChainArgs),
    /// Rebuild the state from a genesis and the blocks' pubdata (`zkos chain --out DIR`).
    Reconstruct(reconstruct::ReconstructArgs),
    /// Write Airbender's input files (padded image, oracle stream) for a block.
    ProverInput(prover_input::ProverInputArgs),
    /// Run Ethereum state tests through the guest OS with the EVM.
    Statetest(statetest::StatetestArgs),
    /// Profile a guest run: flamegraph, folded stacks, top functions and marked breakdowns.
    Profile(profile::ProfileArgs),
    /// Write the execution trace Airbender's prover consumes (rows, lazy init, delegation witnesses).
    Trace(trace::TraceArgs),
    /// Debug a guest run with GDB: a remote-protocol stub on a TCP port (`--gdb ADDR:PORT`).
    Debug(debug::DebugArgs),
}

/// Ends the process quietly when the reader of its output goes away (`zkos ... | head`),
/// as Unix tools do, instead of panicking on the failed write.
fn exit_on_closed_pipe() {
    // SAFETY: restoring the default action of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    exit_on_closed_pipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Exec(args) => exec::exec(args),
        Command::Bench(args) => bench::bench(args),
        Command::Run(args) => run::run(args),
        Command::Chain(args) => chain::chain(args),
        Command::Reconstruct(args) => reconstruct::reconstruct(args),
        Command::ProverInput(args) => prover_input::prover_input(args),
        Command::Statetest(args) => statetest::statetest(args),
        Command::Profile(args) => profile::profile(args),
        Command::Trace(args) => trace::trace(args),
        Command::Debug(args) => debug::debug(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => error.report(),
    }
}
