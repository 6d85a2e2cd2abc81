//! The state commitment: a fixed-depth binary Merkle tree (BLAKE2s) whose leaves form a
//! linked list sorted by key, as in ZKsync OS. Presence of a key is proven by its leaf,
//! absence by the two neighbouring leaves that link to each other around it; new keys are
//! appended at the next free index.
//!
//! Leaf `i` is `(key, value, next)`, `next` being the index of the leaf with the next
//! larger key. Leaves 0 and 1 are guards with the smallest and largest keys. A value of
//! zero means "not set" (an empty account, a zero storage slot): leaves are never deleted.
use crate::hash::{hash_concat, Blake2s};
use crate::types::{b256_from_hex, Address, B256};
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

/// [`empty_subtree_hashes`] as constants (a test holds them equal), so that a block does
/// not spend 33 hashes on them.
pub const EMPTY_SUBTREE_HASHES: [B256; TREE_DEPTH + 1] = [
    b256_from_hex("e3cdc93b3c2beb30f6a7c7cc45a32da012df9ae1be880e2c074885cb3f4e1e53"),
    b256_from_hex("c45bfaf4bb5d0fee27d3178b8475155a07a1fa8ada9a15133a9016f7d0435f0f"),
    b256_from_hex("6494c26aef108cefd4af645099311b34f8e28c3941f3a50d83c5ef4d806d302a"),
    b256_from_hex("7e33ae2bae08165296b0f1bc86ab239d40182c75b1aa49b3a457c9af2d140ac9"),
    b256_from_hex("361e83fb81447385704a04b701acaf2b462a69cf83af3fec52d432c5cb26afeb"),
    b256_from_hex("3453a4da3fbe780699501f72d3b67a24f281fa51f74d735961e3c527a0947ed2"),
    b256_from_hex("01306a1c828e76a1121b4097bcb1d35ad36dee1c4736d7b42d439d8893362134"),
    b256_from_hex("c717122072da764d773fa315dcdfdab987308adfd3dd1e8730a965bef95eb64e"),
    b256_from_hex("aeeaa76244fb460dfed609137be3c1024581e41389413f344d53f34757f6319d"),
    b256_from_hex("8a02802f44bc6f7d06fe4e761495a401a2831f4865841289c56bb72dd5ce0486"),
    b256_from_hex("f00a51e8cf5122a341df0627a199d49df33af67683847b90dd7f5229607d433d"),
    b256_from_hex("50960aa6c8a93380c75a94ebcd104f71b48d0b1ba5ccac650461fed7c1a90b47"),
    b256_from_hex("f92dd16857fbf4d867aa6a28e588685b6c3cf3d3c3e56b9198e86e359efc3456"),
    b256_from_hex("efbe0b681a1e1d77f7f6f870dd7c7c9e743cc7655123086b2928bec88841ab0e"),
    b256_from_hex("71f012aa3ac80fc8efc47bb930d814d5025470c43975f1bcfcf56f475d29e032"),
    b256_from_hex("7f6ca50a2f4bec35ab931d992914ff8032a9926973db5a04254b650cc138044b"),
    b256_from_hex("d512fa549c482e316488e1df5645c52c3fd82d37bc72ee481d5055866376b343"),
    b256_from_hex("250432ebaa8ac771ecd44a30b7366516240b8fece3b327c36f0164009afda680"),
    b256_from_hex("daa90aae20c1067bb6a6ec2fd7f28f8f72eb5b14fcdf041ac8257a88bbee6e6a"),
    b256_from_hex("5f761f0fcccfb5d7710947462656eac07cef89ab0e8e2ec22033644002446011"),
    b256_from_hex("e2cbc2649b5a2ae4e71d37aa9dd808eb3dc01d07a56cbac68866040123d1e321"),
    b256_from_hex("5d939474aba84cb02df3dbccce0e41e577ddf53cb9a238098ab178339f54a644"),
    b256_from_hex("bb96a6d325aed3053acb4a0cb6d7c6fead87bcefd2444103345ee5cb796778db"),
    b256_from_hex("04de11061d5178c14c9739ba0ca50ca23645c23893effeaba79573856dcd9a8d"),
    b256_from_hex("45bec4898eb08ccb86eb4d44f56a8d8c899075ce4ffc0cdc3a6bf1123bbfdb68"),
    b256_from_hex("a6f5643d2a1cd82261eab0489cd778d85bc4aed0d75cf60678ae5b2e3bcf5056"),
    b256_from_hex("292193f796879566c8cb80e46bf003be5922e153ff0656e4e1ca28ca9b997aad"),
    b256_from_hex("5a483255eed65181b6b1a0f04b0485858fe7b10438eb022b1c89905581f5d9b6"),
    b256_from_hex("c470726ce544bd7c739534ce6f413bebbda3cd9da76e4e5f7821689efd163ded"),
    b256_from_hex("953b63ef7b1408761d2e8c49c9520cde0ed174c9f81cf8d2750efec59be26691"),
    b256_from_hex("cf20d03ec503278240483bbc3b086349a71f5f2d398b35d9bfa21a6aded16213"),
    b256_from_hex("cf73dcde7d2b782ab922d5d5b051968539267aa3e199315a414f291100a12d40"),
    b256_from_hex("08a3ba568fbf54b2ef15b2f3811edd6d97ee910bba42aee7a64be2d697cf4812"),
];

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_subtree_constants_are_the_hashes() {
        assert_eq!(
            EMPTY_SUBTREE_HASHES,
            empty_subtree_hashes(&crate::hash::SoftwareBlake2s)
        );
    }
}
