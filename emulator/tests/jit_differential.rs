//! The compiled tier against the interpreter: random RV32IM programs with loads, stores,
//! branches and loops, jumps, delegation calls, oracle reads and faults of every kind run
//! on both, under random cycle limits; the outcome or fault (kind, pc, word, address,
//! cycles, registers), the RAM they touch and the oracle words read must be identical.
//! The same programs also run in the interpreter stopped and resumed at random cycles,
//! which must change nothing a trace sees.
#![cfg(all(target_arch = "x86_64", unix))]
mod common;

use common::asm::*;
use common::RAM;
use proptest::prelude::*;
use zkos_emulator::{
    Machine, MemAccess, NoTracer, OracleDevice, RunError, RunOutcome, Step, Stop, StreamOracle,
    Tracer,
};
use zkos_linker::csr;

/// Bytes of RAM the programs address through their base register (x5).
const WINDOW: u32 = 1024;

/// Everything a run leaves behind that the two tiers must agree on.
#[derive(Debug, PartialEq, Eq)]
struct Ending {
    result: Result<RunOutcome, RunError>,
    registers: [u32; 32],
    pc: u32,
    ram: Vec<u8>,
    oracle_words_read: usize,
    /// Words the guest handed to the host, and its console text.
    oracle_written: Vec<u32>,
    console: Vec<u8>,
}

/// Runs `words` in the interpreter (`hot` None) or with blocks compiled once reached
/// `hot` times.
fn run(words: &[u32], oracle: &[u32], max_cycles: u64, hot: Option<u8>) -> Ending {
    run_traced(words, oracle, max_cycles, hot, &mut NoTracer)
}

/// [`run`] with `tracer` attached.
fn run_traced(
    words: &[u32],
    oracle: &[u32],
    max_cycles: u64,
    hot: Option<u8>,
    tracer: &mut impl Tracer,
) -> Ending {
    let mut machine = Machine::new(&common::program(words)).expect("machine");
    if let Some(hot) = hot {
        assert!(
            machine.enable_jit_after(hot),
            "x86-64 hosts have the compiled tier"
        );
    }
    let mut oracle = StreamOracle::new(oracle.to_vec());
    oracle.capture_console = true;
    let result = machine.run_traced(&mut oracle, tracer, max_cycles);
    Ending {
        result,
        registers: machine.registers(),
        pc: machine.pc(),
        ram: machine.memory().read_bytes(RAM, 2 * WINDOW as usize),
        oracle_words_read: oracle.words_read(),
        oracle_written: oracle.written,
        console: oracle.console_text,
    }
}

/// Register set-up: x5 points into RAM, x10 and x11 at 32-byte aligned RAM words (U256
/// operands), x12 a U256 operation, x13 a BLAKE2s control word, others random.
fn prologue(seed: &[u32; 32]) -> Vec<u32> {
    let mut code = Vec::new();
    for r in 1..32u8 {
        let value = match r {
            5 => RAM + WINDOW / 2,
            10 => RAM + 32 * (seed[10] % 8),
            11 => RAM + 32 * (8 + seed[11] % 8),
            12 => 1 << (seed[12] % 8) | (seed[12] >> 8) & 64,
            13 => seed[13] % 256,
            _ => seed[r as usize],
        };
        code.extend(li(r, value));
    }
    code
}

fn register() -> impl Strategy<Value = u8> {
    prop_oneof![3 => 0..32u8, 1 => Just(5u8), 1 => Just(0u8)]
}

fn imm12() -> impl Strategy<Value = i32> {
    prop_oneof![
        -2048..2048i32,
        -64..64i32,
        Just(0),
        Just(-1),
        Just(2047),
        Just(-2048)
    ]
}

/// An offset from x5: mostly aligned inside the window, sometimes misaligned or far.
fn offset(width: i32) -> impl Strategy<Value = i32> {
    let half = (WINDOW / 2) as i32;
    prop_oneof![
        6 => (-half / width..half / width).prop_map(move |k| k * width),
        1 => -half..half,
        1 => imm12(),
    ]
}

