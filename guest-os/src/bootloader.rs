//! The bootloader: one block from the oracle to the public output.
use crate::client::OracleClient;
use crate::protocol::OracleTransport;
use alloc::vec::Vec;
use zkos_system::ee::ExecutionEnvironment;
use zkos_system::executor::BlockExecutor;
use zkos_system::hash::Blake2s;
use zkos_system::output::{block_digest, hash_to_words, public_output_hash};
use zkos_system::{report, Fatal, B256};

/// Reads the previous commitment, the block environment and the transactions from the
/// oracle, executes the block, reports the outcome to the host and returns the public
/// output (the words for x10..x17).
pub fn run_block(
    transport: &mut dyn OracleTransport,
    hasher: &dyn Blake2s,
    ee: &dyn ExecutionEnvironment,
) -> Result<[u32; 8], Fatal> {
    let mut client = OracleClient::new(transport);
    let previous = client.previous_commitment();
    let env = client.block_env()?;
    let transactions = client.transactions()?;
    let mut executor = BlockExecutor::new(&env, previous, hasher, &mut client, ee);
    for raw in &transactions {
        executor.execute_transaction(raw)?;
    }
    let outcome = executor.finish()?;
    let tx_hashes: Vec<B256> = outcome
        .receipts
        .iter()
        .map(|receipt| receipt.tx_hash)
        .collect();
    let digest = block_digest(hasher, &env, &tx_hashes);
    let output = public_output_hash(hasher, &previous, &outcome.commitment, &digest);
    client.send_report(&report::encode(&outcome));
    Ok(hash_to_words(&output))
}
