//! Helpers shared by the command-line tests.
#![allow(dead_code)] // each test file uses its own subset

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A path in the repository, absolute.
pub fn repo(path: &str) -> String {
    repo_root().join(path).to_string_lossy().into_owned()
}

/// Runs the `zkos` binary from the repository root, with no code cache (unless `args`
/// names one): a test's runs must not depend on what other runs compiled.
pub fn zkos(args: &[&str]) -> Output {
    zkos_with_env(args, &[("ZKOS_CODE_CACHE", "off")])
}

/// [`zkos`] with the environment variables `env` set, and no others changed.
pub fn zkos_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zkos"))
        .current_dir(repo_root())
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("zkos runs")
}

/// A fresh (absent) path under the temp dir, unique to this test process.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zkos-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The blocks a run took from the code cache, as its `cache` line on stderr says; None when
/// it used no cache.
pub fn blocks_taken(output: &Output) -> Option<usize> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .find_map(|line| {
            line.strip_prefix("cache     ")?
                .split(' ')
                .next()?
                .parse()
                .ok()
        })
}
