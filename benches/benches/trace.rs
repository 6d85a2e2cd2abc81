//! Tracing speed on a long guest run (the `bench` sieve, about 1 M cycles per iteration):
//! the plain emulator for reference, full tracing into memory (rows, timestamps, chunks,
//! witnesses; the chunks handed to a sink that drops them) on one core and on both (a
//! scout pass and one chunk replayer per core), and with Airbender's files written.
//! Throughput is in raw cycles per second. Peak memory is in `zkos trace`'s summary.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use zkos_emulator::{Program, StreamOracle, MAX_PROVABLE_CYCLES};
use zkos_traces::{trace, DirSink, DiscardSink, TraceOptions};

const ITERATIONS: u32 = 60;

fn options(parallel: bool) -> TraceOptions<'static> {
    TraceOptions {
        parallel,
        ..TraceOptions::default()
    }
}

fn bench_trace(c: &mut Criterion) {
    let elf = zkos_guests::elf("bench").expect("the bench guest is built by zkos-guests");
    let program = Program::from_elf(elf).unwrap();
    let oracle = || StreamOracle::new(vec![ITERATIONS]);
    let outcome = zkos_emulator::run(&program, oracle(), MAX_PROVABLE_CYCLES).unwrap();
    assert!(
        outcome.cycles.raw >= 50_000_000,
        "a long run: {} cycles",
        outcome.cycles.raw
    );

    let mut group = c.benchmark_group("trace");
    group.sample_size(10);
    group.throughput(Throughput::Elements(outcome.cycles.raw));
    group.bench_function("emulator alone", |b| {
        b.iter(|| black_box(zkos_emulator::run(&program, oracle(), MAX_PROVABLE_CYCLES)))
    });
    for parallel in [true, false] {
        let name = if parallel {
            "into memory, both cores"
        } else {
            "into memory, one core"
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                black_box(trace(
                    &program,
                    oracle(),
                    &mut DiscardSink,
                    &options(parallel),
                ))
            })
        });
    }
    let dir = std::env::temp_dir().join(format!("zkos-trace-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    group.bench_function("files written, both cores", |b| {
        b.iter(|| {
            let mut sink = DirSink::new(&dir);
            black_box(trace(&program, oracle(), &mut sink, &options(true)).unwrap())
        })
    });
    group.finish();
    std::fs::remove_dir_all(&dir).unwrap();
}

criterion_group!(benches, bench_trace);
criterion_main!(benches);
