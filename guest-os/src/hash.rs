//! The BLAKE2s backend of zkos-guest-rt: the delegation circuit on RISC-V (a Merkle node
//! is one compression in compression mode, 10 rounds), its software model on the host.
use zkos_guest_rt::blake2s::{bytes_to_words, words_to_bytes};
use zkos_system::hash::Blake2s;
use zkos_system::B256;

#[derive(Clone, Copy, Debug, Default)]
pub struct RtBlake2s;

impl Blake2s for RtBlake2s {
    fn hash(&self, data: &[u8]) -> B256 {
        zkos_guest_rt::blake2s256(data)
    }

    fn hash_node(&self, left: &B256, right: &B256) -> B256 {
        words_to_bytes(&zkos_guest_rt::hash_node(
            &bytes_to_words(left),
            &bytes_to_words(right),
        ))
    }
}
