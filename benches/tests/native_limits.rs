//! Native resources: every worst-case transaction stays within its budget on RISC-V
//! (measured cycles, against the model's `tx_budget`), both targets decide it the same
//! way, and one heavy call succeeds or fails out of native resources by its gas limit
//! as the model says.
use zkos_benches::worst_case::{self, cases, WorstCase};
use zkos_runner::run::{run_block, Target};
use zkos_runner::World;
use zkos_system::native::{self, Budget};
use zkos_system::receipt::Outcome;

/// Gas of each case here: enough for every family to loop many times, small enough that
/// all cases run on RISC-V in a few minutes.
const GAS: u64 = 1_000_000;

/// The RISC-V run's effective cycles, heap peak and outcomes (after both targets agree).
fn usage(world: &World) -> (u64, u64, Vec<Outcome>) {
    let runs = run_block(world, Target::Both, 1 << 36).expect("both targets agree");
    let riscv = runs.riscv.expect("a RISC-V run");
    let outcomes = riscv
        .run
        .outcome
        .receipts
        .iter()
        .map(|r| r.outcome)
        .collect();
    (riscv.cycles.effective(), riscv.heap_used as u64, outcomes)
}

fn cycles(world: &World) -> (u64, Vec<Outcome>) {
    let (cycles, _, outcomes) = usage(world);
    (cycles, outcomes)
}

/// Each case's cycles and heap above its baseline block stay within the budget of its
/// gas limit.
#[test]
fn every_worst_case_stays_within_its_native_budget_on_risc_v() {
    let budget = Budget::of(GAS);
    for case in cases() {
        if case.name.contains("64 pairs") {
            continue; // its calldata alone needs more than GAS
        }
        let (base_cycles, base_heap, _) = usage(&case.baseline());
        let (cycles, heap, outcomes) = usage(&case.world_with_gas(GAS));
        assert_eq!(outcomes.len(), 1, "{}", case.name);
        let cycles = cycles - base_cycles;
        let heap = heap.saturating_sub(base_heap);
        assert!(
            cycles <= budget.cycles && heap <= budget.heap,
            "{}: {cycles} cycles and {heap} heap bytes, budget {budget:?}",
            case.name
        );
    }
}

fn point_evaluation() -> WorstCase {
    let mut case = worst_case::case("point evaluation");
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

/// A block with room for 100 M gas. A loop of point evaluations with 40 M gas uses its
/// whole native budget (and fails out of native resources); a transaction with 30 M gas
/// then asks for more than the block has left and is invalid (`BlockNativeExhausted`),
/// while a transfer still fits. The model's sum is what bounds the block; this runs
/// natively (the RISC-V run of a block near 2^36 cycles takes minutes), the tests above
/// show both targets decide alike.
#[test]
fn a_block_admits_a_transaction_only_while_its_native_resources_cover_its_budget() {
    use zkos_runner::native::run_native;
    use zkos_runner::scenario::{fresh_address, BASE_FEE, CHAIN_ID};
    use zkos_runner::txgen::{key_from_seed, sign, TxSpec};
    use zkos_system::receipt::InvalidTx;
    use zkos_system::U256;
    let case = worst_case::case("point evaluation");
    let mut world = case.world_with_gas(40_000_000);
    world.env.gas_limit = 100_000_000;
    assert!(Budget::BLOCK.covers(&Budget::of(40_000_000)));
    assert!(!Budget::BLOCK
        .less(&Budget::of(40_000_000))
        .covers(&Budget::of(30_000_000)));
    let key = key_from_seed(7);
    let transfer = |nonce, gas_limit| {
        let mut spec = TxSpec::transfer(
            CHAIN_ID,
            nonce,
            fresh_address(9),
            U256::from(1),
            2 * BASE_FEE,
            1,
        );
        spec.gas_limit = gas_limit;
        sign(&spec, &key)
    };
    world.transactions.push(transfer(1, 30_000_000));
    world.transactions.push(transfer(1, 21_000));
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
            Outcome::Invalid(InvalidTx::BlockNativeExhausted),
            Outcome::Success,
        ]
    );
}

