//! One 256-bit integer operation (CSR 0x7CA): `a = op(a, b)` over 8 little-endian words,
//! with a carry, borrow, overflow or equality flag returned in x12.

use crate::{check_pointer, pointer_fits};
use alloc::format;
use alloc::string::String;

pub const ADD: u32 = 1 << 0;
pub const SUB: u32 = 1 << 1;
pub const SUB_AND_NEGATE: u32 = 1 << 2;
pub const MUL_LOW: u32 = 1 << 3;
pub const MUL_HIGH: u32 = 1 << 4;
pub const EQ: u32 = 1 << 5;
pub const CARRY_IN: u32 = 1 << 6;
pub const MEMCOPY: u32 = 1 << 7;

pub const OPERATIONS: u32 = ADD | SUB | SUB_AND_NEGATE | MUL_LOW | MUL_HIGH | EQ | MEMCOPY;

pub type Words = [u32; 8];

/// Checks x10..x12 and returns the operation bit and whether carry-in is set.
#[inline]
pub fn check_arguments(x10: u32, x11: u32, x12: u32) -> Result<(u32, bool), String> {
    let operation = x12 & OPERATIONS;
    if pointer_fits(x10, 32, 32)
        && pointer_fits(x11, 32, 32)
        && x10 != x11
        && x12 & !(OPERATIONS | CARRY_IN) == 0
        && operation.is_power_of_two()
    {
        return Ok((operation, x12 & CARRY_IN != 0));
    }
    explain_arguments(x10, x11, x12)
}

/// What is wrong with arguments the quick check refused.
#[cold]
fn explain_arguments(x10: u32, x11: u32, x12: u32) -> Result<(u32, bool), String> {
    check_pointer("x10 (a)", x10, 32, 32)?;
    check_pointer("x11 (b)", x11, 32, 32)?;
    if x10 == x11 {
        return Err(format!("x10 and x11 are the same pointer 0x{x10:08x}"));
    }
    decode_operation(x12)
}

/// Splits x12 into its one operation bit and the carry-in bit.
pub fn decode_operation(x12: u32) -> Result<(u32, bool), String> {
    let operation = x12 & OPERATIONS;
    if x12 & !(OPERATIONS | CARRY_IN) != 0 || operation.count_ones() != 1 {
        return Err(format!(
            "x12 = 0x{x12:08x} is not one operation bit (plus optional carry bit 6)"
        ));
    }
    Ok((operation, x12 & CARRY_IN != 0))
}

/// The operands as four 64-bit limbs, least significant first: a host does each operation
/// in half the steps of one on 32-bit words.
pub type Limbs = [u64; 4];

fn to_limbs(words: &Words) -> Limbs {
    core::array::from_fn(|i| words[2 * i] as u64 | (words[2 * i + 1] as u64) << 32)
}

fn to_words(limbs: &[u64]) -> Words {
    core::array::from_fn(|i| (limbs[i / 2] >> (32 * (i % 2))) as u32)
}

fn add(a: &Limbs, b: &Limbs, carry: bool) -> (Limbs, bool) {
    let mut out = [0; 4];
    let mut carry = carry;
    for i in 0..4 {
        let (sum, first) = a[i].overflowing_add(b[i]);
        let (sum, second) = sum.overflowing_add(carry as u64);
        out[i] = sum;
        carry = first | second;
    }
    (out, carry)
}

fn sub(a: &Limbs, b: &Limbs, borrow: bool) -> (Limbs, bool) {
    let mut out = [0; 4];
    let mut borrow = borrow;
    for i in 0..4 {
        let (diff, first) = a[i].overflowing_sub(b[i]);
        let (diff, second) = diff.overflowing_sub(borrow as u64);
        out[i] = diff;
        borrow = first | second;
    }
    (out, borrow)
}

fn widening_mul(a: &Limbs, b: &Limbs) -> [u64; 8] {
    let mut out = [0u64; 8];
    for i in 0..4 {
        let mut carry = 0u64;
        for j in 0..4 {
            let t = a[i] as u128 * b[j] as u128 + out[i + j] as u128 + carry as u128;
            out[i + j] = t as u64;
            carry = (t >> 64) as u64;
        }
        out[i + 4] = carry;
    }
    out
}

/// Applies `operation` (one bit of the mask) and returns the new `a` and the flag.
pub fn apply(operation: u32, carry_in: bool, a: &Words, b: &Words) -> (Words, u32) {
    let (result, flag) = apply_limbs(operation, carry_in, &to_limbs(a), &to_limbs(b));
    (to_words(&result), flag)
}

/// [`apply`] on 64-bit limbs.
#[inline]
pub fn apply_limbs(operation: u32, carry_in: bool, a: &Limbs, b: &Limbs) -> (Limbs, u32) {
    let (a, b) = (*a, *b);
    let (result, flag) = match operation {
        ADD => add(&a, &b, carry_in),
        SUB => sub(&a, &b, carry_in),
        SUB_AND_NEGATE => sub(&b, &a, carry_in),
        MUL_LOW => {
            let wide = widening_mul(&a, &b);
            let low = wide[..4].try_into().unwrap();
            (low, wide[4..].iter().any(|&limb| limb != 0))
        }
        MUL_HIGH => (widening_mul(&a, &b)[4..].try_into().unwrap(), false),
        EQ => (a, a == b),
        MEMCOPY => add(&b, &[0; 4], carry_in),
        _ => unreachable!("operation checked by check_arguments"),
    };
    (result, flag as u32)
}
