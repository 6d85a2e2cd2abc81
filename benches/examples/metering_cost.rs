//! What native-resource metering adds to the guest's cycles, measured on RISC-V: the same
//! blocks run with `native_limits` on and off, side by side. A block of ETH transfers gives
//! the cost per transaction (the admission check and the block's accounting); a KECCAK256
//! loop and a memory-growing loop give the cost of the charges inside execution.
//! `cargo run --release -p zkos-benches --example metering_cost [TRANSFERS]`.
use zkos_benches::worst_case;
use zkos_runner::riscv::run_riscv;
use zkos_runner::scenario::transfers;
use zkos_runner::World;

const MAX_CYCLES: u64 = 1 << 36;
/// Gas of each loop case: small enough that none runs out of native resources.
const LOOP_GAS: u64 = 1_000_000;

fn cycles(make: &dyn Fn() -> World, native_limits: bool) -> (u64, u64) {
    let mut world = make();
    world.env.native_limits = native_limits;
    let run = run_riscv(&world, MAX_CYCLES).expect("the block runs");
    (run.cycles.raw, run.cycles.effective())
}

fn report(name: &str, make: &dyn Fn() -> World, per: u64, unit: &str) {
    let (raw_on, effective_on) = cycles(make, true);
    let (raw_off, effective_off) = cycles(make, false);
    let raw = raw_on as i64 - raw_off as i64;
    let effective = effective_on as i64 - effective_off as i64;
    println!(
        "| {name} | {raw_off} | {raw_on} | {:.1} | {:.1} | {unit} |",
        raw as f64 / per as f64,
        effective as f64 / per as f64
    );
}

fn main() {
    let count: u64 = std::env::args()
        .nth(1)
        .and_then(|count| count.parse().ok())
        .unwrap_or(100);
    println!("| block | raw cycles, off | raw cycles, on | raw added | effective added | per |");
    println!("|---|---:|---:|---:|---:|---|");
    report(
        &format!("{count} ETH transfers"),
        &|| transfers(count),
        count,
        "transaction",
    );
    for name in ["keccak256 of 0 bytes", "MCOPY of 4 KiB", "cold SLOAD"] {
        let case = worst_case::case(name);
        report(
            &format!("{name}, {LOOP_GAS} gas"),
            &|| case.world_with_gas(LOOP_GAS),
            LOOP_GAS - 21_000,
            "gas",
        );
    }
}
