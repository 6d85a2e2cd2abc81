//! Proving cost per transaction on RISC-V (issue 14's figures): the guest OS's cycles for
//! an empty block (the fixed cost of a block) and the marginal cost of one more ETH
//! transfer and one more ERC-20 transfer, as the difference of two blocks that differ only
//! in their number of transactions: ETH to a fresh receiver, `examples/erc20`'s
//! hand-assembled token to an existing holder, and a solc-compiled token
//! (`benches/data/erc20-solc`) to a fresh receiver, each from a fresh sender.
//! Raw and effective cycles (`raw + 16·BLAKE2s rounds + 4·U256 ops`).
//! `cargo run --release -p zkos-benches --example tx_costs [-- --profile DIR]`
//! (`--profile`: where the cycles of the larger ETH and solc ERC-20 blocks go, as folded
//! stacks in `DIR/eth.folded` and `DIR/erc20-solc.folded`, for inferno or `zkos profile`'s
//! readers)
use std::path::Path;
use zkos_emulator::Cycles;
use zkos_runner::native::run_native;
use zkos_runner::riscv::run_riscv_silent;
use zkos_runner::scenario::{
    block_env, fresh_address, funded, recent_hashes, transfers, BASE_FEE, CHAIN_ID, ONE_ETHER,
};
use zkos_runner::txgen::{address_of, sign, TxSpec};
use zkos_runner::world::{AccountState, World};
use zkos_system::receipt::Outcome;
use zkos_system::types::keccak256;
use zkos_system::{Address, B256, U256};

/// The prover's run: RISC-V, silent (no report; its outcome is the native run's).
fn cycles(world: &World) -> Cycles {
    let native = run_native(world).expect("the block runs natively");
    let run = run_riscv_silent(world, 1 << 36, &native).expect("the block runs on RISC-V");
    let receipts = &run.run.outcome.receipts;
    assert!(
        receipts.iter().all(|r| r.outcome == Outcome::Success),
        "every transaction succeeds"
    );
    assert_eq!(receipts.len(), world.transactions.len());
    run.cycles
}

fn erc20_world(transfers: usize) -> World {
    let (pre, mut block) = zkos_benches::erc20_example();
    block.transactions.truncate(transfers);
    World::of_block_file(pre, block).expect("the example block has a valid window")
}

/// The token of `benches/data/erc20-solc/Token.sol` (solc 0.8.28, optimizer on, 200 runs;
/// `Token.bin-runtime` is its runtime code, rebuilt as that folder's README says).
const SOLC_TOKEN: Address = [0x70; 20];

fn solc_token_code() -> Vec<u8> {
    let hex = include_str!("../data/erc20-solc/Token.bin-runtime").trim();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("the runtime code is hex"))
        .collect()
}

fn word_of(address: &Address) -> B256 {
    let mut word = [0u8; 32];
    word[12..].copy_from_slice(address);
    word
}

/// `balanceOf[holder]`: the mapping at slot 0.
fn balance_slot(holder: &Address) -> B256 {
    keccak256(&[word_of(holder), [0u8; 32]].concat())
}

/// `count` calls of `transfer(to, 10)`, each from a fresh sender holding tokens to a fresh
/// receiver.
fn solc_erc20_world(count: u64) -> World {
    let (keys, mut pre) = funded(count, U256::from(ONE_ETHER));
    let storage = keys
        .iter()
        .map(|key| (balance_slot(&address_of(key)), U256::from(1_000_000u64)))
        .collect();
    let token = AccountState {
        nonce: 1,
        code: solc_token_code(),
        storage,
        ..Default::default()
    };
    pre.insert(SOLC_TOKEN, token);
    let transactions = keys
        .iter()
        .enumerate()
        .map(|(index, key)| {
            let data = [
                &[0xa9, 0x05, 0x9c, 0xbb][..],
                &word_of(&fresh_address(index as u64)),
                &U256::from(10u64).to_be_bytes::<32>(),
            ]
            .concat();
            let spec = TxSpec {
                gas_limit: 100_000,
                data,
                ..TxSpec::transfer(CHAIN_ID, 0, SOLC_TOKEN, U256::ZERO, 2 * BASE_FEE, 2)
            };
            sign(&spec, key)
        })
        .collect();
    World::new(pre, block_env(), transactions)
        .with_recent_hashes(&recent_hashes())
        .expect("256 hashes fit the window")
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

/// Writes the folded stacks of the guest OS's run of `world` (effective cycles) to `path`.
fn write_profile(world: &World, path: &Path) {
    use zkos_profiler::{marks, Profile, ProfileTracer, SymbolTable, Weight};
    let symbols = SymbolTable::from_program(zkos_runner::riscv::os_program());
    let mut tracer = ProfileTracer::new(symbols, Weight::Effective, marks::guest_os());
    let native = run_native(world).expect("the block runs natively");
    zkos_runner::riscv::run_riscv_silent_traced(world, &mut tracer, 1 << 36, &native)
        .expect("the block runs on RISC-V");
    let profile = Profile::build(tracer, Some(zkos_guests::OS));
    std::fs::write(path, profile.folded_text()).expect("the profile is written");
    println!("{}: {} effective cycles", path.display(), profile.total);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|arg| arg == "--profile") {
        let dir = Path::new(args.get(at + 1).expect("--profile takes a folder"));
        std::fs::create_dir_all(dir).expect("the profile folder is made");
        write_profile(&transfers(12), &dir.join("eth.folded"));
        write_profile(&solc_erc20_world(12), &dir.join("erc20-solc.folded"));
        return;
    }
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
    let (few, many) = (4, 12);
    marginal(
        "per extra ERC-20 transfer (solc)",
        (few as usize, cycles(&solc_erc20_world(few))),
        (many as usize, cycles(&solc_erc20_world(many))),
    );
}
