//! Plain software helpers on 256-bit values as eight little-endian 32-bit limbs, for
//! the comparisons and conversions that do not need the delegation.

use zkos_guest_rt::U256;

pub fn from_be_bytes(bytes: &[u8; 32]) -> U256 {
    let mut words = [0u32; 8];
    for (i, chunk) in bytes.rchunks_exact(4).enumerate() {
        words[i] = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    U256(words)
}

pub fn to_be_bytes(value: &U256) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    for (chunk, word) in bytes.rchunks_exact_mut(4).zip(value.0) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    bytes
}

pub fn is_zero(value: &U256) -> bool {
    value.0.iter().all(|&w| w == 0)
}

/// `a == b` without a call to `memcmp` (which compares byte by byte on RV32).
#[inline(always)]
pub fn equal(a: &U256, b: &U256) -> bool {
    a.0.iter()
        .zip(&b.0)
        .fold(0, |differ, (x, y)| differ | (x ^ y))
        == 0
}

pub fn less_than(a: &U256, b: &U256) -> bool {
    for i in (0..8).rev() {
        if a.0[i] != b.0[i] {
            return a.0[i] < b.0[i];
        }
    }
    false
}

/// Bits `[position, position + count)` of `value` (`count <= 31`); bits past 255 read 0.
pub fn bits(value: &U256, position: usize, count: u32) -> u32 {
    let word = position / 32;
    if word >= 8 {
        return 0;
    }
    let shift = (position % 32) as u32;
    let mut bits = value.0[word] >> shift;
    if shift + count > 32 && word + 1 < 8 {
        bits |= value.0[word + 1] << (32 - shift);
    }
    bits & ((1 << count) - 1)
}