/// One instruction of a program of `len` words at position `at`.
fn instruction(len: usize) -> impl Strategy<Value = u32> {
    let branch_target = (0..len as i32 + 2).prop_map(|to| to * 4);
    prop_oneof![
        10 => (prop::sample::select(RV32I_REG_OPS), register(), register(), register())
            .prop_map(|((_, op), rd, a, b)| op(rd, a, b)),
        6 => (prop::sample::select(M_OPS), register(), register(), register())
            .prop_map(|((_, op), rd, a, b)| op(rd, a, b)),
        6 => (prop::sample::select(ALU_IMM_OPS), register(), register(), imm12())
            .prop_map(|((_, op), rd, a, imm)| op(rd, a, imm)),
        3 => (prop::sample::select(SHIFT_IMM_OPS), register(), register(), 0..32i32)
            .prop_map(|((_, op), rd, a, shamt)| op(rd, a, shamt)),
        2 => (register(), any::<u32>()).prop_map(|(rd, upper)| lui(rd, upper & 0xfffff)),
        1 => (register(), any::<u32>()).prop_map(|(rd, upper)| auipc(rd, upper & 0xfffff)),
        8 => (0..LOAD_OPS.len(), register(), prop_oneof![4 => Just(5u8), 1 => register()])
            .prop_flat_map(|(i, rd, base)| {
                let width = [1, 2, 4, 1, 2][i];
                offset(width).prop_map(move |off| LOAD_OPS[i].1(rd, base, off))
            }),
        8 => (0..STORE_OPS.len(), register(), prop_oneof![4 => Just(5u8), 1 => register()])
            .prop_flat_map(|(i, src, base)| {
                let width = [1, 2, 4][i];
                offset(width).prop_map(move |off| STORE_OPS[i].1(src, base, off))
            }),
        4 => (prop::sample::select(BRANCH_OPS), register(), register(), branch_target.clone(), 0..2i32)
            .prop_map(|((_, op), a, b, to, odd)| op(a, b, to + 2 * odd)),
        1 => (register(), (0..len as i32 + 2), 0..8i32)
            .prop_map(|(rd, to, odd)| jal(rd, 4 * to + if odd == 0 { 2 } else { 0 })),
        1 => (register(), register(), imm12()).prop_map(|(rd, rs1, imm)| jalr(rd, rs1, imm)),
        1 => (register(), register()).prop_map(|(rd, rs1)| csrrw(rd, csr::ORACLE, rs1)),
        2 => register().prop_map(|rd| csrrw(rd, csr::U256_OP, 0)),
        1 => register().prop_map(|rd| csrrw(rd, csr::BLAKE2S_ROUND, 0)),
        1 => Just(END_LOOP),
        1 => Just(ABORT),
        1 => any::<u32>(),
    ]
}

/// A program: the prologue, a body whose branches stay inside it (relative to their own
/// position) or fall just past it, and the end loop.
fn program() -> impl Strategy<Value = Vec<u32>> {
    (prop::array::uniform32(any::<u32>()), 1..48usize)
        .prop_flat_map(|(seed, len)| (Just(seed), prop::collection::vec(instruction(len), len)))
        .prop_map(|(seed, body)| {
            let mut code = prologue(&seed);
            // Branch and JAL offsets were drawn as targets inside the body: make them
            // relative to the instruction, so loops go backwards.
            let start = code.len() as i32;
            for (i, word) in body.into_iter().enumerate() {
                code.push(relative(word, start + i as i32, start));
            }
            code.push(END_LOOP);
            code
        })
}

/// Re-targets a branch or JAL whose offset was drawn as a body position. (A random word
/// that happens to be a branch may have an offset the move would put out of a branch's
/// reach: it stays as it is.)
fn relative(word: u32, at: i32, start: i32) -> u32 {
    let to = |offset: i32| 4 * start + offset - 4 * at;
    match word & 0x7f {
        0x63 if !(-4096..4096).contains(&to(zkos_emulator::decode(word).imm as i32)) => word,
        0x63 => {
            let offset = zkos_emulator::decode(word).imm as i32;
            let funct3 = (word >> 12) & 7;
            let (rs1, rs2) = (((word >> 15) & 31) as u8, ((word >> 20) & 31) as u8);
            b_type(0x63, funct3, rs1, rs2, to(offset))
        }
        0x6f => jal(
            ((word >> 7) & 31) as u8,
            to(zkos_emulator::decode(word).imm as i32),
        ),
        _ => word,
    }
}

