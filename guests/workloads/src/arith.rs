//! The arithmetic program: 64-bit and signed multiply, divide, remainder and shifts
//! (the RV32 M instructions and the compiler's 64-bit helpers), on corner cases and on
//! pseudo-random operands; the result is a digest of every result.

use crate::{rng::XorShift64, Digest};
use core::hint::black_box;

/// Operands that hit the edges of signed and unsigned arithmetic.
const CORNERS: [u64; 12] = [
    0,
    1,
    2,
    u64::MAX,     // -1
    u64::MAX - 1, // -2
    i64::MIN as u64,
    i64::MAX as u64,
    0x8000_0000,           // i32::MIN as an unsigned 32-bit value
    0xFFFF_FFFF_8000_0000, // i32::MIN sign-extended
    0x7FFF_FFFF,
    0x1_0000_0000,
    0xDEAD_BEEF_0BAD_F00D,
];

pub fn run(seed: u32, iterations: u32) -> [u32; 8] {
    let mut digest = Digest::new();
    for a in CORNERS {
        for b in CORNERS {
            mix_pair(&mut digest, black_box(a), black_box(b));
        }
    }
    let mut rng = XorShift64::new(seed as u64);
    for _ in 0..iterations {
        let a = rng.next_u64();
        // Short operands too, so that quotients are not always 0 or 1.
        let b = rng.next_u64() >> (rng.next_u32() % 64);
        mix_pair(&mut digest, a, b);
    }
    digest.finish()
}

fn mix_pair(digest: &mut Digest, a: u64, b: u64) {
    mix_u64(digest, a, b);
    mix_i64(digest, a as i64, b as i64);
    mix_u32(digest, a as u32, b as u32);
    mix_i32(digest, a as i32, b as i32);
}

fn mix_u64(digest: &mut Digest, a: u64, b: u64) {
    digest.push_u64(a.wrapping_mul(b));
    digest.push_u64(((a as u128 * b as u128) >> 64) as u64);
    digest.push_u64(a.checked_div(b).unwrap_or(u64::MAX));
    digest.push_u64(a.checked_rem(b).unwrap_or(a));
    digest.push_u64(a.wrapping_shl(b as u32));
    digest.push_u64(a.wrapping_shr(b as u32));
    digest.push_u64(a.wrapping_add(b) ^ a.wrapping_sub(b).rotate_left((b % 64) as u32));
}

fn mix_i64(digest: &mut Digest, a: i64, b: i64) {
    digest.push_u64(a.wrapping_mul(b) as u64);
    digest.push_u64(((a as i128 * b as i128) >> 64) as u64);
    digest.push_u64(a.checked_div(b).unwrap_or(if b == 0 { -1 } else { a }) as u64);
    digest.push_u64(a.checked_rem(b).unwrap_or(if b == 0 { a } else { 0 }) as u64);
    digest.push_u64(a.wrapping_shr(b as u32) as u64);
    digest.push_u64(a.wrapping_abs() as u64 ^ a.signum() as u64);
    digest.push((a < b) as u32 | (((a as u64) < (b as u64)) as u32) << 1);
}

fn mix_u32(digest: &mut Digest, a: u32, b: u32) {
    digest.push(a.wrapping_mul(b));
    digest.push(((a as u64 * b as u64) >> 32) as u32);
    digest.push(a.checked_div(b).unwrap_or(u32::MAX));
    digest.push(a.checked_rem(b).unwrap_or(a));
    digest.push(a.wrapping_shl(b) ^ a.wrapping_shr(b));
}

fn mix_i32(digest: &mut Digest, a: i32, b: i32) {
    digest.push(a.wrapping_mul(b) as u32);
    digest.push(((a as i64 * b as i64) >> 32) as u32);
    // mulhsu: signed times unsigned.
    digest.push(((a as i64 * (b as u32) as i64) >> 32) as u32);
    digest.push(if b == 0 { -1 } else { a.wrapping_div(b) } as u32);
    digest.push(if b == 0 { a } else { a.wrapping_rem(b) } as u32);
    digest.push(a.wrapping_shr(b as u32) as u32);
    digest.push((a as i8 as i32 ^ a as i16 as i32) as u32);
}
