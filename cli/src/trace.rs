//! `zkos trace`: run a program, or the guest OS on a block, and write the execution trace
//! Airbender's prover consumes (SPEC section 4) into a directory, optionally checking the
//! memory argument.

use crate::error::CliError;
use crate::exec::{load_oracle, load_program};
use crate::guest_source::{load_world, GuestSource, Source};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zkos_emulator::{Program, StreamOracle, MAX_PROVABLE_CYCLES};
use zkos_traces::{
    trace as trace_run, CheckReport, Checker, DirSink, Sha256Sink, SpillConfig, Tee, TraceOptions,
    TraceSummary,
};

#[derive(Args)]
pub struct TraceArgs {
    #[command(flatten)]
    source: GuestSource,
    /// The directory to create with the trace files (must not exist yet). Without it the
    /// trace is made in memory, chunk by chunk, and dropped (to verify it or time it).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Check the memory argument and the rows' shape while writing.
    #[arg(long)]
    verify: bool,
    /// Print the sha256 of every file of the trace (as `sha256sum` prints them), whether
    /// or not they are written: to compare traces, such as with Airbender's `full_files.json`.
    #[arg(long)]
    sha256: bool,
    /// Trace on one thread (the files are the same).
    #[arg(long)]
    serial: bool,
    /// Chunks traced side by side (default: one per core, at most 4; each holds 235 MB).
    #[arg(long, conflicts_with = "serial", value_parser = clap::value_parser!(u16).range(2..=256))]
    replayers: Option<u16>,
    /// Refuse runs longer than this many cycles (default 2^36, the most a proof covers).
    #[arg(long, default_value_t = MAX_PROVABLE_CYCLES)]
    max_cycles: u64,
    /// Where the delegation circuits being filled keep their spilled fields, in anonymous
    /// files (default: the output's temporary directory, on the disk the trace goes to).
    #[arg(long)]
    spill_dir: Option<PathBuf>,
}

/// What to trace: a program, its oracle input, and the output its run must end with.
struct Subject {
    label: String,
    program: Cow<'static, Program>,
    oracle: StreamOracle,
    expected_output: Option<[u32; 8]>,
}

pub fn trace(args: TraceArgs) -> Result<(), CliError> {
    if let Some(out) = args.out.as_ref().filter(|out| out.exists()) {
        return Err(CliError::input(format!(
            "{} already exists; give a new directory",
            out.display()
        )));
    }
    if let Some(dir) = args.spill_dir.as_ref().filter(|dir| !dir.is_dir()) {
        return Err(CliError::input(format!(
            "--spill-dir {}: not a directory",
            dir.display()
        )));
    }
    let subject = match args.source.source() {
        Source::Program { path, input } => Subject {
            label: path.display().to_string(),
            program: Cow::Owned(load_program(path)?),
            oracle: load_oracle(input)?,
            expected_output: None,
        },
        Source::Block { state, block } => block_subject(state, block, args.max_cycles)?,
    };
    let partial = args.out.as_deref().map(partial_dir).transpose()?;
    let bar = progress_bar();
    let start = Instant::now();
    let progress = |cycles: u64| {
        let rate = cycles as f64 / start.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!("{cycles} cycles, {:.1} M cycles/s", rate / 1e6));
    };
    let options = TraceOptions {
        parallel: !args.serial,
        replayers: args.replayers.map(usize::from),
        max_cycles: args.max_cycles,
        progress: Some(&progress),
        spill: SpillConfig {
            dir: args.spill_dir.clone().or_else(|| partial.clone()),
            ..SpillConfig::default()
        },
    };
    let mut sink = Tee(
        Tee(
            partial.as_ref().map(DirSink::new),
            args.verify.then(|| Checker::new(subject.program.image())),
        ),
        args.sha256.then(Sha256Sink::default),
    );
    let traced = trace_run(&subject.program, subject.oracle, &mut sink, &options);
    bar.finish_and_clear();
    let Tee(Tee(files, checker), sums) = sink;
    let outcome = traced
        .map_err(|e| CliError::guest(format!("{}: not traced: {e}", subject.label)))
        .and_then(|summary| same_output(&summary, subject.expected_output).map(|()| summary))
        .and_then(|summary| {
            Ok((
                summary,
                checker
                    .map(Checker::finish)
                    .transpose()
                    .map_err(verify_failed)?,
            ))
        });
    let (summary, report) = match outcome {
        Ok(done) => done,
        Err(e) => {
            if let Some(partial) = &partial {
                let _ = std::fs::remove_dir_all(partial);
            }
            return Err(e);
        }
    };
    if let (Some(partial), Some(out)) = (&partial, &args.out) {
        std::fs::rename(partial, out).map_err(|e| {
            CliError::input(format!(
                "cannot rename {} to {}: {e}",
                partial.display(),
                out.display()
            ))
        })?;
    }
    let written = args.out.as_deref().zip(files.as_ref());
    print_summary(&summary, written, report.as_ref(), start.elapsed());
    for (name, sum) in sums.iter().flat_map(|sums| &sums.files) {
        let hex: String = sum.iter().map(|byte| format!("{byte:02x}")).collect();
        println!("{hex}  {name}");
    }
    Ok(())
}

