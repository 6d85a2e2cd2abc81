//! What the dispatch loop keeps in host registers while a frame runs: the next byte of
//! code, the gas left, and the stack (its length above all). The instructions that need
//! nothing else (stack moves, arithmetic, PUSH, JUMP, JUMPI, JUMPDEST) work on the cursor,
//! so a run of them never goes through memory; the frame gets the cursor's state only for
//! the other instructions (`Interpreter::save_cursor` / `load_cursor`).
use crate::analysis::AnalyzedCode;
use crate::gas;
use crate::stack::Stack;

pub struct Cursor {
    /// The next byte to run, in the padded bytes of the frame's code: at most
    /// [`PADDING`](crate::analysis::PADDING) - 1 bytes past the code's end, where all
    /// bytes are STOP. It starts at 0, a jump goes to the byte after a JUMPDEST within the
    /// code, an opcode within the code moves it at most 33 bytes (PUSH32), and STOP ends
    /// the frame. So reading it, or a PUSH's 32 bytes after an opcode within the code,
    /// stays within the allocation.
    pub ip: *const u8,
    /// Gas left. After a failed [`Cursor::charge`] it is meaningless: the frame halts,
    /// which consumes all its gas.
    pub gas: u64,
    pub stack: Stack,
}

impl Cursor {
    /// Another cursor on the same frame; only one of the two may be used at a time (see
    /// [`Stack::share`]).
    #[inline(always)]
    pub fn share(&self) -> Cursor {
        Cursor {
            ip: self.ip,
            gas: self.gas,
            stack: self.stack.share(),
        }
    }

    /// The opcode at `ip`, which moves past it.
    #[inline(always)]
    pub fn next_opcode(&mut self) -> usize {
        // SAFETY: `ip` is within the padded code (see `ip`), and one past it is too.
        unsafe {
            let op = *self.ip;
            self.ip = self.ip.add(1);
            op as usize
        }
    }

    /// Charges `cost`; `false` when it is more than what remains, and the frame must then
    /// halt.
    #[inline(always)]
    pub fn charge(&mut self, cost: u64) -> bool {
        gas::charge(&mut self.gas, cost)
    }

    /// The `N <= 32` bytes after the opcode just read (a PUSH's immediate), skipped.
    /// Only for the instruction of that opcode, once.
    #[inline(always)]
    pub fn take_immediate<const N: usize>(&mut self) -> [u8; N] {
        const { assert!(N <= 32) };
        // SAFETY: the opcode was within the code, so its next 32 bytes are in the padded
        // code and `ip` stays at most `PADDING - 1` bytes past the end (see `ip`).
        unsafe {
            let bytes = self.ip.cast::<[u8; N]>().read();
            self.ip = self.ip.add(N);
            bytes
        }
    }

    /// Continues after the JUMPDEST at `target` and charges its gas, so the dispatch loop
    /// does not spend a round on it (in solc's code every tenth instruction or so is a
    /// JUMPDEST reached by a jump). `None` when `target` is not a JUMPDEST; `Some(false)`
    /// when the JUMPDEST's gas cannot be paid: the frame halts out of gas there instead of
    /// one step later, which no one can tell apart, as the halt consumes all gas either way.
    #[inline(always)]
    pub fn jump(&mut self, code: &AnalyzedCode, target: usize) -> Option<bool> {
        if !code.is_jumpdest(target) {
            return None;
        }
        // SAFETY: a JUMPDEST is within the code, so the byte after it is in the padded
        // code (see `ip`).
        self.ip = unsafe { code.padded().as_ptr().add(target + 1) };
        Some(self.charge(gas::JUMPDEST))
    }
}
