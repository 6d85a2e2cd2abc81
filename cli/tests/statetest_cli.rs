//! `zkos statetest` refusals: an unknown fork and a path without test files are bad input.
mod common;

use common::{scratch_dir, zkos};

#[test]
fn an_unknown_fork_is_bad_input_listing_the_known_ones() {
    let dir = scratch_dir("statetest-fork");
    std::fs::create_dir_all(&dir).unwrap();
    let out = zkos(&["statetest", dir.to_str().unwrap(), "--fork", "Frontier"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown fork \"Frontier\": the known forks are Cancun, Prague, Osaka"),
        "{stderr}"
    );
}

#[test]
fn a_path_without_test_files_is_bad_input() {
    let dir = scratch_dir("statetest-empty");
    std::fs::create_dir_all(&dir).unwrap();
    let out = zkos(&["statetest", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no state test files"));
}
