//! Differential test against QEMU user mode: random RV32IM sequences (ALU, M, loads and
//! stores into a scratch area, forward branches) run in our emulator and in `qemu-riscv32`;
//! all 32 registers and the scratch memory must agree.
//!
//! Each batch is one program holding many cases back to back. A case sets a base register to
//! its own scratch area (which the sequence never overwrites), fills the scratch area and all
//! other registers with random values, runs its body, and stores the 32 registers next to its
//! scratch area. The emulator runs the batch as a flat program ending in the self-loop; QEMU
//! runs it as a hand-written static ELF that ends by writing the data area to stdout.
//!
//! Environment: `ZKOS_QEMU_CASES` (default 30,000), `ZKOS_QEMU_SEED` (default fixed),
//! `ZKOS_REQUIRE_QEMU=1` fails the test when QEMU is missing (CI sets it),
//! `QEMU_RISCV32` overrides the QEMU binary.
mod common;

use common::asm::*;
use common::elf::{ElfFile, Segment, RWX};
use proptest::prelude::{Rng, RngExt};
use proptest::test_runner::{RngAlgorithm, TestRng};
use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use zkos_emulator::{disasm::register_name, Disassembly, Machine, StreamOracle};

/// Where the cases' data lives, in both worlds: the start of RAM.
const DATA: u32 = zkos_linker::RAM_START;
/// Bytes per case: scratch words at 0..64, the register dump at 64..192.
const SLOT: u32 = 256;
const SCRATCH_WORDS: usize = 16;
/// The base register points to the middle of the scratch area, so offsets are -32..32.
const BASE_OFFSET: i32 = 32;
const DUMP_OFFSET: i32 = 32;
const CASES_PER_BATCH: usize = 400;
const MAX_BODY: usize = 24;
/// Where QEMU loads the code (the data area is part of the same segment).
const CODE_VADDR: u32 = 0x1_0000;
const DEFAULT_SEED: u64 = 0x5eed_2a1b;
const DEFAULT_CASES: usize = 30_000;

#[derive(Clone)]
struct Case {
    base: u8,
    scratch: [u32; SCRATCH_WORDS],
    registers: [u32; 32],
    body: Vec<u32>,
}

/// The state a case leaves behind: the 32 registers and the scratch words.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    registers: [u32; 32],
    scratch: [u32; SCRATCH_WORDS],
}

fn interesting(rng: &mut TestRng) -> u32 {
    match rng.random_range(0..10) {
        0 => 0,
        1 => 1,
        2 => u32::MAX,
        3 => 0x8000_0000,
        4 => 0x7fff_ffff,
        5 => rng.random_range(-16i32..16) as u32,
        6 => 1 << rng.random_range(0..32),
        _ => rng.next_u32(),
    }
}

fn imm12(rng: &mut TestRng) -> i32 {
    match rng.random_range(0..8) {
        0 => -1,
        1 => 0,
        2 => 2047,
        3 => -2048,
        _ => rng.random_range(-2048..2048),
    }
}

/// A destination register other than the base (x0 allowed: writes there are discarded).
fn destination(rng: &mut TestRng, base: u8) -> u8 {
    loop {
        let r = rng.random_range(0..32u8);
        if r != base {
            return r;
        }
    }
}

fn source(rng: &mut TestRng) -> u8 {
    rng.random_range(0..32u8)
}

fn pick<T: Copy>(rng: &mut TestRng, table: &[(&str, T)]) -> T {
    table[rng.random_range(0..table.len())].1
}

/// An aligned offset from the base register inside the scratch area.
fn scratch_offset(rng: &mut TestRng, width: i32) -> i32 {
    rng.random_range(-BASE_OFFSET / width..BASE_OFFSET / width) * width
}

