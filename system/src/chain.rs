//! The chain: what ties a block to the one before it. The chain state commitment holds the
//! state tree's commitment, the number and timestamp of the last block and a commitment to
//! the last 8192 block hashes (the window BLOCKHASH reads its last 256 from and the EIP-2935
//! history contract its last 8191: a BLAKE2s Merkle tree of depth 13 whose slot `k mod 8192`
//! holds the hash of block `k`, so that the guest reads and replaces only the slots it needs);
//! a block's hash is keccak256 of its header. `docs/chain.md` documents every encoding byte
//! by byte.
use crate::block::{BlockEnv, BLOCK_HASH_WINDOW};
use crate::hash::Blake2s;
use crate::rlp;
use crate::tree::{root_from_path, Commitment, StateOracle, TREE_DEPTH};
use crate::types::{keccak256, B256};
use crate::Fatal;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

/// The chain state after a block: what a settlement contract stores (as its hash).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainState {
    pub state: Commitment,
    pub block_number: u64,
    pub last_timestamp: u64,
    /// The root of the block-hash window after the block.
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

/// Depth of the block-hash window's tree.
pub const WINDOW_DEPTH: usize = 13;
/// Slots of the window: one more than EIP-2935 serves, so the slot the block's own hash
/// replaces is never one a transaction of the block may read.
pub const WINDOW_SLOTS: usize = 1 << WINDOW_DEPTH;

/// The slot of block `number` in the window.
pub fn window_slot(number: u64) -> u64 {
    number % WINDOW_SLOTS as u64
}

/// A slot of the window as the oracle gives it: the hash it holds and its siblings from
/// the leaf level up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowSlot {
    pub hash: B256,
    pub siblings: Vec<B256>,
}

/// The window of the block being executed, checked against the previous chain state: every
/// slot read is verified against the root, and the new root replaces one slot.
pub struct VerifiedWindow {
    root: B256,
    /// The number of the block being executed.
    number: u64,
    slots: BTreeMap<u64, WindowSlot>,
}

impl VerifiedWindow {
    pub fn new(root: B256, number: u64) -> Self {
        VerifiedWindow {
            root,
            number,
            slots: BTreeMap::new(),
        }
    }

    fn slot(
        &mut self,
        hasher: &dyn Blake2s,
        oracle: &mut dyn StateOracle,
        slot: u64,
    ) -> Result<&WindowSlot, Fatal> {
        if !self.slots.contains_key(&slot) {
            let answer = oracle.block_hash_slot(slot as u32)?;
            if answer.siblings.len() != WINDOW_DEPTH
                || root_from_path(hasher, slot, answer.hash, &answer.siblings) != self.root
            {
                return Err(Fatal::new(
                    "oracle: block hash does not match the window of the previous chain state",
                ));
            }
            self.slots.insert(slot, answer);
        }
        Ok(&self.slots[&slot])
    }

    /// BLOCKHASH: the hash of `number` if it is one of the 256 blocks before this one, else
    /// zero.
    pub fn block_hash(
        &mut self,
        hasher: &dyn Blake2s,
        oracle: &mut dyn StateOracle,
        number: u64,
    ) -> Result<B256, Fatal> {
        self.recent_hash(hasher, oracle, number, BLOCK_HASH_WINDOW as u64)
    }

    /// The hash of `number` if it is one of the `depth` blocks before this one (at most
    /// the window's), else zero.
    pub fn recent_hash(
        &mut self,
        hasher: &dyn Blake2s,
        oracle: &mut dyn StateOracle,
        number: u64,
        depth: u64,
    ) -> Result<B256, Fatal> {
        let depth = depth.min(WINDOW_SLOTS as u64 - 1);
        if number >= self.number || self.number - number > depth {
            return Ok([0u8; 32]);
        }
        Ok(self.slot(hasher, oracle, window_slot(number))?.hash)
    }

    /// The number of the block being executed.
    pub fn number(&self) -> u64 {
        self.number
    }

