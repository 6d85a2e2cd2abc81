//! The public input of a block proof, as a settlement contract recomputes it:
//! `keccak256(previous chain state hash ‖ new chain state hash ‖ block output hash)`, the 8
//! words of x10..x17. The block output is what L1 reads of the block (messages root,
//! priority operations, commitments); `docs/chain.md` gives the encodings.
use crate::block::BlockEnv;
use crate::chain::{BlockHeader, ChainState, VerifiedWindow};
use crate::executor::BlockOutcome;
use crate::hash::Blake2s;
use crate::messages::{message_leaf, messages_root};
use crate::receipt::{block_messages, Outcome, Receipt};
use crate::rlp;
use crate::state::Log;
use crate::tree::StateOracle;
use crate::types::{keccak256, B256, U256};
use crate::Fatal;
use alloc::vec::Vec;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockOutput {
    pub chain_id: u64,
    pub number: u64,
    pub timestamp: u64,
    pub gas_used: u64,
    pub block_hash: B256,
    pub transactions_commitment: B256,
    pub receipts_commitment: B256,
    pub messages_root: B256,
    pub priority_ops_hash: B256,
    pub priority_ops_count: u64,
    /// The data-availability commitment: keccak256 of the block's pubdata.
    pub da_commitment: B256,
}

/// Length of [`BlockOutput::encode`]: eleven 32-byte words.
pub const BLOCK_OUTPUT_ENCODED_LEN: usize = 11 * 32;

impl BlockOutput {
    /// `abi.encode` of the fields in declaration order (integers as uint256).
    pub fn encode(&self) -> Vec<u8> {
        let number = |value: u64| U256::from(value).to_be_bytes::<32>();
        let words: [B256; 11] = [
            number(self.chain_id),
            number(self.number),
            number(self.timestamp),
            number(self.gas_used),
            self.block_hash,
            self.transactions_commitment,
            self.receipts_commitment,
            self.messages_root,
            self.priority_ops_hash,
            number(self.priority_ops_count),
            self.da_commitment,
        ];
        words.concat()
    }

    pub fn hash(&self) -> B256 {
        keccak256(&self.encode())
    }
}

/// BLAKE2s of `hash_0 ‖ … ‖ hash_{n-1}`, the BLAKE2s of every raw transaction of the
/// block, in order (skipped ones included: the sequencer committed to them). Nothing on
/// L1 recomputes it, so it uses the hash the machine has a circuit for; the Ethereum
/// transaction hash (keccak256) is the host's to compute.
pub fn transactions_commitment(hasher: &dyn Blake2s, transactions: &[Vec<u8>]) -> B256 {
    let mut hashes = Vec::with_capacity(32 * transactions.len());
    for raw in transactions {
        hashes.extend_from_slice(&hasher.hash(raw));
    }
    hasher.hash(&hashes)
}

/// A receipt's status in the receipts commitment.
pub fn receipt_status(outcome: Outcome) -> u64 {
    match outcome {
        Outcome::Failure => 0,
        Outcome::Success => 1,
        Outcome::Invalid(_) => 2,
    }
}

/// Appends `rlp([status, cumulative_gas_used, [[address, [topics], data], …]])` to `out`,
/// in one pass: each list's length is computed first, so nothing is encoded twice.
pub fn encode_receipt_into(out: &mut Vec<u8>, receipt: &Receipt) {
    let topics_len = |log: &Log| log.topics.len() * 33;
    let log_len = |log: &Log| {
        let topics = topics_len(log);
        21 + rlp::header_len(topics) + topics + rlp::bytes_len(&log.data)
    };
    let logs_len: usize = receipt
        .logs
        .iter()
        .map(|log| rlp::header_len(log_len(log)) + log_len(log))
        .sum();
    let status = receipt_status(receipt.outcome);
    let payload_len = rlp::u64_len(status)
        + rlp::u64_len(receipt.cumulative_gas_used)
        + rlp::header_len(logs_len)
        + logs_len;
    out.reserve(rlp::header_len(payload_len) + payload_len);
    rlp::encode_header(out, true, payload_len);
    rlp::encode_u64(out, status);
    rlp::encode_u64(out, receipt.cumulative_gas_used);
    rlp::encode_header(out, true, logs_len);
    for log in &receipt.logs {
        rlp::encode_header(out, true, log_len(log));
        rlp::encode_bytes(out, &log.address);
        rlp::encode_header(out, true, topics_len(log));
        for topic in &log.topics {
            rlp::encode_bytes(out, topic);
        }
        rlp::encode_bytes(out, &log.data);
    }
}