fn random_instruction(rng: &mut TestRng, base: u8, after: usize) -> u32 {
    let rd = destination(rng, base);
    match rng.random_range(0..100) {
        0..25 => pick(rng, RV32I_REG_OPS)(rd, source(rng), source(rng)),
        25..45 => pick(rng, M_OPS)(rd, source(rng), source(rng)),
        45..58 => pick(rng, ALU_IMM_OPS)(rd, source(rng), imm12(rng)),
        58..66 => pick(rng, SHIFT_IMM_OPS)(rd, source(rng), rng.random_range(0..32)),
        66..69 => lui(rd, rng.random_range(0..1 << 20)),
        69..81 => {
            let index = rng.random_range(0..LOAD_OPS.len());
            let width = [1, 2, 4, 1, 2][index];
            LOAD_OPS[index].1(rd, base, scratch_offset(rng, width))
        }
        81..93 => {
            let index = rng.random_range(0..STORE_OPS.len());
            let width = [1, 2, 4][index];
            STORE_OPS[index].1(source(rng), base, scratch_offset(rng, width))
        }
        93..99 => {
            let skip = rng.random_range(0..=after.min(3)) as i32;
            pick(rng, BRANCH_OPS)(source(rng), source(rng), 4 * (skip + 1))
        }
        _ => jal(0, 4 * (rng.random_range(0..=after.min(3)) as i32 + 1)),
    }
}

fn random_case(rng: &mut TestRng) -> Case {
    let base = rng.random_range(1..32u8);
    let mut registers: [u32; 32] = core::array::from_fn(|_| interesting(rng));
    registers[0] = 0;
    let scratch = core::array::from_fn(|_| interesting(rng));
    let len = rng.random_range(1..=MAX_BODY);
    let body = (0..len)
        .map(|i| random_instruction(rng, base, len - i - 1))
        .collect();
    Case {
        base,
        scratch,
        registers,
        body,
    }
}

fn base_address(index: usize) -> u32 {
    DATA + index as u32 * SLOT + BASE_OFFSET as u32
}

/// Prologue, body and register dump of case `index` of a batch.
fn case_code(case: &Case, index: usize) -> Vec<u32> {
    let base = case.base;
    let temp = if base == 5 { 6 } else { 5 };
    let mut code = li(base, base_address(index)).to_vec();
    for (i, &word) in case.scratch.iter().enumerate() {
        code.extend(li(temp, word));
        code.push(sw(temp, base, 4 * i as i32 - BASE_OFFSET));
    }
    for r in (1..32).filter(|&r| r != base) {
        code.extend(li(r, case.registers[r as usize]));
    }
    code.extend(&case.body);
    code.extend((0..32).map(|r| sw(r, base, DUMP_OFFSET + 4 * r as i32)));
    code
}

fn batch_code(cases: &[Case]) -> Vec<u32> {
    cases
        .iter()
        .enumerate()
        .flat_map(|(i, case)| case_code(case, i))
        .collect()
}

fn data_len(cases: usize) -> u32 {
    cases as u32 * SLOT
}

fn snapshots(data: &[u8], cases: usize) -> Vec<Snapshot> {
    let word = |offset: usize| u32::from_le_bytes(data[offset..offset + 4].try_into().unwrap());
    (0..cases)
        .map(|i| {
            let slot = i * SLOT as usize;
            let dump = slot + (BASE_OFFSET + DUMP_OFFSET) as usize;
            Snapshot {
                registers: core::array::from_fn(|r| word(dump + 4 * r)),
                scratch: core::array::from_fn(|w| word(slot + 4 * w)),
            }
        })
        .collect()
}

/// Runs a batch in the emulator, interpreted or through the compiled tier.
fn run_emulator(cases: &[Case], compiled: bool) -> Vec<Snapshot> {
    let mut code = batch_code(cases);
    code.push(END_LOOP);
    let mut machine = Machine::new(&common::program(&code)).expect("machine");
    if compiled {
        assert!(
            machine.enable_jit(),
            "the compiled tier is missing on this host"
        );
    }
    let budget = code.len() as u64 + 1;
    if let Err(e) = machine.run(StreamOracle::default(), budget) {
        panic!("the emulator faulted on a batch: {e}");
    }
    let data = machine
        .memory()
        .read_bytes(DATA, data_len(cases.len()) as usize);
    snapshots(&data, cases.len())
}

