//! `zkos profile` end to end: the guest OS on the example block (folded stacks sum to the
//! run's cycles exactly, the SVG is XML naming the bootloader's entry) and a guest program.
mod common;

use common::{repo, scratch_dir, zkos};

fn folded_sum(dir: &std::path::Path) -> u64 {
    let folded = std::fs::read_to_string(dir.join("folded.txt")).unwrap();
    folded
        .lines()
        .map(|l| l.rsplit_once(' ').unwrap().1.parse::<u64>().unwrap())
        .sum()
}

fn svg_text(dir: &std::path::Path) -> String {
    let svg = std::fs::read_to_string(dir.join("flamegraph.svg")).unwrap();
    // inferno's SVG carries a DOCTYPE; allow it, everything else is checked.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let document = roxmltree::Document::parse_with_options(&svg, options)
        .expect("the flamegraph is well-formed XML");
    document
        .descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn block_profile_adds_up_to_the_runs_cycles() {
    let dir = scratch_dir("block");
    let (state, block) = (repo("examples/state.json"), repo("examples/block.json"));
    let profiled = zkos(&[
        "profile",
        "--state",
        &state,
        "--block",
        &block,
        "--out",
        dir.to_str().unwrap(),
        "--raw",
    ]);
    assert_eq!(
        profiled.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&profiled.stderr)
    );
    let run = zkos(&[
        "run", "--state", &state, "--block", &block, "--target", "both", "--json",
    ]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let raw = find_raw_cycles(&report).expect("the run reports raw cycles");
    assert_eq!(folded_sum(&dir), raw);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("profile.json")).unwrap()).unwrap();
    assert_eq!(json["total"].as_u64(), Some(raw));
    let text = svg_text(&dir);
    assert!(
        text.contains("run_block"),
        "the flamegraph does not name the bootloader's entry"
    );
}

/// The first `raw` cycle count in the run report.
fn find_raw_cycles(value: &serde_json::Value) -> Option<u64> {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(raw) = map
                .get("cycles")
                .and_then(|c| c.get("raw"))
                .and_then(|r| r.as_u64())
            {
                return Some(raw);
            }
            map.values().find_map(find_raw_cycles)
        }
        serde_json::Value::Array(items) => items.iter().find_map(find_raw_cycles),
        _ => None,
    }
}

#[test]
fn program_profile_writes_all_three_files_weighted_by_effective_cycles() {
    let dir = scratch_dir("delegations");
    let out = zkos(&[
        "profile",
        "guest:delegations",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exec = zkos(&["exec", "guest:delegations", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&exec.stdout).unwrap();
    assert_eq!(
        folded_sum(&dir),
        report["cycles"]["effective"].as_u64().unwrap()
    );
    assert!(svg_text(&dir).contains("blake2s"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("top functions by self cycles"));
}

#[test]
fn profile_needs_a_program_or_a_block() {
    let out = zkos(&["profile", "--out", "/tmp/x"]);
    assert_eq!(out.status.code(), Some(2));
    let both = zkos(&[
        "profile",
        "guest:echo",
        "--state",
        "a.json",
        "--block",
        "b.json",
        "--out",
        "/tmp/x",
    ]);
    assert_eq!(both.status.code(), Some(2));
}
