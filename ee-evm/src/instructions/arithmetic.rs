//! ADD .. SIGNEXTEND.
use crate::gas;
use crate::i256;
use crate::interpreter::Interpreter;
use zkos_system::ee::Host;
use zkos_system::U256;

pub fn add(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b = a.wrapping_add(*b);
}

pub fn mul(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b = a.wrapping_mul(*b);
}

pub fn sub(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b = a.wrapping_sub(*b);
}

pub fn div(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b = if b.is_zero() { U256::ZERO } else { a / *b };
}

pub fn sdiv(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b = i256::div(a, *b);
}

pub fn rem(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b = if b.is_zero() { U256::ZERO } else { a % *b };
}

pub fn smod(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b = i256::rem(a, *b);
}

pub fn addmod(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a, b; n);
    *n = a.add_mod(b, *n);
}

pub fn mulmod(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a, b; n);
    *n = a.mul_mod(b, *n);
}

pub fn exp(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, base; exponent);
    gas!(interp, gas::exp_cost(exponent));
    *exponent = base.wrapping_pow(*exponent);
}

pub fn signextend(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, byte; value);
    if byte < U256::from(31) {
        let bit = byte.as_limbs()[0] as usize * 8 + 7;
        let mask = (U256::from(1) << (bit + 1)).wrapping_sub(U256::from(1));
        *value = if value.bit(bit) {
            *value | !mask
        } else {
            *value & mask
        };
    }
}
