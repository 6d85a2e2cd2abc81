//! Finding test files, expanding them into cases, and running cases in parallel.
use crate::case::{judge_case, Case, Verdict};
use crate::model::TestFile;
use crate::run::Target;
use crate::skips::{skip_reason, skips};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct LoadError {
    pub file: String,
    pub message: String,
}

/// Every `.json` file under `paths` (files are taken as given), sorted.
pub fn find_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files)?;
    }
    files.sort();
    Ok(files)
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let error = |message: String| LoadError {
        file: path.display().to_string(),
        message,
    };
    if !path.is_dir() {
        if !path.exists() {
            return Err(error("no such file or directory".into()));
        }
        files.push(path.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(path).map_err(|e| error(e.to_string()))?;
    for entry in entries {
        let entry = entry.map_err(|e| error(e.to_string()))?;
        let child = entry.path();
        if child.is_dir() || child.extension().is_some_and(|ext| ext == "json") {
            collect(&child, files)?;
        }
    }
    Ok(())
}

pub fn load_file(path: &Path) -> Result<TestFile, LoadError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        file: file.clone(),
        message: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| LoadError {
        file,
        message: e.to_string(),
    })
}

/// The cases of `files` for `fork`, in file order, and the files that could not be read.
pub fn load_cases(files: &[PathBuf], fork: &str) -> (Vec<Case>, Vec<LoadError>) {
    let loaded: Vec<Result<(String, TestFile), LoadError>> = files
        .par_iter()
        .map(|path| Ok((path.display().to_string(), load_file(path)?)))
        .collect();
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for result in loaded {
        let (file, tests) = match result {
            Ok(loaded) => loaded,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        for (name, test) in tests {
            let test = Arc::new(test);
            let count = test.post.get(fork).map_or(0, Vec::len);
            for position in 0..count {
                cases.push(Case {
                    file: file.clone(),
                    name: name.clone(),
                    fork: fork.into(),
                    position,
                    test: test.clone(),
                });
            }
        }
    }
    (cases, errors)
}

pub struct CaseOutcome {
    pub case: Case,
    pub verdict: Verdict,
}

/// Runs every case (skips apply) on `jobs` threads; `on_done` sees each result as it
/// comes. Results come back in the cases' order.
pub fn run_cases(
    cases: Vec<Case>,
    target: Target,
    jobs: usize,
    on_done: &(dyn Fn(&CaseOutcome) + Sync),
) -> Vec<CaseOutcome> {
    let skips = skips();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("a thread pool");
    pool.install(|| {
        cases
            .into_par_iter()
            .map(|case| {
                let verdict = match skip_reason(&skips, &case.name) {
                    Some(reason) => Verdict::Skip(reason.to_string()),
                    None => judge_case(&case, target).0,
                };
                let outcome = CaseOutcome { case, verdict };
                on_done(&outcome);
                outcome
            })
            .collect()
    })
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

pub fn tally(outcomes: &[CaseOutcome]) -> Tally {
    let mut tally = Tally::default();
    for outcome in outcomes {
        match outcome.verdict {
            Verdict::Pass => tally.passed += 1,
            Verdict::Fail(_) => tally.failed += 1,
            Verdict::Skip(_) => tally.skipped += 1,
        }
    }
    tally
}