    /// The root after this block's hash replaces the oldest one (its slot's).
    pub fn pushed_root(
        &mut self,
        hasher: &dyn Blake2s,
        oracle: &mut dyn StateOracle,
        hash: &B256,
    ) -> Result<B256, Fatal> {
        let slot = window_slot(self.number);
        let siblings = self.slot(hasher, oracle, slot)?.siblings.clone();
        Ok(root_from_path(hasher, slot, *hash, &siblings))
    }
}

/// The hashes of the last [`WINDOW_SLOTS`] blocks as the host keeps them: `[i]` is the hash
/// of block `last - (WINDOW_SLOTS - 1) + i`, zero for blocks before the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockHashes(Vec<B256>);

impl BlockHashes {
    pub fn empty() -> Self {
        BlockHashes(alloc::vec![[0u8; 32]; WINDOW_SLOTS])
    }

    /// The window whose newest hashes are `recent` (oldest first, at most [`WINDOW_SLOTS`]),
    /// zero before them.
    pub fn from_recent(recent: &[B256]) -> Option<Self> {
        let first = WINDOW_SLOTS.checked_sub(recent.len())?;
        let mut hashes = Self::empty();
        hashes.0[first..].copy_from_slice(recent);
        Some(hashes)
    }

    /// The window's slots when `last` is the last block: slot `k mod 8192` holds block `k`.
    fn slots(&self, last: u64) -> Vec<B256> {
        let mut slots = alloc::vec![[0u8; 32]; WINDOW_SLOTS];
        for (i, hash) in self.0.iter().enumerate() {
            let number = last.wrapping_sub(WINDOW_SLOTS as u64 - 1 - i as u64);
            slots[window_slot(number) as usize] = *hash;
        }
        slots
    }

    /// The window's tree when `last` is the number of the last block. Subtrees of zero
    /// slots take the precomputed empty hashes, so a young chain's window costs little.
    pub fn tree(&self, hasher: &dyn Blake2s, last: u64) -> WindowTree {
        let mut empty = [[0u8; 32]; WINDOW_DEPTH + 1];
        for depth in 0..WINDOW_DEPTH {
            empty[depth + 1] = hasher.hash_node(&empty[depth], &empty[depth]);
        }
        let mut levels = alloc::vec![self.slots(last)];
        for depth in 0..WINDOW_DEPTH {
            let above = levels[depth]
                .chunks(2)
                .map(
                    |pair| match pair[0] == empty[depth] && pair[1] == empty[depth] {
                        true => empty[depth + 1],
                        false => hasher.hash_node(&pair[0], &pair[1]),
                    },
                )
                .collect();
            levels.push(above);
        }
        WindowTree { levels }
    }

    /// The root the chain state commits to, `last` being the number of the last block.
    pub fn root(&self, hasher: &dyn Blake2s, last: u64) -> B256 {
        self.tree(hasher, last).root()
    }

    /// The oracle's answer for `slot`.
    pub fn slot_proof(&self, hasher: &dyn Blake2s, last: u64, slot: u64) -> WindowSlot {
        self.tree(hasher, last).slot_proof(slot)
    }

    /// The hash of the last block (the next block's parent).
    pub fn last(&self) -> B256 {
        self.0[WINDOW_SLOTS - 1]
    }

    /// The window after a block with hash `newest`.
    pub fn pushed(&self, newest: B256) -> Self {
        let mut hashes = self.0.clone();
        hashes.remove(0);
        hashes.push(newest);
        BlockHashes(hashes)
    }
}

/// Every level of a window's tree, slots first (the host's side).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowTree {
    levels: Vec<Vec<B256>>,
}

impl WindowTree {
    pub fn root(&self) -> B256 {
        self.levels[WINDOW_DEPTH][0]
    }

    pub fn slot_proof(&self, slot: u64) -> WindowSlot {
        let slot = slot as usize % WINDOW_SLOTS;
        WindowSlot {
            hash: self.levels[0][slot],
            siblings: (0..WINDOW_DEPTH)
                .map(|depth| self.levels[depth][(slot >> depth) ^ 1])
                .collect(),
        }
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
    /// excess_blob_gas, chain_id, spec, native_limits]))`.
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
        rlp::encode_u64(&mut payload, env.spec as u64);
        rlp::encode_u64(&mut payload, env.native_limits as u64);
        keccak256(&rlp::encode_list(&payload))
    }
}
