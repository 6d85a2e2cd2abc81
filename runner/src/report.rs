//! The JSON shapes of `zkos run`'s output.
use crate::world::PreState;
use serde_json::{json, Map, Value};
use zkos_system::block::BlockEnv;
use zkos_system::chain::ChainState;
use zkos_system::hash::SoftwareBlake2s;
use zkos_system::messages::MessagesTree;
use zkos_system::output::message_leaves;
use zkos_system::output::words_to_hash;
use zkos_system::receipt::{Outcome, Receipt};
use zkos_system::tree::Commitment;
use zkos_system::types::keccak256;
use zkos_system::{B256, U256};

pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

pub fn quantity(value: U256) -> String {
    format!("{value:#x}")
}

/// A block in BLOCK.json's format, with `block_hashes` as its predecessor's newest hashes.
pub fn block_json(env: &BlockEnv, transactions: &[Vec<u8>], block_hashes: &[B256]) -> Value {
    let mut env_json = json!({
        "currentCoinbase": hex0x(&env.coinbase),
        "currentNumber": quantity(U256::from(env.number)),
        "currentTimestamp": quantity(U256::from(env.timestamp)),
        "currentGasLimit": quantity(U256::from(env.gas_limit)),
        "currentBaseFee": quantity(env.base_fee),
        "currentRandom": hex0x(&env.prevrandao),
        "chainId": quantity(U256::from(env.chain_id)),
    });
    if !block_hashes.is_empty() {
        env_json["blockHashes"] = block_hashes.iter().map(|hash| hex0x(hash)).collect();
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

/// A receipt as JSON; `raw` is its transaction, whose Ethereum hash (keccak256) the host
/// computes: the guest commits to transactions by BLAKE2s.
pub fn receipt_json(receipt: &Receipt, raw: &[u8]) -> Value {
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
        "txHash": hex0x(&keccak256(raw)),
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

pub fn chain_state_json(chain: &ChainState) -> Value {
    json!({
        "hash": hex0x(&chain.hash(&SoftwareBlake2s)),
        "stateRoot": hex0x(&chain.state.root),
        "nextFree": chain.state.next_free,
        "blockNumber": chain.block_number,
        "lastTimestamp": chain.last_timestamp,
        "blockHashes": hex0x(&chain.block_hashes),
    })
}

pub fn output_json(words: &[u32; 8]) -> Value {
    json!({
        "hash": hex0x(&words_to_hash(words)),
        "words": words.iter().map(|word| format!("{word:#010x}")).collect::<Vec<_>>(),
    })
}

/// One block of `zkos chain --json`.
pub fn chain_block_json(block: &crate::chain::ChainBlock) -> Value {
    let sealed = &block.runs.sealed;
    let outcome = &block.runs.primary().outcome;
    let leaves = message_leaves(&outcome.receipts);
    let tree = MessagesTree::new(&leaves).expect("a sealed block's messages fit the tree");
    let mut messages = Vec::new();
    let mut leaf_index = 0;
    for (tx_index, receipt) in outcome.receipts.iter().enumerate() {
        for message in &receipt.messages {
            let proof = tree.proof(leaf_index).expect("a leaf of the block");
            messages.push(json!({
                "sender": hex0x(&message.sender),
                "tx_index": tx_index,
                "message": hex0x(&message.data),
                "leaf": hex0x(&leaves[leaf_index]),
                "proof": proof.iter().map(|node| hex0x(node)).collect::<Vec<_>>(),
            }));
            leaf_index += 1;
        }
    }
    let hasher = SoftwareBlake2s;
    json!({
        "file": block.file,
        "number": sealed.output.number,
        "timestamp": sealed.output.timestamp,
        "hash": hex0x(&sealed.block_hash),
        "public_input": hex0x(&sealed.public_input),
        "previous_chain_state": hex0x(&block.world.previous_chain_state().hash(&hasher)),
        "new_chain_state": hex0x(&sealed.chain_state.hash(&hasher)),
        "state_root": hex0x(&sealed.chain_state.state.root),
        "next_free": sealed.chain_state.state.next_free,
        "gas_used": sealed.output.gas_used,
        "transactions_commitment": hex0x(&sealed.output.transactions_commitment),
        "receipts_commitment": hex0x(&sealed.output.receipts_commitment),
        "messages_root": hex0x(&sealed.output.messages_root),
        "messages": messages,
        "pubdata_bytes": outcome.pubdata.len(),
        "da_commitment": hex0x(&sealed.output.da_commitment),
        "deposits_hash": hex0x(&sealed.output.priority_ops_hash),
        "deposits": sealed.output.priority_ops_count,
        "block_output": hex0x(&sealed.output.encode()),
        "receipts": receipts_json(&outcome.receipts, &block.world.transactions),
    })
}

/// The block's receipts as JSON, each beside its raw transaction.
pub fn receipts_json(receipts: &[Receipt], transactions: &[Vec<u8>]) -> Value {
    receipts
        .iter()
        .zip(transactions)
        .map(|(receipt, raw)| receipt_json(receipt, raw))
        .collect()
}
