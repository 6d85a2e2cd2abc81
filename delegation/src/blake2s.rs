//! One round of BLAKE2s with Airbender's extended control (CSR 0x7C7).

use crate::{check_pointer, pointer_fits};
use alloc::format;
use alloc::string::String;

pub const IV: [u32; 8] = [
    0x6A09_E667,
    0xBB67_AE85,
    0x3C6E_F372,
    0xA54F_F53A,
    0x510E_527F,
    0x9B05_688C,
    0x1F83_D9AB,
    0x5BE0_CD19,
];

/// IV with the parameter block of an unkeyed 32-byte digest in sequential mode folded in.
pub const CIV: [u32; 8] = [
    IV[0] ^ 0x0101_0000 ^ 32,
    IV[1],
    IV[2],
    IV[3],
    IV[4],
    IV[5],
    IV[6],
    IV[7],
];

/// BLAKE2's message schedule, shared by BLAKE2s and BLAKE2b (which uses row `r % 10`).
pub const SIGMA: [[usize; 16]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/// Control bits in x13.
pub const LAST_ROUND: u32 = 1;
pub const RIGHT_NODE: u32 = 2;
pub const COMPRESSION_MODE: u32 = 4;

/// Bytes of the state block at x10: 8 words of `h` and 16 of `v`.
pub const STATE_WORDS: usize = 24;
pub const MESSAGE_WORDS: usize = 16;

/// The decoded arguments of one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoundCall {
    pub state_ptr: u32,
    pub message_ptr: u32,
    pub round: usize,
    pub control: u32,
}

/// Checks x10..x13 as SPEC section 3 and the circuit require.
#[inline]
pub fn check_arguments(x10: u32, x11: u32, x12: u32, x13: u32) -> Result<RoundCall, String> {
    if pointer_fits(x10, 128, 4 * STATE_WORDS as u32)
        && pointer_fits(x11, 4, 4 * MESSAGE_WORDS as u32)
        && x10 != x11
        && x12.is_power_of_two()
        && x12.trailing_zeros() < 10
        && x13 & !(LAST_ROUND | RIGHT_NODE | COMPRESSION_MODE) == 0
    {
        return Ok(RoundCall::new(x10, x11, x12, x13));
    }
    explain_arguments(x10, x11, x12, x13)
}

/// [`check_arguments`] for arguments its quick check refused: what is wrong with them.
#[cold]
fn explain_arguments(x10: u32, x11: u32, x12: u32, x13: u32) -> Result<RoundCall, String> {
    check_pointer("x10 (state)", x10, 128, 4 * STATE_WORDS as u32)?;
    check_pointer("x11 (message)", x11, 4, 4 * MESSAGE_WORDS as u32)?;
    if x10 == x11 {
        return Err(format!("x10 and x11 are the same pointer 0x{x10:08x}"));
    }
    if x12.count_ones() != 1 || x12.trailing_zeros() >= 10 {
        return Err(format!(
            "x12 = 0x{x12:08x} is not a one-hot round mask for rounds 0..9"
        ));
    }
    if x13 & !(LAST_ROUND | RIGHT_NODE | COMPRESSION_MODE) != 0 {
        return Err(format!(
            "x13 = 0x{x13:08x} has control bits other than 0..2"
        ));
    }
    Ok(RoundCall::new(x10, x11, x12, x13))
}

impl RoundCall {
    fn new(x10: u32, x11: u32, x12: u32, x13: u32) -> RoundCall {
        RoundCall {
            state_ptr: x10,
            message_ptr: x11,
            round: x12.trailing_zeros() as usize,
            control: x13,
        }
    }
}

#[inline(always)]
fn g(v: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize, x: u32, y: u32) {
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
    v[d] = (v[d] ^ v[a]).rotate_right(16);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(12);
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
    v[d] = (v[d] ^ v[a]).rotate_right(8);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(7);
}

/// One standard BLAKE2s round: column then diagonal mixing with message permutation SIGMA[r].
pub fn mix_round(v: &mut [u32; 16], m: &[u32; 16], round: usize) {
    let s = &SIGMA[round];
    g(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
    g(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
    g(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
    g(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
    g(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
    g(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
    g(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
    g(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
}

/// Applies one call to the 24-word state block (`h` then `v`) with the 16-word block at x11.
pub fn apply(call: &RoundCall, state: &mut [u32; STATE_WORDS], message: &[u32; MESSAGE_WORDS]) {
    let mut h: [u32; 8] = state[..8].try_into().unwrap();
    let mut v: [u32; 16] = state[8..].try_into().unwrap();
    let compression = call.control & COMPRESSION_MODE != 0;
    if call.round == 0 {
        if compression {
            v[..8].copy_from_slice(&CIV);
            v[8..].copy_from_slice(&IV);
            v[12] ^= 64;
            v[14] ^= 0xFFFF_FFFF;
        } else {
            v[..8].copy_from_slice(&h);
            v[8..12].copy_from_slice(&IV[..4]);
            v[13] = IV[5];
            v[15] = IV[7];
        }
    }
    let m: [u32; 16] = if !compression {
        *message
    } else if call.control & RIGHT_NODE != 0 {
        core::array::from_fn(|i| if i < 8 { message[i] } else { h[i - 8] })
    } else {
        core::array::from_fn(|i| if i < 8 { h[i] } else { message[i - 8] })
    };
    mix_round(&mut v, &m, call.round);
    if call.control & LAST_ROUND != 0 {
        for i in 0..8 {
            h[i] = if compression { CIV[i] } else { h[i] } ^ v[i] ^ v[i + 8];
        }
    }
    state[..8].copy_from_slice(&h);
    state[8..].copy_from_slice(&v);
}
