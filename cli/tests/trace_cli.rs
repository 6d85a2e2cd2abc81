//! `zkos trace`: the memory-argument checker passes on the traces of every guest test
//! program and of the guest OS on a block (checked chunk by chunk as they are made, so
//! nothing is kept), and the command line takes a program or a block, never both.
mod common;

use common::{repo, scratch_dir, zkos};
use std::path::{Path, PathBuf};
use std::process::Output;
use zkos_emulator::{Program, StreamOracle, MAX_PROVABLE_CYCLES};
use zkos_traces::{trace, Checker, TraceOptions, TraceSummary, CHUNK_ROWS};

/// Traces with the checker as the only sink and returns the summary once it passed.
fn trace_and_check(name: &str, program: &Program, input: Vec<u32>) -> TraceSummary {
    let mut checker = Checker::new(program.image());
    let summary = trace(
        program,
        StreamOracle::new(input),
        &mut checker,
        &TraceOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{name}: not traced: {e}"));
    let report = checker
        .finish()
        .unwrap_or_else(|e| panic!("{name}: the trace fails its check: {e}"));
    assert_eq!(report.chunks, summary.chunks, "{name}");
    assert_eq!(
        summary.chunks as u64,
        summary.cycles.raw.div_ceil(CHUNK_ROWS as u64),
        "{name}: chunks for {} cycles",
        summary.cycles.raw
    );
    let calls: u64 = summary.delegation_calls.iter().map(|(_, n)| n).sum();
    assert_eq!(report.delegation_calls, calls, "{name}");
    summary
}

/// Small inputs (see guests/README.md); programs not listed read an empty stream.
fn input_of(program: &str) -> Vec<u32> {
    match program {
        "arith" => vec![7, 40],
        "bench" => vec![1],
        "delegation-loop" => vec![300],
        "echo" => vec![3, 10, 20, 30],
        "hashing" => vec![6, 0x6463_6261, 0x6665],
        "sorting" => vec![3, 200],
        _ => vec![],
    }
}

#[test]
fn every_test_program_trace_passes_the_checker() {
    // `abort` faults by design (refusals are tested in zkos-traces); the guest OS builds
    // (`os`, `os_costs`) talk to an oracle server: the block test below traces `os`.
    let skipped = ["abort", "os", "os_costs"];
    let mut traced = 0;
    for &(name, elf) in zkos_guests::PROGRAMS {
        if skipped.contains(&name) {
            continue;
        }
        let program = Program::from_elf(elf).unwrap();
        let plain = zkos_emulator::run(&program, StreamOracle::new(input_of(name)), 1 << 30)
            .unwrap_or_else(|e| panic!("{name} faulted untraced: {e}"));
        let summary = trace_and_check(name, &program, input_of(name));
        assert_eq!(summary.output, plain.output, "{name}");
        assert_eq!(summary.cycles, plain.cycles, "{name}");
        traced += 1;
    }
    assert!(traced >= 8, "only {traced} programs traced");
}

#[test]
fn guest_os_block_trace_passes_the_checker() {
    // The 32 ERC-20 transfers: a block long enough (over 12 M cycles) to span chunks.
    let pre = zkos_runner::parse_state(Path::new(&repo("examples/erc20/state.json"))).unwrap();
    let block = zkos_runner::parse_block(Path::new(&repo("examples/erc20/block.json"))).unwrap();
    let world = zkos_runner::World::of_block_file(pre, block).unwrap();
    let run = zkos_runner::riscv::run_riscv(&world, MAX_PROVABLE_CYCLES).unwrap();
    let os = zkos_runner::riscv::os_program();
    let summary = trace_and_check("guest OS", os, run.run.stream.clone());
    assert_eq!(summary.output, run.run.output);
    assert_eq!(summary.cycles, run.cycles);
    assert_eq!(summary.oracle_words_read, run.run.stream.len() as u64);
    assert!(summary.chunks > 1, "a block spans several chunks");
}

fn assert_usage_error(args: &[&str], says: &str) {
    let out = zkos(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(says), "{args:?}: {stderr}");
}

#[test]
fn a_program_and_a_block_exclude_each_other() {
    let dir = scratch_dir("usage");
    let out = dir.to_str().unwrap();
    let (state, block) = (repo("examples/state.json"), repo("examples/block.json"));
    let both = [
        "trace",
        "guest:echo",
        "--state",
        &state,
        "--block",
        &block,
        "--out",
        out,
    ];
    assert_usage_error(&both, "cannot be used with");
    let input = repo("examples/bench-input.hex");
    let block_with_input = [
        "trace", "--state", &state, "--block", &block, "--input", &input, "--out", out,
    ];
    assert_usage_error(&block_with_input, "cannot be used with");
    assert_usage_error(&["trace", "--state", &state, "--out", out], "--block");
    assert_usage_error(&["trace", "--out", out], "required");
    assert!(!dir.exists());
}

#[test]
fn a_block_over_the_cycle_limit_is_refused_and_leaves_nothing() {
    let dir = scratch_dir("limit");
    let (state, block) = (repo("examples/state.json"), repo("examples/block.json"));
    let out = zkos(&[
        "trace",
        "--state",
        &state,
        "--block",
        &block,
        "--out",
        dir.to_str().unwrap(),
        "--max-cycles",
        "100000",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("not traced"), "{stderr}");
    assert!(stderr.contains("100000"), "{stderr}");
    assert_nothing_left(&dir);
}

/// Neither `dir` nor a partial directory next to it exists.
fn assert_nothing_left(dir: &Path) {
    assert!(!dir.exists());
    let parent = dir.parent().unwrap();
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let leftovers = std::fs::read_dir(parent)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&name))
        .count();
    assert_eq!(leftovers, 0, "a partial directory was left behind");
}

