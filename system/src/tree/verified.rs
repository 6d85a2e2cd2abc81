//! The guest's view of the tree: every proof the oracle gives is checked against the
//! previous root, and the nodes it reveals are kept so the new root can be computed
//! from the changed leaves alone.
use super::{Commitment, KeyRead, Leaf, LeafProof, StateOracle, EMPTY_SUBTREE_HASHES, TREE_DEPTH};
use crate::fast_map::FastMap;
use crate::hash::Blake2s;
use crate::types::B256;
use crate::Fatal;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

const ZERO: B256 = [0u8; 32];

/// A node's key in [`VerifiedTree::nodes`]: its level above the leaves and its position
/// on that level (below 2^32, as the tree is 32 levels deep).
fn node_id(level: usize, position: u64) -> u64 {
    (level as u64) << TREE_DEPTH | position
}

pub struct VerifiedTree<'h> {
    hasher: &'h dyn Blake2s,
    commitment: Commitment,
    /// Nodes of the previous tree revealed by proofs, by [`node_id`]; level 0 = leaf
    /// hashes. Looked up, never walked in order.
    nodes: FastMap<u64, B256>,
    /// Proven leaves by key.
    leaves: BTreeMap<B256, (u64, Leaf)>,
    /// Keys proven absent.
    absent: BTreeSet<B256>,
}

impl<'h> VerifiedTree<'h> {
    pub fn new(hasher: &'h dyn Blake2s, commitment: Commitment) -> Self {
        VerifiedTree {
            hasher,
            commitment,
            nodes: FastMap::default(),
            leaves: BTreeMap::new(),
            absent: BTreeSet::new(),
        }
    }

    pub fn commitment(&self) -> Commitment {
        self.commitment
    }

    /// The leaf index of a key proven present (`None` for a key proven absent or not read).
    pub fn leaf_index(&self, key: &B256) -> Option<u64> {
        self.leaves.get(key).map(|(index, _)| *index)
    }

    /// Checks the oracle's answer about `key` and returns its value (zero when absent).
    pub fn read(&mut self, key: &B256, answer: &KeyRead) -> Result<B256, Fatal> {
        match answer {
            KeyRead::Present(proof) => {
                if proof.leaf.key != *key {
                    return Err(Fatal::new("tree read: proven leaf has another key"));
                }
                self.verify(proof)?;
                Ok(proof.leaf.value)
            }
            KeyRead::Absent { prev, next } => {
                if !(prev.leaf.key < *key && *key < next.leaf.key) {
                    return Err(Fatal::new("tree read: neighbours do not enclose the key"));
                }
                if prev.leaf.next != next.index {
                    return Err(Fatal::new("tree read: neighbours are not linked"));
                }
                self.verify(prev)?;
                self.verify(next)?;
                self.absent.insert(*key);
                Ok(ZERO)
            }
        }
    }

    fn verify(&mut self, proof: &LeafProof) -> Result<(), Fatal> {
        if proof.index >= self.commitment.next_free {
            return Err(Fatal::new(
                "tree proof: leaf index beyond the next free index",
            ));
        }
        let leaf_hash = proof.leaf.hash(self.hasher);
        self.verify_path(proof.index, leaf_hash, &proof.siblings)?;
        if let Some((index, _)) = self.leaves.get(&proof.leaf.key) {
            if *index != proof.index {
                return Err(Fatal::new("tree proof: one key at two indexes"));
            }
        }
        self.leaves
            .insert(proof.leaf.key, (proof.index, proof.leaf));
        Ok(())
    }

    /// Checks a leaf's path: hashed up from the leaf through the given siblings, it must
    /// reach the root, or, for a shorter path, a node an earlier proof revealed (which
    /// must be the one computed here), so each node of the block's shared paths is hashed
    /// once. A path that runs past a revealed node is refused too: the answer has exactly
    /// one valid form. The path's new nodes are kept only once it is proven.
    fn verify_path(&mut self, index: u64, leaf_hash: B256, siblings: &[B256]) -> Result<(), Fatal> {
        if siblings.len() > TREE_DEPTH {
            return Err(Fatal::new("tree proof: more siblings than levels"));
        }
        let mut node = leaf_hash;
        let mut revealed = Vec::with_capacity(2 * siblings.len());
        for (level, sibling) in siblings.iter().enumerate() {
            let position = index >> level;
            if self.nodes.contains_key(&node_id(level, position)) {
                return Err(Fatal::new("tree proof: path runs past a proven node"));
            }
            revealed.push((node_id(level, position), node));
            revealed.push((node_id(level, position ^ 1), *sibling));
            node = if position & 1 == 0 {
                self.hasher.hash_node(&node, sibling)
            } else {
                self.hasher.hash_node(sibling, &node)
            };
        }
        let level = siblings.len();
        let expected = match level {
            TREE_DEPTH => Some(&self.commitment.root),
            _ => self.nodes.get(&node_id(level, index >> level)),
        };
        match expected {
            Some(expected) if *expected == node => {}
            Some(_) if level == TREE_DEPTH => {
                return Err(Fatal::new(
                    "tree proof: path does not lead to the previous root",
                ))
            }
            Some(_) => return Err(Fatal::new("tree proof: path disagrees with a proven node")),
            None => {
                return Err(Fatal::new(
                    "tree proof: path ends below the root at an unproven node",
                ))
            }
        }
        self.nodes.extend(revealed);
        Ok(())
    }

