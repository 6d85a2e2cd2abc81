//! Snapshots and reverts of the journaled state undo exactly the changes made after the
//! snapshot, with the state loaded through the real oracle protocol.
use zkos_guest_os::client::OracleClient;
use zkos_runner::scenario::{block_env, funded, ONE_ETHER};
use zkos_runner::server::OracleServer;
use zkos_runner::txgen::address_of;
use zkos_runner::World;
use zkos_system::chain::VerifiedWindow;
use zkos_system::hash::SoftwareBlake2s;
use zkos_system::state::{Log, State, Transfer};
use zkos_system::U256;

#[test]
fn nested_reverts_undo_exactly_their_own_changes() {
    let (keys, pre) = funded(2, U256::from(ONE_ETHER));
    let [a, b] = [address_of(&keys[0]), address_of(&keys[1])];
    let world = World::new(pre, block_env(), vec![]);
    let mut server = OracleServer::new(&world);
    let mut client = OracleClient::new(&mut server);
    let window = VerifiedWindow::new(world.previous_chain_state().block_hashes, world.env.number);
    let mut state = State::new(
        &SoftwareBlake2s,
        &mut client,
        world.commitment(),
        window,
        world.env.spec,
    );
    let slot = [7u8; 32];
    state.begin_transaction();

    let done = state.transfer(&a, &b, U256::from(100)).unwrap();
    assert_eq!(done, Transfer::Done);
    let outer = state.snapshot();
    state.sstore(&a, &slot, U256::from(1)).unwrap();
    state.tstore(&a, &slot, U256::from(2));
    assert!(state.warm_account(&b));
    let inner = state.snapshot();
    let done = state.transfer(&b, &a, U256::from(30)).unwrap();
    assert_eq!(done, Transfer::Done);
    state.sstore(&a, &slot, U256::from(3)).unwrap();
    state.push_log(Log {
        address: a,
        topics: vec![],
        data: vec![1],
    });
    state
        .update_account(&b, |account| account.nonce = 9)
        .unwrap();

    state.revert_to(inner);
    assert_eq!(
        state.account(&a).unwrap().balance,
        U256::from(ONE_ETHER - 100)
    );
    assert_eq!(state.account(&b).unwrap().nonce, 0);
    let slot_value = state.sload(&a, &slot).unwrap();
    assert_eq!(
        (slot_value.original, slot_value.current),
        (U256::ZERO, U256::from(1))
    );
    assert_eq!(state.tload(&a, &slot), U256::from(2));
    assert!(!state.warm_account(&b), "warmed before the inner snapshot");

    state.revert_to(outer);
    assert_eq!(state.sload(&a, &slot).unwrap().current, U256::ZERO);
    assert_eq!(state.tload(&a, &slot), U256::ZERO);
    assert!(
        state.warm_account(&b),
        "warming is undone by the outer revert"
    );
    assert_eq!(
        state.account(&b).unwrap().balance,
        U256::from(ONE_ETHER + 100)
    );
    let (logs, _) = state.end_transaction();
    assert!(logs.is_empty());

    let (_, diff, _) = state.finish().unwrap();
    assert_eq!(diff.accounts.len(), 2);
    assert!(diff.storage.is_empty());
}
