//! Writes `examples/chain/genesis.json` and `examples/chain/blocks/NN.json`: the chain of
//! `zkos_runner::chain_scenario` (a deposit, transfers, a contract reading BLOCKHASH of the
//! previous block and sending it to L1, a withdrawal). Run from the repository root:
//! `cargo run -p zkos-runner --example make_chain_example`.
use zkos_runner::chain_scenario::{block_file_json, chain_scenario};
use zkos_runner::report::state_json;

fn main() {
    let scenario = chain_scenario(5);
    let pretty = |value| serde_json::to_string_pretty(&value).unwrap() + "\n";
    std::fs::create_dir_all("examples/chain/blocks").unwrap();
    std::fs::write(
        "examples/chain/genesis.json",
        pretty(state_json(&scenario.genesis)),
    )
    .unwrap();
    for (index, block) in scenario.blocks.iter().enumerate() {
        let path = format!("examples/chain/blocks/{:02}.json", index + 1);
        std::fs::write(path, pretty(block_file_json(block))).unwrap();
    }
}
