//! Writes `examples/state.json` and `examples/block.json`: several transfers (all three
//! transaction types) and failing transactions. Run from the repository root:
//! `cargo run -p zkos-runner --example make_example`.
use zkos_runner::report::{block_json, state_json};
use zkos_runner::scenario::{
    block_env, fresh_address, funded, recent_hashes, BASE_FEE, CHAIN_ID, ONE_ETHER,
};
use zkos_runner::txgen::{sign, TxSpec};
use zkos_system::tx::TxType;
use zkos_system::U256;

fn main() {
    let (keys, mut pre) = funded(4, U256::from(ONE_ETHER));
    let poor = zkos_runner::txgen::address_of(&keys[3]);
    pre.get_mut(&poor).unwrap().balance = U256::from(1_000_000u64);
    let [alice, bob, carol, dave] = [0, 1, 2, 3].map(|i| &keys[i]);
    let bob_address = zkos_runner::txgen::address_of(bob);
    let transfer = |nonce, to, value: u64| {
        TxSpec::transfer(
            CHAIN_ID,
            nonce,
            to,
            U256::from(value),
            2 * BASE_FEE,
            1_000_000,
        )
    };
    let legacy = TxSpec {
        tx_type: TxType::Legacy,
        max_fee_per_gas: U256::from(BASE_FEE + 7),
        max_priority_fee_per_gas: U256::from(BASE_FEE + 7),
        ..transfer(0, fresh_address(2), 3_000)
    };
    let access_list = TxSpec {
        tx_type: TxType::AccessList,
        gas_limit: 21_000 + 2_400 + 1_900,
        access_list: vec![(fresh_address(3), vec![[1u8; 32]])],
        max_fee_per_gas: U256::from(BASE_FEE),
        max_priority_fee_per_gas: U256::from(BASE_FEE),
        ..transfer(0, fresh_address(3), 4_000)
    };
    let transactions = [
        sign(&transfer(0, bob_address, 1_000_000), alice),
        sign(&legacy, bob),
        sign(&access_list, carol),
        sign(&transfer(5, fresh_address(4), 1), alice),
        sign(&transfer(1, fresh_address(1), 2_000), alice),
        sign(&transfer(0, fresh_address(5), 1), dave),
    ];
    let block = block_json(&block_env(), &transactions, &recent_hashes()[252..]);
    let pretty = |value| serde_json::to_string_pretty(&value).unwrap() + "\n";
    std::fs::write("examples/state.json", pretty(state_json(&pre))).unwrap();
    std::fs::write("examples/block.json", pretty(block)).unwrap();
}
