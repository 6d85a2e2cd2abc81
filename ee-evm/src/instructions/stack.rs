//! POP, PUSH0..PUSH32, DUP1..DUP16, SWAP1..SWAP16.
use crate::analysis::AnalyzedCode;
use crate::cursor::Cursor;
use crate::stack::{Stack, Step};
use zkos_system::U256;

#[inline(always)]
pub fn pop(stack: &mut Stack) -> Step {
    stack.pop_n::<1>().map(drop)
}

#[inline(always)]
pub fn push0(stack: &mut Stack) -> Step {
    stack.push(U256::ZERO)
}

/// PUSHn: the code is padded, so the immediate can always be read in full.
#[inline(always)]
pub fn push<const N: usize>(cursor: &mut Cursor, _: &AnalyzedCode) -> Step {
    let value = immediate(cursor.take_immediate::<N>());
    cursor.stack.push(value)
}

/// The `N` big-endian bytes as a word; through a fixed 32-byte array, which compiles to
/// a few loads and byte swaps, where `U256::from_be_slice` goes byte by byte.
#[inline(always)]
fn immediate<const N: usize>(bytes: [u8; N]) -> U256 {
    let mut word = [0u8; 32];
    word[32 - N..].copy_from_slice(&bytes);
    U256::from_be_bytes(word)
}

#[inline(always)]
pub fn dup<const N: usize>(stack: &mut Stack) -> Step {
    stack.dup(N)
}

#[inline(always)]
pub fn swap<const N: usize>(stack: &mut Stack) -> Step {
    stack.swap(N)
}