/// `zkos trace guest:delegation-loop` for 4000 iterations: its BLAKE2s circuit's indirect
/// writes (1.3 MB) overflow the 1 MiB spill buffer.
fn trace_delegation_loop(name: &str, more: &[&str]) -> (PathBuf, Output) {
    let dir = scratch_dir(name);
    let input = dir.with_extension("hex");
    std::fs::write(&input, "00000fa0\n").unwrap();
    let mut args = vec![
        "trace",
        "guest:delegation-loop",
        "--input",
        input.to_str().unwrap(),
        "--out",
        dir.to_str().unwrap(),
    ];
    args.extend(more);
    let out = zkos(&args);
    std::fs::remove_file(&input).unwrap();
    (dir, out)
}

#[test]
fn a_missing_spill_dir_is_refused_naming_it_and_leaves_nothing() {
    let spill = scratch_dir("no-such-spill-dir");
    let (dir, out) =
        trace_delegation_loop("spill-missing", &["--spill-dir", spill.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a directory"), "{stderr}");
    assert!(stderr.contains(spill.to_str().unwrap()), "{stderr}");
    assert_nothing_left(&dir);
}

#[test]
fn spilled_circuits_are_written_and_their_files_left_nowhere() {
    let (dir, out) = trace_delegation_loop("spill-default", &["--verify"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("12000 delegation calls"), "{stdout}");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "delegation_circuit_1991_0_oracle_witness.bin",
            "delegation_circuit_1994_0_oracle_witness.bin",
            "final_state.json",
            "riscv_shuffle_ram_inits_chunk_0.bin",
            "riscv_witness_chunk_0.bin",
        ]
    );
    let blake2s = std::fs::metadata(dir.join(&files[0])).unwrap().len();
    assert_eq!(blake2s, 454 + 4000 * (6 + 4 * 14 + 16 * 10 + 24 * 14));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_out_the_trace_is_verified_in_memory_and_nothing_is_written() {
    let dir = scratch_dir("in-memory");
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("input.hex");
    std::fs::write(&input, "00000fa0\n").unwrap();
    let out = zkos(&[
        "trace",
        "guest:delegation-loop",
        "--input",
        input.to_str().unwrap(),
        "--verify",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("traced into memory"), "{stdout}");
    assert!(stdout.contains("files written:     none"), "{stdout}");
    assert!(stdout.contains("12000 delegation calls"), "{stdout}");
    assert!(stdout.contains("peak memory:"), "{stdout}");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(left.len(), 1, "only the input remains");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn stdout_of(args: &[&str]) -> String {
    let out = zkos(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `sha256  name` lines of `--sha256`.
fn sums(stdout: &str) -> Vec<&str> {
    let is_sum = |line: &&str| line.len() > 66 && line.as_bytes()[64..66] == *b"  ";
    stdout.lines().filter(is_sum).collect()
}

/// `--sha256` gives the sums of Airbender's own files for the golden probe, without
/// writing them.
#[test]
fn probe_sums_are_airbenders() {
    let Some(dir) = zkos_testdata::airbender_golden("") else {
        return;
    };
    let golden = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let stdout = stdout_of(&[
        "trace",
        &golden("probe.bin"),
        "--input",
        &golden("probe.hex"),
        "--sha256",
    ]);
    let full_files: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(golden("golden/full_files.json")).unwrap())
            .unwrap();
    let lines = sums(&stdout);
    for name in [
        "riscv_witness_chunk_0.bin",
        "riscv_shuffle_ram_inits_chunk_0.bin",
    ] {
        let sum = full_files[name]["sha256"].as_str().unwrap();
        assert!(
            lines.contains(&format!("{sum}  {name}").as_str()),
            "{name}: {stdout}"
        );
    }
    assert_eq!(lines.len(), 5, "{stdout}");
}

/// The guest OS on the example block, traced serially and by two and by three replayers:
/// the same files, compared by their sums.
#[test]
fn block_traces_are_the_same_serially_and_in_parallel() {
    let (state, block) = (repo("examples/state.json"), repo("examples/block.json"));
    let trace = |how: &[&str]| {
        let mut args = vec!["trace", "--state", &state, "--block", &block, "--sha256"];
        args.extend(how);
        stdout_of(&args)
    };
    let serial = trace(&["--serial"]);
    let serial_sums = sums(&serial);
    assert!(serial_sums.len() > 4, "{serial}");
    for replayers in ["2", "3"] {
        let parallel = trace(&["--replayers", replayers]);
        assert_eq!(sums(&parallel), serial_sums, "{replayers} replayers");
    }
}
