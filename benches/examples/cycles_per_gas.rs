//! Guest cycles per gas of the worst-case transaction of each expensive family, on
//! RISC-V: the cycles above a block with a plain transfer, over the gas above 21,000.
//! `cargo run --release -p zkos-benches --example cycles_per_gas [--before] [FILTER]`,
//! with `CYCLES_PER_GAS_LIMIT` for another gas limit than 10 M. `--before` runs the
//! blocks without native limits (gas alone bounds them), as before the model.
use zkos_benches::worst_case::{cases, GAS_LIMIT};
use zkos_runner::riscv::run_riscv;

const MAX_CYCLES: u64 = 1 << 36;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let before = args.iter().any(|arg| arg == "--before");
    let filter = args
        .iter()
        .find(|arg| *arg != "--before")
        .cloned()
        .unwrap_or_default();
    let gas_limit = std::env::var("CYCLES_PER_GAS_LIMIT")
        .ok()
        .and_then(|gas| gas.parse().ok())
        .unwrap_or(GAS_LIMIT);
    println!(
        "| case | fork | gas | outcome | raw cycles | effective cycles | raw / gas | effective / gas | heap bytes | heap / gas |"
    );
    println!("|---|---|---:|---|---:|---:|---:|---:|---:|---:|");
    for case in cases()
        .into_iter()
        .filter(|case| case.name.contains(&filter))
    {
        let mut world = case.world_with_gas(gas_limit);
        let mut baseline = case.baseline();
        world.env.native_limits = !before;
        baseline.env.native_limits = !before;
        let run = run_riscv(&world, MAX_CYCLES);
        let base = run_riscv(&baseline, MAX_CYCLES).expect("the baseline block runs");
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
        let heap = run.heap_used.saturating_sub(base.heap_used);
        println!(
            "| {} | {} | {} | {:?} | {raw} | {effective} | {:.0} | {:.0} | {heap} | {:.1} |",
            case.name,
            case.spec.name(),
            receipt.gas_used,
            receipt.outcome,
            raw as f64 / gas as f64,
            effective as f64 / gas as f64,
            heap as f64 / gas as f64
        );
    }
}
