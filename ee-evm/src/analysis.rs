//! Code analysis, done once per code: the valid jump destinations, and a copy of the
//! code padded with STOPs so that the dispatch loop and PUSH never read past the end.
use alloc::rc::Rc;
use alloc::vec;
use alloc::vec::Vec;

use crate::opcode::{JUMPDEST, PUSH1, PUSH32};

/// Bytes of padding after the code: a full PUSH32 immediate plus a final STOP. The
/// dispatch loop and PUSH read without bounds checks on the strength of it (see
/// `Cursor::ip`).
pub const PADDING: usize = 33;

pub struct AnalyzedCode {
    /// The code followed by `PADDING` zero bytes (STOP).
    padded: Vec<u8>,
    len: usize,
    /// Bit `i` is set when byte `i` is a JUMPDEST opcode (not a PUSH immediate).
    jumpdests: Vec<u64>,
}

impl AnalyzedCode {
    pub fn new(code: &[u8]) -> Rc<Self> {
        let mut padded = Vec::with_capacity(code.len() + PADDING);
        padded.extend_from_slice(code);
        padded.resize(code.len() + PADDING, 0);
        Rc::new(AnalyzedCode {
            jumpdests: jumpdests(code),
            padded,
            len: code.len(),
        })
    }

    /// The code as deployed, without padding.
    pub fn original(&self) -> &[u8] {
        &self.padded[..self.len]
    }

    pub fn padded(&self) -> &[u8] {
        &self.padded
    }

    pub fn is_jumpdest(&self, target: usize) -> bool {
        target < self.len && self.jumpdests[target / 64] & (1 << (target % 64)) != 0
    }
}

fn jumpdests(code: &[u8]) -> Vec<u64> {
    let mut bits = vec![0u64; code.len().div_ceil(64)];
    let mut pc = 0;
    while pc < code.len() {
        let op = code[pc];
        if op == JUMPDEST {
            bits[pc / 64] |= 1 << (pc % 64);
        } else if (PUSH1..=PUSH32).contains(&op) {
            pc += (op - PUSH1 + 1) as usize;
        }
        pc += 1;
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_data_is_not_a_jumpdest() {
        // PUSH1 0x5b, JUMPDEST, PUSH2 0x5b 0x5b, JUMPDEST
        let code = AnalyzedCode::new(&[0x60, 0x5b, 0x5b, 0x61, 0x5b, 0x5b, 0x5b]);
        let valid: Vec<usize> = (0..8).filter(|&i| code.is_jumpdest(i)).collect();
        assert_eq!(valid, [2, 6]);
        assert_eq!(code.padded().len(), 7 + PADDING);
    }
}
