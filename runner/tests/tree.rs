//! The guest's partial tree (proofs checked against the previous root, new root computed
//! from the changed leaves) against the host's full tree, over random chains of blocks.
use proptest::prelude::*;
use std::collections::BTreeMap;
use zkos_runner::tree::HostTree;
use zkos_system::account::ACCOUNT_ENCODED_LEN;
use zkos_system::chain::WindowSlot;
use zkos_system::hash::SoftwareBlake2s;
use zkos_system::tree::{KeyRead, RevealedNodes, StateOracle, VerifiedTree};
use zkos_system::{Fatal, B256};

/// The host's answers as the oracle server sends them: each path cut at the first node
/// an earlier answer of the block revealed.
struct TreeOracle<'t> {
    tree: &'t HostTree,
    revealed: RevealedNodes,
}

impl<'t> TreeOracle<'t> {
    fn new(tree: &'t HostTree) -> Self {
        TreeOracle {
            tree,
            revealed: RevealedNodes::default(),
        }
    }
}

impl StateOracle for TreeOracle<'_> {
    fn read_key(&mut self, key: &B256) -> Result<KeyRead, Fatal> {
        let mut read = self.tree.read(key);
        self.revealed.trim_read(&mut read);
        Ok(read)
    }
    fn leaf_path(&mut self, index: u64) -> Result<Vec<B256>, Fatal> {
        let mut siblings = self.tree.siblings(index);
        self.revealed.trim(index, &mut siblings);
        Ok(siblings)
    }
    fn account_preimage(&mut self, _: &B256) -> Result<[u8; ACCOUNT_ENCODED_LEN], Fatal> {
        unreachable!("the tree asks for paths only")
    }
    fn bytecode(&mut self, _: &B256, _: u32) -> Result<Vec<u8>, Fatal> {
        unreachable!("the tree asks for paths only")
    }
    fn block_hash_slot(&mut self, _: u32) -> Result<WindowSlot, Fatal> {
        unreachable!("the tree asks for paths only")
    }
}

fn key(n: u8) -> B256 {
    let mut key = [n.wrapping_mul(37); 32];
    key[0] = n;
    key[31] = 1;
    key
}

fn value(n: u8) -> B256 {
    if n < 40 {
        [0; 32]
    } else {
        [n; 32]
    }
}

proptest! {
    #[test]
    fn guest_tree_matches_host_tree(blocks in proptest::collection::vec(proptest::collection::btree_map(0u8..64, any::<u8>(), 0..12), 1..5)) {
        let hasher = SoftwareBlake2s;
        let mut host = HostTree::new();
        for block in blocks {
            let writes: BTreeMap<B256, B256> = block.iter().map(|(k, v)| (key(*k), value(*v))).collect();
            let snapshot = host.clone();
            let mut guest = VerifiedTree::new(&hasher, snapshot.commitment());
            let mut oracle = TreeOracle::new(&snapshot);
            for key in writes.keys() {
                let read = guest.read(key, &oracle.read_key(key).unwrap()).unwrap();
                prop_assert_eq!(Some(read).filter(|v| *v != [0; 32]), snapshot.get(key).filter(|v| *v != [0; 32]));
            }
            let commitment = guest.apply(&writes, &mut oracle).unwrap();
            host.apply(&writes);
            prop_assert_eq!(commitment, host.commitment());
        }
    }

    #[test]
    fn a_forged_absence_proof_is_rejected(present in 0u8..64) {
        let hasher = SoftwareBlake2s;
        let mut host = HostTree::new();
        host.apply(&(0u8..64).map(|n| (key(n), [n + 1; 32])).collect());
        let target = key(present);
        // Claim the key is absent using the neighbours of a key just above it.
        let mut above = target;
        above[31] = 2;
        let forged = host.read(&above);
        let mut guest = VerifiedTree::new(&hasher, host.commitment());
        prop_assert!(guest.read(&target, &forged).is_err());
    }
}

