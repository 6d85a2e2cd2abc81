//! The guest's BLAKE2s backend (zkos-guest-rt: the delegation on RISC-V, its model on the
//! host) gives the same hashes as the `blake2` crate the native run uses.
use proptest::prelude::*;
use zkos_guest_os::hash::RtBlake2s;
use zkos_system::hash::{Blake2s, SoftwareBlake2s};

proptest! {
    #[test]
    fn rt_hash_matches_software(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert_eq!(RtBlake2s.hash(&data), SoftwareBlake2s.hash(&data));
    }

    #[test]
    fn rt_node_hash_matches_software(left in any::<[u8; 32]>(), right in any::<[u8; 32]>()) {
        prop_assert_eq!(RtBlake2s.hash_node(&left, &right), SoftwareBlake2s.hash_node(&left, &right));
    }
}
