//! Where tests find the external suites that are not part of the repository: the Ethereum
//! state tests and Airbender's golden trace of its probe program.
//!
//! The folder holding them is `$ZKOS_SHARED`, or `../shared` beside the checkout. A test whose
//! suite is missing prints a banner on the terminal (past the test harness's capture) and
//! returns without checking anything; with `ZKOS_REQUIRE_SHARED` set (CI sets it) it fails
//! instead, so a missing suite cannot pass unnoticed.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The variable naming the folder of the external suites.
pub const SHARED_VAR: &str = "ZKOS_SHARED";
/// The variable that turns a missing suite into a test failure.
pub const REQUIRE_VAR: &str = "ZKOS_REQUIRE_SHARED";

/// The folder of the external suites (it may not exist).
pub fn shared_dir() -> PathBuf {
    match std::env::var_os(SHARED_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    }
}

/// `relative` under the shared folder when it exists; otherwise the banner (or, under
/// `ZKOS_REQUIRE_SHARED`, a panic) and `None`.
pub fn find(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().join(relative);
    if path.exists() {
        return Some(path);
    }
    missing(&path);
    None
}

/// A folder of the Ethereum state tests, such as `cancun` or `cancun/GeneralStateTests`.
pub fn ethtests(relative: &str) -> Option<PathBuf> {
    find(&format!("ethtests/{relative}"))
}

/// A file of Airbender's golden trace, such as `probe.bin` or `golden/final_state.json`.
pub fn airbender_golden(relative: &str) -> Option<PathBuf> {
    find(&format!("airbender-golden/{relative}"))
}

/// The bytes of a golden file; `None` (after the banner) when the suite is missing.
pub fn read_airbender_golden(relative: &str) -> Option<Vec<u8>> {
    let path = airbender_golden(relative)?;
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())))
}

std::thread_local! {
    /// Whether this test (libtest runs each on a thread of its own) has shown its banner.
    static BANNER_SHOWN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn missing(path: &Path) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let message = format!(
        "{test} did not run: {} is missing (set {SHARED_VAR} to the folder holding ethtests/ and airbender-golden/)",
        path.display()
    );
    if std::env::var_os(REQUIRE_VAR).is_some() {
        panic!("{REQUIRE_VAR} is set and {message}");
    }
    if BANNER_SHOWN.replace(true) {
        return;
    }
    let rule = "!".repeat(100);
    // Straight to the terminal: libtest captures only the print macros.
    let _ = writeln!(
        std::io::stderr(),
        "\n{rule}\n!!! NOT RUN: {message}\n{rule}"
    );
}
