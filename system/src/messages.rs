//! L2→L1 messages as L1 reads them: leaf `i` of a keccak256 Merkle tree of fixed depth 16
//! is the block's `i`-th message; the root enters the block output.
use crate::types::{keccak256, Address, B256};
use alloc::vec::Vec;

/// Depth of the messages tree: at most 2^16 messages a block.
pub const MESSAGES_TREE_DEPTH: usize = 16;
pub const MAX_MESSAGES_PER_BLOCK: usize = 1 << MESSAGES_TREE_DEPTH;

/// `keccak256(sender ‖ tx_index (4 bytes, BE) ‖ keccak256(message))`.
pub fn message_leaf(sender: &Address, tx_index: u32, message: &[u8]) -> B256 {
    let mut preimage = [0u8; 20 + 4 + 32];
    preimage[..20].copy_from_slice(sender);
    preimage[20..24].copy_from_slice(&tx_index.to_be_bytes());
    preimage[24..].copy_from_slice(&keccak256(message));
    keccak256(&preimage)
}

fn node(left: &B256, right: &B256) -> B256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(left);
    preimage[32..].copy_from_slice(right);
    keccak256(&preimage)
}

/// The roots of empty subtrees: `[0]` is the zero leaf, `[d]` an empty subtree of depth `d`.
fn empty_subtrees() -> [B256; MESSAGES_TREE_DEPTH + 1] {
    let mut empty = [[0u8; 32]; MESSAGES_TREE_DEPTH + 1];
    for depth in 1..=MESSAGES_TREE_DEPTH {
        empty[depth] = node(&empty[depth - 1], &empty[depth - 1]);
    }
    empty
}

/// Every level of the tree's non-empty part, leaves first; `None` past the capacity.
fn levels(leaves: &[B256]) -> Option<Vec<Vec<B256>>> {
    if leaves.len() > MAX_MESSAGES_PER_BLOCK {
        return None;
    }
    let empty = empty_subtrees();
    let mut levels = Vec::with_capacity(MESSAGES_TREE_DEPTH + 1);
    levels.push(leaves.to_vec());
    for depth in 0..MESSAGES_TREE_DEPTH {
        let below = &levels[depth];
        let above = below
            .chunks(2)
            .map(|pair| node(&pair[0], pair.get(1).unwrap_or(&empty[depth])))
            .collect();
        levels.push(above);
    }
    Some(levels)
}

/// The root over `leaves` (the rest of the 2^16 leaves zero); `None` past the capacity.
/// Costs one hash a present node: an empty block's root is a constant.
pub fn messages_root(leaves: &[B256]) -> Option<B256> {
    let levels = levels(leaves)?;
    let top = &levels[MESSAGES_TREE_DEPTH];
    Some(
        top.first()
            .copied()
            .unwrap_or(empty_subtrees()[MESSAGES_TREE_DEPTH]),
    )
}

/// The 16 siblings of leaf `index`, from the leaf level up.
pub fn merkle_proof(leaves: &[B256], index: usize) -> Option<Vec<B256>> {
    if index >= leaves.len() {
        return None;
    }
    let levels = levels(leaves)?;
    let empty = empty_subtrees();
    let proof = (0..MESSAGES_TREE_DEPTH)
        .map(|depth| {
            let sibling = (index >> depth) ^ 1;
            levels[depth].get(sibling).copied().unwrap_or(empty[depth])
        })
        .collect();
    Some(proof)
}
