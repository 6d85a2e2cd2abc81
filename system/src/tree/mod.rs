//! The state commitment: a fixed-depth binary Merkle tree (BLAKE2s) whose leaves form a
//! linked list sorted by key, as in ZKsync OS. Presence of a key is proven by its leaf,
//! absence by the two neighbouring leaves that link to each other around it; new keys are
//! appended at the next free index.
//!
//! Leaf `i` is `(key, value, next)`, `next` being the index of the leaf with the next
//! larger key. Leaves 0 and 1 are guards with the smallest and largest keys. A value of
//! zero means "not set" (an empty account, a zero storage slot): leaves are never deleted.
use crate::hash::{hash_concat, Blake2s};
use crate::types::{Address, B256};
use alloc::vec::Vec;

mod verified;
pub use verified::VerifiedTree;

/// Depth of the tree: 2^32 leaves.
pub const TREE_DEPTH: usize = 32;
pub const MIN_GUARD_KEY: B256 = [0u8; 32];
pub const MAX_GUARD_KEY: B256 = [0xffu8; 32];
/// Leaves 0 and 1 are the guards, so a fresh tree's next free index is 2.
pub const GENESIS_NEXT_FREE: u64 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Leaf {
    pub key: B256,
    pub value: B256,
    pub next: u64,
}

impl Leaf {
    /// `blake2s(key ‖ value ‖ next (8, LE))`; an unused slot of the tree is the all-zero leaf.
    pub fn hash(&self, hasher: &dyn Blake2s) -> B256 {
        hash_concat(hasher, &[&self.key, &self.value, &self.next.to_le_bytes()])
    }
}

/// A leaf with its index and its sibling hashes from the leaf level upwards: all
/// `TREE_DEPTH` of them, or, within a block, only those below the first node of its path
/// that an earlier proof of the block revealed ([`RevealedNodes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeafProof {
    pub index: u64,
    pub leaf: Leaf,
    pub siblings: Vec<B256>,
}

/// The nodes of the previous tree that a block's proofs have revealed so far, by (level,
/// index), level 0 being the leaves: a proven path reveals its nodes and their siblings.
/// The guest keeps their hashes ([`VerifiedTree`]); the host keeps their positions to
/// send each proof only up to the first node the guest already holds.
#[derive(Clone, Debug, Default)]
pub struct RevealedNodes(alloc::collections::BTreeSet<(u8, u64)>);

impl RevealedNodes {
    /// Cuts `siblings` (a full path of the leaf at `index`) to what the guest needs, in
    /// the order the guest checks the proofs, and records what the cut path reveals.
    pub fn trim(&mut self, index: u64, siblings: &mut Vec<B256>) {
        let needed = (0..TREE_DEPTH)
            .find(|&level| self.0.contains(&(level as u8, index >> level)))
            .unwrap_or(TREE_DEPTH)
            .min(siblings.len());
        siblings.truncate(needed);
        for level in 0..needed {
            let position = index >> level;
            self.0.insert((level as u8, position));
            self.0.insert((level as u8, position ^ 1));
        }
    }

    /// [`trim`](Self::trim) for every proof of a key read, in the guest's order.
    pub fn trim_read(&mut self, read: &mut KeyRead) {
        match read {
            KeyRead::Present(proof) => self.trim(proof.index, &mut proof.siblings),
            KeyRead::Absent { prev, next } => {
                self.trim(prev.index, &mut prev.siblings);
                self.trim(next.index, &mut next.siblings);
            }
        }
    }
}

/// The oracle's answer to "what is the value of this key" (not yet verified).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyRead {
    Present(LeafProof),
    /// `prev.key < key < next.key` and `prev.leaf.next == next.index`.
    Absent {
        prev: LeafProof,
        next: LeafProof,
    },
}

/// The committed state: the tree root and the next free leaf index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Commitment {
    pub root: B256,
    pub next_free: u64,
}

impl Commitment {
    /// `blake2s(root ‖ next_free (8, LE))`.
    pub fn hash(&self, hasher: &dyn Blake2s) -> B256 {
        hash_concat(hasher, &[&self.root, &self.next_free.to_le_bytes()])
    }
}

/// Where the guest gets state it does not trust: everything it returns is checked.
pub trait StateOracle {
    fn read_key(&mut self, key: &B256) -> Result<KeyRead, crate::Fatal>;
    /// Sibling path of the leaf at `index` (used for the first free leaf before appending).
    fn leaf_path(&mut self, index: u64) -> Result<Vec<B256>, crate::Fatal>;
    /// The encoded account whose BLAKE2s is `hash`.
    fn account_preimage(
        &mut self,
        hash: &B256,
    ) -> Result<[u8; crate::account::ACCOUNT_ENCODED_LEN], crate::Fatal>;
    /// The `len` bytes of code whose keccak is `code_hash`.
    fn bytecode(&mut self, code_hash: &B256, len: u32) -> Result<Vec<u8>, crate::Fatal>;
    /// Slot `slot` of the block-hash window of the previous chain state, with its siblings.
    fn block_hash_slot(&mut self, slot: u32) -> Result<crate::chain::WindowSlot, crate::Fatal>;
}

/// Hashes of empty subtrees: `[0]` is the all-zero leaf, `[TREE_DEPTH]` an empty tree's root.
pub fn empty_subtree_hashes(hasher: &dyn Blake2s) -> [B256; TREE_DEPTH + 1] {
    let mut hashes = [[0u8; 32]; TREE_DEPTH + 1];
    hashes[0] = Leaf::default().hash(hasher);
    for level in 1..=TREE_DEPTH {
        hashes[level] = hasher.hash_node(&hashes[level - 1], &hashes[level - 1]);
    }
    hashes
}

/// The root implied by a leaf hash at `index` and its siblings.
pub fn root_from_path(
    hasher: &dyn Blake2s,
    index: u64,
    leaf_hash: B256,
    siblings: &[B256],
) -> B256 {
    let mut node = leaf_hash;
    for (level, sibling) in siblings.iter().enumerate() {
        node = if (index >> level) & 1 == 0 {
            hasher.hash_node(&node, sibling)
        } else {
            hasher.hash_node(sibling, &node)
        };
    }
    node
}

/// Tree key of an account: `blake2s(0x00 ‖ address)`.
pub fn account_key(hasher: &dyn Blake2s, address: &Address) -> B256 {
    hash_concat(hasher, &[&[0u8], address])
}

/// Tree key of a storage slot: `blake2s(0x01 ‖ address ‖ slot)`.
pub fn storage_key(hasher: &dyn Blake2s, address: &Address, slot: &B256) -> B256 {
    hash_concat(hasher, &[&[1u8], address, slot])
}
