//! A frame's last KECCAK256 results for inputs of up to two words. solc hashes a mapping
//! slot again for each access to it (`balanceOf[msg.sender]` read, then written), and on
//! RISC-V one hash is about 13 k cycles; a comparison of two words is a few dozen.

/// Inputs up to this length are kept: a mapping slot's `key ‖ slot`.
const MAX_INPUT: usize = 64;

#[derive(Clone, Copy)]
// Word-aligned, so comparing the input is word by word on RISC-V.
#[repr(C, align(4))]
struct Entry {
    input: [u8; MAX_INPUT],
    hash: [u8; 32],
    /// `None` for a place not used yet.
    len: Option<u8>,
}

const EMPTY: Entry = Entry {
    input: [0; MAX_INPUT],
    hash: [0; 32],
    len: None,
};

pub struct KeccakCache {
    entries: [Entry; 2],
    /// The entry the next miss replaces.
    next: usize,
}

impl Default for KeccakCache {
    fn default() -> Self {
        Self {
            entries: [EMPTY; 2],
            next: 0,
        }
    }
}

impl KeccakCache {
    /// keccak256 of `data`, from the cache when the same input was hashed lately.
    pub fn hash(&mut self, data: &[u8]) -> [u8; 32] {
        if data.len() > MAX_INPUT {
            return zkos_keccak::keccak256(data);
        }
        let len = Some(data.len() as u8);
        if let Some(entry) = self
            .entries
            .iter()
            .find(|entry| entry.len == len && entry.input[..data.len()] == *data)
        {
            return entry.hash;
        }
        let hash = zkos_keccak::keccak256(data);
        let entry = &mut self.entries[self.next];
        entry.input[..data.len()].copy_from_slice(data);
        entry.hash = hash;
        entry.len = len;
        self.next = (self.next + 1) % self.entries.len();
        hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Repeats, near misses (same bytes, other length; one byte changed) and long
        /// inputs all give keccak256 itself.
        #[test]
        fn cached_hashes_are_the_hashes(
            inputs in proptest::collection::vec(proptest::collection::vec(0u8..3, 0..70), 1..12),
            picks in proptest::collection::vec(any::<prop::sample::Index>(), 1..30),
        ) {
            let mut cache = KeccakCache::default();
            for pick in picks {
                let input = pick.get(&inputs);
                prop_assert_eq!(cache.hash(input), zkos_keccak::keccak256(input));
            }
        }
    }
}
