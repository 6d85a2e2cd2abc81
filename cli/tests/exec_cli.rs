//! `zkos exec` end to end: output and exit codes, and every kind of bad input with its
//! message (exit code 2) and guest faults (exit code 1).
mod common;

use common::{zkos, zkos_with_env};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A file of Airbender's golden probe; `None` (after a banner) without the suite.
fn golden(name: &str) -> Option<String> {
    zkos_testdata::airbender_golden(name).map(|p| p.to_string_lossy().into_owned())
}

/// A program every checkout has: one of the repository's guests.
const GUEST: &str = "guest:echo";

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zkos-exec-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_bad_input(output: &Output, message: &str) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains(message),
        "expected {message:?} in: {stderr}"
    );
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn probe_runs_with_airbenders_output_and_cycles() {
    let (Some(bin), Some(hex)) = (golden("probe.bin"), golden("probe.hex")) else {
        return;
    };
    let out = zkos(&["exec", &bin, "--input", &hex, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let output: Vec<&str> = json["output"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(
        output,
        [
            "8dbff4e8", "4c500722", "b76ee2b4", "50edd22d", "a1d4a318", "a6f902bc", "7bd6399c",
            "9bb25f4a"
        ]
    );
    assert_eq!(json["cycles"]["raw"], 7968);
    assert_eq!(json["cycles"]["blake2s_rounds"], 30);
    assert_eq!(json["cycles"]["u256_ops"], 8);
    assert_eq!(json["cycles"]["effective"], 7968 + 16 * 30 + 4 * 8);
    assert_eq!(json["final_pc"], "0x0000002c");
    assert!(json["mips"].as_f64().unwrap() > 0.0);
}

#[test]
fn text_report_names_every_figure() {
    let (Some(elf), Some(hex)) = (golden("probe.elf"), golden("probe.hex")) else {
        return;
    };
    let out = zkos(&["exec", &elf, "--input", &hex]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    for needle in [
        "8dbff4e8 4c500722",
        "raw 7968",
        "blake2s rounds 30",
        "u256 ops 8",
        "effective 8480",
        "0x0000002c",
        "MIPS",
    ] {
        assert!(
            stdout.contains(needle),
            "{needle:?} missing from:\n{stdout}"
        );
    }
}

#[test]
fn guest_programs_of_the_repository_run_by_name() {
    let input = temp_file("echo.hex", b"00000002 00000007 00000009");
    let out = zkos(&["exec", "guest:echo", "--input", path(&input), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let unknown = zkos(&["exec", "guest:nonesuch"]);
    assert_bad_input(&unknown, "no guest program \"nonesuch\"; the guests are: ");
}

/// A program file is mapped; one that cannot be (a pipe) is read, and runs the same.
#[test]
fn a_program_from_a_pipe_runs_as_from_a_file() {
    use std::io::Write;
    // `li a0, 0x2a; j .`: x10 = 42 at the end loop.
    let words: [u32; 2] = [0x02a0_0513, 0x0000_006f];
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let file = temp_file("answer.bin", &bytes);
    let from_file = zkos(&["exec", path(&file), "--json"]);
    assert_eq!(
        from_file.status.code(),
        Some(0),
        "{}",
        text(&from_file.stderr)
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_zkos"))
        .args(["exec", "/dev/stdin", "--json"])
        .env("ZKOS_CODE_CACHE", "off")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("zkos runs");
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let from_pipe = child.wait_with_output().unwrap();
    assert_eq!(
        from_pipe.status.code(),
        Some(0),
        "{}",
        text(&from_pipe.stderr)
    );
    let json = |out: &Output| serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
    let (file, pipe) = (json(&from_file), json(&from_pipe));
    assert_eq!(file["output"][0], "0000002a");
    assert_eq!(file["output"], pipe["output"]);
    assert_eq!(file["cycles"], pipe["cycles"]);
}

#[test]
fn unreadable_program_is_bad_input() {
    let out = zkos(&["exec", "/nonexistent/program.elf"]);
    assert_bad_input(&out, "cannot read program /nonexistent/program.elf");
}

#[test]
fn flat_binary_of_odd_length_is_bad_input() {
    let program = temp_file("odd.bin", &[0x6f, 0, 0, 0, 0x13]);
    assert_bad_input(
        &zkos(&["exec", path(&program)]),
        "flat binary of 5 bytes: the length must be a multiple of 4",
    );
}

#[test]
fn flat_binary_over_two_mib_is_bad_input() {
    let program = temp_file("big.bin", &vec![0x13; (2 << 20) + 4]);
    assert_bad_input(
        &zkos(&["exec", path(&program)]),
        "does not fit the 2 MiB ROM",
    );
}

#[test]
fn empty_program_is_bad_input() {
    let program = temp_file("empty.bin", &[]);
    assert_bad_input(&zkos(&["exec", path(&program)]), "the program is empty");
}

#[test]
fn truncated_elf_is_bad_input() {
    let elf = zkos_guests::ECHO.to_vec();
    let program = temp_file("truncated.elf", &elf[..40]);
    assert_bad_input(&zkos(&["exec", path(&program)]), "malformed ELF");
}

#[test]
fn elf_for_another_machine_is_bad_input() {
    let mut elf = zkos_guests::ECHO.to_vec();
    elf[18] = 62; // e_machine = x86-64
    let program = temp_file("x86.elf", &elf);
    assert_bad_input(
        &zkos(&["exec", path(&program)]),
        "ELF machine is 62, not RISC-V (243)",
    );
}

#[test]
fn unreadable_input_is_bad_input() {
    let out = zkos(&["exec", GUEST, "--input", "/nonexistent/input.hex"]);
    assert_bad_input(&out, "cannot read oracle input /nonexistent/input.hex");
}

#[test]
fn bad_hex_digit_is_bad_input() {
    let input = temp_file("bad.hex", b"0000000400zz");
    let out = zkos(&["exec", GUEST, "--input", path(&input)]);
    assert_bad_input(&out, "bad hex digit 'z' at byte 10");
}

#[test]
fn partial_hex_word_is_bad_input() {
    let input = temp_file("partial.hex", b"000000041234");
    let out = zkos(&["exec", GUEST, "--input", path(&input)]);
    assert_bad_input(&out, "12 hex digits do not make whole 8-digit words");
}

#[test]
fn unknown_flag_is_bad_input() {
    let out = zkos(&["exec", GUEST, "--fast"]);
    assert_bad_input(&out, "unexpected argument '--fast'");
}

#[test]
fn bad_cycle_limit_value_is_bad_input() {
    let out = zkos(&["exec", GUEST, "--max-cycles", "lots"]);
    assert_bad_input(&out, "invalid value 'lots' for '--max-cycles <MAX_CYCLES>'");
}

#[test]
fn cycle_limit_is_a_guest_failure_with_the_fault() {
    let out = zkos(&["exec", GUEST, "--max-cycles", "100"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("guest fault: cycle limit of 100 reached at pc 0x"),
        "{stderr}"
    );
    assert!(stderr.contains("after 100 cycles"), "{stderr}");
}

#[test]
fn guest_abort_is_a_guest_failure_with_json_fault() {
    // `csrrw x0, cycle, x0` at pc 0.
    let program = temp_file("abort.bin", &0xc000_1073u32.to_le_bytes());
    let out = zkos(&["exec", path(&program), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["fault"]["kind"], "guest abort (csrrw x0, cycle, x0)");
    assert_eq!(json["fault"]["pc"], "0x00000000");
    assert_eq!(json["fault"]["instruction"], "csrrw zero, 0xc00, zero");
    assert!(text(&out.stderr).contains("guest fault: guest abort"));
}

#[test]
fn misaligned_store_names_pc_instruction_and_address() {
    // addi a0, zero, 1 ; lui a1, 0x200 ; sw a0, 2(a1)
    let words: [u32; 3] = [0x0010_0513, 0x0020_05b7, 0x00a5_a123];
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let program = temp_file("misaligned.bin", &bytes);
    let out = zkos(&["exec", path(&program)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "misaligned store at pc 0x00000008: 0x00a5a123 `sw a0, 2(a1)`, address 0x00200002"
        ),
        "{stderr}"
    );
}

/// A reader that goes away (`zkos ... | head`) ends zkos by SIGPIPE, as Unix tools end,
/// not by a panic on the failed write.
#[test]
fn a_closed_stdout_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zkos"))
        .current_dir(common::repo_root())
        .args(["exec", "guest:bench", "--input", "examples/bench-input.hex"])
        .env("ZKOS_CODE_CACHE", "off")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("zkos runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.signal(),
        Some(libc::SIGPIPE),
        "{:?}: {}",
        output.status,
        text(&output.stderr)
    );
    assert!(!text(&output.stderr).contains("panicked"));
}

/// `--code-cache DIR`: the first run leaves its compiled code, the second takes it and
/// prints the same result; an unusable DIR is bad input.
#[cfg(all(target_arch = "x86_64", unix))]
#[test]
fn code_cache_is_left_and_taken() {
    let dir = std::env::temp_dir().join(format!("zkos-exec-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let run = || {
        zkos(&[
            "exec",
            "guest:bench",
            "--input",
            "examples/bench-input.hex",
            "--json",
            "--code-cache",
            path(&dir),
        ])
    };
    let first = run();
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(
        text(&first.stderr).contains("cache     0 blocks taken"),
        "{}",
        text(&first.stderr)
    );
    assert!(text(&first.stderr).contains("compiled code saved to"));
    let second = run();
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    let taken = common::blocks_taken(&second).expect("the cache line");
    assert!(taken > 0, "{}", text(&second.stderr));
    let json = |out: &Output| serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
    let (first, second) = (json(&first), json(&second));
    for field in ["output", "cycles", "final_pc"] {
        assert_eq!(first[field], second[field], "{field}");
    }
    let _ = std::fs::remove_dir_all(&dir);

    let not_a_folder = temp_file("cache-is-a-file", b"x");
    let out = zkos(&[
        "exec",
        "guest:bench",
        "--input",
        "examples/bench-input.hex",
        "--code-cache",
        path(&not_a_folder),
    ]);
    assert_bad_input(&out, "--code-cache");
}

/// Without `--code-cache`, runs share the folder ZKOS_CODE_CACHE names, else one under
/// XDG_CACHE_HOME; `--no-code-cache` and ZKOS_CODE_CACHE=off keep runs apart.
#[cfg(all(target_arch = "x86_64", unix))]
#[test]
fn runs_share_a_default_code_cache() {
    let scratch = common::scratch_dir("default-code-cache");
    let named = scratch.join("named");
    let exec = ["exec", "guest:bench", "--input", "examples/bench-input.hex"];
    let with_named = [("ZKOS_CODE_CACHE", path(&named))];
    let first = zkos_with_env(&exec, &with_named);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert_eq!(common::blocks_taken(&first), Some(0));
    let second = zkos_with_env(&exec, &with_named);
    assert!(
        common::blocks_taken(&second).unwrap() > 0,
        "{}",
        text(&second.stderr)
    );
    assert_eq!(first.stdout.len(), second.stdout.len());

    let mut no_cache = exec.to_vec();
    no_cache.push("--no-code-cache");
    let apart = zkos_with_env(&no_cache, &with_named);
    assert_eq!(apart.status.code(), Some(0));
    assert_eq!(
        common::blocks_taken(&apart),
        None,
        "{}",
        text(&apart.stderr)
    );
    let off = zkos_with_env(&exec, &[("ZKOS_CODE_CACHE", "off")]);
    assert_eq!(common::blocks_taken(&off), None, "{}", text(&off.stderr));

    // ZKOS_CODE_CACHE unset: the folder is under XDG_CACHE_HOME.
    let home = scratch.join("xdg");
    let xdg = Command::new(env!("CARGO_BIN_EXE_zkos"))
        .current_dir(common::repo_root())
        .args(exec)
        .env_remove("ZKOS_CODE_CACHE")
        .env("XDG_CACHE_HOME", &home)
        .output()
        .expect("zkos runs");
    assert_eq!(xdg.status.code(), Some(0), "{}", text(&xdg.stderr));
    let folder = home.join("zkos").join("code");
    let files = std::fs::read_dir(&folder).map_or(0, |dir| dir.count());
    assert_eq!(files, 1, "one file in {}", folder.display());
    let _ = std::fs::remove_dir_all(&scratch);
}
