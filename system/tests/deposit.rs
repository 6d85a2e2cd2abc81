//! Deposit transactions (OP Stack type 0x7E): a vector encoded by hand, the round trip over
//! random deposits, and malformed ones refused.
use proptest::prelude::*;
use zkos_system::deposit::{decode, is_deposit, Deposit, PriorityOps};
use zkos_system::types::keccak256;
use zkos_system::U256;

/// sourceHash 0x11.., from 0x22.., to 0x33.., mint 1, value 0, gas 21000, not a system
/// transaction, no data, encoded field by field.
fn hand_encoded() -> Vec<u8> {
    let mut raw = vec![0x7e, 0xf8, 82];
    raw.push(0xa0);
    raw.extend([0x11; 32]);
    raw.push(0x94);
    raw.extend([0x22; 20]);
    raw.push(0x94);
    raw.extend([0x33; 20]);
    raw.extend([0x01, 0x80, 0x82, 0x52, 0x08, 0x80, 0x80]);
    raw
}

#[test]
fn a_hand_encoded_deposit_decodes_and_encodes_back() {
    let raw = hand_encoded();
    assert!(is_deposit(&raw));
    let deposit = decode(&raw).unwrap();
    assert_eq!(deposit.source_hash, [0x11; 32]);
    assert_eq!(deposit.from, [0x22; 20]);
    assert_eq!(deposit.to, Some([0x33; 20]));
    assert_eq!(deposit.mint, U256::from(1));
    assert_eq!(deposit.value, U256::ZERO);
    assert_eq!(deposit.gas_limit, 21_000);
    assert!(!deposit.is_system_tx);
    assert!(deposit.data.is_empty());
    assert_eq!(deposit.hash, keccak256(&raw));
    assert_eq!(deposit.encode(), raw);
}

#[test]
fn malformed_deposits_are_refused() {
    let raw = hand_encoded();
    let mut trailing = raw.clone();
    trailing.push(0);
    assert!(decode(&trailing).is_err(), "trailing byte");
    let mut system_flag_two = raw.clone();
    let at = system_flag_two.len() - 2;
    system_flag_two[at] = 0x02;
    assert!(decode(&system_flag_two).is_err(), "isSystemTx = 2");
    let mut short = raw[..raw.len() - 1].to_vec();
    short[2] -= 1;
    assert!(decode(&short).is_err(), "seven fields");
    assert!(decode(&raw[1..]).is_err(), "no type byte");
}

#[test]
fn the_rolling_hash_folds_each_deposit_hash() {
    let (a, b) = ([1u8; 32], [2u8; 32]);
    let mut ops = PriorityOps::default();
    ops.fold(&a);
    ops.fold(&b);
    let first = keccak256(&[[0u8; 32], a].concat());
    assert_eq!(ops.rolling_hash, keccak256(&[first, b].concat()));
    assert_eq!(ops.count, 2);
}

proptest! {
    #[test]
    fn deposits_round_trip(
        source in any::<[u8; 32]>(), from in any::<[u8; 20]>(), to in any::<Option<[u8; 20]>>(),
        mint in any::<[u8; 32]>(), value in any::<u128>(), gas in any::<u64>(),
        system in any::<bool>(), data in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let deposit = Deposit {
            source_hash: source, from, to, mint: U256::from_be_bytes(mint), value: U256::from(value),
            gas_limit: gas, is_system_tx: system, data, hash: [0; 32],
        };
        let raw = deposit.encode();
        let decoded = decode(&raw).unwrap();
        prop_assert_eq!(Deposit { hash: [0; 32], ..decoded.clone() }, deposit);
        prop_assert_eq!(decoded.hash, keccak256(&raw));
    }
}
