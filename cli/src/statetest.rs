//! `zkos statetest PATH...`: Ethereum state tests through the guest OS with the EVM.
use crate::error::CliError;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::path::PathBuf;
use zkos_statetest::{find_files, load_cases, run_cases, tally, CaseOutcome, Target, Verdict};
use zkos_system::spec::Spec;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TargetArg {
    Native,
    Riscv,
}

#[derive(Args)]
pub struct StatetestArgs {
    /// Test files or folders (searched recursively for .json files).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "native")]
    pub target: TargetArg,
    /// The fork whose `post` entries are checked.
    #[arg(long, default_value = "Cancun")]
    pub fork: String,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

fn verdict_json(outcome: &CaseOutcome) -> serde_json::Value {
    let case = &outcome.case;
    let indexes = case.indexes();
    let (verdict, detail) = match &outcome.verdict {
        Verdict::Pass => ("pass", None),
        Verdict::Fail(detail) => ("fail", Some(detail)),
        Verdict::Skip(reason) => ("skip", Some(reason)),
    };
    json!({
        "file": case.file,
        "test": case.name,
        "fork": case.fork,
        "indexes": {"data": indexes.data, "gas": indexes.gas, "value": indexes.value},
        "verdict": verdict,
        "detail": detail,
    })
}

pub fn statetest(args: StatetestArgs) -> Result<(), CliError> {
    if Spec::from_name(&args.fork).is_none() {
        let known: Vec<&str> = Spec::ALL.iter().map(|spec| spec.name()).collect();
        return Err(CliError::input(format!(
            "unknown fork {:?}: the known forks are {}",
            args.fork,
            known.join(", ")
        )));
    }
    let files = find_files(&args.paths).map_err(CliError::input)?;
    if files.is_empty() {
        return Err(CliError::input(
            "no state test files (*.json) under the given paths",
        ));
    }
    let (cases, load_errors) = load_cases(&files, &args.fork);
    let target = match args.target {
        TargetArg::Native => Target::Native,
        TargetArg::Riscv => Target::Riscv,
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let bar = ProgressBar::new(cases.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} cases, {elapsed} ({eta} left)").unwrap(),
    );
    let outcomes = run_cases(cases, target, jobs, &|_| bar.inc(1));
    bar.finish_and_clear();
    let mut totals = tally(&outcomes);
    totals.failed += load_errors.len();
    if args.json {
        let report = json!({
            "cases": outcomes.iter().map(verdict_json).collect::<Vec<_>>(),
            "unreadableFiles": load_errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "passed": totals.passed,
            "failed": totals.failed,
            "skipped": totals.skipped,
        });
        println!("{report:#}");
    } else {
        for error in &load_errors {
            println!("FAIL {error}");
        }
        for outcome in &outcomes {
            if let Verdict::Fail(detail) = &outcome.verdict {
                println!("FAIL {}: {detail}", outcome.case.id());
            }
        }
        println!(
            "{} passed, {} failed, {} skipped",
            totals.passed, totals.failed, totals.skipped
        );
    }
    if totals.failed > 0 {
        return Err(CliError::guest(""));
    }
    Ok(())
}
