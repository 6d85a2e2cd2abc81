//! The guest's partial tree (proofs checked against the previous root, new root computed
//! from the changed leaves) against the host's full tree, over random chains of blocks.
use proptest::prelude::*;
use std::collections::BTreeMap;
use zkos_runner::tree::HostTree;
use zkos_system::account::ACCOUNT_ENCODED_LEN;
use zkos_system::chain::WindowSlot;
use zkos_system::hash::SoftwareBlake2s;
use zkos_system::tree::{KeyRead, StateOracle, VerifiedTree};
use zkos_system::{Fatal, B256};

struct TreeOracle<'t>(&'t HostTree);

impl StateOracle for TreeOracle<'_> {
    fn read_key(&mut self, key: &B256) -> Result<KeyRead, Fatal> {
        Ok(self.0.read(key))
    }
    fn leaf_path(&mut self, index: u64) -> Result<Vec<B256>, Fatal> {
        Ok(self.0.siblings(index))
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
            for key in writes.keys() {
                let read = guest.read(key, &snapshot.read(key)).unwrap();
                prop_assert_eq!(Some(read).filter(|v| *v != [0; 32]), snapshot.get(key).filter(|v| *v != [0; 32]));
            }
            let commitment = guest.apply(&writes, &mut TreeOracle(&snapshot)).unwrap();
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
    assert!(guest.apply(&writes, &mut TreeOracle(&host)).is_err());
}
