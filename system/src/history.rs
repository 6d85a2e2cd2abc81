//! EIP-2935 (Prague): the block-hash history contract, served from the chain's committed
//! window. The contract's code runs as on Ethereum; its storage is not kept in the state
//! tree: slot `k < 8191` reads the hash of the block `b ≡ k (mod 8191)` among the 8191
//! before the executing one, from the verified window. Ethereum writes that slot with a
//! system call at the start of each block; the window holds the same hashes (for every block,
//! not only those since the fork), so no block pays for the write.
use crate::spec::Spec;
use crate::types::{Address, B256};

/// `0x0000F90827F1C53a10cb7A02335B175320002935`.
pub const HISTORY_STORAGE_ADDRESS: Address = [
    0x00, 0x00, 0xf9, 0x08, 0x27, 0xf1, 0xc5, 0x3a, 0x10, 0xcb, 0x7a, 0x02, 0x33, 0x5b, 0x17, 0x53,
    0x20, 0x00, 0x29, 0x35,
];

/// How many block hashes before the executing block the contract serves.
pub const HISTORY_SERVE_WINDOW: u64 = 8191;

/// The contract's runtime code, as EIP-2935 gives it.
pub const HISTORY_STORAGE_CODE: [u8; 83] = [
    0x33, 0x73, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x14, 0x60, 0x46, 0x57, 0x60, 0x20, 0x36, 0x03, 0x60, 0x42,
    0x57, 0x5f, 0x35, 0x60, 0x01, 0x43, 0x03, 0x81, 0x11, 0x60, 0x42, 0x57, 0x61, 0x1f, 0xff, 0x81,
    0x43, 0x03, 0x11, 0x60, 0x42, 0x57, 0x61, 0x1f, 0xff, 0x90, 0x06, 0x54, 0x5f, 0x52, 0x60, 0x20,
    0x5f, 0xf3, 0x5b, 0x5f, 0x5f, 0xfd, 0x5b, 0x5f, 0x35, 0x61, 0x1f, 0xff, 0x60, 0x01, 0x43, 0x03,
    0x06, 0x55, 0x00,
];

/// keccak256 of [`HISTORY_STORAGE_CODE`]: `0x6e49e667…0a5d`.
pub const HISTORY_STORAGE_CODE_HASH: B256 = [
    0x6e, 0x49, 0xe6, 0x67, 0x82, 0x03, 0x7c, 0x05, 0x55, 0x89, 0x78, 0x70, 0xe2, 0x9f, 0xa5, 0xe5,
    0x52, 0xda, 0xf4, 0x71, 0x95, 0x52, 0x13, 0x1a, 0x0a, 0xbc, 0xe7, 0x79, 0xda, 0xec, 0x0a, 0x5d,
];

/// Whether the storage of [`HISTORY_STORAGE_ADDRESS`], holding code with `code_hash`, is
/// served from the window.
pub fn serves_history(spec: Spec, code_hash: &B256) -> bool {
    spec.enables(Spec::Prague) && *code_hash == HISTORY_STORAGE_CODE_HASH
}

/// The block whose hash slot `slot` holds while block `number` executes: the newest block
/// before it that is `slot` modulo 8191. `None` where Ethereum's storage holds zero (a slot
/// the ring never writes, or no such block yet).
pub fn block_of_slot(number: u64, slot: &B256) -> Option<u64> {
    if slot[..24].iter().any(|&byte| byte != 0) {
        return None;
    }
    let slot = u64::from_be_bytes(slot[24..].try_into().expect("8 bytes"));
    let newest = number.checked_sub(1)?;
    if slot >= HISTORY_SERVE_WINDOW || slot > newest {
        return None;
    }
    Some(newest - (newest - slot) % HISTORY_SERVE_WINDOW)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::keccak256;

    fn slot(k: u64) -> B256 {
        let mut bytes = [0u8; 32];
        bytes[24..].copy_from_slice(&k.to_be_bytes());
        bytes
    }

    #[test]
    fn the_code_hash_is_the_codes() {
        assert_eq!(keccak256(&HISTORY_STORAGE_CODE), HISTORY_STORAGE_CODE_HASH);
    }

    /// Block `b` is written to slot `b % 8191` at the start of block `b + 1` and stays
    /// until block `b + 8191` overwrites it: replay that ring and compare.
    #[test]
    fn slots_hold_what_the_ring_of_system_writes_holds() {
        let mut ring = [None; HISTORY_SERVE_WINDOW as usize];
        for number in 1..30_000u64 {
            let parent = number - 1;
            ring[(parent % HISTORY_SERVE_WINDOW) as usize] = Some(parent);
            for k in [0, 1, 2, 4095, 8189, 8190, parent % HISTORY_SERVE_WINDOW] {
                assert_eq!(
                    block_of_slot(number, &slot(k)),
                    ring[k as usize],
                    "{number} {k}"
                );
            }
        }
        assert_eq!(block_of_slot(100, &slot(8191)), None);
        assert_eq!(block_of_slot(0, &slot(0)), None);
        let mut high = slot(5);
        high[0] = 1;
        assert_eq!(block_of_slot(100, &high), None);
    }
}
