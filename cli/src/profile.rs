//! `zkos profile`: where every guest cycle goes, as a flamegraph, folded stacks and tables.

use crate::error::{read_file, CliError};
use crate::exec::{load_oracle, load_program};
use clap::Args;
use std::path::{Path, PathBuf};
use zkos_emulator::MAX_PROVABLE_CYCLES;
use zkos_profiler::{marks, profile_program, Profile, Weight};

#[derive(Args)]
pub struct ProfileArgs {
    /// The program: an ELF file (symbols and inlined frames come from it), a flat binary,
    /// or `guest:NAME`.
    program: PathBuf,
    /// The oracle input in Airbender's hex format.
    #[arg(long)]
    input: Option<PathBuf>,
    /// Where to write flamegraph.svg, folded.txt and profile.json.
    #[arg(long)]
    out: PathBuf,
    /// Weigh stacks by raw cycles instead of effective cycles.
    #[arg(long)]
    raw: bool,
    /// Rows of the function tables.
    #[arg(long, default_value_t = 20)]
    top: usize,
    #[arg(long, default_value_t = MAX_PROVABLE_CYCLES)]
    max_cycles: u64,
}

pub fn profile(args: ProfileArgs) -> Result<(), CliError> {
    let program = load_program(&args.program)?;
    let elf = elf_bytes(&args.program)?;
    let oracle = load_oracle(args.input.as_deref())?;
    let weight = if args.raw {
        Weight::Raw
    } else {
        Weight::Effective
    };
    let (profile, outcome) = profile_program(
        &program,
        elf.as_deref(),
        oracle,
        weight,
        marks::guest_os(),
        args.max_cycles,
    )
    .map_err(|e| CliError::guest(format!("the profiled run failed: {e}")))?;
    let title = format!("{} ({} cycles)", args.program.display(), profile.total);
    write_outputs(&args.out, &profile, &title)?;
    print!("{}", profile.table(args.top));
    println!(
        "\noutput {:08x?}; written to {}",
        outcome.output,
        args.out.display()
    );
    Ok(())
}

/// The ELF bytes behind a program argument, for DWARF (none for flat binaries).
fn elf_bytes(program: &Path) -> Result<Option<Vec<u8>>, CliError> {
    if let Some(name) = program.to_str().and_then(|p| p.strip_prefix("guest:")) {
        return Ok(zkos_guests::elf(name).map(<[u8]>::to_vec));
    }
    let bytes = read_file(program, "program")?;
    Ok(bytes.starts_with(b"\x7fELF").then_some(bytes))
}

pub fn write_outputs(out: &Path, profile: &Profile, title: &str) -> Result<(), CliError> {
    let io = |what: &str, e: std::io::Error| {
        CliError::input(format!("cannot write {what} in {}: {e}", out.display()))
    };
    std::fs::create_dir_all(out).map_err(|e| io("the output folder", e))?;
    let svg = profile.flamegraph_svg(title).map_err(CliError::guest)?;
    std::fs::write(out.join("flamegraph.svg"), svg).map_err(|e| io("flamegraph.svg", e))?;
    std::fs::write(out.join("folded.txt"), profile.folded_text())
        .map_err(|e| io("folded.txt", e))?;
    let json = serde_json::to_string_pretty(profile).expect("a profile serialises");
    std::fs::write(out.join("profile.json"), json).map_err(|e| io("profile.json", e))?;
    Ok(())
}
