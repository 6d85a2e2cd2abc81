//! EIP-6780: a contract created in the transaction that self-destructs naming itself burns
//! its balance at once, so a later BALANCE in the same transaction reads zero (the bug the
//! Prague fixtures' `create_selfdestruct_same_tx` cases found), on both targets.
use zkos_runner::run::{run_block, Target};
use zkos_runner::scenario::{block_env, fresh_address, funded, BASE_FEE, CHAIN_ID, ONE_ETHER};
use zkos_runner::txgen::{sign, TxSpec};
use zkos_runner::{AccountState, World};
use zkos_system::receipt::Outcome;
use zkos_system::U256;

/// CREATE (value 100) a child whose code is `ADDRESS SELFDESTRUCT`, CALL it, store
/// BALANCE(child) in slot 0.
const PARENT: &str = concat!(
    "6a6130ff6000526002601ef3600052", // the child's init code at memory 21..32
    "600b60156064f0",                 // CREATE(100, 21, 11)
    "80600060006000600060008",
    "55af150",    // CALL(gas, child, 0, 0, 0, 0, 0); POP
    "3160005500", // SSTORE(0, BALANCE(child)); STOP
);

#[test]
fn a_contract_created_and_destroyed_to_itself_has_no_balance_left() {
    let (keys, mut pre) = funded(1, U256::from(ONE_ETHER));
    let parent = fresh_address(9);
    pre.insert(
        parent,
        AccountState {
            nonce: 1,
            balance: U256::from(1000),
            code: hex::decode(PARENT).unwrap(),
            ..Default::default()
        },
    );
    let call = TxSpec {
        gas_limit: 300_000,
        ..TxSpec::transfer(CHAIN_ID, 0, parent, U256::ZERO, 2 * BASE_FEE, 1)
    };
    let world = World::new(pre, block_env(), vec![sign(&call, &keys[0])]);
    let runs = run_block(&world, Target::Both, u64::MAX).unwrap();
    let outcome = &runs.primary().outcome;
    assert_eq!(outcome.receipts[0].outcome, Outcome::Success);
    let post = world.post_state(outcome);
    let parent_after = &post[&parent];
    assert_eq!(
        parent_after.balance,
        U256::from(900),
        "100 went to the child"
    );
    assert!(
        !parent_after.storage.contains_key(&[0u8; 32]),
        "BALANCE(child) after its SELFDESTRUCT must be 0, got {:?}",
        parent_after.storage.get(&[0u8; 32])
    );
    assert_eq!(
        post.len(),
        3,
        "sender, parent, coinbase: the child is gone: {post:?}"
    );
}
