//! POP, PUSH0..PUSH32, DUP1..DUP16, SWAP1..SWAP16.
use crate::cursor::Cursor;
use crate::interpreter::{Interpreter, STACK_OVERFLOW, STACK_UNDERFLOW};
use zkos_system::ee::Host;
use zkos_system::U256;

pub fn pop(interp: &mut Interpreter, _: &mut dyn Host) {
    pop!(interp, _value);
}

pub fn push0(interp: &mut Interpreter, _: &mut dyn Host) {
    push!(interp, U256::ZERO);
}

/// PUSHn: the code is padded, so the immediate can always be read in full.
#[inline(always)]
pub fn push<const N: usize>(interp: &mut Interpreter, cursor: &mut Cursor) {
    let value = immediate(cursor.take_immediate::<N>());
    push!(interp, value);
}

/// The `N` big-endian bytes as a word; through a fixed 32-byte array, which compiles to
/// a few loads and byte swaps, where `U256::from_be_slice` goes byte by byte.
#[inline(always)]
fn immediate<const N: usize>(bytes: [u8; N]) -> U256 {
    let mut word = [0u8; 32];
    word[32 - N..].copy_from_slice(&bytes);
    U256::from_be_bytes(word)
}

pub fn dup<const N: usize>(interp: &mut Interpreter, _: &mut dyn Host) {
    if !interp.stack.dup(N) {
        let reason = if interp.stack.len() < N {
            STACK_UNDERFLOW
        } else {
            STACK_OVERFLOW
        };
        interp.halt(reason);
    }
}

pub fn swap<const N: usize>(interp: &mut Interpreter, _: &mut dyn Host) {
    if !interp.stack.swap(N) {
        interp.halt(STACK_UNDERFLOW);
    }
}
