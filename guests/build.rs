//! Builds the RISC-V workspace `guests/riscv` with a nested `cargo build --release` into
//! `<outer target dir>/riscv-guests`, then generates the table of ELF images that
//! `src/lib.rs` includes. Every binary of that workspace becomes a program.

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Sources the guests are built from, relative to the repository root.
const WATCHED: &[&str] = &[
    "runtime",
    "crypto",
    "guest-os",
    "system",
    "ee-evm",
    "linker",
    "delegation",
    "guests/workloads",
];

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let repo_root = manifest_dir
        .parent()
        .expect("guests/ has a parent")
        .to_path_buf();
    let riscv_workspace = manifest_dir.join("riscv");
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());

    emit_rerun_lines(&repo_root, &riscv_workspace);
    ensure_guest_target();
    let programs = build_guests(&riscv_workspace, &guest_target_dir(&out_dir));
    fs::write(out_dir.join("programs.rs"), program_table(&programs)).expect("write programs.rs");
}

/// `OUT_DIR` is `<target dir>/<profile>/build/<package>-<hash>/out` (with a target
/// triple folder under `<target dir>` when one is given).
fn guest_target_dir(out_dir: &Path) -> PathBuf {
    let outer = out_dir
        .ancestors()
        .nth(4)
        .expect("OUT_DIR has the usual depth");
    outer.join("riscv-guests")
}

fn emit_rerun_lines(repo_root: &Path, riscv_workspace: &Path) {
    for path in WATCHED {
        let path = repo_root.join(path);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    // The RISC-V workspace, except a target folder from a build by hand.
    println!("cargo:rerun-if-changed={}", riscv_workspace.display());
    for entry in fs::read_dir(riscv_workspace)
        .expect("read guests/riscv")
        .flatten()
    {
        if entry.file_name() != "target" {
            println!("cargo:rerun-if-changed={}", entry.path().display());
        }
    }
}

/// The guests' target triple (`riscv/.cargo/config.toml` names it too).
const GUEST_TARGET: &str = "riscv32im-unknown-none-elf";

/// rustup installs a `rust-toolchain.toml` target only when it installs the toolchain, so a
/// toolchain that was already there may lack it. Add it when rustup is at hand; otherwise
/// stop with one line naming the command, since the nested build would fail deep in `core`.
fn ensure_guest_target() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let Some(sysroot) = rustc_sysroot(&rustc) else {
        fail(&format!(
            "cannot ask `{rustc} --print sysroot` where the Rust standard libraries are"
        ));
    };
    let target_libs = sysroot.join("lib/rustlib").join(GUEST_TARGET).join("lib");
    if target_libs.is_dir() {
        return;
    }
    let toolchain = env::var("RUSTUP_TOOLCHAIN").ok().or_else(|| {
        sysroot
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
    });
    let add = match &toolchain {
        Some(t) => format!("rustup target add --toolchain {t} {GUEST_TARGET}"),
        None => format!("rustup target add {GUEST_TARGET}"),
    };
    println!(
        "cargo:warning=the toolchain at {} lacks the {GUEST_TARGET} target the guests need: running `{add}`",
        sysroot.display()
    );
    let mut command = Command::new("rustup");
    command.args(["target", "add"]);
    if let Some(t) = &toolchain {
        command.args(["--toolchain", t]);
    }
    command.arg(GUEST_TARGET);
    // The build's own stdout is cargo's; rustup's progress goes to the build log.
    match command.output() {
        Ok(out) if out.status.success() && target_libs.is_dir() => {}
        Ok(out) => fail(&format!(
            "`{add}` failed ({}): {}; run it by hand, then build again",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(_) => fail(&format!(
            "the Rust toolchain at {} lacks the {GUEST_TARGET} target and rustup is not on PATH: install the target (with rustup: `{add}`), then build again",
            sysroot.display()
        )),
    }
}

fn rustc_sysroot(rustc: &str) -> Option<PathBuf> {
    let out = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// Ends the build script with one line for an expected situation (a panic would print a
/// backtrace under `RUST_BACKTRACE`).
fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}

/// Runs the nested build and returns each binary's name and ELF path.
fn build_guests(riscv_workspace: &Path, target_dir: &Path) -> BTreeMap<String, PathBuf> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(riscv_workspace)
        .args([
            "build",
            "--release",
            "--message-format=json-render-diagnostics",
        ])
        .arg("--target-dir")
        .arg(target_dir);
    clear_inherited_env(&mut command);
    let output = command.output().unwrap_or_else(|e| {
        fail(&format!(
            "cannot run cargo for the RISC-V guests in {}: {e}",
            riscv_workspace.display()
        ))
    });
    // Diagnostics are rendered on stderr (`json-render-diagnostics`); stdout is JSON.
    let diagnostics = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        fail(&format!(
            "building the RISC-V guests in {} failed ({}):\n{diagnostics}",
            riscv_workspace.display(),
            output.status,
        ));
    }
    for line in diagnostics.lines().filter(|l| l.starts_with("warning")) {
        println!("cargo:warning=RISC-V guests: {line}");
    }
    let programs = executables(&output.stdout);
    assert!(
        !programs.is_empty(),
        "the RISC-V build in {} produced no binary",
        riscv_workspace.display()
    );
    programs
}

/// Variables the outer cargo sets for this build script (or the user set for the host
/// build) that would change or break the nested RISC-V build.
fn clear_inherited_env(command: &mut Command) {
    for (key, _) in env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        let cargo_setting = key.starts_with("CARGO_") && key != "CARGO_HOME";
        let rustc_setting = matches!(
            key,
            "RUSTFLAGS"
                | "RUSTDOCFLAGS"
                | "RUSTC_WRAPPER"
                | "RUSTC_WORKSPACE_WRAPPER"
                | "RUSTC_LINKER"
        );
        let jobserver = matches!(key, "MAKEFLAGS" | "MFLAGS");
        let build_script = matches!(
            key,
            "TARGET" | "HOST" | "OUT_DIR" | "OPT_LEVEL" | "PROFILE" | "DEBUG" | "NUM_JOBS"
        );
        if cargo_setting || rustc_setting || jobserver || build_script || key.starts_with("__CARGO")
        {
            command.env_remove(key);
        }
    }
}

fn json_messages(stdout: &[u8]) -> impl Iterator<Item = serde_json::Value> + '_ {
    stdout
        .split(|&b| b == b'\n')
        .filter_map(|line| serde_json::from_slice(line).ok())
}

fn executables(stdout: &[u8]) -> BTreeMap<String, PathBuf> {
    json_messages(stdout)
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter_map(|m| {
            let path = m["executable"].as_str()?;
            let name = m["target"]["name"].as_str()?;
            Some((name.to_owned(), PathBuf::from(path)))
        })
        .collect()
}

fn program_table(programs: &BTreeMap<String, PathBuf>) -> String {
    let mut code = String::new();
    for (name, path) in programs {
        assert!(
            path.to_str().is_some(),
            "ELF path {} is not UTF-8",
            path.display()
        );
        let _ = writeln!(
            code,
            "/// ELF image of the guest program `{name}`.\npub const {}: &[u8] = include_bytes!({:?});",
            const_name(name),
            path.to_str().unwrap()
        );
    }
    code.push_str("/// Every guest program: (name, ELF image), sorted by name.\n");
    code.push_str("pub const PROGRAMS: &[(&str, &[u8])] = &[\n");
    for name in programs.keys() {
        let _ = writeln!(code, "    ({name:?}, {}),", const_name(name));
    }
    code.push_str("];\n");
    code
}

fn const_name(program: &str) -> String {
    program.to_uppercase().replace('-', "_")
}
