//! A small rollup chain built on the host (for `examples/chain` and the chain tests): a
//! deposit that mints to a fresh account, transfers, a contract that reads BLOCKHASH of the
//! previous block and sends it to L1, a message sent in a frame that reverts, a deposit whose
//! call reverts, and an ETH withdrawal.
use crate::input::BlockFile;
use crate::report::{hex0x, quantity};
use crate::scenario::{block_env, fresh_address, funded, BASE_FEE, CHAIN_ID, ONE_ETHER};
use crate::txgen::{address_of, sign, TxSpec};
use crate::world::{AccountState, PreState};
use k256::ecdsa::SigningKey;
use serde_json::{json, Value};
use zkos_system::deposit::Deposit;
use zkos_system::l1_messenger::{L1_MESSENGER, WITHDRAW_SELECTOR};
use zkos_system::types::keccak256;
use zkos_system::{Address, U256};

/// Stores BLOCKHASH(NUMBER - 1) in slot 0 and sends it to L1 (`sendToL1(bytes)`).
pub const BLOCKHASH_REPORTER: Address = contract_address(1);
/// Sends the message `0xdead` (32 bytes) to L1, then reverts.
pub const REVERTING_SENDER: Address = contract_address(2);
/// Calls [`REVERTING_SENDER`] (ignoring its failure), then sends `0xbeef` (32 bytes).
pub const WRAPPER: Address = contract_address(3);

const fn contract_address(index: u8) -> Address {
    let mut address = [0u8; 20];
    address[17] = 0xc0;
    address[18] = 0xde;
    address[19] = index;
    address
}

/// EVM code that sends the 32-byte word on top of the stack to L1 through `sendToL1`.
const SEND_TOP_WORD: &str = concat!(
    "6362f84b24",                 // PUSH4 sendToL1's selector
    "60e01b600052",               // SHL 224; MSTORE at 0
    "6020600452",                 // MSTORE(4, 0x20): the bytes' offset
    "6020602452",                 // MSTORE(0x24, 0x20): their length
    "604452",                     // MSTORE(0x44, word)
    "60206080606460006000618008", // retSize, retOffset, argsSize, argsOffset, value, 0x8008
    "5af150",                     // GAS CALL POP
);

fn code(parts: &[&str]) -> Vec<u8> {
    hex::decode(parts.concat()).expect("valid hex")
}

pub fn blockhash_reporter_code() -> Vec<u8> {
    // NUMBER 1 SWAP1 SUB BLOCKHASH DUP1 PUSH1 0 SSTORE, send, STOP
    code(&["43600190034080600055", SEND_TOP_WORD, "00"])
}

pub fn reverting_sender_code() -> Vec<u8> {
    code(&["61dead", SEND_TOP_WORD, "60006000fd"])
}

pub fn wrapper_code() -> Vec<u8> {
    // CALL(gas, REVERTING_SENDER, 0, 0, 0, 0, 0); POP; send 0xbeef; STOP
    code(&[
        "6000600060006000600062c0de025af150",
        "61beef",
        SEND_TOP_WORD,
        "00",
    ])
}

/// The withdrawal call: `withdraw(receiver)` to the messenger with `value`.
pub fn withdraw_call(nonce: u64, receiver: &Address, value: U256) -> TxSpec {
    let mut data = WITHDRAW_SELECTOR.to_vec();
    data.extend_from_slice(&[0u8; 12]);
    data.extend_from_slice(receiver);
    TxSpec {
        gas_limit: 100_000,
        data,
        ..TxSpec::transfer(CHAIN_ID, nonce, L1_MESSENGER, value, 2 * BASE_FEE, 1)
    }
}

/// A deposit from L1 of `mint` to `from`, calling `to` with `value`.
pub fn deposit(index: u64, from: Address, to: Address, mint: U256, value: U256) -> Vec<u8> {
    Deposit {
        source_hash: keccak256(&index.to_be_bytes()),
        from,
        to: Some(to),
        mint,
        value,
        gas_limit: 200_000,
        is_system_tx: false,
        data: Vec::new(),
        hash: [0; 32],
    }
    .encode()
}

