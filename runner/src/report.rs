//! The JSON shapes of `zkos run`'s output.
use crate::world::PreState;
use serde_json::{json, Map, Value};
use zkos_system::block::BlockEnv;
use zkos_system::hash::SoftwareBlake2s;
use zkos_system::output::words_to_hash;
use zkos_system::receipt::{Outcome, Receipt};
use zkos_system::tree::Commitment;
use zkos_system::U256;

pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

pub fn quantity(value: U256) -> String {
    format!("{value:#x}")
}

/// A block in BLOCK.json's format, with the last `recent_hashes` of its block hashes.
pub fn block_json(env: &BlockEnv, transactions: &[Vec<u8>], recent_hashes: usize) -> Value {
    let mut env_json = json!({
        "currentCoinbase": hex0x(&env.coinbase),
        "currentNumber": quantity(U256::from(env.number)),
        "currentTimestamp": quantity(U256::from(env.timestamp)),
        "currentGasLimit": quantity(U256::from(env.gas_limit)),
        "currentBaseFee": quantity(env.base_fee),
        "currentRandom": hex0x(&env.prevrandao),
        "chainId": quantity(U256::from(env.chain_id)),
    });
    if recent_hashes > 0 {
        let hashes = &env.block_hashes[env.block_hashes.len() - recent_hashes..];
        env_json["blockHashes"] = hashes.iter().map(|hash| hex0x(hash)).collect();
    }
    json!({
        "env": env_json,
        "transactions": transactions.iter().map(|tx| hex0x(tx)).collect::<Vec<_>>(),
    })
}

/// A state in STATE.json's format.
pub fn state_json(state: &PreState) -> Value {
    let accounts: Map<String, Value> = state
        .iter()
        .map(|(address, account)| {
            let storage: Map<String, Value> = account
                .storage
                .iter()
                .map(|(slot, value)| {
                    (
                        quantity(U256::from_be_bytes(*slot)),
                        json!(quantity(*value)),
                    )
                })
                .collect();
            let value = json!({
                "balance": quantity(account.balance),
                "nonce": quantity(U256::from(account.nonce)),
                "code": hex0x(&account.code),
                "storage": storage,
            });
            (hex0x(address), value)
        })
        .collect();
    Value::Object(accounts)
}

pub fn receipt_json(receipt: &Receipt) -> Value {
    let (status, reason) = match receipt.outcome {
        Outcome::Success => ("success", None),
        Outcome::Failure => ("failure", None),
        Outcome::Invalid(reason) => ("invalid", Some(reason.name())),
    };
    let logs: Vec<Value> = receipt
        .logs
        .iter()
        .map(|log| {
            let topics: Vec<String> = log.topics.iter().map(|topic| hex0x(topic)).collect();
            json!({"address": hex0x(&log.address), "topics": topics, "data": hex0x(&log.data)})
        })
        .collect();
    json!({
        "txHash": hex0x(&receipt.tx_hash),
        "status": status,
        "invalidReason": reason,
        "sender": receipt.sender.map(|sender| hex0x(&sender)),
        "gasUsed": receipt.gas_used,
        "cumulativeGasUsed": receipt.cumulative_gas_used,
        "contractAddress": receipt.contract_address.map(|address| hex0x(&address)),
        "logs": logs,
        "l2ToL1Messages": receipt.messages.iter().map(|message| json!({"sender": hex0x(&message.sender), "data": hex0x(&message.data)})).collect::<Vec<_>>(),
    })
}

pub fn commitment_json(commitment: &Commitment) -> Value {
    json!({
        "root": hex0x(&commitment.root),
        "nextFree": commitment.next_free,
        "hash": hex0x(&commitment.hash(&SoftwareBlake2s)),
    })
}

pub fn output_json(words: &[u32; 8]) -> Value {
    json!({
        "hash": hex0x(&words_to_hash(words)),
        "words": words.iter().map(|word| format!("{word:#010x}")).collect::<Vec<_>>(),
    })
}
