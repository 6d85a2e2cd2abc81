//! BLAKE2s, the hash of the state commitment (it has a delegation circuit on RISC-V).
use crate::types::B256;
use blake2::{Blake2s256, Digest};

/// The BLAKE2s backend: the delegation circuit on RISC-V, software on the host.
/// Both must give identical results.
pub trait Blake2s {
    /// BLAKE2s-256 of `data` (no key, sequential mode).
    fn hash(&self, data: &[u8]) -> B256;

    /// A Merkle node: BLAKE2s-256 of the 64 bytes `left ‖ right`. The delegation's
    /// compression mode computes exactly this in 10 rounds.
    fn hash_node(&self, left: &B256, right: &B256) -> B256 {
        let mut node = [0u8; 64];
        node[..32].copy_from_slice(left);
        node[32..].copy_from_slice(right);
        self.hash(&node)
    }
}

/// The software implementation (the `blake2` crate).
#[derive(Clone, Copy, Debug, Default)]
pub struct SoftwareBlake2s;

impl Blake2s for SoftwareBlake2s {
    fn hash(&self, data: &[u8]) -> B256 {
        Blake2s256::digest(data).into()
    }
}

/// Feeds several pieces into one BLAKE2s hash without concatenating them by hand. Tree
/// keys and leaves (at most 72 bytes) are gathered on the stack, not in a fresh vector.
pub fn hash_concat(hasher: &dyn Blake2s, pieces: &[&[u8]]) -> B256 {
    const ON_STACK: usize = 128;
    let len = pieces.iter().map(|piece| piece.len()).sum();
    if len > ON_STACK {
        return hasher.hash(&pieces.concat());
    }
    let mut buffer = [0u8; ON_STACK];
    let mut at = 0;
    for piece in pieces {
        buffer[at..at + piece.len()].copy_from_slice(piece);
        at += piece.len();
    }
    hasher.hash(&buffer[..len])
}