    /// Applies the final values of changed keys (ascending) and computes the new commitment.
    /// New keys are appended in ascending key order.
    pub fn apply(
        mut self,
        writes: &BTreeMap<B256, B256>,
        oracle: &mut dyn StateOracle,
    ) -> Result<Commitment, Fatal> {
        let old_next_free = self.commitment.next_free;
        let (changed_leaves, next_free) = self.changed_leaves(writes)?;
        if next_free > old_next_free {
            let siblings = oracle.leaf_path(old_next_free)?;
            self.verify_path(old_next_free, EMPTY_SUBTREE_HASHES[0], &siblings)?;
        }
        let root = self.recompute_root(changed_leaves)?;
        Ok(Commitment { root, next_free })
    }

    /// Leaves whose content changes, by index: updated values, relinked predecessors and
    /// appended leaves.
    fn changed_leaves(
        &self,
        writes: &BTreeMap<B256, B256>,
    ) -> Result<(BTreeMap<u64, Leaf>, u64), Fatal> {
        let mut view = self.leaves.clone();
        let mut changed = BTreeMap::new();
        let mut next_free = self.commitment.next_free;
        for (key, value) in writes {
            if let Some((index, leaf)) = view.get_mut(key) {
                leaf.value = *value;
                changed.insert(*index, *leaf);
                continue;
            }
            if !self.absent.contains(key) {
                return Err(Fatal::new("tree write: key was never read"));
            }
            if *value == ZERO {
                continue;
            }
            let (_, (prev_index, prev_leaf)) = view
                .range_mut(..*key)
                .next_back()
                .ok_or(Fatal::new("tree write: no predecessor"))?;
            let new_leaf = Leaf {
                key: *key,
                value: *value,
                next: prev_leaf.next,
            };
            prev_leaf.next = next_free;
            changed.insert(*prev_index, *prev_leaf);
            changed.insert(next_free, new_leaf);
            view.insert(*key, (next_free, new_leaf));
            next_free += 1;
            if next_free > 1u64 << TREE_DEPTH {
                return Err(Fatal::new("tree write: tree is full"));
            }
        }
        Ok((changed, next_free))
    }

    fn recompute_root(&self, changed_leaves: BTreeMap<u64, Leaf>) -> Result<B256, Fatal> {
        if changed_leaves.is_empty() {
            return Ok(self.commitment.root);
        }
        // Each level's changed nodes, ascending: two changed siblings are neighbours.
        let mut level_nodes: Vec<(u64, B256)> = changed_leaves
            .into_iter()
            .map(|(index, leaf)| (index, leaf.hash(self.hasher)))
            .collect();
        for level in 0..TREE_DEPTH {
            let mut parents = Vec::with_capacity(level_nodes.len());
            let mut at = 0;
            while at < level_nodes.len() {
                let (index, hash) = level_nodes[at];
                let (left, right) = if index & 1 == 1 {
                    (self.node(level, index ^ 1)?, hash)
                } else {
                    match level_nodes.get(at + 1) {
                        Some(&(next, next_hash)) if next == index | 1 => {
                            at += 1;
                            (hash, next_hash)
                        }
                        _ => (hash, self.node(level, index | 1)?),
                    }
                };
                parents.push((index >> 1, self.hasher.hash_node(&left, &right)));
                at += 1;
            }
            level_nodes = parents;
        }
        Ok(level_nodes[0].1)
    }

    /// An unchanged node: proven, or in the empty part of the tree.
    fn node(&self, level: usize, index: u64) -> Result<B256, Fatal> {
        if let Some(hash) = self.nodes.get(&node_id(level, index)) {
            return Ok(*hash);
        }
        if index << level >= self.commitment.next_free {
            return Ok(EMPTY_SUBTREE_HASHES[level]);
        }
        Err(Fatal::new("tree update: a needed node was never proven"))
    }
}