fn same_ending(
    words: &[u32],
    oracle: &[u32],
    max_cycles: u64,
    hot: u8,
) -> Result<(), TestCaseError> {
    let interpreted = run(words, oracle, max_cycles, None);
    let compiled = run(words, oracle, max_cycles, Some(hot));
    prop_assert_eq!(&interpreted, &compiled);
    let (logged, writes) = run_logging_writes(words, oracle, max_cycles, Some(hot));
    prop_assert_eq!(&logged, &interpreted);
    let (_, expected_writes) = run_logging_writes(words, oracle, max_cycles, None);
    prop_assert_eq!(writes, expected_writes);
    Ok(())
}

/// A tracer that wants only the words written and the MMIO accesses, as the trace
/// exporter's first pass does.
#[derive(Debug, Default, PartialEq, Eq)]
struct Writes {
    words: std::collections::BTreeSet<u32>,
    mmio_pcs: Vec<u32>,
}

impl Tracer for Writes {
    const WRITES_ONLY: bool = true;
    fn on_step(&mut self, step: &Step<'_>) {
        match step.mem {
            MemAccess::Store { address, .. } => {
                self.words.insert(address >> 2);
            }
            MemAccess::Mmio { .. } => self.mmio_pcs.push(step.pc),
            _ => {}
        }
        if let Some(record) = step.delegation {
            self.words
                .extend(record.writes.iter().map(|&(address, _, _)| address >> 2));
        }
    }
    fn on_written(&mut self, addresses: &[u32]) {
        self.words
            .extend(addresses.iter().map(|address| address >> 2));
    }
}

