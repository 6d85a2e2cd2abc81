//! `zkos run` and `zkos prover-input` on the shipped example, bad input and guest faults.
mod common;

use common::zkos;

const EXAMPLE: [&str; 4] = [
    "--state",
    "examples/state.json",
    "--block",
    "examples/block.json",
];

/// `zkos run --state STATE --block BLOCK`.
fn run(state: &str, block: &str) -> std::process::Output {
    zkos(&["run", "--state", state, "--block", block])
}

#[test]
fn example_block_runs_on_both_targets() {
    let output = zkos(&[&["run"], &EXAMPLE[..], &["--json"]].concat());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let statuses: Vec<&str> = report["receipts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["success", "success", "success", "invalid", "success", "invalid"]
    );
    assert_eq!(report["receipts"][3]["invalidReason"], "nonce too high");
    assert!(
        report["riscv"]["cycles"]["effective"].as_u64().unwrap()
            > report["riscv"]["cycles"]["raw"].as_u64().unwrap()
    );
    assert!(report["native"]["seconds"].is_number());
    // 4 funded accounts, 3 new recipients (the others were in invalid transactions), the coinbase.
    assert_eq!(report["postState"].as_object().unwrap().len(), 8);
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("zkos-run-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("state.json");
    std::fs::write(
        &bad,
        r#"{"0x00000000000000000000000000000000000000aa": {"balance": "0xzz"}}"#,
    )
    .unwrap();
    let output = run(bad.to_str().unwrap(), "examples/block.json");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("state.json") && stderr.contains("balance"),
        "{stderr}"
    );
    let missing = run("examples/state.json", "no/such/block.json");
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn guest_fault_exits_1() {
    let output = zkos(
        &[
            &["run"],
            &EXAMPLE[..],
            &["--target", "riscv", "--max-cycles", "1000"],
        ]
        .concat(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cycle limit"));
}

#[test]
fn prover_input_replays_to_the_same_output() {
    let dir = std::env::temp_dir().join(format!("zkos-prover-input-{}", std::process::id()));
    let output = zkos(
        &[
            &["prover-input"],
            &EXAMPLE[..],
            &["--out", dir.to_str().unwrap()],
        ]
        .concat(),
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let image = std::fs::read(dir.join("app.bin")).unwrap();
    assert_eq!(image.len(), 2 << 20);
    assert_eq!(image[image.len() - 4..], 0xc000_1073u32.to_le_bytes());
    let run = zkos(&[&["run"], &EXAMPLE[..], &["--json", "--target", "native"]].concat());
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let app = dir.join("app.bin");
    let input = dir.join("input.hex");
    let exec = zkos(&[
        "exec",
        app.to_str().unwrap(),
        "--input",
        input.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        exec.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&exec.stderr)
    );
    let exec: serde_json::Value = serde_json::from_slice(&exec.stdout).unwrap();
    let words: Vec<String> = report["publicOutput"]["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap()[2..].to_string())
        .collect();
    let exec_words: Vec<String> = exec["output"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    assert_eq!(exec_words, words);
}

/// A transaction over the protocol's 128 KiB is refused by the host (exit 2, naming it)
/// before the guest runs, not by a guest abort (exit 1).
#[test]
fn a_block_beyond_the_protocol_limits_exits_2_before_running() {
    let dir = std::env::temp_dir().join(format!("zkos-run-limits-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let example = std::fs::read_to_string(common::repo("examples/block.json")).unwrap();
    let mut block: serde_json::Value = serde_json::from_str(&example).unwrap();
    let oversized = format!("0x02{}", "00".repeat(128 * 1024));
    block["transactions"]
        .as_array_mut()
        .unwrap()
        .push(oversized.into());
    let count = block["transactions"].as_array().unwrap().len();
    let path = dir.join("block.json");
    std::fs::write(&path, block.to_string()).unwrap();
    let output = run("examples/state.json", path.to_str().unwrap());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("block.json")
            && stderr.contains(&format!("transactions[{}]", count - 1))
            && stderr.contains("at most 131072"),
        "{stderr}"
    );
}

/// Code over the guest's 1 MiB limit in a pre-state is refused by the host (exit 2, naming
/// the account) before the guest runs; code at the limit is accepted.
#[test]
fn pre_state_code_over_the_guests_limit_exits_2_naming_the_account() {
    let dir = std::env::temp_dir().join(format!("zkos-run-code-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let example = std::fs::read_to_string(common::repo("examples/state.json")).unwrap();
    let mut state: serde_json::Value = serde_json::from_str(&example).unwrap();
    let account = "0x00000000000000000000000000000000000c0de1";
    state[account] = serde_json::json!({
        "balance": "0x0",
        "nonce": "0x1",
        "code": format!("0x{}", "00".repeat((1 << 20) + 1)),
        "storage": {}
    });
    let path = dir.join("state.json");
    std::fs::write(&path, state.to_string()).unwrap();
    let output = run(path.to_str().unwrap(), "examples/block.json");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("state.json")
            && stderr.contains(&format!("{account}.code"))
            && stderr.contains("1048577 bytes, at most 1048576"),
        "{stderr}"
    );
    state[account]["code"] = format!("0x{}", "00".repeat(1 << 20)).into();
    std::fs::write(&path, state.to_string()).unwrap();
    let output = run(path.to_str().unwrap(), "examples/block.json");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The guest OS's compiled code is kept in a code cache by `zkos run` and `zkos
/// prover-input`, as by `zkos exec`: a second run takes the first one's blocks and reports
/// the same block; prover input made with the cache is the same as without.
#[cfg(all(target_arch = "x86_64", unix))]
#[test]
fn runs_of_the_guest_os_share_a_code_cache() {
    let scratch = common::scratch_dir("guest-os-code-cache");
    let cache = scratch.join("cache");
    let cache_arg = cache.to_str().expect("a UTF-8 path");
    let run = || {
        zkos(
            &[
                &["run"],
                &EXAMPLE[..],
                &["--json", "--code-cache", cache_arg],
            ]
            .concat(),
        )
    };
    let report = |output: &std::process::Output| {
        let mut report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        for timed in ["native", "riscv"] {
            report.as_object_mut().unwrap().remove(timed);
        }
        report
    };
    let first = run();
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(common::blocks_taken(&first), Some(0));
    let second = run();
    assert_eq!(second.status.code(), Some(0));
    assert!(
        common::blocks_taken(&second).unwrap() > 100,
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(report(&second), report(&first));

    let prover_input = |out: &std::path::Path, cache: &[&str]| {
        let out = out.to_str().unwrap();
        let args = [&["prover-input"], &EXAMPLE[..], &["--out", out], cache].concat();
        let output = zkos(&args);
        assert_eq!(output.status.code(), Some(0));
        output
    };
    let cached = prover_input(&scratch.join("cached"), &["--code-cache", cache_arg]);
    assert!(common::blocks_taken(&cached).unwrap() > 100);
    prover_input(&scratch.join("plain"), &["--no-code-cache"]);
    for file in ["app.bin", "input.hex"] {
        assert_eq!(
            std::fs::read(scratch.join("cached").join(file)).unwrap(),
            std::fs::read(scratch.join("plain").join(file)).unwrap(),
            "{file}"
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
