//! 256-bit integers on the U256 delegation: little-endian 32-bit limbs, 32-byte aligned
//! as the device requires.

use crate::delegation::{u256_control as op, u256_op};

#[repr(C, align(32))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct U256(pub [u32; 8]);

impl U256 {
    pub const ZERO: Self = Self([0; 8]);
    pub const ONE: Self = Self([1, 0, 0, 0, 0, 0, 0, 0]);
    pub const MAX: Self = Self([u32::MAX; 8]);

    pub const fn from_u64(value: u64) -> Self {
        Self([value as u32, (value >> 32) as u32, 0, 0, 0, 0, 0, 0])
    }

    pub fn from_le_bytes(bytes: &[u8; 32]) -> Self {
        Self(crate::blake2s::bytes_to_words(bytes))
    }

    pub fn to_le_bytes(&self) -> [u8; 32] {
        crate::blake2s::words_to_bytes(&self.0)
    }

    /// `self += b + carry_in`; returns the carry out.
    pub fn add_with_carry(&mut self, b: &Self, carry_in: bool) -> bool {
        u256_op(self, b, op::ADD | carry_bit(carry_in))
    }

    /// `self -= b + borrow_in`; returns the borrow out.
    pub fn sub_with_borrow(&mut self, b: &Self, borrow_in: bool) -> bool {
        u256_op(self, b, op::SUB | carry_bit(borrow_in))
    }

    /// `self = b - self - borrow_in`; returns the borrow out.
    pub fn sub_and_negate(&mut self, b: &Self, borrow_in: bool) -> bool {
        u256_op(self, b, op::SUB_AND_NEGATE | carry_bit(borrow_in))
    }

    /// `self = low 256 bits of self * b`; returns whether the high half is non-zero.
    pub fn mul_low(&mut self, b: &Self) -> bool {
        u256_op(self, b, op::MUL_LOW)
    }

    /// `self = high 256 bits of self * b`.
    pub fn mul_high(&mut self, b: &Self) {
        u256_op(self, b, op::MUL_HIGH);
    }

    /// Equality through the device (`self` is unchanged; the device needs it writable).
    pub fn eq_delegated(&mut self, b: &Self) -> bool {
        u256_op(self, b, op::EQ)
    }

    /// A copy of `b` made by the device (one call instead of eight loads and stores).
    #[inline(always)]
    pub fn copy_of(b: &Self) -> Self {
        #[cfg(target_arch = "riscv32")]
        return crate::delegation::u256_copy(b);
        #[cfg(not(target_arch = "riscv32"))]
        return *b;
    }

    /// `self = b + increment`; returns the carry out.
    pub fn copy_from(&mut self, b: &Self, increment: bool) -> bool {
        u256_op(self, b, op::MEMCOPY | carry_bit(increment))
    }
}

fn carry_bit(set: bool) -> u32 {
    if set {
        op::CARRY_IN
    } else {
        0
    }
}
