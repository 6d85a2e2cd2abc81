//! The Rust guest programs of `guests/riscv` (built from source by `zkos-guests`) run in
//! the emulator; each output must equal the same `zkos-workloads` function run natively
//! and, where a reference crate exists, the value computed with it (sha2, sha3, blake2,
//! ruint).
use zkos_emulator::{FaultKind, Machine, Program, RunError, RunOutcome, StreamOracle};
use zkos_workloads::{
    arith, bench, delegations, echo, hashing, reference, rng::XorShift64, sorting,
};

const MAX_CYCLES: u64 = 200_000_000;

fn program(name: &str) -> Program {
    let elf = zkos_guests::elf(name).unwrap_or_else(|| panic!("no guest program named {name}"));
    Program::from_elf(elf).unwrap_or_else(|e| panic!("guest program {name} does not load: {e}"))
}

/// Runs `name` on `input`; returns the result and the oracle (console text captured).
/// Where the compiled tier exists, it runs too and must end exactly as the interpreter.
fn run(name: &str, input: Vec<u32>) -> (Result<RunOutcome, RunError>, StreamOracle) {
    let run_tier = |compiled: bool| {
        let mut oracle = StreamOracle::new(input.clone());
        oracle.capture_console = true;
        let mut machine = Machine::new(&program(name)).expect("machine");
        if compiled {
            assert!(machine.enable_jit_after(0), "no compiled tier on this host");
        }
        let result = machine.run(&mut oracle, MAX_CYCLES);
        (result, oracle, machine.registers())
    };
    let (result, oracle, registers) = run_tier(false);
    if cfg!(all(target_arch = "x86_64", unix)) {
        let (compiled, compiled_oracle, compiled_registers) = run_tier(true);
        assert_eq!(compiled, result, "{name}: the compiled tier ends otherwise");
        assert_eq!(compiled_registers, registers, "{name}: registers");
        assert_eq!(compiled_oracle.words_read(), oracle.words_read(), "{name}");
        assert_eq!(compiled_oracle.written, oracle.written, "{name}");
        assert_eq!(compiled_oracle.console_text, oracle.console_text, "{name}");
    }
    (result, oracle)
}

/// Runs `name`, which must finish, read its whole input and write nothing but console text.
fn run_ok(name: &str, input: Vec<u32>) -> RunOutcome {
    let expected_reads = input.len();
    let (result, oracle) = run(name, input);
    let outcome = result.unwrap_or_else(|e| panic!("{name} faulted: {e}"));
    assert_eq!(
        oracle.words_read(),
        expected_reads,
        "{name} left input unread"
    );
    assert!(
        oracle.written.is_empty(),
        "{name} wrote words to the host: {:x?}",
        oracle.written
    );
    outcome
}

fn assert_no_delegations(name: &str, outcome: &RunOutcome) {
    assert_eq!(
        outcome.cycles.blake2s_rounds, 0,
        "{name} made BLAKE2s calls"
    );
    assert_eq!(outcome.cycles.u256_ops, 0, "{name} made U256 calls");
    assert_eq!(outcome.cycles.effective(), outcome.cycles.raw);
}

fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = XorShift64::new(seed);
    (0..len).map(|_| rng.next_u32() as u8).collect()
}

fn pack_le(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks(4)
        .map(|chunk| {
            let mut word = [0u8; 4];
            word[..chunk.len()].copy_from_slice(chunk);
            u32::from_le_bytes(word)
        })
        .collect()
}

/// The test programs of `guests/riscv/programs` (other members, like the guest OS, have
/// tests of their own).
const TEST_PROGRAMS: [&str; 9] = [
    "abort",
    "arith",
    "bench",
    "console",
    "delegation-loop",
    "delegations",
    "echo",
    "hashing",
    "sorting",
];

#[test]
fn every_program_is_built_and_loads_at_entry_zero() {
    let names: Vec<_> = zkos_guests::names().collect();
    for name in TEST_PROGRAMS {
        assert!(names.contains(&name), "{name} missing from {names:?}");
        let program = program(name);
        let size = program.image().len();
        assert!(
            size < 64 << 10,
            "{name} is {size} bytes: keep test programs small"
        );
        let first_word = &program.image()[..4];
        assert_eq!(
            first_word,
            &0x0400_0117u32.to_le_bytes(),
            "{name} starts with `auipc sp, 0x4000`"
        );
    }
    for (name, elf) in zkos_guests::PROGRAMS {
        Program::from_elf(elf).unwrap_or_else(|e| panic!("{name} does not load: {e}"));
    }
}

#[test]
fn hashing_gives_sha256_of_data_and_its_keccak256() {
    for len in [0, 5, 64, 135, 136, 1000] {
        let data = random_bytes(len as u64, len);
        let mut input = vec![len as u32];
        input.extend(pack_le(&data));
        let outcome = run_ok("hashing", input);
        assert_eq!(
            outcome.output,
            reference::hashing(&data),
            "length {len} against sha2/sha3"
        );
        assert_eq!(
            outcome.output,
            hashing::run(&data),
            "length {len} against the native run"
        );
        assert_no_delegations("hashing", &outcome);
    }
}

#[test]
fn sorting_matches_the_library_sort() {
    for (seed, len) in [(1, 0), (2, 1), (3, 2), (42, 3000)] {
        let outcome = run_ok("sorting", vec![seed, len]);
        assert_eq!(
            outcome.output,
            reference::sorting(seed, len as usize),
            "seed {seed} len {len}"
        );
        assert_eq!(outcome.output, sorting::run(seed, len as usize));
        assert_no_delegations("sorting", &outcome);
    }
}