/// The batch as a static Linux executable: the cases, then `write(1, DATA, len)` and `exit(0)`.
fn linux_elf(cases: &[Case]) -> Vec<u8> {
    const ECALL: u32 = 0x0000_0073;
    let mut code = batch_code(cases);
    code.extend(li(10, 1));
    code.extend(li(11, DATA));
    code.extend(li(12, data_len(cases.len())));
    code.extend(li(17, 64)); // write
    code.push(ECALL);
    code.extend(li(10, 0));
    code.extend(li(17, 93)); // exit
    code.push(ECALL);
    let code = common::to_bytes(&code);
    let end = DATA + data_len(cases.len());
    assert!(
        CODE_VADDR as usize + code.len() <= DATA as usize,
        "code runs into the data area"
    );
    let segment = Segment {
        vaddr: CODE_VADDR as u64,
        data: code,
        mem_size: (end - CODE_VADDR) as u64,
        flags: RWX,
    };
    ElfFile::riscv32(CODE_VADDR as u64, vec![segment]).to_bytes()
}

fn qemu_binary() -> String {
    std::env::var("QEMU_RISCV32").unwrap_or_else(|_| "qemu-riscv32".to_string())
}

fn qemu_available() -> bool {
    Command::new(qemu_binary())
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run_qemu(cases: &[Case], tag: &str) -> Vec<Snapshot> {
    let path =
        std::env::temp_dir().join(format!("zkos-qemu-diff-{}-{tag}.elf", std::process::id()));
    std::fs::write(&path, linux_elf(cases)).expect("write the ELF");
    // QEMU's loader wants an executable file.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let output = Command::new(qemu_binary()).arg(&path).output();
    let _ = std::fs::remove_file(&path);
    let output = output.expect("run qemu-riscv32");
    let expected = data_len(cases.len()) as usize;
    assert!(
        output.status.success() && output.stdout.len() == expected,
        "qemu-riscv32 failed on batch {tag}: {}, {} of {expected} bytes, stderr: {}",
        output.status,
        output.stdout.len(),
        String::from_utf8_lossy(&output.stderr)
    );
    snapshots(&output.stdout, cases.len())
}

fn describe(case: &Case, ours: &Snapshot, qemu: &Snapshot) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "base register: {} (x{})",
        register_name(case.base),
        case.base
    );
    let _ = writeln!(text, "initial registers:");
    for r in 1..32 {
        let _ = write!(text, " x{r}=0x{:08x}", case.registers[r]);
    }
    let _ = writeln!(
        text,
        "\ninitial scratch (from base - 32): {:08x?}",
        case.scratch
    );
    let _ = writeln!(text, "body:");
    for (i, &word) in case.body.iter().enumerate() {
        let _ = writeln!(text, "  +{:3}: {word:08x}  {}", 4 * i, Disassembly(word));
    }
    for r in 0..32 {
        let (a, b) = (ours.registers[r], qemu.registers[r]);
        if a != b {
            let name = register_name(r as u8);
            let _ = writeln!(text, "x{r} ({name}): emulator 0x{a:08x}, qemu 0x{b:08x}");
        }
    }
    for w in 0..SCRATCH_WORDS {
        let (a, b) = (ours.scratch[w], qemu.scratch[w]);
        if a != b {
            let offset = 4 * w as i32 - BASE_OFFSET;
            let _ = writeln!(
                text,
                "scratch {offset}(base): emulator 0x{a:08x}, qemu 0x{b:08x}"
            );
        }
    }
    text
}

fn batch_rng(seed: u64, batch: usize) -> TestRng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(&(batch as u64).to_le_bytes());
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

fn random_batch(seed: u64, batch: usize, cases: usize) -> Vec<Case> {
    let mut rng = batch_rng(seed, batch);
    (0..cases).map(|_| random_case(&mut rng)).collect()
}

