//! Benchmarks live in `benches/`; run them with `cargo bench -p zkos-benches`. The
//! worst-case transactions per expensive family are in [`worst_case`]; their guest cycles
//! per gas: `cargo run --release -p zkos-benches --example cycles_per_gas`.
pub mod evm_compute;
pub mod evm_host;
pub mod evm_pair;
pub mod worst_case;

use std::path::Path;
use zkos_runner::input::{parse_block, parse_state, BlockFile};
use zkos_runner::{PreState, World};

/// `examples/erc20`: the pre-state and the block of 32 ERC-20 transfers, each from a
/// fresh sender.
pub fn erc20_example() -> (PreState, BlockFile) {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/erc20");
    let pre = parse_state(&example.join("state.json")).expect("the example state parses");
    let block = parse_block(&example.join("block.json")).expect("the example block parses");
    (pre, block)
}

/// [`erc20_example`] as a world to run.
pub fn erc20_example_world() -> World {
    let (pre, block) = erc20_example();
    World::of_block_file(pre, block).expect("the example block has a valid window")
}
