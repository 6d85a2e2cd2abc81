//! The host's full copy of the state tree: gives proofs to the oracle server and applies
//! a block's writes independently of the guest (a cross-check of the guest's new root).
use std::collections::BTreeMap;
use std::sync::OnceLock;
use zkos_system::hash::{Blake2s, SoftwareBlake2s};
use zkos_system::tree::{
    empty_subtree_hashes, Commitment, KeyRead, Leaf, LeafProof, MAX_GUARD_KEY, MIN_GUARD_KEY,
    TREE_DEPTH,
};
use zkos_system::B256;

/// The hashes of empty subtrees, computed once per process.
fn empty_hashes() -> &'static [B256; TREE_DEPTH + 1] {
    static EMPTY: OnceLock<[B256; TREE_DEPTH + 1]> = OnceLock::new();
    EMPTY.get_or_init(|| empty_subtree_hashes(&SoftwareBlake2s))
}

#[derive(Clone)]
pub struct HostTree {
    leaves: Vec<Leaf>,
    index_of: BTreeMap<B256, u64>,
    /// `levels[l][i]`: node `i` of level `l` for the part of the tree that has leaves.
    levels: Vec<Vec<B256>>,
    empty: [B256; TREE_DEPTH + 1],
}

impl Default for HostTree {
    fn default() -> Self {
        Self::new()
    }
}

impl HostTree {
    /// A tree with only the two guard leaves.
    pub fn new() -> Self {
        let mut tree = HostTree {
            leaves: Vec::new(),
            index_of: BTreeMap::new(),
            levels: vec![Vec::new(); TREE_DEPTH + 1],
            empty: *empty_hashes(),
        };
        let guards = [
            Leaf {
                key: MIN_GUARD_KEY,
                value: [0; 32],
                next: 1,
            },
            Leaf {
                key: MAX_GUARD_KEY,
                value: [0; 32],
                next: 0,
            },
        ];
        for (index, leaf) in guards.into_iter().enumerate() {
            tree.set_leaf(index as u64, leaf);
        }
        tree.rehash(vec![0, 1]);
        tree
    }

    pub fn commitment(&self) -> Commitment {
        Commitment {
            root: self.node(TREE_DEPTH, 0),
            next_free: self.leaves.len() as u64,
        }
    }

    pub fn get(&self, key: &B256) -> Option<B256> {
        self.index_of
            .get(key)
            .map(|&index| self.leaves[index as usize].value)
    }

    /// The key of the leaf at `index` (`None` past the last leaf).
    pub fn key_at(&self, index: u64) -> Option<B256> {
        self.leaves.get(index as usize).map(|leaf| leaf.key)
    }

    fn node(&self, level: usize, index: u64) -> B256 {
        self.levels[level]
            .get(index as usize)
            .copied()
            .unwrap_or(self.empty[level])
    }

    fn set_node(&mut self, level: usize, index: u64, hash: B256) {
        let nodes = &mut self.levels[level];
        let index = index as usize;
        if index >= nodes.len() {
            nodes.resize(index + 1, self.empty[level]);
        }
        nodes[index] = hash;
    }

    /// Stores the leaf and its hash; the nodes above it wait for [`Self::rehash`].
    fn set_leaf(&mut self, index: u64, leaf: Leaf) {
        if index as usize == self.leaves.len() {
            self.leaves.push(leaf);
            self.index_of.insert(leaf.key, index);
        } else {
            self.leaves[index as usize] = leaf;
        }
        self.set_node(0, index, leaf.hash(&SoftwareBlake2s));
    }

    /// Hashes again the nodes above the leaves at `changed`, each once: a batch of `n`
    /// writes costs about `2n` hashes plus one path, where hashing each leaf's path costs
    /// `32n`.
    fn rehash(&mut self, mut changed: Vec<u64>) {
        for level in 0..TREE_DEPTH {
            changed.iter_mut().for_each(|index| *index >>= 1);
            changed.sort_unstable();
            changed.dedup();
            for &parent in &changed {
                let hash = SoftwareBlake2s.hash_node(
                    &self.node(level, parent << 1),
                    &self.node(level, (parent << 1) | 1),
                );
                self.set_node(level + 1, parent, hash);
            }
        }
    }

    /// Applies writes in ascending key order, exactly as the guest does: existing keys
    /// are updated, new non-zero keys appended and linked after their predecessor.
    pub fn apply(&mut self, writes: &BTreeMap<B256, B256>) {
        let mut changed = Vec::new();
        for (key, value) in writes {
            if let Some(&index) = self.index_of.get(key) {
                let leaf = Leaf {
                    value: *value,
                    ..self.leaves[index as usize]
                };
                self.set_leaf(index, leaf);
                changed.push(index);
            } else if *value != [0; 32] {
                changed.extend(self.insert(*key, *value));
            }
        }
        self.rehash(changed);
    }

    /// Appends a leaf for `key` after its predecessor; the indices of the two leaves set.
    fn insert(&mut self, key: B256, value: B256) -> [u64; 2] {
        let (_, &prev_index) = self
            .index_of
            .range(..key)
            .next_back()
            .expect("the min guard precedes every key");
        let index = self.leaves.len() as u64;
        let prev = self.leaves[prev_index as usize];
        self.set_leaf(
            index,
            Leaf {
                key,
                value,
                next: prev.next,
            },
        );
        self.set_leaf(
            prev_index,
            Leaf {
                next: index,
                ..prev
            },
        );
        [index, prev_index]
    }

    pub fn siblings(&self, index: u64) -> Vec<B256> {
        (0..TREE_DEPTH)
            .map(|level| self.node(level, (index >> level) ^ 1))
            .collect()
    }

    fn proof(&self, index: u64) -> LeafProof {
        LeafProof {
            index,
            leaf: self.leaves[index as usize],
            siblings: self.siblings(index),
        }
    }

    /// The proof of a key's presence, or of its absence by its two neighbours.
    pub fn read(&self, key: &B256) -> KeyRead {
        if let Some(&index) = self.index_of.get(key) {
            return KeyRead::Present(self.proof(index));
        }
        let (_, &prev_index) = self.index_of.range(..*key).next_back().expect("min guard");
        let prev = self.proof(prev_index);
        let next = self.proof(prev.leaf.next);
        KeyRead::Absent { prev, next }
    }
}
