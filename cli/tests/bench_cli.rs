//! `zkos bench` end to end: whole `zkos exec` processes timed per tier, for this build and
//! others, with the cycles `zkos exec` reports and the compiled tier's blocks; executables
//! whose runs disagree or that are not zkos are refused.
mod common;

use common::{scratch_dir, zkos};
use serde_json::Value;

/// The bench guest's input: one iteration, a run of about a million cycles.
fn input() -> String {
    let dir = scratch_dir("bench-input");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("one.hex");
    std::fs::write(&path, "00000001").unwrap();
    path.to_string_lossy().into_owned()
}

fn json(output: &std::process::Output) -> Value {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

#[test]
fn each_tier_is_timed_with_the_cycles_exec_reports() {
    let input = input();
    let exec = json(&zkos(&["exec", "guest:bench", "--input", &input, "--json"]));
    let bench = json(&zkos(&[
        "bench",
        "guest:bench",
        "--input",
        &input,
        "--runs",
        "3",
        "--json",
    ]));
    assert_eq!(bench["raw_cycles"], exec["cycles"]["raw"]);
    let results = bench["results"].as_array().unwrap();
    let tiers: Vec<&str> = results
        .iter()
        .map(|r| r["tier"].as_str().unwrap())
        .collect();
    let compiled_tier = cfg!(all(target_arch = "x86_64", unix));
    match compiled_tier {
        true => assert_eq!(tiers, ["interpret", "cold", "warm"]),
        false => assert_eq!(tiers, ["interpret"]),
    }
    for result in results {
        let median = result["median_seconds"].as_f64().unwrap();
        assert!(median > 0.0 && result["p10_seconds"].as_f64().unwrap() <= median);
        assert!(result["p90_seconds"].as_f64().unwrap() >= median);
        assert_eq!(result["to_first"].as_f64(), Some(1.0));
    }
    if compiled_tier {
        assert_eq!(results[0]["blocks_compiled"], Value::Null, "interpreted");
        assert!(
            results[1]["blocks_compiled"].as_u64().unwrap() > 10,
            "cold compiles"
        );
        assert_eq!(
            results[2]["blocks_compiled"].as_u64(),
            Some(0),
            "warm takes every block from the cache an untimed run filled"
        );
    }
}

#[test]
fn another_build_is_timed_alongside() {
    let input = input();
    let this = env!("CARGO_BIN_EXE_zkos");
    let args = ["bench", "guest:bench", "--input", &input, "--runs", "2"];
    let bench = json(&zkos(
        &[
            &args[..],
            &["--tiers", "interpret", "--against", this, "--json"],
        ]
        .concat(),
    ));
    let results = bench["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[1]["executable"], this);
    assert!(results[1]["to_first"].as_f64().unwrap() > 0.0);
    // The table names both.
    let table = zkos(&[&args[..], &["--tiers", "interpret", "--against", this]].concat());
    let text = String::from_utf8_lossy(&table.stdout);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("interpret")).count(),
        2,
        "{text}"
    );
}

#[test]
fn runs_that_disagree_or_are_not_zkos_are_refused() {
    let input = input();
    let dir = scratch_dir("bench-fakes");
    std::fs::create_dir_all(&dir).unwrap();
    let fake = dir.join("fake-zkos");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho '{\"cycles\":{\"raw\":1},\"output\":[]}'\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let fake = fake.to_string_lossy().into_owned();
    let args = [
        "bench",
        "guest:bench",
        "--input",
        &input,
        "--runs",
        "1",
        "--tiers",
        "interpret",
    ];
    for (against, message) in [
        (fake.as_str(), "the runs disagree"),
        ("/bin/true", "not the JSON of `zkos exec --json`"),
        ("/nonexistent/zkos", "cannot run /nonexistent/zkos"),
    ] {
        let output = zkos(&[&args[..], &["--against", against]].concat());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{against}: {stderr}");
        assert!(stderr.contains(message), "{against}: {stderr}");
        assert!(
            output.stdout.is_empty(),
            "nothing reported for work not done"
        );
    }
    let missing = zkos(&["bench", "missing.elf", "--runs", "1"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read program missing.elf"));
}