#[test]
fn arithmetic_matches_the_native_run() {
    for (seed, iterations) in [(0, 0), (99, 2000)] {
        let outcome = run_ok("arith", vec![seed, iterations]);
        assert_eq!(
            outcome.output,
            arith::run(seed, iterations),
            "seed {seed} iterations {iterations}"
        );
        assert_no_delegations("arith", &outcome);
    }
}

#[test]
fn delegations_match_blake2_and_ruint_and_are_counted() {
    let outcome = run_ok("delegations", vec![]);
    assert_eq!(
        outcome.output,
        reference::delegations_output(),
        "against blake2 and ruint"
    );
    assert_eq!(
        outcome.output,
        delegations::run(),
        "against the native run on the host models"
    );
    let (rounds, ops) = reference::delegation_calls();
    assert_eq!(outcome.cycles.blake2s_rounds, rounds);
    assert_eq!(outcome.cycles.u256_ops, ops);
    assert_eq!(
        outcome.cycles.effective(),
        outcome.cycles.raw + 16 * rounds + 4 * ops
    );
}

#[test]
fn bench_matches_the_native_run_at_its_documented_cost() {
    let iterations = 3;
    let outcome = run_ok("bench", vec![iterations]);
    assert_eq!(outcome.output, bench::run(iterations));
    assert_no_delegations("bench", &outcome);
    // guests/README.md documents about 1.0 million cycles per iteration.
    let per_iteration = outcome.cycles.raw / iterations as u64;
    assert!(
        (800_000..1_300_000).contains(&per_iteration),
        "{per_iteration} cycles per iteration"
    );
}

#[test]
fn echo_digests_the_counted_words() {
    let mut rng = XorShift64::new(5);
    for count in [0, 1, 100] {
        let words: Vec<u32> = (0..count).map(|_| rng.next_u32()).collect();
        let mut input = vec![count];
        input.extend(&words);
        let outcome = run_ok("echo", input);
        assert_eq!(outcome.output, echo::run(&words), "{count} words");
    }
}

#[test]
fn echo_reads_zeros_past_the_end_of_the_stream() {
    let (result, oracle) = run("echo", vec![3, 7]);
    assert_eq!(result.unwrap().output, echo::run(&[7, 0, 0]));
    assert_eq!(
        oracle.words_read(),
        2,
        "an exhausted stream is not read past its end"
    );
}

#[test]
fn console_text_reaches_the_host() {
    let (result, oracle) = run("console", vec![]);
    let outcome = result.unwrap();
    assert_eq!(outcome.output, [23, 42, 0xC0DE, 0, 0, 0, 0, 0]);
    let text = String::from_utf8(oracle.console_text).unwrap();
    assert_eq!(
        text,
        "hello from a zkos guestthe answer is 42, in hex 0x2a\n"
    );
    assert!(
        oracle.written.is_empty(),
        "console words leaked as data: {:x?}",
        oracle.written
    );
}

#[test]
fn a_panic_prints_its_message_and_aborts() {
    let (result, oracle) = run("abort", vec![7]);
    let error = result.expect_err("a panicking guest must not finish");
    assert_eq!(error.fault.kind, FaultKind::GuestAbort);
    let text = String::from_utf8(oracle.console_text).unwrap();
    assert!(
        text.contains("guest asked to abort with code 7"),
        "console: {text:?}"
    );
    assert!(
        text.contains("main.rs"),
        "the panic location is printed: {text:?}"
    );

    let (result, _) = run("abort", vec![0]);
    assert_eq!(result.unwrap().output, [1; 8]);
}

/// The loader reads symbol names straight from the ELF's string table (goblin's full parse
/// indexes every string first, too slow for the guest OS's 100 k symbols). For every guest
/// program, its function symbols, and any symbol's address, are what goblin's full parse
/// finds.
#[test]
fn symbols_are_what_goblins_full_parse_finds() {
    use goblin::elf::sym::{STT_FUNC, STT_NOTYPE};
    for name in zkos_guests::names() {
        let bytes = zkos_guests::elf(name).expect("listed");
        let elf = goblin::elf::Elf::parse(bytes).expect("parses");
        let named = || {
            elf.syms
                .iter()
                .map(|s| (elf.strtab.get_at(s.st_name).expect("a name"), s))
        };
        let mut expected: Vec<(String, u32, u32)> = named()
            .filter(|(_, s)| matches!(s.st_type(), STT_FUNC | STT_NOTYPE))
            .filter(|(_, s)| s.st_value < zkos_linker::ROM_END as u64)
            .filter(|(n, s)| {
                s.st_type() == STT_FUNC || !(n.is_empty() || n.starts_with(['$', '.']))
            })
            .map(|(n, s)| (n.to_string(), s.st_value as u32, s.st_size as u32))
            .collect();
        expected.sort_by_key(|&(_, address, _)| address);
        let loaded: Vec<_> = program(name)
            .symbols()
            .iter()
            .map(|s| (s.name.clone(), s.address, s.size))
            .collect();
        assert!(!loaded.is_empty(), "{name}: no functions");
        assert_eq!(loaded, expected, "{name}");
        for (symbol, sym) in named().filter(|(n, _)| !n.is_empty()).step_by(97) {
            let first = named().find(|(n, _)| n == &symbol).expect("itself").1;
            assert_eq!(
                zkos_emulator::program::elf_symbol(bytes, symbol),
                Some(first.st_value as u32),
                "{name}: {symbol} (at {:#x})",
                sym.st_value
            );
        }
    }
}