/// Timestamp of block `number` of the scenario.
pub fn timestamp(number: u64) -> u64 {
    1_700_000_000 + 12 * number
}

pub struct ChainScenario {
    pub genesis: PreState,
    pub blocks: Vec<BlockFile>,
    pub keys: Vec<SigningKey>,
    /// The L1 receiver of the withdrawal (block 4) and its amount.
    pub withdrawal: (Address, U256),
    /// Who the first deposit mints to (block 1), and how much.
    pub deposited: (Address, U256),
}

fn call(nonce: u64, to: Address) -> TxSpec {
    TxSpec {
        gas_limit: 200_000,
        ..TxSpec::transfer(CHAIN_ID, nonce, to, U256::ZERO, 2 * BASE_FEE, 1)
    }
}

/// `count` blocks (at least 4): see the module's description.
pub fn chain_scenario(count: u64) -> ChainScenario {
    let (keys, mut genesis) = funded(3, U256::from(ONE_ETHER));
    for (address, code) in [
        (BLOCKHASH_REPORTER, blockhash_reporter_code()),
        (REVERTING_SENDER, reverting_sender_code()),
        (WRAPPER, wrapper_code()),
    ] {
        let account = AccountState {
            code,
            nonce: 1,
            ..Default::default()
        };
        genesis.insert(address, account);
    }
    let [alice, bob, carol] = [0, 1, 2].map(|i| &keys[i]);
    let mut nonces = [0u64; 3];
    let mut next = |who: usize| {
        nonces[who] += 1;
        nonces[who] - 1
    };
    let depositor = fresh_address(100);
    let mint = U256::from(ONE_ETHER / 2);
    let receiver = fresh_address(200);
    let withdrawn = U256::from(ONE_ETHER / 10);
    let mut blocks = Vec::new();
    for number in 1..=count {
        let transactions = match number {
            1 => vec![
                deposit(1, depositor, fresh_address(101), mint, U256::from(1000)),
                sign(&transfer(next(0), address_of(bob), 5_000), alice),
            ],
            2 => vec![sign(&call(next(1), BLOCKHASH_REPORTER), bob)],
            3 => vec![
                deposit(2, fresh_address(102), REVERTING_SENDER, mint, U256::ZERO),
                sign(&call(next(2), WRAPPER), carol),
                sign(&call(next(0), BLOCKHASH_REPORTER), alice),
            ],
            4 => vec![sign(&withdraw_call(next(1), &receiver, withdrawn), bob)],
            _ => vec![
                sign(&call(next(2), BLOCKHASH_REPORTER), carol),
                sign(&transfer(next(0), fresh_address(number), 1), alice),
            ],
        };
        blocks.push(BlockFile {
            env: block_env(),
            transactions,
            number: None,
            timestamp: Some(timestamp(number)),
            block_hashes: Vec::new(),
        });
    }
    ChainScenario {
        genesis,
        blocks,
        keys,
        withdrawal: (receiver, withdrawn),
        deposited: (depositor, mint),
    }
}

fn transfer(nonce: u64, to: Address, value: u64) -> TxSpec {
    TxSpec::transfer(CHAIN_ID, nonce, to, U256::from(value), 2 * BASE_FEE, 1)
}

/// A chain block in BLOCK.json's format: no number and no block hashes (the chain has them).
pub fn block_file_json(block: &BlockFile) -> Value {
    let env = &block.env;
    let mut env_json = json!({
        "currentCoinbase": hex0x(&env.coinbase),
        "currentGasLimit": quantity(U256::from(env.gas_limit)),
        "currentBaseFee": quantity(env.base_fee),
        "currentRandom": hex0x(&env.prevrandao),
        "chainId": quantity(U256::from(env.chain_id)),
    });
    if let Some(timestamp) = block.timestamp {
        env_json["currentTimestamp"] = json!(quantity(U256::from(timestamp)));
    }
    json!({
        "env": env_json,
        "transactions": block.transactions.iter().map(|tx| hex0x(tx)).collect::<Vec<_>>(),
    })
}
