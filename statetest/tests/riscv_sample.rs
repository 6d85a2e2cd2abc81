//! A fixed sample of the Cancun and Prague state tests, drawn evenly from every folder of
//! each suite, run as the guest OS program in the emulator: each case passes and observes
//! exactly what the native run observes (validity and its reason, state root, logs hash,
//! post-state, the public input and that it commits to the expected post-state).
use std::collections::BTreeMap;
use zkos_statetest::case::{judge_case, Case};
use zkos_statetest::skips::{skip_reason, skips};
use zkos_statetest::{find_files, load_cases, Target, Verdict};

/// Cases taken from each folder of the Cancun suite (59 folders).
const CANCUN_PER_FOLDER: usize = 6;
/// Cases taken from each folder of the Prague suite (47 folders, one test module each).
const PRAGUE_PER_FOLDER: usize = 3;

/// Tests left out of the sample: they pass natively but need more than a run's
/// 2^36-cycle limit in the emulator.
const TOO_LONG_FOR_THE_EMULATOR: &[&str] = &[
    // BLAKE2f with 2^32 - 1 rounds.
    "CALLBlake2f_MaxRounds",
];

/// The folder a case belongs to: the path below the suite's root (`GeneralStateTests` or
/// `state_tests`), without the file.
fn folder(case: &Case) -> String {
    let path = ["GeneralStateTests/", "state_tests/"]
        .iter()
        .find_map(|root| case.file.split(root).nth(1))
        .unwrap_or(&case.file);
    path.rsplit_once('/')
        .map_or("", |(folder, _)| folder)
        .to_string()
}

/// `per_folder` cases of `fork` from every folder of `suite`; `None` (after a banner)
/// without the suite.
fn sample(suite: &str, fork: &str, per_folder: usize) -> Option<Vec<Case>> {
    let suite = zkos_testdata::ethtests(suite)?;
    let files = find_files(&[suite]).expect("the suite's files are readable");
    let (cases, unreadable) = load_cases(&files, fork);
    assert!(
        unreadable.is_empty(),
        "unreadable test files: {unreadable:?}"
    );
    let skips = skips();
    let mut by_folder: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    let sampled = |case: &Case| {
        skip_reason(&skips, &case.name).is_none()
            && !TOO_LONG_FOR_THE_EMULATOR.contains(&case.name.as_str())
    };
    for case in cases.into_iter().filter(sampled) {
        by_folder.entry(folder(&case)).or_default().push(case);
    }
    by_folder
        .into_values()
        .flat_map(|cases| {
            let step = (cases.len() / per_folder).max(1);
            cases.into_iter().step_by(step).take(per_folder)
        })
        .collect::<Vec<_>>()
        .into()
}

#[test]
fn cancun_riscv_sample_matches_native() {
    if let Some(cases) = sample("cancun", "Cancun", CANCUN_PER_FOLDER) {
        assert!(cases.len() >= 300, "only {} cases sampled", cases.len());
        check_sample(&cases);
    }
}

/// Every folder of the Prague suite with cases of a fork we run: 45 hold Prague cases, one
/// more Cancun cases only (the BLS12-381 addresses before the fork); the last holds only
/// pre-Cancun forks.
#[test]
fn prague_riscv_sample_matches_native() {
    let (Some(prague), Some(cancun)) = (
        sample("prague", "Prague", PRAGUE_PER_FOLDER),
        sample("prague", "Cancun", PRAGUE_PER_FOLDER),
    ) else {
        return;
    };
    let cases: Vec<Case> = prague.into_iter().chain(cancun).collect();
    assert!(cases.len() >= 120, "only {} cases sampled", cases.len());
    let folders: std::collections::BTreeSet<String> = cases.iter().map(folder).collect();
    assert!(
        folders.len() >= 46,
        "only {} folders sampled",
        folders.len()
    );
    check_sample(&cases);
}

fn check_sample(cases: &[Case]) {
    use rayon::prelude::*;
    let problems: Vec<String> = cases
        .par_iter()
        .filter_map(|case| {
            let (native_verdict, native) = judge_case(case, Target::Native);
            let (riscv_verdict, riscv) = judge_case(case, Target::Riscv);
            if riscv_verdict != Verdict::Pass || native_verdict != Verdict::Pass {
                return Some(format!(
                    "{}: native {native_verdict:?}, riscv {riscv_verdict:?}",
                    case.id()
                ));
            }
            (native != riscv)
                .then(|| format!("{}: the two runs observed different results", case.id()))
        })
        .collect();
    println!("{} sampled cases, {} problems", cases.len(), problems.len());
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
