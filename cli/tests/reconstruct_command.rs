//! `zkos reconstruct` on the pubdata `zkos chain --out` wrote for the shipped example chain:
//! the rebuilt state equals the chain's; corrupt, truncated or missing pubdata and gaps
//! between blocks are bad input (exit 2) naming the block and the byte.
mod common;

use common::{repo, scratch_dir, zkos};
use serde_json::Value;
use sha3::{Digest, Keccak256};
use std::path::{Path, PathBuf};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs the example chain with `--out` and returns its JSON report and the folder.
fn example_chain(name: &str) -> (Value, PathBuf) {
    let out = scratch_dir(name);
    let out_arg = out.to_string_lossy().into_owned();
    let genesis = repo("examples/chain/genesis.json");
    let blocks = repo("examples/chain/blocks");
    let output = zkos(&[
        "chain",
        "--genesis",
        &genesis,
        "--blocks",
        &blocks,
        "--out",
        &out_arg,
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (serde_json::from_slice(&output.stdout).unwrap(), out)
}

fn reconstruct(dir: &Path) -> std::process::Output {
    let genesis = repo("examples/chain/genesis.json");
    let dir = dir.to_string_lossy().into_owned();
    zkos(&[
        "reconstruct",
        "--genesis",
        &genesis,
        "--pubdata",
        &dir,
        "--json",
    ])
}

#[test]
fn the_state_rebuilt_from_pubdata_equals_the_chains() {
    let (chain, out) = example_chain("reconstruct-ok");
    let blocks = chain["blocks"].as_array().unwrap();
    for block in blocks {
        let number = block["number"].as_u64().unwrap();
        let dir = format!("{number:06}-{number:02}");
        let pubdata = std::fs::read(out.join(dir).join("pubdata.bin")).unwrap();
        assert_eq!(block["pubdata_bytes"], pubdata.len());
        let keccak = format!("0x{}", hex::encode(Keccak256::digest(&pubdata)));
        assert_eq!(block["da_commitment"], keccak.as_str());
    }
    let output = reconstruct(&out);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rebuilt: Value = serde_json::from_slice(&output.stdout).unwrap();
    let last = blocks.last().unwrap();
    assert_eq!(rebuilt["blocks"], 5);
    assert_eq!(rebuilt["state_root"], last["state_root"]);
    assert_eq!(rebuilt["next_free"], last["next_free"]);
    assert_eq!(rebuilt["post"], chain["post"]);
}

#[test]
fn corrupt_pubdata_is_bad_input_naming_block_and_byte() {
    let (_, out) = example_chain("reconstruct-corrupt");
    let file = out.join("000003-03").join("pubdata.bin");
    let good = std::fs::read(&file).unwrap();

    let mut wrong_version = good.clone();
    wrong_version[0] = 2;
    std::fs::write(&file, &wrong_version).unwrap();
    let output = reconstruct(&out);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("block 3: pubdata byte 0: unknown pubdata version"),
        "{}",
        stderr(&output)
    );

    std::fs::write(&file, &good[..good.len() - 1]).unwrap();
    let output = reconstruct(&out);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("block 3: pubdata byte "), "{message}");
    assert!(message.contains("truncated"), "{message}");
    assert!(message.contains("000003-03"), "{message}");
    assert!(
        output.stdout.is_empty(),
        "no state reported for a failed rebuild"
    );

    std::fs::remove_file(&file).unwrap();
    let output = reconstruct(&out);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("pubdata.bin"),
        "{}",
        stderr(&output)
    );

    std::fs::write(&file, &good).unwrap();
    std::fs::remove_dir_all(out.join("000002-02")).unwrap();
    let output = reconstruct(&out);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("blocks 1 and 3 are not consecutive"),
        "{}",
        stderr(&output)
    );
}
