//! `zkos chain` on the shipped example chain: chained blocks, messages, prover inputs that
//! replay to the public input; bad input (exit 2) and blocks the guest rejects (exit 1).
mod common;

use common::{repo, scratch_dir, zkos};
use serde_json::Value;
use std::path::Path;

fn example_args(blocks: &str) -> Vec<String> {
    vec![
        "chain".into(),
        "--genesis".into(),
        repo("examples/chain/genesis.json"),
        "--blocks".into(),
        blocks.into(),
    ]
}

fn run(args: &[String]) -> std::process::Output {
    zkos(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A copy of the example's blocks in a fresh folder, with block `index` (0-based) edited.
fn edited_blocks(name: &str, index: usize, edit: impl FnOnce(&mut Value)) -> String {
    let dir = scratch_dir(name);
    std::fs::create_dir_all(&dir).unwrap();
    let source = Path::new(&repo("examples/chain/blocks")).to_path_buf();
    let mut files: Vec<_> = std::fs::read_dir(&source)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut edit = Some(edit);
    for (i, file) in files.iter().enumerate() {
        let mut block: Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        if i == index {
            (edit.take().unwrap())(&mut block);
        }
        std::fs::write(dir.join(file.file_name().unwrap()), block.to_string()).unwrap();
    }
    dir.to_string_lossy().into_owned()
}

#[test]
fn example_chain_runs_on_both_targets_with_chained_states() {
    let mut args = example_args(&repo("examples/chain/blocks"));
    args.push("--json".into());
    let output = run(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let blocks = report["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 5);
    for (i, block) in blocks.iter().enumerate() {
        assert_eq!(block["number"], i as u64 + 1);
        for key in [
            "hash",
            "public_input",
            "state_root",
            "messages_root",
            "deposits_hash",
        ] {
            assert!(block[key].as_str().unwrap().starts_with("0x"), "{key}");
        }
        if i > 0 {
            assert_eq!(
                block["previous_chain_state"],
                blocks[i - 1]["new_chain_state"]
            );
        }
    }
    // Block 2's contract sent BLOCKHASH(1) to L1; block 1 had a deposit.
    assert_eq!(blocks[1]["messages"][0]["message"], blocks[0]["hash"]);
    assert_eq!(blocks[0]["deposits"], 1);
    assert_eq!(
        blocks[3]["messages"][0]["sender"],
        "0x0000000000000000000000000000000000008008"
    );
    assert!(report["post"].as_object().unwrap().len() > 5);
}

#[test]
fn prover_inputs_replay_to_each_blocks_public_input() {
    let out = scratch_dir("chain-prover");
    let mut args = example_args(&repo("examples/chain/blocks"));
    args.extend(["--target".into(), "riscv".into(), "--json".into()]);
    args.extend(["--out".into(), out.to_string_lossy().into_owned()]);
    let output = run(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let block = &report["blocks"][1];
    let dir = out.join("000002-02");
    assert_eq!(
        std::fs::metadata(dir.join("app.bin")).unwrap().len(),
        2 << 20
    );
    let app = dir.join("app.bin").to_string_lossy().into_owned();
    let input = dir.join("input.hex").to_string_lossy().into_owned();
    let exec = zkos(&["exec", &app, "--input", &input, "--json"]);
    assert_eq!(exec.status.code(), Some(0), "{}", stderr(&exec));
    let exec: Value = serde_json::from_slice(&exec.stdout).unwrap();
    let words: Vec<u32> = exec["output"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| u32::from_str_radix(w.as_str().unwrap().trim_start_matches("0x"), 16).unwrap())
        .collect();
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    assert_eq!(
        format!("0x{}", hex::encode(bytes)),
        block["public_input"].as_str().unwrap()
    );
}

#[test]
fn a_block_with_block_hashes_is_bad_input_naming_file_and_field() {
    let blocks = edited_blocks("chain-hashes", 2, |block| {
        block["env"]["blockHashes"] = serde_json::json!(["0x".to_string() + &"11".repeat(32)]);
    });
    let output = run(&example_args(&blocks));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("03.json") && message.contains("env.blockHashes"),
        "{message}"
    );
}

#[test]
fn an_empty_or_missing_blocks_folder_is_bad_input() {
    let empty = scratch_dir("chain-empty");
    std::fs::create_dir_all(&empty).unwrap();
    let output = run(&example_args(&empty.to_string_lossy()));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no block files"),
        "{}",
        stderr(&output)
    );
    let output = run(&example_args("/nonexistent/blocks"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("/nonexistent/blocks"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_block_out_of_sequence_is_rejected_by_the_guest() {
    let blocks = edited_blocks("chain-number", 1, |block| {
        block["env"]["currentNumber"] = serde_json::json!("0x7");
    });
    let output = run(&example_args(&blocks));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("02.json"), "{message}");
    assert!(
        message.contains("not the previous block's number + 1"),
        "{message}"
    );
}