/// The families that cost the guest most per gas, one transaction of each with [`GAS`] in
/// one Prague block: both targets agree on every outcome, and on RISC-V the block's
/// cycles and heap above a one-transfer block stay within the sum of its transactions'
/// budgets, so under the prover's 2^36 cycles and the guest's heap.
#[test]
fn a_block_of_worst_cases_stays_within_its_budgets_on_risc_v() {
    use zkos_benches::worst_case::block_of;
    use zkos_system::spec::Spec;
    let names = [
        "bn254 mul",
        "point evaluation",
        "BLS12-381 G1 add",
        "BLS12-381 G2 add",
        "modexp, 1 KiB modulus, 1-byte exponent (Cancun)",
        "keccak256 of 4 KiB",
        "cold calls to 24 KiB contracts",
        "deep calls with 64 KiB each",
        "TSTORE of a new slot",
        "blake2f, 10^5 rounds",
        "32 KiB of return data",
    ];
    let cases: Vec<WorstCase> = names.iter().map(|name| worst_case::case(name)).collect();
    let world = block_of(&cases, Spec::Prague, GAS);
    let runs = run_block(&world, Target::Both, 1 << 36).expect("both targets agree");
    let riscv = runs.riscv.expect("a RISC-V run");
    let receipts = &riscv.run.outcome.receipts;
    assert_eq!(receipts.len(), names.len());
    assert!(
        receipts
            .iter()
            .all(|r| !matches!(r.outcome, Outcome::Invalid(_))),
        "every transaction fits the block's native resources"
    );
    let mut baseline = cases[0].baseline();
    baseline.env.spec = Spec::Prague;
    let base = zkos_runner::riscv::run_riscv(&baseline, 1 << 36).expect("the baseline runs");
    let budgets = Budget::of(GAS);
    let count = names.len() as u64;
    let cycles = riscv.cycles.effective() - base.cycles.effective();
    let heap = (riscv.heap_used - base.heap_used) as u64;
    println!(
        "{count} worst cases: {cycles} cycles of {} budgeted, {heap} heap bytes of {}",
        count * budgets.cycles,
        count * budgets.heap
    );
    assert!(cycles <= count * budgets.cycles, "{cycles} cycles");
    assert!(heap <= count * budgets.heap, "{heap} heap bytes");
    assert!(riscv.cycles.effective() < native::PROVER_CYCLE_LIMIT);
}

/// Calls 100 cold contracts of 24 KiB code each, then stores 1 in slot 0. Gas pays 2,600
/// for each load, the model charges it 3.4 M cycles and 72 KiB of heap: with 400,000 gas
/// the transaction runs out of native resources on both targets, while by gas alone
/// (native limits off) it succeeds.
#[test]
fn loading_large_codes_is_charged_by_the_model_on_both_targets() {
    let mut case = worst_case::case("cold calls to 24 KiB contracts");
    #[rustfmt::skip]
    let code = vec![
        0x62, 0x01, 0x00, 0x00,                   // PUSH3 0x10000: the first contract
        0x5b,                                     // 4: JUMPDEST
        0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x85, 0x5a, // CALL(GAS, i, 0, 0, 0, 0, 0)
        0xf1, 0x50,
        0x60, 0x01, 0x01,                         // i + 1
        0x80, 0x62, 0x01, 0x00, 0x64, 0x14,       // i == 0x10064?
        0x60, 0x1d, 0x57,                         // then to 29
        0x60, 0x04, 0x56,                         // else to 4
        0x5b, 0x60, 0x01, 0x5f, 0x55, 0x00,       // 29: SSTORE(0, 1), STOP
    ];
    case.code = code;
    let gas_limit = 400_000;
    let (_, outcomes) = cycles(&case.world_with_gas(gas_limit));
    assert_eq!(outcomes, [Outcome::Failure]);
    let mut world = case.world_with_gas(gas_limit);
    world.env.native_limits = false;
    let (_, outcomes) = cycles(&world);
    assert_eq!(outcomes, [Outcome::Success]);
}

/// Whatever the block's gas limit, a transaction whose budget passes the block's native
/// resources is invalid on both targets, so no frame of it can grow its memory with gas
/// the block's limit allows (by gas alone, one frame could reach hundreds of MiB).
#[test]
fn a_gas_limit_beyond_the_block_native_resources_is_invalid_on_both_targets() {
    use zkos_system::receipt::InvalidTx;
    let case = worst_case::case("MCOPY of 4 KiB");
    let gas_limit = 1 << 40;
    assert!(!Budget::BLOCK.covers(&Budget::of(gas_limit)));
    let mut world = case.world_with_gas(gas_limit);
    world.env.gas_limit = gas_limit;
    let (_, outcomes) = cycles(&world);
    assert_eq!(
        outcomes,
        [Outcome::Invalid(InvalidTx::BlockNativeExhausted)]
    );
}
