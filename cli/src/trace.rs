//! `zkos trace`: run a program and write the execution trace Airbender's prover consumes
//! (SPEC section 4) into a directory, optionally checking the memory argument.

use crate::error::CliError;
use crate::exec::{load_oracle, load_program};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zkos_emulator::MAX_PROVABLE_CYCLES;
use zkos_traces::{
    trace as trace_run, CheckReport, Checker, DirSink, Tee, TraceOptions, TraceSummary,
};

#[derive(Args)]
pub struct TraceArgs {
    /// The program: an ELF file, a flat binary loaded at address 0, or `guest:NAME`.
    program: PathBuf,
    /// The oracle input in Airbender's hex format (8-hex-digit words, concatenated).
    #[arg(long)]
    input: Option<PathBuf>,
    /// The directory to create with the trace files (must not exist yet).
    #[arg(long)]
    out: PathBuf,
    /// Check the memory argument and the rows' shape while writing.
    #[arg(long)]
    verify: bool,
    /// Trace on one thread (the files are the same).
    #[arg(long)]
    serial: bool,
    /// Refuse runs longer than this many cycles (default 2^36, the most a proof covers).
    #[arg(long, default_value_t = MAX_PROVABLE_CYCLES)]
    max_cycles: u64,
}

pub fn trace(args: TraceArgs) -> Result<(), CliError> {
    let program = load_program(&args.program)?;
    let oracle = load_oracle(args.input.as_deref())?;
    if args.out.exists() {
        return Err(CliError::input(format!(
            "{} already exists; give a new directory",
            args.out.display()
        )));
    }
    let partial = partial_dir(&args.out)?;
    let bar = progress_bar();
    let start = Instant::now();
    let progress = |cycles: u64| {
        let rate = cycles as f64 / start.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!("{cycles} cycles, {:.1} M cycles/s", rate / 1e6));
    };
    let options = TraceOptions {
        parallel: !args.serial,
        max_cycles: args.max_cycles,
        progress: Some(&progress),
    };
    let mut sink = Tee(
        DirSink::new(&partial),
        args.verify.then(|| Checker::new(program.image())),
    );
    let traced = trace_run(&program, oracle, &mut sink, &options);
    bar.finish_and_clear();
    let Tee(files, checker) = sink;
    let outcome = traced
        .map_err(|e| CliError::guest(format!("{}: not traced: {e}", args.program.display())))
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
            let _ = std::fs::remove_dir_all(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, &args.out).map_err(|e| {
        CliError::input(format!(
            "cannot rename {} to {}: {e}",
            partial.display(),
            args.out.display()
        ))
    })?;
    print_summary(
        &summary,
        &files,
        report.as_ref(),
        &args.out,
        start.elapsed(),
    );
    Ok(())
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

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} tracing [{elapsed}] {msg}").unwrap());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn print_summary(
    summary: &TraceSummary,
    files: &DirSink,
    report: Option<&CheckReport>,
    out: &Path,
    elapsed: Duration,
) {
    let cycles = summary.cycles.raw;
    let seconds = elapsed.as_secs_f64();
    println!(
        "traced {} in {seconds:.2} s ({:.1} M cycles/s)",
        out.display(),
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
    println!(
        "files written:     {} ({} bytes)",
        files.files_written, files.bytes_written
    );
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
