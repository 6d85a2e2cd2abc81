//! `zkos bench`: whole `zkos exec` processes timed side by side, in the tiers a user meets:
//! the interpreter, the compiled tier from cold (no code cache), and the compiled tier with
//! the code an earlier run left (warm). Other zkos executables (`--against`) are timed the
//! same way, alternating with this one run by run, so that builds are compared on one
//! machine in one sitting: the machines we run on change speed by a fifth within a day.

use crate::error::CliError;
use clap::{Args, ValueEnum};
use serde_json::{json, Value};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(Args)]
pub struct BenchArgs {
    /// The program, as `zkos exec` takes it.
    program: PathBuf,
    /// The oracle input, as `zkos exec` takes it.
    #[arg(long)]
    input: Option<PathBuf>,
    /// Timed runs of each executable in each tier (after one untimed run each).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    runs: u32,
    /// The tiers to time, comma-separated (by default all the host has).
    #[arg(long, value_enum, value_delimiter = ',', default_value = DEFAULT_TIERS)]
    tiers: Vec<Tier>,
    /// Another zkos executable to time the same way, alternating with this one (repeatable).
    #[arg(long, value_name = "ZKOS")]
    against: Vec<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// Where the compiled tier is missing, `--jit` fails: the interpreter alone by default.
#[cfg(all(target_arch = "x86_64", unix))]
const DEFAULT_TIERS: &str = "interpret,cold,warm";
#[cfg(not(all(target_arch = "x86_64", unix)))]
const DEFAULT_TIERS: &str = "interpret";

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Tier {
    /// `zkos exec --interpret`.
    Interpret,
    /// The compiled tier, compiling every block it runs (`--no-code-cache`).
    Cold,
    /// The compiled tier, with a code cache of its own that an untimed run filled.
    Warm,
}

impl Tier {
    fn name(self) -> &'static str {
        match self {
            Tier::Interpret => "interpret",
            Tier::Cold => "cold",
            Tier::Warm => "warm",
        }
    }

    /// `zkos exec`'s flags for the tier; `cache` is the executable's own cache folder.
    fn flags(self, cache: &Path) -> Vec<OsString> {
        match self {
            Tier::Interpret => vec!["--interpret".into()],
            Tier::Cold => vec!["--jit".into(), "--no-code-cache".into()],
            Tier::Warm => vec!["--jit".into(), "--code-cache".into(), cache.into()],
        }
    }
}

/// What one `zkos exec` process reported, and how long it took.
struct Run {
    seconds: f64,
    /// Output words and raw cycles: every run must agree on them.
    result: (Value, u64),
    /// Blocks compiled and seconds spent compiling (compiled tiers of builds that say).
    compiled: Option<(u64, f64)>,
}

/// The code cache folders of a bench, removed when it ends however it ends.
struct CacheFolders(Vec<PathBuf>);

