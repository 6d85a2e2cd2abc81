//! A fixed sample of the Cancun state tests, drawn evenly from every folder of the suite,
//! run as the guest OS program in the emulator: each case passes and observes exactly
//! what the native run observes (validity, state root, logs hash, post-state).
use std::collections::BTreeMap;
use zkos_statetest::case::{judge_case, Case};
use zkos_statetest::skips::{skip_reason, skips};
use zkos_statetest::{find_files, load_cases, Target, Verdict};

/// Cases taken from each folder (59 folders).
const PER_FOLDER: usize = 6;

/// Tests left out of the sample: they pass natively but need more than a run's
/// 2^36-cycle limit in the emulator.
const TOO_LONG_FOR_THE_EMULATOR: &[&str] = &[
    // BLAKE2f with 2^32 - 1 rounds.
    "CALLBlake2f_MaxRounds",
];

/// The folder a case belongs to: the path below `GeneralStateTests`, without the file.
fn folder(case: &Case) -> String {
    let path = case
        .file
        .split("GeneralStateTests/")
        .nth(1)
        .unwrap_or(&case.file);
    path.rsplit_once('/')
        .map_or("", |(folder, _)| folder)
        .to_string()
}

/// `None` (after a banner) without the suite.
fn sample() -> Option<Vec<Case>> {
    let suite = zkos_testdata::ethtests("cancun")?;
    let files = find_files(&[suite]).expect("the suite's files are readable");
    let (cases, unreadable) = load_cases(&files, "Cancun");
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
            let step = (cases.len() / PER_FOLDER).max(1);
            cases.into_iter().step_by(step).take(PER_FOLDER)
        })
        .collect::<Vec<_>>()
        .into()
}

#[test]
fn riscv_sample_matches_native() {
    let Some(cases) = sample() else {
        return;
    };
    assert!(cases.len() >= 300, "only {} cases sampled", cases.len());
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
