//! The delegation devices of `SPEC.md` section 3. On RISC-V each call is one `csrrw`
//! instruction; on the host the same call runs the software model in [`model`], so code
//! built on these calls computes the same values on both targets.

pub mod model;

/// CSR of the BLAKE2s round device.
pub const BLAKE2S_ROUND_CSR: u16 = 0x7C7;
/// CSR of the 256-bit integer device.
pub const U256_OP_CSR: u16 = 0x7CA;

/// Memory the BLAKE2s device reads and writes: 8 state words then 16 extended-state
/// words, 128-byte aligned.
#[repr(C, align(128))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Blake2sState {
    pub h: [u32; 8],
    pub v: [u32; 16],
}

/// A 16-word message block (the device needs only 4-byte alignment).
pub type Blake2sBlock = [u32; 16];

/// Control bits of the BLAKE2s round device (register x13).
pub mod blake2s_control {
    pub use zkos_delegation::blake2s::{
        COMPRESSION_MODE, LAST_ROUND, RIGHT_NODE as STATE_IS_RIGHT_NODE,
    };
}

/// Operation bits of the 256-bit integer device (register x12).
pub mod u256_control {
    pub use zkos_delegation::u256::{
        ADD, CARRY_IN, EQ, MEMCOPY, MUL_HIGH, MUL_LOW, SUB, SUB_AND_NEGATE,
    };
}

/// One BLAKE2s round (`round` in `0..10`) with the device's control bits.
#[inline(always)]
pub fn blake2s_round(state: &mut Blake2sState, message: &Blake2sBlock, round: usize, control: u32) {
    debug_assert!(round < 10);
    #[cfg(target_arch = "riscv32")]
    riscv::blake2s_round(state, message, round, control);
    #[cfg(not(target_arch = "riscv32"))]
    model::blake2s_round(state, message, 1 << round, control);
}

/// One 256-bit operation `a = a op b` (`op` from [`u256_control`]); returns the device's
/// flag (carry, borrow, overflow of the low product, or equality).
#[inline(always)]
pub fn u256_op(a: &mut crate::U256, b: &crate::U256, op: u32) -> bool {
    #[cfg(target_arch = "riscv32")]
    return riscv::u256_op(a, b, op);
    #[cfg(not(target_arch = "riscv32"))]
    return model::u256_op(a, b, op);
}

/// A copy of `b` written by the device into fresh memory.
#[cfg(target_arch = "riscv32")]
#[inline(always)]
pub fn u256_copy(b: &crate::U256) -> crate::U256 {
    riscv::u256_copy(b)
}

#[cfg(target_arch = "riscv32")]
mod riscv {
    use super::{Blake2sBlock, Blake2sState};
    use crate::U256;

    /// The devices refuse pointers into ROM, where constants may live: such operands
    /// are first copied to the stack.
    fn in_rom<T>(value: &T) -> bool {
        (value as *const T as usize) < zkos_linker::RAM_START as usize
    }

    #[inline(always)]
    pub fn blake2s_round(
        state: &mut Blake2sState,
        message: &Blake2sBlock,
        round: usize,
        control: u32,
    ) {
        let copy;
        let message = if in_rom(message) {
            copy = *message;
            &copy
        } else {
            message
        };
        // SAFETY: the state is 128-byte aligned and in RAM (it is mutable), the message
        // is in RAM, and they cannot overlap (one is borrowed mutably).
        unsafe {
            core::arch::asm!(
                "csrrw x0, 0x7c7, x0",
                in("x10") state as *mut Blake2sState,
                in("x11") message.as_ptr(),
                in("x12") 1u32 << round,
                in("x13") control,
                options(nostack),
            )
        }
    }

    #[inline(always)]
    pub fn u256_copy(b: &U256) -> U256 {
        if in_rom(b) {
            return *b;
        }
        let mut copy = core::mem::MaybeUninit::<U256>::uninit();
        // SAFETY: `copy` is 32-byte aligned and on the stack (RAM), distinct from `b`; the
        // device writes all eight of its words.
        unsafe {
            core::arch::asm!(
                "csrrw x0, 0x7ca, x0",
                in("x10") copy.as_mut_ptr(),
                in("x11") b as *const U256,
                inlateout("x12") super::u256_control::MEMCOPY => _,
                options(nostack),
            );
            copy.assume_init()
        }
    }

    #[inline(always)]
    pub fn u256_op(a: &mut U256, b: &U256, op: u32) -> bool {
        let copy;
        let b = if in_rom(b) {
            copy = *b;
            &copy
        } else {
            b
        };
        let flag: u32;
        // SAFETY: both operands are 32-byte aligned, in RAM, and distinct.
        unsafe {
            core::arch::asm!(
                "csrrw x0, 0x7ca, x0",
                in("x10") a as *mut U256,
                in("x11") b as *const U256,
                inlateout("x12") op => flag,
                options(nostack),
            )
        }
        flag != 0
    }
}
