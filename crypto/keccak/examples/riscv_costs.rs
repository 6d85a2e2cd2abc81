//! RV32 cycles of Keccak-256 (the `keccak-bench` guest): the sha3 crate's 64-bit lanes
//! against zkos-keccak's bit-interleaved 32-bit words, side by side. Marginal costs: runs
//! with `COUNT` repetitions minus runs with none.
//! `cargo run --release -p zkos-keccak --example riscv_costs`
use zkos_emulator::{Program, StreamOracle};

const COUNT: u32 = 20;
const BLOCKS: usize = 8;

fn cycles(implementation: u32, count: u32, len: usize) -> u64 {
    let words = (0..len.div_ceil(4) as u32).map(|i| i.wrapping_mul(0x9e37_79b9));
    let input = [implementation, count, len as u32]
        .into_iter()
        .chain(words)
        .collect();
    let program = Program::from_elf(zkos_guests::KECCAK_BENCH).unwrap();
    let run = zkos_emulator::run(&program, StreamOracle::new(input), 1 << 36).unwrap();
    run.cycles.effective()
}

/// Cycles of one hash of `len` bytes.
fn per_hash(implementation: u32, len: usize) -> f64 {
    let (base, many) = (
        cycles(implementation, 0, len),
        cycles(implementation, COUNT, len),
    );
    (many - base) as f64 / COUNT as f64
}

fn main() {
    println!(
        "{:>12} | {:>12} {:>14} {:>16}  (RV32 cycles)",
        "", "hash of 32 B", "hash of 135 B", "per 136-B block"
    );
    let mut per_block = Vec::new();
    for (implementation, name) in [(0, "sha3"), (1, "zkos-keccak")] {
        let short = per_hash(implementation, 32);
        let one = per_hash(implementation, 135);
        let long = per_hash(implementation, 135 + 136 * BLOCKS);
        let block = (long - one) / BLOCKS as f64;
        println!("{name:>12} | {short:>12.0} {one:>14.0} {block:>16.0}");
        per_block.push(block);
    }
    println!("speed-up per block: {:.2}x", per_block[0] / per_block[1]);
}
