//! One 256-bit integer operation (CSR 0x7CA): `a = op(a, b)` over 8 little-endian words,
//! with a carry, borrow, overflow or equality flag returned in x12.

use crate::check_pointer;
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

const OPERATIONS: u32 = ADD | SUB | SUB_AND_NEGATE | MUL_LOW | MUL_HIGH | EQ | MEMCOPY;

pub type Words = [u32; 8];

/// Checks x10..x12 and returns the operation bit and whether carry-in is set.
pub fn check_arguments(x10: u32, x11: u32, x12: u32) -> Result<(u32, bool), String> {
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

fn add(a: &Words, b: &Words, carry: bool) -> (Words, bool) {
    let mut out = [0; 8];
    let mut carry = carry as u64;
    for i in 0..8 {
        let sum = a[i] as u64 + b[i] as u64 + carry;
        out[i] = sum as u32;
        carry = sum >> 32;
    }
    (out, carry != 0)
}

fn sub(a: &Words, b: &Words, borrow: bool) -> (Words, bool) {
    let mut out = [0; 8];
    let mut borrow = borrow as u64;
    for i in 0..8 {
        let diff = (a[i] as u64).wrapping_sub(b[i] as u64).wrapping_sub(borrow);
        out[i] = diff as u32;
        borrow = (diff >> 63) & 1;
    }
    (out, borrow != 0)
}

fn widening_mul(a: &Words, b: &Words) -> [u32; 16] {
    let mut out = [0u32; 16];
    for i in 0..8 {
        let mut carry = 0u64;
        for j in 0..8 {
            let t = a[i] as u64 * b[j] as u64 + out[i + j] as u64 + carry;
            out[i + j] = t as u32;
            carry = t >> 32;
        }
        out[i + 8] = carry as u32;
    }
    out
}

/// Applies `operation` (one bit of the mask) and returns the new `a` and the flag.
pub fn apply(operation: u32, carry_in: bool, a: &Words, b: &Words) -> (Words, u32) {
    let (result, flag) = match operation {
        ADD => add(a, b, carry_in),
        SUB => sub(a, b, carry_in),
        SUB_AND_NEGATE => sub(b, a, carry_in),
        MUL_LOW => {
            let wide = widening_mul(a, b);
            (
                wide[..8].try_into().unwrap(),
                wide[8..].iter().any(|&w| w != 0),
            )
        }
        MUL_HIGH => (widening_mul(a, b)[8..].try_into().unwrap(), false),
        EQ => (*a, a == b),
        MEMCOPY => add(b, &[0; 8], carry_in),
        _ => unreachable!("operation checked by check_arguments"),
    };
    (result, flag as u32)
}