/// The guest OS on a block. The block is run first with the oracle server answering from
/// the files; the trace is then made, as Airbender makes it, from the guest OS image and
/// the stream of words that run read (the runner's traced run gives no access to the
/// machine's final registers and memory, which the teardown and final state need).
fn block_subject(state: &Path, block: &Path, max_cycles: u64) -> Result<Subject, CliError> {
    let world = load_world(state, block)?;
    let run = zkos_runner::riscv::run_riscv(&world, max_cycles).map_err(|e| {
        CliError::guest(format!(
            "{}: the guest OS run failed, not traced: {e}",
            block.display()
        ))
    })?;
    Ok(Subject {
        label: format!("guest OS on {}", block.display()),
        program: Cow::Borrowed(zkos_runner::riscv::os_program()),
        oracle: StreamOracle::new(run.run.stream),
        expected_output: Some(run.run.output),
    })
}

/// The traced run must end as the run it replays did.
fn same_output(summary: &TraceSummary, expected: Option<[u32; 8]>) -> Result<(), CliError> {
    match expected {
        Some(output) if output != summary.output => Err(CliError::guest(format!(
            "the traced run ended with output {:08x?}, the block run with {output:08x?}",
            summary.output
        ))),
        _ => Ok(()),
    }
}

fn verify_failed(e: zkos_traces::CheckError) -> CliError {
    CliError::guest(format!("the trace fails its check: {e}"))
}

/// A fresh sibling of `out` to write into; renamed to `out` only when complete.
fn partial_dir(out: &Path) -> Result<PathBuf, CliError> {
    let name = out
        .file_name()
        .ok_or_else(|| CliError::input(format!("{}: not a directory name", out.display())))?;
    let partial = out.with_file_name(format!(
        "{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::create_dir_all(&partial)
        .map_err(|e| CliError::input(format!("cannot create {}: {e}", partial.display())))?;
    Ok(partial)
}

/// The process's peak resident memory so far (Linux's `VmHWM`).
fn peak_resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} tracing [{elapsed}] {msg}").unwrap());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn print_summary(
    summary: &TraceSummary,
    written: Option<(&Path, &DirSink)>,
    report: Option<&CheckReport>,
    elapsed: Duration,
) {
    let cycles = summary.cycles.raw;
    let seconds = elapsed.as_secs_f64();
    let place = written.map_or("into memory".into(), |(out, _)| out.display().to_string());
    println!(
        "traced {place} in {seconds:.2} s ({:.1} M cycles/s)",
        cycles as f64 / seconds / 1e6
    );
    println!(
        "cycles:            {cycles} (effective {})",
        summary.cycles.effective()
    );
    println!(
        "chunks:            {} of {} rows",
        summary.chunks,
        zkos_traces::CHUNK_ROWS
    );
    for (csr, calls) in &summary.delegation_calls {
        println!("delegation 0x{csr:03x}:  {calls} calls");
    }
    println!("touched RAM words: {}", summary.touched_words);
    match written {
        Some((_, files)) => println!(
            "files written:     {} ({} bytes)",
            files.files_written, files.bytes_written
        ),
        None => println!("files written:     none (no --out)"),
    }
    if let Some(peak) = peak_resident_bytes() {
        println!("peak memory:       {} MB resident", peak / 1_000_000);
    }
    println!("final pc:          0x{:08x}", summary.final_pc);
    let output: Vec<String> = summary.output.iter().map(|w| format!("{w:08x}")).collect();
    println!("output x10..x17:   {}", output.join(" "));
    if let Some(report) = report {
        println!(
            "verified:          memory argument over {} accesses, {} delegation calls, {} touched words",
            report.accesses, report.delegation_calls, report.touched_words
        );
    }
}
