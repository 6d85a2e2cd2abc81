//! `zkos prover-input`: runs a block natively and on RISC-V, and writes the two files Airbender's `run`
//! and `prove` commands take: the flat image padded to 2 MiB and the oracle stream as hex.
use crate::code_cache::CodeCacheArgs;
use crate::error::{write_file, CliError};
use crate::run::load_and_run;
use clap::Args;
use std::path::PathBuf;
use zkos_emulator::MAX_PROVABLE_CYCLES;
use zkos_runner::prover_input::{input_hex, padded_image};
use zkos_runner::run::Target;

#[derive(Args)]
pub struct ProverInputArgs {
    #[arg(long)]
    pub state: PathBuf,
    #[arg(long)]
    pub block: PathBuf,
    /// Folder for `app.bin` (the padded image) and `input.hex` (the oracle stream).
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = MAX_PROVABLE_CYCLES)]
    pub max_cycles: u64,
    #[command(flatten)]
    pub code_cache: CodeCacheArgs,
}

pub fn prover_input(args: ProverInputArgs) -> Result<(), CliError> {
    // Both targets: the RISC-V run is then the prover's, silent, its outcome the native
    // run's (the stream is what the prover reads, so it must be that run's).
    let (_, runs) = load_and_run(
        &args.state,
        &args.block,
        Target::Both,
        args.max_cycles,
        &args.code_cache,
    )?;
    let riscv = runs.riscv.expect("a RISC-V run was asked for");
    let write = |name: &str, bytes: &[u8]| {
        let path = args.out.join(name);
        write_file(&path, bytes).map(|()| path)
    };
    std::fs::create_dir_all(&args.out).map_err(|error| {
        CliError::input(format!("cannot create {}: {error}", args.out.display()))
    })?;
    let image = write("app.bin", &padded_image())?;
    let input = write("input.hex", input_hex(&riscv).as_bytes())?;
    println!("{}", image.display());
    println!("{} ({} words)", input.display(), riscv.run.stream.len());
    Ok(())
}
