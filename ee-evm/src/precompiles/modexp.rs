//! 0x05 modexp (EIP-198) with EIP-2565 pricing; from Osaka each length is at most 1024
//! bytes (EIP-7823) and the pricing is EIP-7883's.
//!
//! Input: base_len ‖ exp_len ‖ mod_len (32-byte words) ‖ base ‖ exp ‖ mod, zero-padded past its
//! end. Before Osaka the lengths may be anything up to 2^256; nothing is allocated before the gas
//! is charged, which bounds them.

use super::{padded, Budget, PrecompileError, PrecompileOutput, PrecompileResult};
use crate::native;
use alloc::vec;
use alloc::vec::Vec;
use num_bigint::BigUint;

const HEADER_LEN: usize = 96;
/// EIP-7823: the bound on each of the three lengths from Osaka.
const MAX_LEN_OSAKA: u64 = 1024;

/// The pricing (and length rules) of a fork.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rules {
    /// EIP-2565, from Berlin.
    Berlin,
    /// EIP-7823 and EIP-7883.
    Osaka,
}

pub(super) fn run(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    run_under(Rules::Berlin, input, budget)
}

pub(super) fn run_osaka(input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    run_under(Rules::Osaka, input, budget)
}

fn run_under(rules: Rules, input: &[u8], budget: &mut Budget<'_>) -> PrecompileResult {
    budget.charge(rules.min_gas(), 0)?;
    let [base_len, exp_len, mod_len] = [0, 32, 64].map(|offset| length_at(input, offset));
    if rules == Rules::Osaka
        && [base_len, exp_len, mod_len]
            .iter()
            .any(|&len| len > MAX_LEN_OSAKA)
    {
        return Err(PrecompileError::Failure);
    }
    let exp_head = exponent_head(input, base_len, exp_len);
    let gas_used = budget.charge(
        rules.gas_cost(base_len, exp_len, mod_len, &exp_head),
        native::modexp(base_len, mod_len, exponent_bits(exp_len, &exp_head)),
    )?;
    if mod_len == 0 {
        return Ok(PrecompileOutput {
            gas_used,
            output: Vec::new(),
        });
    }
    // Within the gas, the lengths are far below 2^32 for any realistic gas limit; past
    // what this machine can address the call fails, which costs the same as running out of gas.
    let to_usize = |len: u64| usize::try_from(len).map_err(|_| PrecompileError::Failure);
    let (base_len, exp_len, mod_len) =
        (to_usize(base_len)?, to_usize(exp_len)?, to_usize(mod_len)?);
    let exp_start = HEADER_LEN
        .checked_add(base_len)
        .ok_or(PrecompileError::Failure)?;
    let mod_start = exp_start
        .checked_add(exp_len)
        .ok_or(PrecompileError::Failure)?;
    let base = number_at(input, HEADER_LEN, base_len);
    let exponent = number_at(input, exp_start, exp_len);
    let modulus = number_at(input, mod_start, mod_len);
    let output = modular_power(&base, &exponent, &modulus, mod_len);
    Ok(PrecompileOutput { gas_used, output })
}

/// An upper bound on the exponent's bit length: its head's, plus 8 per byte past it.
fn exponent_bits(exp_len: u64, exp_head: &[u8; 32]) -> u64 {
    Rules::Berlin
        .iteration_count(exp_len, exp_head)
        .saturating_add(1)
}

/// A length word of the header, saturated to `u64::MAX` (which no gas limit can pay for).
fn length_at(input: &[u8], offset: usize) -> u64 {
    let word = padded::<32>(input, offset);
    if word[..24].iter().any(|&byte| byte != 0) {
        return u64::MAX;
    }
    u64::from_be_bytes(word[24..].try_into().expect("8 bytes"))
}

/// The first min(exp_len, 32) bytes of the exponent, right-aligned in a word.
fn exponent_head(input: &[u8], base_len: u64, exp_len: u64) -> [u8; 32] {
    let mut head = [0u8; 32];
    let head_len = exp_len.min(32) as usize;
    let start = (HEADER_LEN as u64).saturating_add(base_len);
    if let Ok(start) = usize::try_from(start) {
        let bytes = padded::<32>(input, start);
        head[32 - head_len..].copy_from_slice(&bytes[..head_len]);
    }
    head
}

impl Rules {
    fn min_gas(self) -> u64 {
        match self {
            Rules::Berlin => 200,
            Rules::Osaka => 500,
        }
    }

    /// EIP-2565: max(200, ceil(max_len / 8)^2 · iterations / 3); EIP-7883: max(500,
    /// complexity · iterations) with a complexity of 16 up to 32 bytes and 2·ceil(max_len / 8)^2
    /// above, and 16 iterations per exponent byte past 32 instead of 8. Saturating.
    fn gas_cost(self, base_len: u64, exp_len: u64, mod_len: u64, exp_head: &[u8; 32]) -> u64 {
        let max_len = base_len.max(mod_len);
        let words = u128::from(max_len.div_ceil(8));
        let (complexity, divisor) = match self {
            Rules::Berlin => (words * words, 3),
            Rules::Osaka if max_len <= 32 => (16, 1),
            Rules::Osaka => (2 * words * words, 1),
        };
        let iterations = u128::from(self.iteration_count(exp_len, exp_head));
        let gas = complexity.saturating_mul(iterations) / divisor;
        u64::try_from(gas).unwrap_or(u64::MAX).max(self.min_gas())
    }

    fn iteration_count(self, exp_len: u64, exp_head: &[u8; 32]) -> u64 {
        let per_extra_byte = match self {
            Rules::Berlin => 8,
            Rules::Osaka => 16,
        };
        let head_bits = bit_length(exp_head).saturating_sub(1);
        let count = if exp_len <= 32 {
            head_bits
        } else {
            (exp_len - 32)
                .saturating_mul(per_extra_byte)
                .saturating_add(head_bits)
        };
        count.max(1)
    }
}

fn bit_length(word: &[u8; 32]) -> u64 {
    match word.iter().position(|&byte| byte != 0) {
        Some(index) => ((32 - index) * 8) as u64 - u64::from(word[index].leading_zeros()),
        None => 0,
    }
}

/// `len` bytes of `input` from `start` (zeros past its end) as a big-endian number.
fn number_at(input: &[u8], start: usize, len: usize) -> BigUint {
    let available = input.get(start..).unwrap_or_default();
    let present = &available[..available.len().min(len)];
    BigUint::from_bytes_be(present) << ((len - present.len()) * 8)
}

/// base^exponent mod modulus as `mod_len` big-endian bytes; 0 when the modulus is 0.
fn modular_power(base: &BigUint, exponent: &BigUint, modulus: &BigUint, mod_len: usize) -> Vec<u8> {
    let mut output = vec![0u8; mod_len];
    if modulus.bits() == 0 {
        return output;
    }
    let result = base.modpow(exponent, modulus).to_bytes_be();
    output[mod_len - result.len()..].copy_from_slice(&result);
    output
}
