//! Blocks built on the host for examples, tests and benchmarks: funded accounts with
//! deterministic keys and signed transfers between them.
use crate::txgen::{address_of, key_from_seed, sign, TxSpec};
use crate::world::{AccountState, PreState, World};
use k256::ecdsa::SigningKey;
use zkos_system::block::BlockEnv;
use zkos_system::{Address, B256, U256};

pub const CHAIN_ID: u64 = 1;
pub const BASE_FEE: u64 = 1_000_000_000;
pub const COINBASE: Address = [0xc0; 20];
pub const ONE_ETHER: u64 = 1_000_000_000_000_000_000;

/// The scenario block's predecessors' hashes: block `1000 - 256 + i` has hash `[i; 32]`.
pub fn recent_hashes() -> Vec<B256> {
    (0..=255u8).map(|i| [i; 32]).collect()
}

pub fn block_env() -> BlockEnv {
    BlockEnv {
        spec: Default::default(),
        chain_id: CHAIN_ID,
        number: 1000,
        timestamp: 1_700_000_000,
        coinbase: COINBASE,
        gas_limit: 30_000_000,
        base_fee: U256::from(BASE_FEE),
        prevrandao: [0x5a; 32],
        excess_blob_gas: 0,
        native_limits: true,
    }
}

/// `count` accounts with keys from seeds `0..count`, each holding `balance`.
pub fn funded(count: u64, balance: U256) -> (Vec<SigningKey>, PreState) {
    let keys: Vec<SigningKey> = (0..count).map(key_from_seed).collect();
    let state = keys
        .iter()
        .map(|key| {
            (
                address_of(key),
                AccountState {
                    balance,
                    ..Default::default()
                },
            )
        })
        .collect();
    (keys, state)
}

/// An address that holds nothing (for recipients).
pub fn fresh_address(index: u64) -> Address {
    let mut address = [0u8; 20];
    address[0] = 0xee;
    address[12..].copy_from_slice(&index.to_be_bytes());
    address
}

/// `count` EIP-1559 transfers, each from its own funded sender to its own new recipient.
pub fn transfers(count: u64) -> World {
    let (keys, pre) = funded(count, U256::from(ONE_ETHER));
    let txs = keys
        .iter()
        .enumerate()
        .map(|(index, key)| {
            let spec = TxSpec::transfer(
                CHAIN_ID,
                0,
                fresh_address(index as u64),
                U256::from(1000 + index),
                2 * BASE_FEE,
                2,
            );
            sign(&spec, key)
        })
        .collect();
    World::new(pre, block_env(), txs)
        .with_recent_hashes(&recent_hashes())
        .expect("256 hashes fit the window")
}