/// Runs a batch in both worlds, the emulator's two tiers each against QEMU; returns a
/// report of the first mismatching case.
fn compare_batch(cases: &[Case], tag: &str) -> Option<String> {
    let qemu = run_qemu(cases, tag);
    let tiers: &[(&str, bool)] = if cfg!(all(target_arch = "x86_64", unix)) {
        &[("interpreter", false), ("compiled tier", true)]
    } else {
        &[("interpreter", false)]
    };
    tiers.iter().find_map(|&(tier, compiled)| {
        let ours = run_emulator(cases, compiled);
        (0..cases.len()).find(|&i| ours[i] != qemu[i]).map(|i| {
            format!(
                "{tier}, case {i}:\n{}",
                describe(&cases[i], &ours[i], &qemu[i])
            )
        })
    })
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => {
            let text = text.trim();
            let parsed = match text.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => text.parse(),
            };
            parsed.unwrap_or_else(|_| panic!("{name}={text:?} is not a number"))
        }
        Err(_) => default,
    }
}

/// True when QEMU is there; otherwise says loudly that nothing ran (and fails when
/// `ZKOS_REQUIRE_QEMU` is set).
fn qemu_or_skip(test: &str) -> bool {
    if qemu_available() {
        return true;
    }
    let banner = "#".repeat(78);
    eprintln!(
        "\n{banner}\n# {test}: DID NOT RUN: `{}` not found.\n# Install the Debian package \
         `qemu-user` to run the differential test against QEMU.\n{banner}\n",
        qemu_binary()
    );
    assert!(
        std::env::var_os("ZKOS_REQUIRE_QEMU").is_none(),
        "ZKOS_REQUIRE_QEMU is set but qemu-riscv32 is missing"
    );
    false
}

#[test]
fn random_rv32im_sequences_match_qemu() {
    if !qemu_or_skip("random_rv32im_sequences_match_qemu") {
        return;
    }
    let seed = env_number("ZKOS_QEMU_SEED", DEFAULT_SEED);
    let total = env_number("ZKOS_QEMU_CASES", DEFAULT_CASES as u64) as usize;
    let batches = total.div_ceil(CASES_PER_BATCH);
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let batch = next.fetch_add(1, Ordering::Relaxed);
                if batch >= batches {
                    break;
                }
                let size = CASES_PER_BATCH.min(total - batch * CASES_PER_BATCH);
                let cases = random_batch(seed, batch, size);
                if let Some(report) = compare_batch(&cases, &batch.to_string()) {
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("batch {batch}, {report}"));
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {batches} batches differ from QEMU (seed 0x{seed:x}, rerun with \
         ZKOS_QEMU_SEED=0x{seed:x}):\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{total} random RV32IM cases agree with QEMU (seed 0x{seed:x})");
}

/// The comparison can fail: AUIPC sees a different pc in the two worlds.
#[test]
fn a_pc_dependent_sequence_is_caught() {
    if !qemu_or_skip("a_pc_dependent_sequence_is_caught") {
        return;
    }
    let mut cases = random_batch(1, 0, 3);
    cases[1].base = 1;
    cases[1].body = vec![auipc(7, 0)];
    let report = compare_batch(&cases, "auipc").expect("AUIPC results differ");
    assert!(report.starts_with("interpreter, case 1:"), "{report}");
    assert!(report.contains("auipc t2, 0x0"), "{report}");
    assert!(report.contains("x7 (t2): emulator 0x"), "{report}");
}

/// Every instruction kind the generator can emit turns up in a batch.
#[test]
fn generator_covers_every_kind() {
    let cases = random_batch(DEFAULT_SEED, 0, CASES_PER_BATCH);
    let mut seen = std::collections::BTreeSet::new();
    for word in cases.iter().flat_map(|c| &c.body) {
        let text = Disassembly(*word).to_string();
        seen.insert(text.split(' ').next().unwrap().to_string());
    }
    let tables = [RV32I_REG_OPS, M_OPS];
    let imm_tables = [ALU_IMM_OPS, SHIFT_IMM_OPS, LOAD_OPS];
    let names = tables
        .iter()
        .flat_map(|t| t.iter().map(|(n, _)| *n))
        .chain(imm_tables.iter().flat_map(|t| t.iter().map(|(n, _)| *n)))
        .chain(STORE_OPS.iter().chain(BRANCH_OPS).map(|(n, _)| *n))
        .chain(["lui", "jal"]);
    for name in names {
        assert!(seen.contains(name), "{name} never generated");
    }
}
