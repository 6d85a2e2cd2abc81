use zkos_runner::run::{run_block, Target};
use zkos_runner::scenario;

#[test]
fn three_transfers_both_targets() {
    let world = scenario::transfers(3);
    let runs = run_block(&world, Target::Both, 1 << 36).unwrap();
    let riscv = runs.riscv.as_ref().unwrap();
    eprintln!(
        "cycles {:?} effective {}",
        riscv.cycles,
        riscv.cycles.effective()
    );
    for receipt in &runs.primary().outcome.receipts {
        eprintln!("{:?}", receipt.outcome);
    }
}
