//! The three hashes of the `keccak-bench` guest (sha3, zkos-keccak in one call and streamed), run in the emulator, hash like
//! `sha3::Keccak256` on the host.
use sha3::Digest;
use zkos_emulator::{Program, StreamOracle};

const SHA3: u32 = 0;
const INTERLEAVED: u32 = 1;
const STREAMED: u32 = 2;
const SHA3_PERMUTATION: u32 = 3;
const PERMUTATION: u32 = 4;

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 89 + 7) as u8).collect()
}

fn input(implementation: u32, count: u32, data: &[u8]) -> Vec<u32> {
    let words = data.chunks(4).map(|chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        u32::from_le_bytes(word)
    });
    [implementation, count, data.len() as u32]
        .into_iter()
        .chain(words)
        .collect()
}

fn run_guest(implementation: u32, data: &[u8]) -> [u32; 8] {
    run_guest_times(implementation, 1, data)
}

fn run_guest_times(implementation: u32, count: u32, data: &[u8]) -> [u32; 8] {
    let program = Program::from_elf(zkos_guests::KECCAK_BENCH).unwrap();
    let oracle = StreamOracle::new(input(implementation, count, data));
    zkos_emulator::run(&program, oracle, 1 << 32)
        .unwrap()
        .output
}

fn expected(data: &[u8]) -> [u32; 8] {
    let digest: [u8; 32] = sha3::Keccak256::digest(data).into();
    core::array::from_fn(|i| u32::from_le_bytes(digest[4 * i..4 * i + 4].try_into().unwrap()))
}

#[test]
fn riscv_hashes_like_sha3_on_the_host() {
    for len in [0, 1, 3, 4, 31, 32, 135, 136, 137, 271, 272, 273, 1000, 4096] {
        let data = data(len);
        for implementation in [SHA3, INTERLEAVED, STREAMED] {
            assert_eq!(
                run_guest(implementation, &data),
                expected(&data),
                "implementation {implementation}, length {len}"
            );
        }
    }
}

/// The first 8 words of the state of `data` (zero-padded) after `count` permutations.
fn permuted(data: &[u8], count: u32) -> [u32; 8] {
    let mut bytes = [0u8; 200];
    bytes[..data.len()].copy_from_slice(data);
    let mut state: [u64; 25] =
        core::array::from_fn(|i| u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().unwrap()));
    for _ in 0..count {
        keccak::f1600(&mut state);
    }
    core::array::from_fn(|i| (state[i / 2] >> (32 * (i % 2))) as u32)
}

#[test]
fn riscv_permutes_like_the_keccak_crate_on_the_host() {
    for (len, count) in [(0, 1), (200, 1), (77, 3), (200, 0)] {
        let data = data(len);
        for implementation in [SHA3_PERMUTATION, PERMUTATION] {
            assert_eq!(
                run_guest_times(implementation, count, &data),
                permuted(&data, count),
                "implementation {implementation}, length {len}, {count} permutations"
            );
        }
    }
}
