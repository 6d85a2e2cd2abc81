//! STOP, JUMP, JUMPI, JUMPDEST, PC, GAS, RETURN, REVERT, INVALID and undefined opcodes.
use crate::cursor::Cursor;
use crate::interpreter::{Interpreter, INVALID_JUMP, INVALID_OPCODE, OUT_OF_GAS};
use zkos_system::ee::Host;
use zkos_system::U256;

pub fn stop(interp: &mut Interpreter, _: &mut dyn Host) {
    interp.succeed();
}

#[inline(always)]
fn jump_to(interp: &mut Interpreter, cursor: &mut Cursor, target: U256) {
    let landed = usize::try_from(target)
        .ok()
        .and_then(|target| cursor.jump(interp.code(), target));
    match landed {
        Some(true) => {}
        Some(false) => interp.halt(OUT_OF_GAS),
        None => interp.halt(INVALID_JUMP),
    }
}

#[inline(always)]
pub fn jump(interp: &mut Interpreter, cursor: &mut Cursor) {
    pop!(interp, target);
    jump_to(interp, cursor, target);
}

#[inline(always)]
pub fn jumpi(interp: &mut Interpreter, cursor: &mut Cursor) {
    pop!(interp, target, condition);
    if !condition.is_zero() {
        jump_to(interp, cursor, target);
    }
}

/// Only its static gas.
#[inline(always)]
pub fn jumpdest(_: &mut Interpreter, _: &mut Cursor) {}

pub fn pc(interp: &mut Interpreter, _: &mut dyn Host) {
    push!(interp, U256::from(interp.pc() - 1));
}

pub fn gas(interp: &mut Interpreter, _: &mut dyn Host) {
    push!(interp, U256::from(interp.gas.remaining));
}

/// Takes RETURN / REVERT's memory range as the frame's output.
fn set_output(interp: &mut Interpreter) -> bool {
    let Some([offset, len]) = interp.stack.pop_n() else {
        interp.halt(crate::interpreter::STACK_UNDERFLOW);
        return false;
    };
    let Some((offset, len)) = interp.memory_range(offset, len) else {
        return false;
    };
    interp.output = interp.memory.slice(offset, len).to_vec();
    true
}

pub fn ret(interp: &mut Interpreter, _: &mut dyn Host) {
    if set_output(interp) {
        interp.succeed();
    }
}

pub fn revert(interp: &mut Interpreter, _: &mut dyn Host) {
    if set_output(interp) {
        interp.revert();
    }
}

pub fn invalid(interp: &mut Interpreter, _: &mut dyn Host) {
    interp.halt(INVALID_OPCODE);
}
