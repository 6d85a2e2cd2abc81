//! The EVM's native-resource cost model: the guest cycles (effective, RISC-V) of the work
//! that gas under-prices, charged before the work beside its gas. Everything else is
//! covered by [`zkos_system::native::BASE_PER_GAS`]. Each figure is a measured cost
//! with margin: `cargo run --release -p zkos-benches --example cycles_per_gas` measures
//! them, and `docs/limits.md` lists the measurements.

/// Cycles of KECCAK256 over `len` bytes of memory (the system's keccak charge).
pub fn keccak(len: usize) -> u64 {
    zkos_system::native::keccak(len as u64)
}

/// Heap of `bytes` of new capacity for frame memory: the blocks a vector outgrew stay on
/// the allocator's free lists (at most as much again as its capacity), and the allocator
/// rounds blocks up to 64 KiB to a power of two (at most twice).
pub fn memory_heap(bytes: u64) -> u64 {
    4 * bytes
}

/// 0x06, measured 148,000.
pub const BN254_ADD: u64 = 165_000;
/// 0x07, measured 6.57 M.
pub const BN254_MUL: u64 = 7_200_000;
/// 0x08: measured 21.5 M for the final exponentiation and 18.3 M per pair.
pub fn bn254_pairing(pairs: u64) -> u64 {
    24_000_000u64.saturating_add(20_000_000u64.saturating_mul(pairs))
}

/// 0x09, per round: measured 650.
pub const BLAKE2F_ROUND: u64 = 720;

/// 0x0a: a KZG opening check, measured 123 M.
pub const POINT_EVALUATION: u64 = 135_000_000;

/// 0x05: square-and-multiply over the exponent's `bits` (all counted as set), each step a
/// product of `w = ceil(max(base, modulus) / 8)` 64-bit words, after a set-up that grows
/// with w² (the Montgomery constants). Measured per call: 6.6 M at w = 1 with a 1 KiB
/// exponent, 872 k at w = 4 with 32 bytes, 297 M at w = 32 with 256 bytes, and 97 M at
/// w = 128 with a 1-byte exponent (Berlin pricing, all exponent bits set).
pub fn modexp(base_len: u64, mod_len: u64, bits: u64) -> u64 {
    let words = base_len.max(mod_len).div_ceil(8);
    let words2 = words.saturating_mul(words);
    let per_bit = MODEXP_PER_BIT.saturating_add(MODEXP_PER_BIT_WORD2.saturating_mul(words2));
    let bytes = base_len.saturating_add(mod_len);
    bits.saturating_mul(per_bit)
        .saturating_add(MODEXP_SETUP_WORD2.saturating_mul(words2))
        .saturating_add(MODEXP_PER_BYTE.saturating_mul(bytes))
        .saturating_add(MODEXP_CALL)
}

const MODEXP_PER_BIT: u64 = 900;
const MODEXP_PER_BIT_WORD2: u64 = 200;
const MODEXP_SETUP_WORD2: u64 = 6_000;
const MODEXP_PER_BYTE: u64 = 100;
const MODEXP_CALL: u64 = 50_000;

/// BLS12-381 (EIP-2537). Measured per call: G1 add 1.92 M, G2 add 2.13 M, a one-pair G1
/// MSM 16.1 M and G2 MSM 40.7 M (each pair is a subgroup check and a multiplication),
/// map to G1 5.8 M and to G2 26.4 M, a pairing check 55.9 M plus 33.4 M per pair.
pub const BLS_G1_ADD: u64 = 2_200_000;
pub const BLS_G2_ADD: u64 = 2_400_000;
pub const BLS_G1_MSM_PAIR: u64 = 18_000_000;
pub const BLS_G2_MSM_PAIR: u64 = 45_000_000;
pub const BLS_MAP_TO_G1: u64 = 6_500_000;
pub const BLS_MAP_TO_G2: u64 = 29_000_000;

pub fn bls_pairing(pairs: u64) -> u64 {
    62_000_000u64.saturating_add(37_000_000u64.saturating_mul(pairs))
}
