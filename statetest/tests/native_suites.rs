//! The Cancun and Prague state tests (`../shared/ethtests/{cancun,prague}`) natively through
//! the guest OS with the EVM: every case passes or is on the named skip list, and the passes
//! are at least 99.8% of all cases.
use zkos_statetest::{find_files, load_cases, run_cases, tally, Target, Verdict};

#[test]
fn cancun_state_tests_pass_natively() {
    suite_passes("cancun", "Cancun", 17_000);
}

#[test]
fn prague_state_tests_pass_natively() {
    suite_passes("prague", "Prague", 1_600);
}

fn suite_passes(suite: &str, fork: &str, at_least: usize) {
    let Some(suite) = zkos_testdata::ethtests(suite) else {
        return;
    };
    let files = find_files(&[suite]).expect("the suite's files are readable");
    let (cases, unreadable) = load_cases(&files, fork);
    assert!(
        unreadable.is_empty(),
        "unreadable test files: {unreadable:?}"
    );
    assert!(cases.len() > at_least, "only {} cases found", cases.len());
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let outcomes = run_cases(cases, Target::Native, jobs, &|_| {});
    let failures: Vec<String> = outcomes
        .iter()
        .filter_map(|outcome| match &outcome.verdict {
            Verdict::Fail(detail) => Some(format!("{}: {detail}", outcome.case.id())),
            _ => None,
        })
        .collect();
    let totals = tally(&outcomes);
    println!(
        "{fork}: {} passed, {} failed, {} skipped",
        totals.passed, totals.failed, totals.skipped
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let all = outcomes.len() as f64;
    assert!(
        totals.passed as f64 / all >= 0.998,
        "{} of {} pass",
        totals.passed,
        all
    );
}
