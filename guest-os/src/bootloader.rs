//! The bootloader: one block from the oracle to the public input.
use crate::client::OracleClient;
use crate::protocol::OracleTransport;
use crate::senders;
use zkos_system::ee::ExecutionEnvironment;
use zkos_system::executor::BlockExecutor;
use zkos_system::hash::Blake2s;
use zkos_system::output::{hash_to_words, seal_block};
use zkos_system::{report, Fatal};

/// Reads the previous chain state, the block environment and the transactions from the
/// oracle (and the block-hash window's slots as BLOCKHASH and sealing need them), checks
/// that the block follows the previous one, executes it, reports the outcome to the host
/// if it wants it and returns the public input (the words for x10..x17).
pub fn run_block(
    transport: &mut dyn OracleTransport,
    hasher: &dyn Blake2s,
    ee: &dyn ExecutionEnvironment,
) -> Result<[u32; 8], Fatal> {
    let mut client = OracleClient::new(transport);
    let previous = client.previous_chain_state()?;
    previous.check_capacity()?;
    let env = client.block_env()?;
    previous.check_successor(&env)?;
    let transactions = client.transactions()?;
    let mut executor = BlockExecutor::new(&env, &previous, hasher, &mut client, ee);
    senders::for_each_recovered(&transactions, |raw, recovered| {
        executor.execute_transaction(raw, recovered).map(drop)
    })?;
    let (outcome, mut window) = executor.finish()?;
    let sealed = seal_block(
        hasher,
        &previous,
        &mut window,
        &mut client,
        &env,
        &transactions,
        &outcome,
    )?;
    if client.wants_report()? {
        client.send_report(&report::encode(&outcome));
    }
    Ok(hash_to_words(&sealed.public_input))
}
