//! Guest cycles per gas of the worst-case transaction of each expensive family, on
//! RISC-V: the cycles above a block with a plain transfer, over the gas above 21,000.
//! `cargo run --release -p zkos-benches --example cycles_per_gas [FILTER]`, with
//! `CYCLES_PER_GAS_LIMIT` for another gas limit than 10 M.
use zkos_benches::worst_case::{cases, GAS_LIMIT};
use zkos_runner::riscv::run_riscv;

const MAX_CYCLES: u64 = 1 << 36;

fn main() {
    let filter = std::env::args().nth(1).unwrap_or_default();
    let gas_limit = std::env::var("CYCLES_PER_GAS_LIMIT")
        .ok()
        .and_then(|gas| gas.parse().ok())
        .unwrap_or(GAS_LIMIT);
    println!("| case | fork | gas | raw cycles | effective cycles | raw / gas | effective / gas |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for case in cases()
        .into_iter()
        .filter(|case| case.name.contains(&filter))
    {
        let run = run_riscv(&case.world_with_gas(gas_limit), MAX_CYCLES);
        let base = run_riscv(&case.baseline(), MAX_CYCLES).expect("the baseline block runs");
        let run = match run {
            Ok(run) => run,
            Err(fault) => {
                println!(
                    "| {} | {} | guest fault: {fault} |",
                    case.name,
                    case.spec.name()
                );
                continue;
            }
        };
        let receipt = &run.run.outcome.receipts[0];
        let gas = receipt.gas_used - 21_000;
        let raw = run.cycles.raw - base.cycles.raw;
        let effective = run.cycles.effective() - base.cycles.effective();
        println!(
            "| {} | {} | {} | {raw} | {effective} | {:.0} | {:.0} |",
            case.name,
            case.spec.name(),
            receipt.gas_used,
            raw as f64 / gas as f64,
            effective as f64 / gas as f64
        );
    }
}
