//! Emulator speed on a CPU-bound guest program, beside the same Rust function compiled
//! natively. Throughput is reported in guest instructions (raw cycles) per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use zkos_emulator::{Machine, Program, StreamOracle, MAX_PROVABLE_CYCLES};

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

criterion_group!(benches, bench_program, bench_decoder);
criterion_main!(benches);