impl Drop for CacheFolders {
    fn drop(&mut self) {
        for dir in &self.0 {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

pub fn bench(args: BenchArgs) -> Result<(), CliError> {
    let this = std::env::current_exe()
        .map_err(|e| CliError::input(format!("cannot find this executable: {e}")))?;
    let executables: Vec<PathBuf> = std::iter::once(this).chain(args.against.clone()).collect();
    let caches = CacheFolders(
        (0..executables.len())
            .map(|i| std::env::temp_dir().join(format!("zkos-bench-{}-{i}", std::process::id())))
            .collect(),
    );
    let mut exec_args: Vec<OsString> = vec!["exec".into(), args.program.clone().into()];
    if let Some(input) = &args.input {
        exec_args.extend(["--input".into(), input.into()]);
    }
    exec_args.push("--json".into());
    let mut rows = Vec::new();
    let mut agreed: Option<(Value, u64)> = None;
    for &tier in &args.tiers {
        let runs = time_tier(tier, &executables, &caches.0, &exec_args, args.runs)?;
        for (executable, runs) in executables.iter().zip(runs) {
            for run in &runs {
                agree(&mut agreed, run, executable, tier)?;
            }
            rows.push(Row::new(tier, executable, &runs));
        }
    }
    let raw = agreed.map_or(0, |(_, raw)| raw);
    report(&args, raw, &rows);
    Ok(())
}

/// Checks that `run` gave the output and raw cycles of the first run, `agreed`.
fn agree(
    agreed: &mut Option<(Value, u64)>,
    run: &Run,
    executable: &Path,
    tier: Tier,
) -> Result<(), CliError> {
    let (words, raw) = agreed.get_or_insert_with(|| run.result.clone());
    if (&*words, *raw) == (&run.result.0, run.result.1) {
        return Ok(());
    }
    Err(CliError::input(format!(
        "the runs disagree: {} in tier {} gave {} raw cycles and output {}, an earlier run \
         {raw} and {words}",
        executable.display(),
        tier.name(),
        run.result.1,
        run.result.0,
    )))
}

/// The timed runs of each executable in `tier`, alternating between them (in turn, and in
/// reverse every other round), after one untimed run each (which fills a warm tier's cache).
fn time_tier(
    tier: Tier,
    executables: &[PathBuf],
    caches: &[PathBuf],
    exec_args: &[OsString],
    runs: u32,
) -> Result<Vec<Vec<Run>>, CliError> {
    let command = |i: usize| {
        let mut args = exec_args.to_vec();
        args.extend(tier.flags(&caches[i]));
        (executables[i].as_path(), args)
    };
    for i in 0..executables.len() {
        let (executable, args) = command(i);
        run_once(executable, &args, tier)?;
    }
    let mut timed: Vec<Vec<Run>> = executables.iter().map(|_| Vec::new()).collect();
    for round in 0..runs {
        let mut order: Vec<usize> = (0..executables.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let (executable, args) = command(i);
            timed[i].push(run_once(executable, &args, tier)?);
        }
    }
    Ok(timed)
}

/// Runs `executable` with `args` (a `zkos exec --json`) as its own process and reads what
/// it printed.
fn run_once(executable: &Path, args: &[OsString], tier: Tier) -> Result<Run, CliError> {
    let what = || format!("{} ({})", executable.display(), tier.name());
    let started = Instant::now();
    let output = Command::new(executable)
        .args(args)
        .output()
        .map_err(|e| CliError::input(format!("cannot run {}: {e}", what())))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(CliError::input(format!(
            "{} failed ({}): {}",
            what(),
            output.status,
            stderr.trim()
        )));
    }
    let report: Value = serde_json::from_slice(&output.stdout).map_err(|e| {
        CliError::input(format!(
            "{}: not the JSON of `zkos exec --json` ({e})",
            what()
        ))
    })?;
    let raw = report["cycles"]["raw"].as_u64();
    let words = &report["output"];
    let (Some(raw), true) = (raw, words.is_array()) else {
        return Err(CliError::input(format!(
            "{}: no cycles and output in its report: {report}",
            what()
        )));
    };
    let compiled = &report["compiled"];
    let compiled = compiled["blocks_compiled"]
        .as_u64()
        .zip(compiled["compile_seconds"].as_f64());
    Ok(Run {
        seconds,
        result: (words.clone(), raw),
        compiled,
    })
}

/// One executable in one tier: its times, and what it compiled.
struct Row {
    tier: Tier,
    executable: PathBuf,
    median: f64,
    p10: f64,
    p90: f64,
    compiled: Option<(u64, f64)>,
}

impl Row {
    fn new(tier: Tier, executable: &Path, runs: &[Run]) -> Row {
        let mut seconds: Vec<f64> = runs.iter().map(|run| run.seconds).collect();
        seconds.sort_by(f64::total_cmp);
        let mut compiled: Vec<(u64, f64)> = runs.iter().filter_map(|run| run.compiled).collect();
        compiled.sort_by(|a, b| a.1.total_cmp(&b.1));
        Row {
            tier,
            executable: executable.to_path_buf(),
            median: percentile(&seconds, 50),
            p10: percentile(&seconds, 10),
            p90: percentile(&seconds, 90),
            compiled: compiled.get(rank(compiled.len(), 50)).copied(),
        }
    }
}

/// The nearest-rank `percent`th percentile of sorted, non-empty `values`.
fn percentile(values: &[f64], percent: usize) -> f64 {
    values[rank(values.len(), percent)]
}

/// The index of the nearest-rank `percent`th percentile among `len` sorted values.
fn rank(len: usize, percent: usize) -> usize {
    (percent * len).div_ceil(100).max(1) - 1
}

impl Row {
    /// This row's median against the first executable's in its tier.
    fn to_first(&self, rows: &[Row]) -> f64 {
        let first = rows.iter().find(|row| row.tier == self.tier);
        self.median / first.map_or(f64::NAN, |row| row.median)
    }
}

fn report(args: &BenchArgs, raw: u64, rows: &[Row]) {
    match args.json {
        true => print_json(args, raw, rows),
        false => print_table(args, raw, rows),
    }
}

fn mcycles_per_second(raw: u64, seconds: f64) -> f64 {
    raw as f64 / seconds / 1e6
}

fn print_json(args: &BenchArgs, raw: u64, rows: &[Row]) {
    let results: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!({
                "tier": row.tier.name(),
                "executable": row.executable,
                "median_seconds": row.median,
                "p10_seconds": row.p10,
                "p90_seconds": row.p90,
                "mcycles_per_second": mcycles_per_second(raw, row.median),
                "to_first": row.to_first(rows),
                "blocks_compiled": row.compiled.map(|(blocks, _)| blocks),
                "compile_seconds": row.compiled.map(|(_, seconds)| seconds),
            })
        })
        .collect();
    let value = json!({
        "program": args.program,
        "raw_cycles": raw,
        "runs": args.runs,
        "results": results,
    });
    println!("{value}");
}

fn print_table(args: &BenchArgs, raw: u64, rows: &[Row]) {
    println!(
        "bench     {}: {raw} raw cycles; whole processes, {} timed runs of each, alternating",
        args.program.display(),
        args.runs
    );
    println!(
        "{:<10} {:>10} {:>10} {:>10} {:>11} {:>8}  {:<24} executable",
        "tier", "median", "p10", "p90", "M cycles/s", "to first", "compiled (median)"
    );
    let ms = |seconds: f64| format!("{:.3} ms", seconds * 1e3);
    for row in rows {
        let compiled = match row.compiled {
            Some((blocks, seconds)) => format!("{blocks} blocks in {}", ms(seconds)),
            None => "-".into(),
        };
        println!(
            "{:<10} {:>10} {:>10} {:>10} {:>11.1} {:>8.3}  {:<24} {}",
            row.tier.name(),
            ms(row.median),
            ms(row.p10),
            ms(row.p90),
            mcycles_per_second(raw, row.median),
            row.to_first(rows),
            compiled,
            row.executable.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;

    /// Nearest rank: the smallest value with at least `percent` % of the values at or
    /// below it.
    #[test]
    fn percentiles_are_nearest_ranks() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&values, 10), 1.0);
        assert_eq!(percentile(&values, 50), 5.0);
        assert_eq!(percentile(&values, 90), 9.0);
        assert_eq!(percentile(&values[..3], 50), 2.0);
        assert_eq!(percentile(&values[..3], 90), 3.0);
        assert_eq!(percentile(&[7.0], 10), 7.0);
    }
}