#[test]
fn writing_an_unread_key_is_fatal() {
    let hasher = SoftwareBlake2s;
    let host = HostTree::new();
    let guest = VerifiedTree::new(&hasher, host.commitment());
    let writes = BTreeMap::from([(key(1), [1; 32])]);
    assert!(guest.apply(&writes, &mut TreeOracle::new(&host)).is_err());
}

/// How a lying oracle changes a (cut) proof.
#[derive(Clone, Copy, Debug)]
enum Lie {
    FlipSibling(usize),
    DropSibling,
    ExtraSibling,
    FlipValue,
}

fn lie_strategy() -> impl Strategy<Value = Lie> {
    prop_oneof![
        (0usize..32).prop_map(Lie::FlipSibling),
        Just(Lie::DropSibling),
        Just(Lie::ExtraSibling),
        Just(Lie::FlipValue),
    ]
}

proptest! {
    /// After earlier proofs of the block, a later one is cut short; every change to it
    /// (a sibling, its length either way, the leaf) is refused, and the true one passes.
    #[test]
    fn a_lying_cut_proof_is_refused(
        earlier in proptest::collection::btree_set(0u8..64, 0..10),
        target in 0u8..64,
        lie in lie_strategy(),
    ) {
        let hasher = SoftwareBlake2s;
        let mut host = HostTree::new();
        host.apply(&(0u8..64).map(|n| (key(n), [n + 1; 32])).collect());
        let mut guest = VerifiedTree::new(&hasher, host.commitment());
        let mut oracle = TreeOracle::new(&host);
        for n in earlier.iter().filter(|&&n| n != target) {
            guest.read(&key(*n), &oracle.read_key(&key(*n)).unwrap()).unwrap();
        }
        let KeyRead::Present(mut proof) = oracle.read_key(&key(target)).unwrap() else {
            panic!("every key is present");
        };
        let full = host.siblings(proof.index);
        let honest = proof.clone();
        let applied = match lie {
            Lie::FlipSibling(level) if level < proof.siblings.len() => {
                proof.siblings[level][7] ^= 1;
                true
            }
            Lie::DropSibling if !proof.siblings.is_empty() => {
                proof.siblings.pop();
                true
            }
            Lie::ExtraSibling if proof.siblings.len() < full.len() => {
                proof.siblings.push(full[proof.siblings.len()]);
                true
            }
            Lie::FlipValue => {
                proof.leaf.value[0] ^= 1;
                true
            }
            _ => false,
        };
        prop_assume!(applied);
        let mut lied_to = VerifiedTree::new(&hasher, host.commitment());
        let mut replay = TreeOracle::new(&host);
        for n in earlier.iter().filter(|&&n| n != target) {
            lied_to.read(&key(*n), &replay.read_key(&key(*n)).unwrap()).unwrap();
        }
        prop_assert!(lied_to.read(&key(target), &KeyRead::Present(proof)).is_err());
        prop_assert_eq!(guest.read(&key(target), &KeyRead::Present(honest)).unwrap(), [target + 1; 32]);
    }
}

/// Proofs of a block share their upper paths: once a few leaves are proven, a further
/// proof carries only the siblings below where its path joins theirs.
#[test]
fn later_proofs_carry_only_the_unshared_part_of_their_path() {
    let mut host = HostTree::new();
    host.apply(&(0u8..64).map(|n| (key(n), [n + 1; 32])).collect());
    let mut oracle = TreeOracle::new(&host);
    let lengths: Vec<usize> = (0u8..64)
        .map(|n| match oracle.read_key(&key(n)).unwrap() {
            KeyRead::Present(proof) => proof.siblings.len(),
            KeyRead::Absent { .. } => unreachable!("every key is present"),
        })
        .collect();
    assert_eq!(lengths[0], 32, "the first proof goes up to the root");
    // 66 leaves (two guards) fill indices 0..66: below level 7 the paths part.
    assert!(lengths[1..].iter().all(|&len| len <= 7), "{lengths:?}");
}
