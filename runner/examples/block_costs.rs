//! The cost figures of the guest OS: cycles (raw, effective) and native time for blocks
//! of 0, 1 and 100 transfers, fixed per-block vs per-transaction cost, and the share of
//! signature recovery, BLAKE2s (state tree, keys, commitment) and the rest.
//! `cargo run --release -p zkos-runner --example block_costs`
use std::cell::Cell;
use std::time::{Duration, Instant};
use zkos_emulator::{Cycles, Program, StreamOracle};
use zkos_guest_os::protocol::pack_bytes;
use zkos_runner::riscv::run_riscv;
use zkos_runner::scenario::transfers;
use zkos_runner::server::OracleServer;
use zkos_runner::{Environment, World};
use zkos_system::hash::{Blake2s, SoftwareBlake2s};
use zkos_system::B256;

/// Counts BLAKE2s compressions (64-byte blocks, at least one per hash).
#[derive(Default)]
struct CountingBlake2s(Cell<u64>);

impl Blake2s for CountingBlake2s {
    fn hash(&self, data: &[u8]) -> B256 {
        self.0
            .set(self.0.get() + data.len().div_ceil(64).max(1) as u64);
        SoftwareBlake2s.hash(data)
    }
}

fn native_time(world: &World) -> (Duration, u64) {
    let mut best = Duration::MAX;
    let mut compressions = 0;
    for _ in 0..5 {
        let hasher = CountingBlake2s::default();
        let mut server = OracleServer::new(world);
        let start = Instant::now();
        zkos_guest_os::run_block(&mut server, &hasher, &Environment::default()).unwrap();
        best = best.min(start.elapsed());
        compressions = hasher.0.get();
    }
    (best, compressions)
}

fn costs_run(words: Vec<u32>) -> Cycles {
    let program = Program::from_elf(zkos_guests::OS_COSTS).unwrap();
    zkos_emulator::run(&program, StreamOracle::new(words), 1 << 36)
        .unwrap()
        .cycles
}

fn per_op(mode: u32, count: u32, payload: &[u32]) -> (f64, f64) {
    let run = |n| costs_run([&[mode, n][..], payload].concat());
    let (zero, many) = (run(0), run(count));
    let per = |f: fn(&Cycles) -> u64| (f(&many) - f(&zero)) as f64 / count as f64;
    (per(|c| c.raw), per(Cycles::effective))
}

fn main() {
    let one = transfers(1);
    let tx = &one.transactions[0];
    let tx_words: Vec<u32> = std::iter::once(tx.len() as u32)
        .chain(pack_bytes(tx))
        .collect();
    let (recover_raw, recover_eff) = per_op(0, 5, &tx_words);
    let (node_raw, node_eff) = per_op(1, 2_000, &[]);
    let decoded = zkos_system::tx::decode(tx).unwrap();
    let recover_native = best_of(5, 50, || {
        std::hint::black_box(zkos_system::tx::recover_sender(std::hint::black_box(
            &decoded,
        )));
    });
    let mut node = [1u8; 32];
    let compression_native = best_of(5, 20_000, || {
        node = SoftwareBlake2s.hash_node(std::hint::black_box(&node), &node);
    });
    println!("unit costs: signature recovery {recover_raw:.0} raw / {recover_eff:.0} effective cycles, {recover_native:?} native;");
    println!("            Merkle node (1 BLAKE2s compression) {node_raw:.0} raw / {node_eff:.0} effective cycles, {compression_native:?} native");
    println!();
    println!(
        "{:>5} | {:>12} {:>8} {:>12} | {:>10} | {:>6} {:>6} {:>6} (effective-cycle shares)",
        "txs", "raw", "rounds", "effective", "native", "ecrec", "blake", "rest"
    );
    let mut rows = Vec::new();
    for count in [0u64, 1, 100] {
        let world = transfers(count);
        let riscv = run_riscv(&world, 1 << 36).unwrap();
        let (native, compressions) = native_time(&world);
        let cycles = riscv.cycles;
        assert_eq!(
            cycles.blake2s_rounds,
            compressions * 10,
            "native and RISC-V hash the same"
        );
        let effective = cycles.effective() as f64;
        let ecrec = count as f64 * recover_eff / effective;
        let blake = compressions as f64 * node_eff / effective;
        println!(
            "{count:>5} | {:>12} {:>8} {:>12} | {:>10.3?} | {:>5.1}% {:>5.1}% {:>5.1}%",
            cycles.raw,
            cycles.blake2s_rounds,
            cycles.effective(),
            native,
            100.0 * ecrec,
            100.0 * blake,
            100.0 * (1.0 - ecrec - blake)
        );
        rows.push((cycles, native));
    }
    // Fixed cost: the empty block (environment, commitment, output); per transaction:
    // the 100-transfer block's excess over it, divided by 100.
    let (empty, hundred) = (&rows[0], &rows[2]);
    let per_tx_raw = (hundred.0.raw - empty.0.raw) as f64 / 100.0;
    let per_tx_eff = (hundred.0.effective() - empty.0.effective()) as f64 / 100.0;
    let per_tx_native = (hundred.1.as_secs_f64() - empty.1.as_secs_f64()) / 100.0;
    println!();
    println!(
        "per transaction: {per_tx_raw:.0} raw, {per_tx_eff:.0} effective cycles, {:.1} µs native",
        per_tx_native * 1e6
    );
    println!(
        "fixed per block: {} raw, {} effective cycles, {:.1} µs native",
        empty.0.raw,
        empty.0.effective(),
        empty.1.as_secs_f64() * 1e6
    );
    let hundred_native = hundred.1.as_secs_f64();
    println!(
        "native 100-tx block: signature recovery {:.0}%, BLAKE2s {:.0}%",
        100.0 * 100.0 * recover_native.as_secs_f64() / hundred_native,
        100.0 * rows_compressions(&transfers(100)) as f64 * compression_native.as_secs_f64()
            / hundred_native
    );
}

/// The fastest of `batches` batches of `per_batch` calls, per call.
fn best_of(batches: u32, per_batch: u32, mut op: impl FnMut()) -> Duration {
    (0..batches)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_batch {
                op();
            }
            start.elapsed() / per_batch
        })
        .min()
        .unwrap()
}

fn rows_compressions(world: &World) -> u64 {
    native_time(world).1
}