/// BLAKE2s of `receipt_0 ‖ receipt_1 ‖ …`, each [`encode_receipt_into`] (RLP items
/// delimit themselves). Like the transactions commitment, it is for those who check a
/// receipt against a proven block, not for L1, so it is BLAKE2s, not keccak256 (a
/// 190-byte ERC-20 receipt costs about 17 k cycles in keccak256 and 1 k here).
pub fn receipts_commitment(hasher: &dyn Blake2s, receipts: &[Receipt]) -> B256 {
    let mut encoded = Vec::new();
    for receipt in receipts {
        encode_receipt_into(&mut encoded, receipt);
    }
    hasher.hash(&encoded)
}

/// The block's L2→L1 messages as leaves, in the order sent.
pub fn message_leaves(receipts: &[Receipt]) -> Vec<B256> {
    block_messages(receipts)
        .map(|(tx_index, message)| message_leaf(&message.sender, tx_index, &message.data))
        .collect()
}

/// `keccak256(previous ‖ new ‖ output)`.
pub fn public_input(previous: &B256, new: &B256, output: &B256) -> B256 {
    keccak256(&[&previous[..], new, output].concat())
}

/// Everything a block produces for the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedBlock {
    pub block_hash: B256,
    pub chain_state: ChainState,
    pub output: BlockOutput,
    pub public_input: B256,
}

/// Seals an executed block: its hash, the new chain state and window, the block output and
/// the public input. The guest and the host compute it with this one function.
pub fn seal_block(
    hasher: &dyn Blake2s,
    previous: &ChainState,
    window: &mut VerifiedWindow,
    oracle: &mut dyn StateOracle,
    env: &BlockEnv,
    transactions: &[Vec<u8>],
    outcome: &BlockOutcome,
) -> Result<SealedBlock, Fatal> {
    let receipts = &outcome.receipts;
    let gas_used = receipts.last().map_or(0, |r| r.cumulative_gas_used);
    let transactions = transactions_commitment(hasher, transactions);
    let receipts_root = receipts_commitment(hasher, receipts);
    let parent_hash = window.block_hash(hasher, oracle, env.number.wrapping_sub(1))?;
    let block_hash = BlockHeader {
        parent_hash,
        env,
        state: outcome.commitment,
        transactions_commitment: transactions,
        receipts_commitment: receipts_root,
        gas_used,
    }
    .hash();
    let chain_state = ChainState {
        state: outcome.commitment,
        block_number: env.number,
        last_timestamp: env.timestamp,
        block_hashes: window.pushed_root(hasher, oracle, &block_hash)?,
    };
    let messages_root = messages_root(&message_leaves(receipts)).ok_or(Fatal::new(
        "more L2->L1 messages than the messages tree holds",
    ))?;
    let output = BlockOutput {
        chain_id: env.chain_id,
        number: env.number,
        timestamp: env.timestamp,
        gas_used,
        block_hash,
        transactions_commitment: transactions,
        receipts_commitment: receipts_root,
        messages_root,
        priority_ops_hash: outcome.priority_ops.rolling_hash,
        priority_ops_count: outcome.priority_ops.count,
        da_commitment: keccak256(&outcome.pubdata),
    };
    let public_input = public_input(
        &previous.hash(hasher),
        &chain_state.hash(hasher),
        &output.hash(),
    );
    Ok(SealedBlock {
        block_hash,
        chain_state,
        output,
        public_input,
    })
}

/// The hash as the 8 output registers (little-endian words).
pub fn hash_to_words(hash: &B256) -> [u32; 8] {
    core::array::from_fn(|i| u32::from_le_bytes(hash[4 * i..4 * i + 4].try_into().unwrap()))
}

pub fn words_to_hash(words: &[u32; 8]) -> B256 {
    let bytes: Vec<u8> = words.iter().flat_map(|word| word.to_le_bytes()).collect();
    bytes.try_into().unwrap()
}
