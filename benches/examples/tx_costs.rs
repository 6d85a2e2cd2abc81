//! Proving cost per transaction on RISC-V (issue 14's figures): the guest OS's cycles for
//! an empty block (the fixed cost of a block) and the marginal cost of one more ETH
//! transfer and one more ERC-20 transfer (each from a fresh sender to a fresh receiver),
//! as the difference of two blocks that differ only in their number of transactions.
//! Raw and effective cycles (`raw + 16·BLAKE2s rounds + 4·U256 ops`).
//! `cargo run --release -p zkos-benches --example tx_costs`
use std::path::Path;
use zkos_emulator::Cycles;
use zkos_runner::input::{parse_block, parse_state};
use zkos_runner::riscv::run_riscv;
use zkos_runner::scenario::transfers;
use zkos_runner::world::World;
use zkos_system::receipt::Outcome;

fn cycles(world: &World) -> Cycles {
    let run = run_riscv(world, 1 << 36).expect("the block runs on RISC-V");
    let receipts = &run.run.outcome.receipts;
    assert!(
        receipts.iter().all(|r| r.outcome == Outcome::Success),
        "every transaction succeeds"
    );
    assert_eq!(receipts.len(), world.transactions.len());
    run.cycles
}

fn erc20_world(transfers: usize) -> World {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/erc20");
    let pre = parse_state(&example.join("state.json")).expect("the example state parses");
    let mut block = parse_block(&example.join("block.json")).expect("the example block parses");
    block.transactions.truncate(transfers);
    World::of_block_file(pre, block).expect("the example block has a valid window")
}

fn row(name: &str, raw: f64, rounds: f64, ops: f64) {
    let effective = raw + 16.0 * rounds + 4.0 * ops;
    println!("{name:<34} {raw:>12.0} {rounds:>9.0} {ops:>9.0} {effective:>12.0}");
}

fn marginal(name: &str, few: (usize, Cycles), many: (usize, Cycles)) {
    let count = (many.0 - few.0) as f64;
    let per = |f: fn(&Cycles) -> u64| (f(&many.1) - f(&few.1)) as f64 / count;
    row(
        name,
        per(|c| c.raw),
        per(|c| c.blake2s_rounds),
        per(|c| c.u256_ops),
    );
}

fn main() {
    println!(
        "{:<34} {:>12} {:>9} {:>9} {:>12}",
        "", "raw", "rounds", "u256 ops", "effective"
    );
    let empty = cycles(&transfers(0));
    row(
        "empty block (fixed cost)",
        empty.raw as f64,
        empty.blake2s_rounds as f64,
        empty.u256_ops as f64,
    );
    let (few, many) = (4, 12);
    marginal(
        "per extra ETH transfer",
        (few, cycles(&transfers(few as u64))),
        (many, cycles(&transfers(many as u64))),
    );
    let (few, many) = (8, 32);
    marginal(
        "per extra ERC-20 transfer (erc20)",
        (few, cycles(&erc20_world(few))),
        (many, cycles(&erc20_world(many))),
    );
}
