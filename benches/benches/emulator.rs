//! Emulator speed on a CPU-bound guest program, beside the same Rust function compiled
//! natively, and the two tiers (interpreter, compiled) side by side on it and on the guest
//! OS running `examples/erc20`'s block, with rrs-lib (a RISC-V RV32IM simulator from
//! crates.io) as an outside reference on the CPU-bound guest. Throughput is reported in
//! guest instructions (raw cycles) per second; every run includes the machine's set-up
//! (the 1 GiB map, and for the compiled tier all compilation).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rrs_lib::instruction_executor::{InstructionException, InstructionExecutor};
use rrs_lib::memories::VecMemory;
use rrs_lib::HartState;
use std::hint::black_box;
use zkos_emulator::{Machine, Program, RunOutcome, StreamOracle, MAX_PROVABLE_CYCLES};

const ITERATIONS: u32 = 40;

fn bench_program(c: &mut Criterion) {
    let elf = zkos_guests::elf("bench").expect("the bench guest is built by zkos-guests");
    let program = Program::from_elf(elf).unwrap();
    let run = || {
        let oracle = StreamOracle::new(vec![ITERATIONS]);
        zkos_emulator::run(&program, oracle, MAX_PROVABLE_CYCLES).unwrap()
    };
    let outcome = run();
    assert_eq!(outcome.output, zkos_workloads::bench::run(ITERATIONS));

    let mut group = c.benchmark_group("sieve");
    group.sample_size(10);
    group.throughput(Throughput::Elements(outcome.cycles.raw));
    group.bench_function("emulator (incl. 1 GiB map setup)", |b| {
        b.iter(|| black_box(run()))
    });
    group.bench_function("emulator (execution only)", |b| {
        b.iter_batched(
            || Machine::new(&program).unwrap(),
            |mut machine| {
                black_box(machine.run(StreamOracle::new(vec![ITERATIONS]), MAX_PROVABLE_CYCLES))
            },
            criterion::BatchSize::PerIteration,
        )
    });
    group.bench_function("emulator with the profiler", |b| {
        b.iter(|| {
            let oracle = StreamOracle::new(vec![ITERATIONS]);
            let weight = zkos_profiler::Weight::Effective;
            black_box(zkos_profiler::profile_program(
                &program,
                Some(elf),
                oracle,
                weight,
                Vec::new(),
                MAX_PROVABLE_CYCLES,
            ))
        })
    });
    group.bench_function("native x86", |b| {
        b.iter(|| zkos_workloads::bench::run(black_box(ITERATIONS)))
    });
    group.finish();
}

/// Our decoder against the riscv-decode crate over every word of a guest image. A machine
/// decodes each word it executes once, so this matters for start-up only; it decides which
/// one we use.
fn bench_decoder(c: &mut Criterion) {
    let program = Program::from_elf(zkos_guests::elf("sorting").unwrap()).unwrap();
    let words: Vec<u32> = program.words().collect();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(words.len() as u64));
    group.bench_function("zkos decoder", |b| {
        b.iter(|| {
            words
                .iter()
                .map(|&w| zkos_emulator::decode(black_box(w)).op as u32)
                .sum::<u32>()
        })
    });
    group.bench_function("riscv-decode", |b| {
        b.iter(|| {
            words
                .iter()
                .filter(|&&w| riscv_decode::decode(black_box(w)).is_ok())
                .count()
        })
    });
    group.finish();
}

/// A whole run in one tier: the machine made, the program run to its end loop.
fn run_tier(program: &Program, input: &[u32], compiled: bool) -> RunOutcome {
    let mut machine = Machine::new(program).unwrap();
    if compiled {
        assert!(machine.enable_jit(), "no compiled tier on this host");
    }
    machine
        .run(StreamOracle::new(input.to_vec()), MAX_PROVABLE_CYCLES)
        .unwrap()
}

/// What compiling costs in a run of a program not run before, printed beside the timings.
fn report_compilation(name: &str, program: &Program, input: &[u32]) {
    let mut machine = Machine::new(program).unwrap();
    assert!(machine.enable_jit());
    let started = std::time::Instant::now();
    let outcome = machine
        .run(StreamOracle::new(input.to_vec()), MAX_PROVABLE_CYCLES)
        .unwrap();
    let total = started.elapsed();
    let stats = machine.jit_stats().unwrap();
    eprintln!(
        "{name}: {} raw cycles; {} blocks ({} instructions, {} bytes of x86-64) compiled in \
         {:.2} ms, {:.2} us a block, {:.1} % of the run ({:.2} ms)",
        outcome.cycles.raw,
        stats.blocks,
        stats.instructions,
        stats.code_bytes,
        stats.compile_time.as_secs_f64() * 1e3,
        stats.compile_time.as_secs_f64() * 1e6 / stats.blocks.max(1) as f64,
        100.0 * stats.compile_time.as_secs_f64() / total.as_secs_f64(),
        total.as_secs_f64() * 1e3,
    );
}

