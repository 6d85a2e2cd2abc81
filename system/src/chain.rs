//! The chain: what ties a block to the one before it. The chain state commitment holds the
//! state tree's commitment, the number and timestamp of the last block and a commitment to
//! the last 256 block hashes (the window BLOCKHASH reads); a block's hash is keccak256 of
//! its header. `docs/chain.md` documents every encoding byte by byte.
use crate::block::{BlockEnv, BLOCK_HASH_WINDOW};
use crate::hash::{hash_concat, Blake2s};
use crate::rlp;
use crate::tree::{Commitment, TREE_DEPTH};
use crate::types::{keccak256, B256};
use crate::Fatal;
use alloc::vec::Vec;

/// The chain state after a block: what a settlement contract stores (as its hash).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainState {
    pub state: Commitment,
    pub block_number: u64,
    pub last_timestamp: u64,
    /// [`BlockHashes::commitment`] of the window after the block.
    pub block_hashes: B256,
}

/// Length of [`ChainState::encode`].
pub const CHAIN_STATE_ENCODED_LEN: usize = 32 + 8 + 8 + 8 + 32;

impl ChainState {
    /// `root ‖ next_free ‖ block_number ‖ last_timestamp (8 bytes LE each) ‖ block hashes
    /// commitment`.
    pub fn encode(&self) -> [u8; CHAIN_STATE_ENCODED_LEN] {
        let mut out = [0u8; CHAIN_STATE_ENCODED_LEN];
        out[..32].copy_from_slice(&self.state.root);
        out[32..40].copy_from_slice(&self.state.next_free.to_le_bytes());
        out[40..48].copy_from_slice(&self.block_number.to_le_bytes());
        out[48..56].copy_from_slice(&self.last_timestamp.to_le_bytes());
        out[56..].copy_from_slice(&self.block_hashes);
        out
    }

    pub fn decode(bytes: &[u8; CHAIN_STATE_ENCODED_LEN]) -> ChainState {
        let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
        ChainState {
            state: Commitment {
                root: bytes[..32].try_into().unwrap(),
                next_free: u64_at(32),
            },
            block_number: u64_at(40),
            last_timestamp: u64_at(48),
            block_hashes: bytes[56..].try_into().unwrap(),
        }
    }

    /// `blake2s(encode())`: the hash the public input binds.
    pub fn hash(&self, hasher: &dyn Blake2s) -> B256 {
        hasher.hash(&self.encode())
    }

    /// A previous chain state the guest can build on: its tree has room for its next free
    /// leaf (an index past 2^32 would alias a leaf below it in the fixed-depth tree).
    pub fn check_capacity(&self) -> Result<(), Fatal> {
        if self.state.next_free > 1u64 << TREE_DEPTH {
            return Err(Fatal::new(
                "previous chain state: next free leaf beyond the tree's capacity",
            ));
        }
        Ok(())
    }

    /// A block may follow this chain state if its number is the next one and its
    /// timestamp does not go back.
    pub fn check_successor(&self, env: &BlockEnv) -> Result<(), Fatal> {
        if self.block_number.checked_add(1) != Some(env.number) {
            return Err(Fatal::new(
                "block number is not the previous block's number + 1",
            ));
        }
        if env.timestamp < self.last_timestamp {
            return Err(Fatal::new(
                "block timestamp is before the previous block's timestamp",
            ));
        }
        Ok(())
    }
}

/// The hashes of the last 256 blocks: `[i]` is the hash of block `last - 255 + i`, zero
/// for blocks before the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockHashes(pub [B256; BLOCK_HASH_WINDOW]);

impl BlockHashes {
    pub fn empty() -> Self {
        BlockHashes([[0u8; 32]; BLOCK_HASH_WINDOW])
    }

    /// `blake2s(hash_0 ‖ … ‖ hash_255)`.
    pub fn commitment(&self, hasher: &dyn Blake2s) -> B256 {
        let pieces: Vec<&[u8]> = self.0.iter().map(|hash| &hash[..]).collect();
        hash_concat(hasher, &pieces)
    }

    /// The hash of the last block (the next block's parent).
    pub fn last(&self) -> B256 {
        self.0[BLOCK_HASH_WINDOW - 1]
    }

    /// The window after a block with hash `newest`.
    pub fn pushed(&self, newest: B256) -> Self {
        let mut hashes = self.0;
        hashes.copy_within(1.., 0);
        hashes[BLOCK_HASH_WINDOW - 1] = newest;
        BlockHashes(hashes)
    }
}

/// What a block's hash commits to.
pub struct BlockHeader<'a> {
    pub parent_hash: B256,
    pub env: &'a BlockEnv,
    /// The state commitment after the block.
    pub state: Commitment,
    pub transactions_commitment: B256,
    pub receipts_commitment: B256,
    pub gas_used: u64,
}

impl BlockHeader<'_> {
    /// `keccak256(rlp([parent_hash, coinbase, state_root, next_free, transactions_commitment,
    /// receipts_commitment, number, gas_limit, gas_used, timestamp, prevrandao, base_fee,
    /// excess_blob_gas, chain_id]))`.
    pub fn hash(&self) -> B256 {
        let env = self.env;
        let mut payload = Vec::with_capacity(320);
        rlp::encode_bytes(&mut payload, &self.parent_hash);
        rlp::encode_bytes(&mut payload, &env.coinbase);
        rlp::encode_bytes(&mut payload, &self.state.root);
        rlp::encode_u64(&mut payload, self.state.next_free);
        rlp::encode_bytes(&mut payload, &self.transactions_commitment);
        rlp::encode_bytes(&mut payload, &self.receipts_commitment);
        rlp::encode_u64(&mut payload, env.number);
        rlp::encode_u64(&mut payload, env.gas_limit);
        rlp::encode_u64(&mut payload, self.gas_used);
        rlp::encode_u64(&mut payload, env.timestamp);
        rlp::encode_bytes(&mut payload, &env.prevrandao);
        rlp::encode_u256(&mut payload, env.base_fee);
        rlp::encode_u64(&mut payload, env.excess_blob_gas);
        rlp::encode_u64(&mut payload, env.chain_id);
        keccak256(&rlp::encode_list(&payload))
    }
}
