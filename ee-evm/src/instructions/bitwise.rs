//! AND .. SAR, and CLZ (Osaka).
use crate::interpreter::Interpreter;
use zkos_system::ee::Host;
use zkos_system::U256;

pub fn and(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b &= a;
}

pub fn or(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b |= a;
}

pub fn xor(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b ^= a;
}

pub fn not(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, ; a);
    *a = !*a;
}

/// The shift amount when it is below 256.
fn shift_amount(shift: &U256) -> Option<usize> {
    (*shift < U256::from(256)).then(|| shift.as_limbs()[0] as usize)
}

pub fn byte(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, index; value);
    *value = match index < U256::from(32) {
        true => U256::from(value.byte(31 - index.as_limbs()[0] as usize)),
        false => U256::ZERO,
    };
}

pub fn shl(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, shift; value);
    *value = shift_amount(&shift).map_or(U256::ZERO, |shift| *value << shift);
}

pub fn shr(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, shift; value);
    *value = shift_amount(&shift).map_or(U256::ZERO, |shift| *value >> shift);
}

pub fn sar(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, shift; value);
    *value = match shift_amount(&shift) {
        Some(shift) => value.arithmetic_shr(shift),
        None if value.bit(255) => U256::MAX,
        None => U256::ZERO,
    };
}

/// EIP-7939: the number of zero bits above the highest set bit; 256 for zero.
pub fn clz(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, ; value);
    *value = U256::from(value.leading_zeros());
}