/// The CPU-bound guest in rrs-lib: its one oracle read (a CSR rrs-lib does not know) is
/// served here. Returns x10..x17 and the instructions executed.
fn run_rrs(image: &[u8], oracle_word: u32) -> ([u32; 8], u64) {
    let mut words = vec![0u32; (zkos_linker::ADDRESS_SPACE_SIZE / 4) as usize];
    for (word, bytes) in words.iter_mut().zip(image.chunks_exact(4)) {
        *word = u32::from_le_bytes(bytes.try_into().unwrap());
    }
    let mut memory = VecMemory::new(words);
    let mut hart = HartState::new();
    let mut executor = InstructionExecutor {
        mem: &mut memory,
        hart_state: &mut hart,
    };
    let mut instructions = 0u64;
    loop {
        let pc = executor.hart_state.pc;
        match executor.step() {
            Ok(()) if executor.hart_state.pc == pc => break,
            Ok(()) => {}
            Err(InstructionException::IllegalInstruction(_, word))
                if word & 0xfff0_707f == 0x7c00_1073 =>
            {
                let rd = ((word >> 7) & 31) as usize;
                if rd != 0 {
                    executor.hart_state.registers[rd] = oracle_word;
                }
                executor.hart_state.pc += 4;
            }
            Err(e) => panic!("rrs-lib stopped at pc 0x{pc:08x}: {e:?}"),
        }
        instructions += 1;
    }
    (
        core::array::from_fn(|i| executor.hart_state.registers[10 + i]),
        instructions,
    )
}

/// The oracle stream of the guest OS on `examples/erc20`'s block (32 ERC-20 transfers).
fn erc20_stream() -> Vec<u32> {
    let world = zkos_benches::erc20_example_world();
    let run = zkos_runner::riscv::run_riscv(&world, MAX_PROVABLE_CYCLES).expect("the block runs");
    run.run.stream
}

fn bench_tiers(c: &mut Criterion) {
    let bench = Program::from_elf(zkos_guests::elf("bench").unwrap()).unwrap();
    let input = [ITERATIONS];
    let outcome = run_tier(&bench, &input, false);
    assert_eq!(outcome, run_tier(&bench, &input, true));
    let (output, instructions) = run_rrs(bench.image(), ITERATIONS);
    assert_eq!((output, instructions), (outcome.output, outcome.cycles.raw));
    report_compilation(
        "sieve",
        &Program::from_elf(zkos_guests::elf("bench").unwrap()).unwrap(),
        &input,
    );
    let mut group = c.benchmark_group("tiers: CPU-bound guest (sieve)");
    group.sample_size(10);
    group.throughput(Throughput::Elements(outcome.cycles.raw));
    group.bench_function("interpreter", |b| {
        b.iter(|| black_box(run_tier(&bench, &input, false)))
    });
    group.bench_function("compiled tier", |b| {
        b.iter(|| black_box(run_tier(&bench, &input, true)))
    });
    group.bench_function("rrs-lib (reference)", |b| {
        b.iter(|| black_box(run_rrs(bench.image(), ITERATIONS)))
    });
    group.finish();

    // A fresh copy of the guest OS has no compiled code yet; runs of one copy share it.
    let image = zkos_runner::riscv::os_program().image();
    let fresh_os = || Program::from_flat(image).unwrap();
    let os = fresh_os();
    let stream = erc20_stream();
    let outcome = run_tier(&os, &stream, false);
    report_compilation("guest OS, erc20 block", &fresh_os(), &stream);
    assert_eq!(outcome, run_tier(&os, &stream, true));
    let mut group = c.benchmark_group("tiers: guest OS, erc20 block");
    group.sample_size(10);
    group.throughput(Throughput::Elements(outcome.cycles.raw));
    group.bench_function("interpreter", |b| {
        b.iter(|| black_box(run_tier(&os, &stream, false)))
    });
    group.bench_function("compiled tier, cold (compiles its blocks)", |b| {
        b.iter_batched(
            fresh_os,
            |os| black_box(run_tier(&os, &stream, true)),
            criterion::BatchSize::PerIteration,
        )
    });
    group.bench_function("compiled tier, warm (blocks of earlier runs)", |b| {
        b.iter(|| black_box(run_tier(&os, &stream, true)))
    });
    group.finish();
}

criterion_group!(benches, bench_program, bench_tiers, bench_decoder);
criterion_main!(benches);
