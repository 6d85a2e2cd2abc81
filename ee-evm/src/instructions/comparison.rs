//! LT .. ISZERO.
use crate::i256;
use crate::interpreter::Interpreter;
use zkos_system::ee::Host;
use zkos_system::U256;

fn flag(value: bool) -> U256 {
    U256::from(value as u8)
}

pub fn lt(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b = flag(a < *b);
}

pub fn gt(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b = flag(a > *b);
}

pub fn slt(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b = flag(i256::lt(&a, b));
}

pub fn sgt(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b = flag(i256::lt(b, &a));
}

pub fn eq(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, a; b);
    *b = flag(a == *b);
}

pub fn iszero(interp: &mut Interpreter, _: &mut dyn Host) {
    pop_top!(interp, ; a);
    *a = flag(a.is_zero());
}