/// [`run`] with a [`Writes`] tracer attached.
fn run_logging_writes(
    words: &[u32],
    oracle: &[u32],
    max_cycles: u64,
    hot: Option<u8>,
) -> (Ending, Writes) {
    let mut writes = Writes::default();
    let ending = run_traced(words, oracle, max_cycles, hot, &mut writes);
    (ending, writes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn compiled_and_interpreted_runs_end_alike(
        words in program(),
        oracle in prop::collection::vec(any::<u32>(), 0..8),
        max_cycles in prop_oneof![1..64u64, 64..4000u64],
        hot in prop_oneof![3 => Just(0u8), 1 => 1..4u8],
    ) {
        same_ending(&words, &oracle, max_cycles, hot)?;
    }
}

/// What a trace keeps of a step: cycle, pc, word, the source values, the register written
/// and its values, the memory side and the oracle word.
type Seen = (u64, u32, u32, u32, u32, u8, u32, u32, MemAccess, u32);

#[derive(Default)]
struct Steps(Vec<Seen>);

impl Tracer for Steps {
    fn on_step(&mut self, s: &Step<'_>) {
        self.0.push((
            s.cycle,
            s.pc,
            s.word,
            s.rs1_value,
            s.rs2_value,
            s.rd,
            s.rd_old,
            s.rd_new,
            s.mem,
            s.oracle_word,
        ));
    }
}

/// The traced interpreter run to `max_cycles` in pieces ending at the cycles of `cuts`
/// (none: in one call); the steps seen, and the result and registers of the last call.
fn run_in_pieces(
    words: &[u32],
    oracle: &[u32],
    max_cycles: u64,
    cuts: &[u64],
) -> (Vec<Seen>, Result<Stop, RunError>, [u32; 32]) {
    let mut machine = Machine::new(&common::program(words)).expect("machine");
    let mut device = OracleDevice::new(StreamOracle::new(oracle.to_vec()));
    let mut steps = Steps::default();
    let mut bounds: Vec<u64> = cuts.iter().map(|&cut| cut.min(max_cycles)).collect();
    bounds.push(max_cycles);
    let mut result = Ok(Stop::Bound);
    for bound in bounds {
        result = machine.run_until(&mut device, &mut steps, bound);
        match &result {
            Ok(Stop::Bound) => assert_eq!(machine.cycles().raw, bound, "stopped at its bound"),
            _ => break,
        }
    }
    (steps.0, result, machine.registers())
}

/// Whether the instruction word may send control elsewhere than the next word.
fn transfers(word: u32) -> bool {
    matches!(word & 0x7f, 0x63 | 0x6f | 0x67)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    /// The interpreter checks its cycle bound only where it jumps, and steps one
    /// instruction at a time through a run the bound falls in: stopping it at random
    /// cycles must give the steps, ending and registers of one uninterrupted run, with
    /// steps numbered from 0 without a gap and each pc the one after the last but where
    /// the last could jump.
    #[test]
    fn interpreting_in_pieces_equals_one_run(
        words in program(),
        oracle in prop::collection::vec(any::<u32>(), 0..8),
        max_cycles in 1..3000u64,
        gaps in prop::collection::vec(1..40u64, 1..40),
    ) {
        let cuts: Vec<u64> = gaps.iter().scan(0, |at, gap| { *at += gap; Some(*at) }).collect();
        let whole = run_in_pieces(&words, &oracle, max_cycles, &[]);
        let pieces = run_in_pieces(&words, &oracle, max_cycles, &cuts);
        prop_assert_eq!(&pieces.0, &whole.0);
        prop_assert_eq!(&pieces.1, &whole.1);
        prop_assert_eq!(pieces.2, whole.2);
        for (i, pair) in whole.0.windows(2).enumerate() {
            prop_assert_eq!(pair[0].0, i as u64);
            prop_assert_eq!(pair[1].0, i as u64 + 1);
            prop_assert!(pair[1].1 == pair[0].1 + 4 || transfers(pair[0].2));
        }
    }
}

/// Faults the generator reaches by chance, each at least once, in the middle of a block:
/// the compiled tier must give the interpreter's fault, pc and cycle count.
#[test]
fn every_fault_kind_in_the_middle_of_a_block() {
    let pad = [addi(6, 6, 1), addi(7, 7, 2)];
    let cases: Vec<(&str, Vec<u32>)> = vec![
        ("load out of bounds", vec![lui(8, 0x40000), lw(9, 8, 0)]),
        ("misaligned load", vec![lw(9, 5, 2)]),
        ("misaligned half", vec![lh(9, 5, 1)]),
        ("store to ROM", vec![sw(6, 0, 16)]),
        ("misaligned store", vec![sh(6, 5, 3)]),
        ("store out of bounds", vec![lui(8, 0x40000), sb(6, 8, 0)]),
        ("oracle MMIO read", vec![lui(8, 0xffff0), lw(9, 8, 0)]),
        ("bad MMIO access", vec![lui(8, 0xffff0), lb(9, 8, 0)]),
        ("misaligned jalr", vec![jalr(1, 5, 2)]),
        ("jalr outside ROM", vec![jalr(1, 5, 0)]),
        ("jalr to itself", vec![auipc(8, 0), jalr(0, 8, 4)]),
        (
            "u256 refused",
            vec![addi(10, 0, 4), csrrw(0, csr::U256_OP, 0)],
        ),
        (
            "blake2s refused",
            vec![addi(10, 0, 3), csrrw(0, csr::BLAKE2S_ROUND, 0)],
        ),
        ("abort", vec![ABORT]),
        ("illegal", vec![0xffff_ffff]),
        ("run off the image", vec![]),
    ];
    for (name, body) in cases {
        let mut words = prologue(&[7; 32]);
        words.extend(pad);
        words.extend(body);
        words.extend(pad);
        if name != "run off the image" {
            words.push(END_LOOP);
        }
        for max_cycles in [words.len() as u64 - 3, 10_000] {
            let interpreted = run(&words, &[1, 2], max_cycles, None);
            let compiled = run(&words, &[1, 2], max_cycles, Some(0));
            assert_eq!(interpreted, compiled, "{name}, at most {max_cycles} cycles");
            if max_cycles == 10_000 && name != "jalr to itself" && name != "oracle MMIO read" {
                assert!(compiled.result.is_err(), "{name} must fault");
            }
        }
    }
}

/// A loop that runs into the cycle limit stops at the same instruction and count.
#[test]
fn the_cycle_limit_inside_a_loop() {
    let mut words = prologue(&[3; 32]);
    words.extend([
        addi(6, 0, 0),
        addi(6, 6, 1),
        mul(7, 6, 6),
        sw(7, 5, 0),
        jal(0, -12),
    ]);
    for max_cycles in [40, 41, 97, 1000, 1001, 1002, 1003] {
        let interpreted = run(&words, &[], max_cycles, None);
        let compiled = run(&words, &[], max_cycles, Some(0));
        assert_eq!(interpreted, compiled, "at most {max_cycles} cycles");
        let error = compiled.result.expect_err("the loop never ends");
        assert_eq!(error.cycles.raw, max_cycles);
    }
}

/// A program whose loop counts x6 from 1 to `iterations` (x7), running `body` each time.
fn counting_loop(iterations: u32, body: &[u32]) -> Vec<u32> {
    let mut words = prologue(&[5; 32]);
    words.extend(li(7, iterations));
    words.extend([addi(6, 0, 0), addi(6, 6, 1)]);
    words.extend(body);
    let back = -4 * (body.len() as i32 + 1);
    words.extend([bne(6, 7, back), END_LOOP]);
    words
}

/// A hot loop runs compiled, block to block without returning to the driver: the compiled
/// tier is really in use (the comparisons above would also pass if it never compiled).
#[test]
fn a_hot_loop_runs_compiled_and_chained() {
    // The loop body has a branch in the middle, so two blocks chain.
    let words = counting_loop(1000, &[andi(8, 6, 1), beq(8, 0, 8), sw(6, 5, 0)]);
    let mut machine = Machine::new(&common::program(&words)).expect("machine");
    assert!(machine.enable_jit());
    let outcome = machine
        .run(StreamOracle::default(), 100_000)
        .expect("the loop ends");
    let stats = machine.jit_stats().expect("enabled");
    assert!(stats.blocks >= 2, "{stats:?}");
    assert!(
        stats.entries < 20,
        "blocks chain without the driver: {stats:?}"
    );
    assert_eq!(machine.registers()[6], 1000);
    assert_eq!(machine.memory().read_words::<1>(RAM + WINDOW / 2), [999]);
    let interpreted = run(&words, &[], 100_000, None);
    assert_eq!(interpreted.result, Ok(outcome));
}

/// A computed jump (JALR) in compiled code to a word where no block can start (its first
/// instruction is the interpreter's: a branch to itself) leaves for the interpreter every
/// time, also once the word is marked as such in the table compiled code reads.
#[test]
fn a_computed_jump_to_an_interpreted_word_leaves_compiled_code() {
    let mut words = prologue(&[5; 32]);
    words.extend(li(7, 50));
    words.push(addi(6, 0, 0));
    let base = words.len();
    words.extend([auipc(9, 0), addi(9, 9, 0)]);
    let top = words.len();
    // Calls the routine at x9 fifty times.
    words.extend([addi(6, 6, 1), jalr(1, 9, 0), bne(6, 7, -8), END_LOOP]);
    let routine = words.len();
    words[base + 1] = addi(9, 9, 4 * (routine - base) as i32);
    assert_eq!(top + 4, routine);
    // Never taken, but a branch to itself: the interpreter's.
    words.extend([bne(6, 6, 0), addi(8, 8, 3), jalr(0, 1, 0)]);
    let compiled = run(&words, &[], 100_000, Some(0));
    assert_eq!(compiled, run(&words, &[], 100_000, None));
    assert_eq!(compiled.registers[6], 50);
}

/// Machines of one program share its compiled code, across threads too: a later machine
/// compiles nothing, and runs on several threads at once all end as the interpreter does.
#[test]
fn machines_of_a_program_share_its_compiled_code() {
    let words = counting_loop(300, &[mul(8, 6, 6), sw(8, 5, 4)]);
    let program = common::program(&words);
    let run_compiled = |program: &zkos_emulator::Program| {
        let mut machine = Machine::new(program).expect("machine");
        assert!(machine.enable_jit_after(0));
        let result = machine.run(StreamOracle::default(), 100_000);
        (
            result,
            machine.registers(),
            machine.jit_stats().expect("enabled"),
        )
    };
    let expected = run(&words, &[], 100_000, None);
    let (first, registers, stats) = run_compiled(&program);
    assert!(stats.blocks > 0, "{stats:?}");
    assert_eq!((&first, registers), (&expected.result, expected.registers));
    let (again, _, stats) = run_compiled(&program.clone());
    assert_eq!(stats.blocks, 0, "the clone reuses the blocks: {stats:?}");
    assert_eq!(again, first);
    let fresh = common::program(&words);
    std::thread::scope(|scope| {
        let runs: Vec<_> = (0..4)
            .map(|_| scope.spawn(|| run_compiled(&fresh)))
            .collect();
        for handle in runs {
            let (result, registers, _) = handle.join().expect("no panic");
            assert_eq!((&result, registers), (&expected.result, expected.registers));
        }
    });
}

/// More writes than the write log holds: compiled code leaves to have it emptied, and no
/// written word goes missing.
#[test]
fn a_full_write_log_is_emptied_without_losing_words() {
    let words = counting_loop(40_000, &[sw(6, 5, 0), addi(5, 5, 4)]);
    let (interpreted, expected) = run_logging_writes(&words, &[], 1_000_000, None);
    let (compiled, writes) = run_logging_writes(&words, &[], 1_000_000, Some(0));
    assert_eq!(compiled, interpreted);
    assert_eq!(writes.words.len(), 40_000);
    assert_eq!(writes, expected);
}

/// An oracle that gives up after a few words, as a host whose state is broken might.
struct PanickingOracle(u32);

impl zkos_emulator::Oracle for PanickingOracle {
    fn read_word(&mut self) -> u32 {
        self.0 += 1;
        assert!(self.0 < 5, "the host has no word {}", self.0);
        self.0
    }
}

/// A panic of the host's oracle inside compiled code reaches the caller as the same panic
/// as in the interpreter (not an abort of the process).
#[test]
fn an_oracle_panic_in_compiled_code_reaches_the_caller() {
    let mut words = prologue(&[2; 32]);
    words.extend([csrrw(6, csr::ORACLE, 0), addi(7, 7, 1), jal(0, -8)]);
    for hot in [None, Some(0)] {
        let outcome = std::panic::catch_unwind(|| {
            let mut machine = Machine::new(&common::program(&words)).expect("machine");
            if let Some(hot) = hot {
                assert!(machine.enable_jit_after(hot));
            }
            let _ = machine.run(PanickingOracle(0), 10_000);
        });
        let payload = outcome.expect_err("the oracle panics");
        let message = payload
            .downcast_ref::<String>()
            .expect("a formatted message");
        assert_eq!(message, "the host has no word 5", "tier {hot:?}");
    }
}

/// A delegation in compiled code sees the argument registers as the block left them just
/// before it, and the block sees the flag it returns, though all of them live in host
/// registers: the block is entered with other, valid arguments in the register array, so a
/// stale argument would run the wrong operation rather than fall back to the interpreter.
#[test]
fn a_delegation_sees_the_registers_its_block_set() {
    const ADD: i32 = 1;
    const MUL_LOW: i32 = 1 << 3;
    const EQ: i32 = 1 << 5;
    for (operation, then) in [(MUL_LOW, ADD), (EQ, ADD), (ADD, MUL_LOW)] {
        let mut words = prologue(&[6; 32]);
        words.extend([
            addi(12, 0, then),
            jal(0, 4), // a new block starts here, x12 = `then` in the array
            addi(12, 0, operation),
            addi(11, 10, 64), // b: another 32-byte aligned operand in RAM
            csrrw(0, csr::U256_OP, 0),
            addi(6, 12, 0),
            sw(6, 5, 0),
            lw(7, 10, 0),
            END_LOOP,
        ]);
        let interpreted = run(&words, &[], 1000, None);
        let compiled = run(&words, &[], 1000, Some(0));
        assert_eq!(compiled, interpreted, "operation {operation:#x}");
        assert!(interpreted.result.is_ok(), "the call is valid");
    }
}

/// Where a U256 operand pointer points: mostly a 32-byte aligned RAM word of the compared
/// window, sometimes misaligned, below RAM or at the end of the address space.
fn u256_pointer(aligned: u32) -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => Just(aligned),
        1 => (1..32u32).prop_map(move |off| aligned + off),
        1 => Just(0x100u32),
        1 => Just(zkos_linker::ADDRESS_SPACE_SIZE - 32),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    /// U256 operations, run in line by compiled code for additions, subtractions and
    /// copies, on random 256-bit operands (limbs near all ones, so carries cross limbs),
    /// every operation with and without a carry in, stray bits and bad pointers, twice in
    /// a row: compiled code ends exactly as the interpreter.
    #[test]
    fn u256_operations_agree_with_the_interpreter(
        a in prop::array::uniform8(prop_oneof![any::<u32>(), Just(u32::MAX), Just(0u32)]),
        b in prop::array::uniform8(prop_oneof![any::<u32>(), Just(u32::MAX), Just(0u32)]),
        (slots, x10, x11) in (0..16u32, 0..16u32).prop_flat_map(|(i, j)| {
            let (pa, pb) = (RAM + 32 * i, RAM + 32 * j);
            (Just((pa, pb)), u256_pointer(pa), u256_pointer(pb))
        }),
        operations in prop::array::uniform2(prop_oneof![
            8 => (0..8u32, any::<bool>()).prop_map(|(bit, carry)| 1 << bit | (carry as u32) << 6),
            1 => any::<u32>(),
        ]),
    ) {
        let (pa, pb) = slots;
        let mut words = Vec::new();
        for (base, limbs) in [(pa, a), (pb, b)] {
            words.extend(li(5, base));
            for (i, limb) in limbs.into_iter().enumerate() {
                words.extend(li(6, limb));
                words.push(sw(6, 5, 4 * i as i32));
            }
        }
        words.extend(li(10, x10));
        words.extend(li(11, x11));
        for operation in operations {
            words.extend(li(12, operation));
            words.push(csrrw(7, csr::U256_OP, 0));
        }
        words.push(END_LOOP);
        let interpreted = run(&words, &[], 10_000, None);
        let compiled = run(&words, &[], 10_000, Some(0));
        prop_assert_eq!(compiled, interpreted);
    }
}

/// Oracle reads in compiled code: a read alone takes the next word straight from the
/// stream, a read with a write goes through the host, and both see the words in order,
/// past the end of the stream too (zeros), with every word counted as read.
#[test]
fn compiled_oracle_reads_take_the_stream_in_order() {
    let oracle: Vec<u32> = (0..100u32)
        .map(|i| i.wrapping_mul(0x9e37_79b9) | 1)
        .collect();
    let words = counting_loop(
        60,
        &[
            csrrw(8, csr::ORACLE, 0),
            slli(9, 9, 1),
            xor(9, 9, 8),
            csrrw(18, csr::ORACLE, 8),
            slli(9, 9, 1),
            xor(9, 9, 18),
            csrrw(0, csr::ORACLE, 9),
        ],
    );
    let compiled = run(&words, &oracle, 100_000, Some(0));
    assert_eq!(compiled, run(&words, &oracle, 100_000, None));
    assert_eq!(compiled.oracle_words_read, oracle.len());
    assert_eq!(compiled.oracle_written.len(), 120);
    assert_eq!(
        compiled.registers[8], 0,
        "the last reads are past the stream's end"
    );
}
