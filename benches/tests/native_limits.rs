//! Native resources: every worst-case transaction stays within its budget on RISC-V
//! (measured cycles, against the model's `tx_budget`), both targets decide it the same
//! way, and one heavy call succeeds or fails out of native resources by its gas limit
//! as the model says.
use zkos_benches::worst_case::{cases, WorstCase};
use zkos_runner::run::{run_block, Target};
use zkos_runner::World;
use zkos_system::native::{self, BLOCK_NATIVE_LIMIT};
use zkos_system::receipt::Outcome;

/// Gas of each case here: enough for every family to loop many times, small enough that
/// all cases run on RISC-V in a few minutes.
const GAS: u64 = 1_000_000;

fn cycles(world: &World) -> (u64, Vec<Outcome>) {
    let runs = run_block(world, Target::Both, 1 << 36).expect("both targets agree");
    let riscv = runs.riscv.expect("a RISC-V run");
    let outcomes = riscv
        .run
        .outcome
        .receipts
        .iter()
        .map(|r| r.outcome)
        .collect();
    (riscv.cycles.effective(), outcomes)
}

#[test]
fn every_worst_case_stays_within_its_native_budget_on_risc_v() {
    let budget = native::tx_budget(GAS, BLOCK_NATIVE_LIMIT);
    for case in cases() {
        if case.name.contains("64 pairs") {
            continue; // its calldata alone needs more than GAS
        }
        let (base, _) = cycles(&case.baseline());
        let (all, outcomes) = cycles(&case.world_with_gas(GAS));
        let used = all - base;
        assert_eq!(outcomes.len(), 1, "{}", case.name);
        assert!(
            used <= budget,
            "{}: {used} cycles, budget {budget}",
            case.name
        );
    }
}

fn point_evaluation() -> WorstCase {
    let mut case = cases()
        .into_iter()
        .find(|case| case.name == "point evaluation")
        .unwrap();
    // CALLDATACOPY, STATICCALL(GAS, 0x0a, input) once, SSTORE(0, success), STOP.
    case.code = vec![
        0x36, 0x5f, 0x5f, 0x37, 0x5f, 0x5f, 0x36, 0x5f, 0x60, 0x0a, 0x5a, 0xfa, 0x5f, 0x55, 0x00,
    ];
    case
}

/// One KZG opening costs 50,000 gas and, by the model, `POINT_EVALUATION` cycles: with
/// 100,000 gas the transaction's native resources cannot pay and it fails on both targets
/// (with Ethereum's rules alone it would succeed); with 300,000 it succeeds.
#[test]
fn one_heavy_call_fails_out_of_native_resources_by_the_model_on_both_targets() {
    let case = point_evaluation();
    let short = 100_000;
    assert!(
        short * (native::NATIVE_PER_GAS - native::BASE_PER_GAS)
            < zkos_ee_evm::native::POINT_EVALUATION
    );
    let (_, outcomes) = cycles(&case.world_with_gas(short));
    assert_eq!(outcomes, [Outcome::Failure]);
    let (_, outcomes) = cycles(&case.world_with_gas(300_000));
    assert_eq!(outcomes, [Outcome::Success]);
}

/// A block with room for 100 M gas: a loop of point evaluations with 70 M gas uses the
/// block's whole native budget (and fails out of native resources), so the transfer after
/// it cannot start (`BlockNativeExhausted`) and the block still ends. The model's sum is
/// what bounds it; this runs natively (the RISC-V run of a block at 2^36 cycles takes
/// minutes), the per-transaction test above shows both targets decide alike.
#[test]
fn a_block_whose_native_resources_are_used_up_skips_the_next_transaction() {
    use zkos_runner::native::run_native;
    use zkos_runner::scenario::{fresh_address, BASE_FEE, CHAIN_ID};
    use zkos_runner::txgen::{sign, TxSpec};
    use zkos_system::receipt::InvalidTx;
    use zkos_system::U256;
    let case = cases()
        .into_iter()
        .find(|case| case.name == "point evaluation")
        .unwrap();
    let mut world = case.world_with_gas(70_000_000);
    world.env.gas_limit = 100_000_000;
    let key = zkos_runner::txgen::key_from_seed(7);
    let transfer = TxSpec::transfer(
        CHAIN_ID,
        1,
        fresh_address(9),
        U256::from(1),
        2 * BASE_FEE,
        1,
    );
    world.transactions.push(sign(&transfer, &key));
    let world = World::new(
        world.pre.clone(),
        world.env.clone(),
        world.transactions.clone(),
    );
    let run = run_native(&world).expect("the block ends");
    let outcomes: Vec<Outcome> = run.outcome.receipts.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Failure,
            Outcome::Invalid(InvalidTx::BlockNativeExhausted)
        ]
    );
}
