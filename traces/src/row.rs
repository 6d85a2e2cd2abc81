//! The records of SPEC section 4, laid out in memory exactly as Airbender's (`repr(C)`).

use serde::Serialize;

/// Rows in one main-circuit chunk: 2^22 - 1.
pub const CHUNK_ROWS: usize = (1 << 22) - 1;

/// Bit 31 of an encoded address marks a RAM word; without it the address is a register index.
pub const RAM_WORD_FLAG: u32 = 0x8000_0000;

/// A 48-bit timestamp as three little-endian 16-bit limbs.
pub type TimestampLimbs = [u16; 3];

/// Splits a timestamp (below 2^48) into limbs.
#[inline(always)]
pub fn to_limbs(timestamp: u64) -> TimestampLimbs {
    [
        timestamp as u16,
        (timestamp >> 16) as u16,
        (timestamp >> 32) as u16,
    ]
}

/// Joins limbs back into a timestamp.
#[inline(always)]
pub fn from_limbs(limbs: TimestampLimbs) -> u64 {
    limbs[0] as u64 | (limbs[1] as u64) << 16 | (limbs[2] as u64) << 32
}

/// The timestamp of slot 0 of row `row` of chunk `chunk`: `4 + 4*row + (chunk << 24)`.
#[inline(always)]
pub fn row_timestamp(chunk: u64, row: u64) -> u64 {
    chunk_base_timestamp(chunk) + row_offset(row as u32) as u64
}

/// Where chunk `chunk`'s timestamps start: each is this plus an offset below 2^24.
#[inline(always)]
pub fn chunk_base_timestamp(chunk: u64) -> u64 {
    chunk << 24
}

/// The offset of slot 0 of row `row` from its chunk's base timestamp.
#[inline(always)]
pub fn row_offset(row: u32) -> u32 {
    4 + 4 * row
}

/// Encodes a RAM byte address as the word address the rows carry.
#[inline(always)]
pub fn ram_word(byte_address: u32) -> u32 {
    (byte_address >> 2) | RAM_WORD_FLAG
}

/// One cycle of the main machine (`SingleCycleTracingData`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[repr(C, align(8))]
pub struct SingleCycleTracingData {
    pub pc: u32,
    pub rs1_read_value: u32,
    pub rs1_read_timestamp: TimestampLimbs,
    pub rs1_reg_idx: u16,
    pub rs2_or_mem_word_read_value: u32,
    pub rs2_or_mem_word_address: u32,
    pub rs2_or_mem_read_timestamp: TimestampLimbs,
    pub delegation_request: u16,
    pub rd_or_mem_word_read_value: u32,
    pub rd_or_mem_word_write_value: u32,
    pub rd_or_mem_word_address: u32,
    pub rd_or_mem_read_timestamp: TimestampLimbs,
    pub non_determinism_read: u32,
}

/// One main-circuit chunk (`CycleData`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CycleData {
    pub cycles_traced: usize,
    pub per_cycle_data: Vec<SingleCycleTracingData>,
    pub num_cycles_chunk_size: usize,
}

/// A touched RAM word at the end of the run (initial value 0 at timestamp 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[repr(C)]
pub struct LazyInitAndTeardown {
    /// Byte address of the word.
    pub address: u32,
    pub teardown_value: u32,
    pub teardown_timestamp: TimestampLimbs,
}

/// A register at the end of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[repr(C)]
pub struct FinalRegisterValue {
    pub value: u32,
    pub last_access_timestamp: u64,
}

/// The registers and pc after the last chunk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FinalState {
    pub pc: u32,
    pub registers: [FinalRegisterValue; 32],
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    #[test]
    fn row_layout_matches_spec_section_4() {
        type R = SingleCycleTracingData;
        assert_eq!(size_of::<R>(), 56);
        assert_eq!(align_of::<R>(), 8);
        let offsets = [
            (offset_of!(R, pc), 0),
            (offset_of!(R, rs1_read_value), 4),
            (offset_of!(R, rs1_read_timestamp), 8),
            (offset_of!(R, rs1_reg_idx), 14),
            (offset_of!(R, rs2_or_mem_word_read_value), 16),
            (offset_of!(R, rs2_or_mem_word_address), 20),
            (offset_of!(R, rs2_or_mem_read_timestamp), 24),
            (offset_of!(R, delegation_request), 30),
            (offset_of!(R, rd_or_mem_word_read_value), 32),
            (offset_of!(R, rd_or_mem_word_write_value), 36),
            (offset_of!(R, rd_or_mem_word_address), 40),
            (offset_of!(R, rd_or_mem_read_timestamp), 44),
            (offset_of!(R, non_determinism_read), 52),
        ];
        for (actual, expected) in offsets {
            assert_eq!(actual, expected);
        }
    }

    #[test]
    fn other_records_have_airbender_sizes() {
        assert_eq!(size_of::<LazyInitAndTeardown>(), 16);
        assert_eq!(offset_of!(LazyInitAndTeardown, teardown_timestamp), 8);
        assert_eq!(size_of::<FinalRegisterValue>(), 16);
    }

    #[test]
    fn timestamps_follow_the_chunk_formula() {
        assert_eq!(row_timestamp(0, 0), 4);
        assert_eq!(row_timestamp(0, CHUNK_ROWS as u64 - 1) + 3, (1 << 24) - 1);
        assert_eq!(row_timestamp(2, 5), 24 + (2 << 24));
        let ts = 0x1234_5678_9abc;
        assert_eq!(to_limbs(ts), [0x9abc, 0x5678, 0x1234]);
        assert_eq!(from_limbs(to_limbs(ts)), ts);
    }
}
