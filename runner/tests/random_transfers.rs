//! Random blocks of transfers between random accounts: native and RISC-V agree (the
//! runner compares output, receipts, diff and oracle stream), and the post-state equals
//! a simple independent model of balances and nonces.
use proptest::prelude::*;
use std::collections::BTreeMap;
use zkos_runner::run::{run_block, Target};
use zkos_runner::scenario::{block_env, fresh_address, BASE_FEE, CHAIN_ID, COINBASE};
use zkos_runner::txgen::{address_of, key_from_seed, sign, TxSpec};
use zkos_runner::{AccountState, World};
use zkos_system::{Address, U256};

const SENDERS: u64 = 4;
const GAS: u64 = 21_000;

#[derive(Clone, Debug)]
struct Transfer {
    sender: u64,
    recipient: u64,
    value: u64,
    tip: u64,
    nonce_offset: i8,
}

fn transfer() -> impl Strategy<Value = Transfer> {
    let nonce_offset = prop_oneof![8 => Just(0i8), 1 => Just(-1i8), 1 => Just(1i8)];
    (
        0..SENDERS,
        0..SENDERS + 3,
        0u64..2_000_000,
        0u64..4,
        nonce_offset,
    )
        .prop_map(|(sender, recipient, value, tip, nonce_offset)| Transfer {
            sender,
            recipient,
            value,
            tip,
            nonce_offset,
        })
}

fn recipient_address(index: u64) -> Address {
    if index < SENDERS {
        address_of(&key_from_seed(index))
    } else {
        fresh_address(index)
    }
}

#[derive(Default, Clone, Copy)]
struct Model {
    balance: u128,
    nonce: u64,
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_transfers_match_the_model_on_both_targets(
        balances in proptest::collection::vec(0u64..(60_000 * BASE_FEE), SENDERS as usize),
        transfers in proptest::collection::vec(transfer(), 1..6),
    ) {
        let keys: Vec<_> = (0..SENDERS).map(key_from_seed).collect();
        let mut model: BTreeMap<Address, Model> = BTreeMap::new();
        let mut pre = BTreeMap::new();
        for (key, &balance) in keys.iter().zip(&balances) {
            pre.insert(address_of(key), AccountState { balance: U256::from(balance), ..Default::default() });
            model.insert(address_of(key), Model { balance: balance as u128, nonce: 0 });
        }
        let max_fee = 2 * BASE_FEE;
        let mut txs = Vec::new();
        let mut expected_success = Vec::new();
        for t in &transfers {
            let sender = address_of(&keys[t.sender as usize]);
            let to = recipient_address(t.recipient);
            let current = model[&sender];
            let nonce = (current.nonce as i64 + t.nonce_offset as i64).max(0) as u64;
            let spec = TxSpec::transfer(CHAIN_ID, nonce, to, U256::from(t.value), max_fee, t.tip);
            txs.push(sign(&spec, &keys[t.sender as usize]));
            let affordable = current.balance >= (GAS * max_fee) as u128 + t.value as u128;
            let valid = nonce == current.nonce && affordable;
            expected_success.push(valid);
            if valid {
                let price = (BASE_FEE + t.tip) as u128;
                model.get_mut(&sender).unwrap().balance -= GAS as u128 * price + t.value as u128;
                model.get_mut(&sender).unwrap().nonce += 1;
                model.entry(to).or_default().balance += t.value as u128;
                model.entry(COINBASE).or_default().balance += GAS as u128 * t.tip as u128;
            }
        }
        let world = World::new(pre, block_env(), txs);
        let runs = run_block(&world, Target::Both, 1 << 36).unwrap();
        let outcome = &runs.primary().outcome;
        let success: Vec<bool> = outcome.receipts.iter().map(|r| r.outcome == zkos_system::receipt::Outcome::Success).collect();
        prop_assert_eq!(success, expected_success);
        let post = world.post_state(outcome);
        model.retain(|_, account| account.balance != 0 || account.nonce != 0);
        let got: BTreeMap<Address, (u128, u64)> = post.iter().map(|(a, s)| (*a, (s.balance.to::<u128>(), s.nonce))).collect();
        let want: BTreeMap<Address, (u128, u64)> = model.iter().map(|(a, m)| (*a, (m.balance, m.nonce))).collect();
        prop_assert_eq!(got, want);
    }
}
