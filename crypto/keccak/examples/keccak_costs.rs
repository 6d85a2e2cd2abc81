//! RV32 cycles of Keccak-256 (the `keccak-bench` guest): the sha3 crate's 64-bit lanes
//! against zkos-keccak's bit-interleaved 32-bit words, side by side. Marginal costs: runs
//! with `COUNT` repetitions minus runs with none. The bare permutation of zkos-keccak
//! includes complementing its lanes on the way in and out, which hashing does only once.
//! `cargo run --release -p zkos-keccak --example keccak_costs`
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

/// Cycles of one repetition: a hash of `len` bytes, or a permutation.
fn per_hash(implementation: u32, len: usize) -> f64 {
    let (base, many) = (
        cycles(implementation, 0, len),
        cycles(implementation, COUNT, len),
    );
    (many - base) as f64 / COUNT as f64
}

fn main() {
    println!(
        "{:>12} | {:>12} {:>12} {:>14} {:>16}  (RV32 effective cycles)",
        "", "permutation", "hash of 32 B", "hash of 135 B", "per 136-B block"
    );
    let mut ratios = Vec::new();
    // (hash implementation, permutation implementation) of the guest.
    for (hash, permutation, name) in [(0, 3, "sha3"), (1, 4, "zkos-keccak")] {
        let permute = per_hash(permutation, 200);
        let short = per_hash(hash, 32);
        let one = per_hash(hash, 135);
        let long = per_hash(hash, 135 + 136 * BLOCKS);
        let block = (long - one) / BLOCKS as f64;
        println!("{name:>12} | {permute:>12.0} {short:>12.0} {one:>14.0} {block:>16.0}");
        ratios.push([permute, short, block]);
    }
    let [before, after] = [ratios[0], ratios[1]];
    println!(
        "speed-up: {:.2}x a permutation, {:.2}x a 32-byte hash, {:.2}x a block",
        before[0] / after[0],
        before[1] / after[1],
        before[2] / after[2]
    );
}
