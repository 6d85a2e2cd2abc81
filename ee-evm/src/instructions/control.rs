//! STOP, JUMP, JUMPI, JUMPDEST, PC, GAS, RETURN, REVERT, INVALID and undefined opcodes.
use crate::analysis::AnalyzedCode;
use crate::cursor::Cursor;
use crate::interpreter::{Interpreter, INVALID_JUMP, INVALID_OPCODE, OUT_OF_GAS};
use crate::stack::Step;
use zkos_system::ee::Host;
use zkos_system::U256;

pub fn stop(interp: &mut Interpreter, _: &mut dyn Host) {
    interp.succeed();
}

#[inline(always)]
fn jump_to(cursor: &mut Cursor, code: &AnalyzedCode, target: U256) -> Step {
    let landed = usize::try_from(target)
        .ok()
        .and_then(|target| cursor.jump(code, target));
    match landed {
        Some(true) => Ok(()),
        Some(false) => Err(OUT_OF_GAS),
        None => Err(INVALID_JUMP),
    }
}

#[inline(always)]
pub fn jump(cursor: &mut Cursor, code: &AnalyzedCode) -> Step {
    let [target] = cursor.stack.pop_n()?;
    jump_to(cursor, code, target)
}

#[inline(always)]
pub fn jumpi(cursor: &mut Cursor, code: &AnalyzedCode) -> Step {
    let [target, condition] = cursor.stack.pop_n()?;
    if condition.is_zero() {
        return Ok(());
    }
    jump_to(cursor, code, target)
}

/// Only its static gas.
#[inline(always)]
pub fn jumpdest(_: &mut Cursor, _: &AnalyzedCode) -> Step {
    Ok(())
}

pub fn pc(interp: &mut Interpreter, _: &mut dyn Host) {
    push!(interp, U256::from(interp.pc() - 1));
}

pub fn gas(interp: &mut Interpreter, _: &mut dyn Host) {
    push!(interp, U256::from(interp.gas.remaining));
}

/// Takes RETURN / REVERT's memory range as the frame's output.
fn set_output(interp: &mut Interpreter) -> bool {
    let [offset, len] = match interp.stack.pop_n() {
        Ok(popped) => popped,
        Err(reason) => {
            interp.halt(reason);
            return false;
        }
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
