//! L2→L1 messages as L1 reads them: leaf `i` of a keccak256 Merkle tree of fixed depth 16
//! is the block's `i`-th message; the root enters the block output.
use crate::types::{b256_from_hex, keccak256, Address, B256};
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

/// The roots of empty subtrees: `[0]` is the zero leaf, `[d]` an empty subtree of depth `d`
/// (`keccak256([d-1] ‖ [d-1])`; checked by a test). A table, since computing it costs the
/// guest 16 software keccaks every block.
const EMPTY_SUBTREES: [B256; MESSAGES_TREE_DEPTH + 1] = [
    b256_from_hex("0000000000000000000000000000000000000000000000000000000000000000"),
    b256_from_hex("ad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5"),
    b256_from_hex("b4c11951957c6f8f642c4af61cd6b24640fec6dc7fc607ee8206a99e92410d30"),
    b256_from_hex("21ddb9a356815c3fac1026b6dec5df3124afbadb485c9ba5a3e3398a04b7ba85"),
    b256_from_hex("e58769b32a1beaf1ea27375a44095a0d1fb664ce2dd358e7fcbfb78c26a19344"),
    b256_from_hex("0eb01ebfc9ed27500cd4dfc979272d1f0913cc9f66540d7e8005811109e1cf2d"),
    b256_from_hex("887c22bd8750d34016ac3c66b5ff102dacdd73f6b014e710b51e8022af9a1968"),
    b256_from_hex("ffd70157e48063fc33c97a050f7f640233bf646cc98d9524c6b92bcf3ab56f83"),
    b256_from_hex("9867cc5f7f196b93bae1e27e6320742445d290f2263827498b54fec539f756af"),
    b256_from_hex("cefad4e508c098b9a7e1d8feb19955fb02ba9675585078710969d3440f5054e0"),
    b256_from_hex("f9dc3e7fe016e050eff260334f18a5d4fe391d82092319f5964f2e2eb7c1c3a5"),
    b256_from_hex("f8b13a49e282f609c317a833fb8d976d11517c571d1221a265d25af778ecf892"),
    b256_from_hex("3490c6ceeb450aecdc82e28293031d10c7d73bf85e57bf041a97360aa2c5d99c"),
    b256_from_hex("c1df82d9c4b87413eae2ef048f94b4d3554cea73d92b0f7af96e0271c691e2bb"),
    b256_from_hex("5c67add7c6caf302256adedf7ab114da0acfe870d449a3a489f781d659e8becc"),
    b256_from_hex("da7bce9f4e8618b6bd2f4132ce798cdc7a60e7e1460a7299e3c6342a579626d2"),
    b256_from_hex("2733e50f526ec2fa19a22b31e8ed50f23cd1fdf94c9154ed3a7609a2f1ff981f"),
];

/// The tree's non-empty part, every level from the leaves up, built once.
pub struct MessagesTree {
    levels: Vec<Vec<B256>>,
}

impl MessagesTree {
    /// The tree over `leaves` (the rest of the 2^16 leaves zero); `None` past the capacity.
    /// Costs one hash a present node: an empty block's root is a constant.
    pub fn new(leaves: &[B256]) -> Option<Self> {
        if leaves.len() > MAX_MESSAGES_PER_BLOCK {
            return None;
        }
        let mut levels = Vec::with_capacity(MESSAGES_TREE_DEPTH + 1);
        levels.push(leaves.to_vec());
        for depth in 0..MESSAGES_TREE_DEPTH {
            let above = levels[depth]
                .chunks(2)
                .map(|pair| node(&pair[0], pair.get(1).unwrap_or(&EMPTY_SUBTREES[depth])))
                .collect();
            levels.push(above);
        }
        Some(MessagesTree { levels })
    }

    pub fn root(&self) -> B256 {
        let top = &self.levels[MESSAGES_TREE_DEPTH];
        top.first()
            .copied()
            .unwrap_or(EMPTY_SUBTREES[MESSAGES_TREE_DEPTH])
    }

    /// The 16 siblings of leaf `index`, from the leaf level up.
    pub fn proof(&self, index: usize) -> Option<Vec<B256>> {
        if index >= self.levels[0].len() {
            return None;
        }
        let proof = (0..MESSAGES_TREE_DEPTH)
            .map(|depth| {
                let sibling = (index >> depth) ^ 1;
                self.levels[depth]
                    .get(sibling)
                    .copied()
                    .unwrap_or(EMPTY_SUBTREES[depth])
            })
            .collect();
        Some(proof)
    }
}

/// The root over `leaves`; `None` past the capacity.
pub fn messages_root(leaves: &[B256]) -> Option<B256> {
    MessagesTree::new(leaves).map(|tree| tree.root())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_subtree_table_is_the_chain_of_node_hashes() {
        assert_eq!(EMPTY_SUBTREES[0], [0u8; 32]);
        for depth in 1..=MESSAGES_TREE_DEPTH {
            let below = &EMPTY_SUBTREES[depth - 1];
            assert_eq!(EMPTY_SUBTREES[depth], node(below, below), "depth {depth}");
        }
        assert_eq!(
            messages_root(&[]),
            Some(EMPTY_SUBTREES[MESSAGES_TREE_DEPTH])
        );
    }
}
