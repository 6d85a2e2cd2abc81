//! LT .. ISZERO.
use crate::i256;
use crate::stack::{Stack, Step};
use zkos_system::U256;

fn flag(value: bool) -> U256 {
    U256::from(value as u8)
}

#[inline(always)]
pub fn lt(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b = flag(a < *b);
    Ok(())
}

#[inline(always)]
pub fn gt(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b = flag(a > *b);
    Ok(())
}

#[inline(always)]
pub fn slt(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b = flag(i256::lt(&a, b));
    Ok(())
}

pub fn sgt(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b = flag(i256::lt(b, &a));
    Ok(())
}

#[inline(always)]
pub fn eq(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b = flag(a == *b);
    Ok(())
}

#[inline(always)]
pub fn iszero(stack: &mut Stack) -> Step {
    let ([], a) = stack.pop_n_top()?;
    *a = flag(a.is_zero());
    Ok(())
}
