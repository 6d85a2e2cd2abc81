//! ADD .. SIGNEXTEND.
use crate::gas;
use crate::i256;
use crate::interpreter::Interpreter;
use crate::stack::{Stack, Step};
use zkos_system::ee::Host;
use zkos_system::U256;

#[inline(always)]
pub fn add(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b = a.wrapping_add(*b);
    Ok(())
}

#[inline(always)]
pub fn mul(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b = a.wrapping_mul(*b);
    Ok(())
}

#[inline(always)]
pub fn sub(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b = a.wrapping_sub(*b);
    Ok(())
}

pub fn div(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b = if b.is_zero() { U256::ZERO } else { a / *b };
    Ok(())
}

pub fn sdiv(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b = i256::div(a, *b);
    Ok(())
}

pub fn rem(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b = if b.is_zero() { U256::ZERO } else { a % *b };
    Ok(())
}

pub fn smod(stack: &mut Stack) -> Step {
    let ([a], b) = stack.pop_n_top()?;
    *b = i256::rem(a, *b);
    Ok(())
}

pub fn addmod(stack: &mut Stack) -> Step {
    let ([a, b], n) = stack.pop_n_top()?;
    *n = a.add_mod(b, *n);
    Ok(())
}

pub fn mulmod(stack: &mut Stack) -> Step {
    let ([a, b], n) = stack.pop_n_top()?;
    *n = a.mul_mod(b, *n);
    Ok(())
}

pub fn exp(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, base; exponent);
    gas!(interp, gas::exp_cost(exponent));
    *exponent = base.wrapping_pow(*exponent);
}

pub fn signextend(stack: &mut Stack) -> Step {
    let ([byte], value) = stack.pop_n_top()?;
    if byte < U256::from(31) {
        let bit = byte.as_limbs()[0] as usize * 8 + 7;
        let mask = (U256::from(1) << (bit + 1)).wrapping_sub(U256::from(1));
        *value = if value.bit(bit) {
            *value | !mask
        } else {
            *value & mask
        };
    }
    Ok(())
}
