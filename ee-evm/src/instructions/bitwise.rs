//! AND .. SAR, and CLZ (Osaka).
use crate::stack::{Stack, Step};
use zkos_system::U256;

#[inline(always)]
pub fn and(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b &= a;
    Ok(())
}

#[inline(always)]
pub fn or(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b |= a;
    Ok(())
}

#[inline(always)]
pub fn xor(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b ^= a;
    Ok(())
}

#[inline(always)]
pub fn not(stack: &mut Stack) -> Step {
    let ([], a) = stack.pop_n_top()?;
    *a = !*a;
    Ok(())
}

/// The shift amount when it is below 256.
fn shift_amount(shift: &U256) -> Option<usize> {
    (*shift < U256::from(256)).then(|| shift.as_limbs()[0] as usize)
}

pub fn byte(stack: &mut Stack) -> Step {
    let ([index], value) = stack.pop_n_top()?;
    *value = match index < U256::from(32) {
        true => U256::from(value.byte(31 - index.as_limbs()[0] as usize)),
        false => U256::ZERO,
    };
    Ok(())
}

#[inline(always)]
pub fn shl(stack: &mut Stack) -> Step {
    let ([shift], value) = stack.pop_n_top()?;
    *value = shift_amount(&shift).map_or(U256::ZERO, |shift| *value << shift);
    Ok(())
}

#[inline(always)]
pub fn shr(stack: &mut Stack) -> Step {
    let ([shift], value) = stack.pop_n_top()?;
    *value = shift_amount(&shift).map_or(U256::ZERO, |shift| *value >> shift);
    Ok(())
}

pub fn sar(stack: &mut Stack) -> Step {
    let ([shift], value) = stack.pop_n_top()?;
    *value = match shift_amount(&shift) {
        Some(shift) => value.arithmetic_shr(shift),
        None if value.bit(255) => U256::MAX,
        None => U256::ZERO,
    };
    Ok(())
}

/// EIP-7939: the number of zero bits above the highest set bit; 256 for zero.
pub fn clz(stack: &mut Stack) -> Step {
    let ([], value) = stack.pop_n_top()?;
    *value = U256::from(value.leading_zeros());
    Ok(())
}
