//! `zkos profile`: where every guest cycle goes, as a flamegraph, folded stacks and tables.

use crate::error::{read_file, CliError};
use crate::exec::{load_oracle, load_program};
use crate::guest_source::{load_world, GuestSource, Source};
use clap::Args;
use std::path::{Path, PathBuf};
use zkos_emulator::MAX_PROVABLE_CYCLES;
use zkos_profiler::{marks, profile_program, Profile, ProfileTracer, SymbolTable, Weight};

#[derive(Args)]
pub struct ProfileArgs {
    #[command(flatten)]
    source: GuestSource,
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
    let weight = if args.raw {
        Weight::Raw
    } else {
        Weight::Effective
    };
    let (profile, output, title) = match args.source.source() {
        Source::Program { path, input } => profile_file(path, input, weight, args.max_cycles)?,
        Source::Block { state, block } => profile_block(state, block, weight, args.max_cycles)?,
    };
    write_outputs(&args.out, &profile, &title)?;
    print!("{}", profile.table(args.top));
    if let Some(fixed) = fixed_block_cost(&profile) {
        println!("\nfixed per-block cost (outside transactions): {fixed} cycles");
    }
    println!("\noutput {output:08x?}; written to {}", args.out.display());
    Ok(())
}

fn profile_file(
    path: &Path,
    input: Option<&Path>,
    weight: Weight,
    max_cycles: u64,
) -> Result<(Profile, [u32; 8], String), CliError> {
    let program = load_program(path)?;
    let elf = elf_bytes(path)?;
    let oracle = load_oracle(input)?;
    let marks = marks::guest_os();
    let (profile, outcome) =
        profile_program(&program, elf.as_deref(), oracle, weight, marks, max_cycles)
            .map_err(|e| CliError::guest(format!("the profiled run failed: {e}")))?;
    let title = format!("{} ({} cycles)", path.display(), profile.total);
    Ok((profile, outcome.output, title))
}

fn profile_block(
    state: &Path,
    block: &Path,
    weight: Weight,
    max_cycles: u64,
) -> Result<(Profile, [u32; 8], String), CliError> {
    let world = load_world(state, block)?;
    let symbols = SymbolTable::from_program(zkos_runner::riscv::os_program());
    let mut tracer = ProfileTracer::new(symbols, weight, marks::guest_os());
    // The prover's run: silent, so the profile shows what a proof pays for.
    let native = zkos_runner::native::run_native(&world)
        .map_err(|e| CliError::guest(format!("the block's native run failed: {e}")))?;
    let run = zkos_runner::riscv::run_riscv_silent_traced(&world, &mut tracer, max_cycles, &native)
        .map_err(|e| CliError::guest(format!("the profiled block run failed: {e}")))?;
    let profile = Profile::build(tracer, Some(zkos_guests::OS));
    let title = format!("guest OS on {} ({} cycles)", block.display(), profile.total);
    Ok((profile, run.run.output, title))
}

/// The block's cycles outside its transactions, when the transactions are marked.
fn fixed_block_cost(profile: &Profile) -> Option<u64> {
    let transactions = profile.marks_labelled("transactions").next()?;
    Some(profile.total - transactions.cycles)
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
    let folded = profile.folded_text();
    // The flamegraph is the slow part: draw it on the other core meanwhile.
    std::thread::scope(|scope| {
        let svg = scope.spawn(|| profile.flamegraph_svg_of(&folded, title));
        std::fs::write(out.join("folded.txt"), &folded).map_err(|e| io("folded.txt", e))?;
        let json = serde_json::to_string_pretty(profile).expect("a profile serialises");
        std::fs::write(out.join("profile.json"), json).map_err(|e| io("profile.json", e))?;
        let svg = svg.join().expect("the flamegraph thread does not panic");
        let svg = svg.map_err(CliError::guest)?;
        std::fs::write(out.join("flamegraph.svg"), svg).map_err(|e| io("flamegraph.svg", e))
    })
}
