//! Software models of the delegation devices, following `SPEC.md` section 3 word for
//! word. The host runs these in place of the `csrrw` calls.

use super::{blake2s_control, u256_control, Blake2sBlock, Blake2sState};
use crate::blake2s::{round as mix_round, CIV, IV};
use crate::U256;

/// The BLAKE2s round device; `round_mask` is the one-hot round of register x12.
pub fn blake2s_round(
    state: &mut Blake2sState,
    message: &Blake2sBlock,
    round_mask: u32,
    control: u32,
) {
    let round = round_mask.trailing_zeros() as usize;
    let compression = control & blake2s_control::COMPRESSION_MODE != 0;
    if compression {
        if round == 0 {
            state.v[..8].copy_from_slice(&CIV);
            state.v[8..].copy_from_slice(&IV);
            state.v[12] ^= 64;
            state.v[14] ^= 0xFFFF_FFFF;
        }
        let mut node = [0u32; 16];
        let (first, second) = if control & blake2s_control::STATE_IS_RIGHT_NODE != 0 {
            (&message[..8], &state.h[..])
        } else {
            (&state.h[..], &message[..8])
        };
        node[..8].copy_from_slice(first);
        node[8..].copy_from_slice(second);
        mix_round(&mut state.v, &node, round);
    } else {
        if round == 0 {
            state.v[..8].copy_from_slice(&state.h);
            state.v[8..12].copy_from_slice(&IV[..4]);
            state.v[13] = IV[5];
            state.v[15] = IV[7];
        }
        mix_round(&mut state.v, message, round);
    }
    if control & blake2s_control::LAST_ROUND != 0 {
        if compression {
            state.h = CIV;
        }
        for i in 0..8 {
            state.h[i] ^= state.v[i] ^ state.v[i + 8];
        }
    }
}

/// The 256-bit integer device; `op` is register x12, the result is its new value.
pub fn u256_op(a: &mut U256, b: &U256, op: u32) -> bool {
    let carry_in = op & u256_control::CARRY_IN != 0;
    let (result, flag) = match op & !u256_control::CARRY_IN {
        u256_control::ADD => add(&a.0, &b.0, carry_in),
        u256_control::SUB => sub(&a.0, &b.0, carry_in),
        u256_control::SUB_AND_NEGATE => sub(&b.0, &a.0, carry_in),
        u256_control::MUL_LOW => {
            let product = widening_mul(&a.0, &b.0);
            (low(&product), product[8..].iter().any(|&w| w != 0))
        }
        u256_control::MUL_HIGH => (high(&widening_mul(&a.0, &b.0)), false),
        u256_control::EQ => (a.0, a.0 == b.0),
        u256_control::MEMCOPY => add(&b.0, &[0; 8], carry_in),
        _ => panic!("u256 delegation: control mask {op:#010b} is not one operation"),
    };
    a.0 = result;
    flag
}

fn add(a: &[u32; 8], b: &[u32; 8], carry_in: bool) -> ([u32; 8], bool) {
    let mut sum = [0u32; 8];
    let mut carry = carry_in as u64;
    for i in 0..8 {
        let t = a[i] as u64 + b[i] as u64 + carry;
        sum[i] = t as u32;
        carry = t >> 32;
    }
    (sum, carry != 0)
}

fn sub(a: &[u32; 8], b: &[u32; 8], borrow_in: bool) -> ([u32; 8], bool) {
    let mut difference = [0u32; 8];
    let mut borrow = borrow_in;
    for i in 0..8 {
        let (t, b0) = a[i].overflowing_sub(b[i]);
        let (t, b1) = t.overflowing_sub(borrow as u32);
        difference[i] = t;
        borrow = b0 || b1;
    }
    (difference, borrow)
}

fn widening_mul(a: &[u32; 8], b: &[u32; 8]) -> [u32; 16] {
    let mut product = [0u32; 16];
    for i in 0..8 {
        let mut carry = 0u64;
        for j in 0..8 {
            let t = a[i] as u64 * b[j] as u64 + product[i + j] as u64 + carry;
            product[i + j] = t as u32;
            carry = t >> 32;
        }
        product[i + 8] = carry as u32;
    }
    product
}

fn low(product: &[u32; 16]) -> [u32; 8] {
    product[..8].try_into().unwrap()
}

fn high(product: &[u32; 16]) -> [u32; 8] {
    product[8..].try_into().unwrap()
}
