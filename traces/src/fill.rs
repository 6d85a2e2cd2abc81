//! Tracing one chunk: the emulator's hook fills every row (SPEC section 4, rules for filling
//! a row) and stamps its slots against the chunk's own clocks. An access to a register or
//! word not yet touched in this chunk gets its previous timestamp later, from the clocks of
//! all earlier chunks (`stitch`); so chunks can be traced side by side.

use crate::clocks::{clock_index, ClockTable};
use crate::delegation::{
    DelegationKind, IndirectRead, IndirectWrite, RegisterAccess, SpilledWitness, BASE_REGISTER,
    KINDS,
};
use crate::driver::MmioWatch;
use crate::huge_pages::advise_huge_pages;
use crate::row::{
    chunk_base_timestamp, ram_word, row_offset, to_limbs, SingleCycleTracingData as Row,
    TimestampLimbs, CHUNK_ROWS, RAM_WORD_FLAG,
};
use crate::spill::SpillConfig;
use std::sync::Arc;
use zkos_emulator::{Cycles, DelegationRecord, MemAccess, Step, Tracer};
use zkos_linker::ROM_END;

/// Where a previous timestamp goes: a slot of a row, or an access of a delegation call
/// (`element` indexes the field of the kind's segment).
#[derive(Clone, Copy, Debug)]
pub(crate) enum SlotRef {
    Row {
        row: u32,
        slot: u8,
    },
    Call {
        kind: u8,
        field: Field,
        element: u32,
    },
}

/// The accesses of a delegation call, in the order they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Register,
    Read,
    Write,
}

/// The first access in a chunk to one clock.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FirstAccess {
    pub slot: SlotRef,
    pub clock: u32,
}

/// A chunk traced on its own: every timestamp is final except the previous timestamps of
/// its first accesses, which are still zero.
#[derive(Debug)]
pub(crate) struct TracedChunk {
    pub index: u64,
    pub rows: Vec<Row>,
    pub first_accesses: Vec<FirstAccess>,
    /// The last access of each clock of `first_accesses` (same order), as an offset from
    /// the chunk's base timestamp.
    pub last_offsets: Vec<u32>,
    /// The chunk's delegation calls per kind, as their witness lists them (spilled to
    /// files as they grow, like the circuits they join).
    pub segments: [SpilledWitness; KINDS.len()],
    /// The cycle count at the end loop, if the run reached it in this chunk.
    pub halted_at: Option<Cycles>,
}

impl TracedChunk {
    /// The chunk's timestamps are `base + offset`, offsets from 4 to 2^24 - 1.
    pub fn base_timestamp(&self) -> u64 {
        chunk_base_timestamp(self.index)
    }

    /// Fills in the previous timestamp of a row's first access.
    pub fn patch_row(&mut self, row: u32, slot: u8, timestamp: TimestampLimbs) {
        let row = &mut self.rows[row as usize];
        *match slot {
            0 => &mut row.rs1_read_timestamp,
            1 => &mut row.rs2_or_mem_read_timestamp,
            _ => &mut row.rd_or_mem_read_timestamp,
        } = timestamp;
    }
}

/// The chunk's clocks: offsets of last accesses, zero for clocks not touched in the chunk.
/// One table serves chunk after chunk; `finish` clears what a chunk set.
pub(crate) type ChunkClocks = ClockTable<u32>;

/// Stamps accesses against the chunk's clocks.
struct Stamps<'c> {
    clocks: &'c mut ChunkClocks,
    base: u64,
    first_accesses: Vec<FirstAccess>,
}

impl Stamps<'_> {
    /// Records an access at offset `now` to an encoded address; returns the previous
    /// timestamp, or zero (to be patched) for the chunk's first access to it.
    #[inline(always)]
    fn access(&mut self, address: u32, now: u32, slot: SlotRef) -> TimestampLimbs {
        let clock = clock_index(address);
        let previous = self.clocks.replace(clock, now);
        if previous == 0 {
            self.first_accesses.push(FirstAccess {
                slot,
                clock: clock as u32,
            });
            [0; 3]
        } else {
            to_limbs(self.base + previous as u64)
        }
    }
}

/// The hook that traces one chunk into a row buffer.
pub(crate) struct ChunkTracer<'c> {
    index: u64,
    rows: Vec<Row>,
    stamps: Stamps<'c>,
    segments: [SpilledWitness; KINDS.len()],
    /// The pc of the first access to the oracle MMIO window, which no proof can contain.
    mmio_pc: Option<u32>,
}

impl<'c> ChunkTracer<'c> {
    /// Traces chunk `index` into `rows` (emptied first).
    pub fn new(
        index: u64,
        mut rows: Vec<Row>,
        clocks: &'c mut ChunkClocks,
        spill: &Arc<SpillConfig>,
    ) -> ChunkTracer<'c> {
        rows.clear();
        if rows.capacity() < CHUNK_ROWS {
            rows.reserve_exact(CHUNK_ROWS);
            // A chunk written once otherwise takes some 57,000 page faults.
            advise_huge_pages(rows.spare_capacity_mut());
        }
        ChunkTracer {
            index,
            rows,
            stamps: Stamps {
                clocks,
                base: chunk_base_timestamp(index),
                first_accesses: Vec::new(),
            },
            segments: KINDS.map(|kind| SpilledWitness::new(kind, spill)),
            mmio_pc: None,
        }
    }

    /// The traced chunk; the chunk clocks are left cleared for the next one.
    pub fn finish(self, halted_at: Option<Cycles>) -> TracedChunk {
        let Stamps {
            clocks,
            first_accesses,
            ..
        } = self.stamps;
        let last_offsets = first_accesses
            .iter()
            .map(|first| clocks.take(first.clock as usize))
            .collect();
        TracedChunk {
            index: self.index,
            rows: self.rows,
            first_accesses,
            last_offsets,
            segments: self.segments,
            halted_at,
        }
    }

    /// A delegation call at slot 3 of its row: registers, then reads, then writes.
    fn record_call(&mut self, record: &DelegationRecord, now: u32) {
        let kind =
            DelegationKind::of_csr(record.csr).expect("the emulator records known delegations");
        debug_assert_eq!(
            (
                record.registers.len(),
                record.reads.len(),
                record.writes.len()
            ),
            (kind.registers, kind.reads, kind.writes)
        );
        let slot = kind.slot();
        let call_slot = |field, element| SlotRef::Call {
            kind: slot as u8,
            field,
            element,
        };
        let stamps = &mut self.stamps;
        let segment = &mut self.segments[slot];
        segment
            .write_timestamp
            .push(to_limbs(stamps.base + now as u64));
        for (i, &(read_value, write_value)) in record.registers.iter().enumerate() {
            let slot = call_slot(Field::Register, segment.register_accesses.len() as u32);
            let timestamp = stamps.access(BASE_REGISTER + i as u32, now, slot);
            segment.register_accesses.push(RegisterAccess {
                read_value,
                write_value,
                timestamp,
            });
        }
        for &(address, read_value) in &record.reads {
            let slot = call_slot(Field::Read, segment.indirect_reads.len() as u32);
            let timestamp = stamps.access(ram_word(address), now, slot);
            segment.indirect_reads.push(IndirectRead {
                read_value,
                timestamp,
            });
        }
        for &(address, read_value, write_value) in &record.writes {
            let slot = call_slot(Field::Write, segment.indirect_writes.len() as u32);
            let timestamp = stamps.access(ram_word(address), now, slot);
            segment.indirect_writes.push(IndirectWrite {
                read_value,
                write_value,
                timestamp,
            });
        }
    }
}

impl Tracer for ChunkTracer<'_> {
    #[inline(always)]
    fn on_step(&mut self, step: &Step<'_>) {
        let row = self.rows.len() as u32;
        let now = row_offset(row);
        let slot = |slot| SlotRef::Row { row, slot };
        let mut filled = fill_row(step);
        filled.rs1_read_timestamp = self.stamps.access(filled.rs1_reg_idx as u32, now, slot(0));
        filled.rs2_or_mem_read_timestamp =
            self.stamps
                .access(filled.rs2_or_mem_word_address, now + 1, slot(1));
        filled.rd_or_mem_read_timestamp =
            self.stamps
                .access(filled.rd_or_mem_word_address, now + 2, slot(2));
        if let Some(record) = step.delegation {
            self.record_call(record, now + 3);
        }
        if let MemAccess::Mmio { .. } = step.mem {
            self.mmio_pc.get_or_insert(step.pc);
        }
        self.rows.push(filled);
    }
}

impl MmioWatch for ChunkTracer<'_> {
    fn mmio_pc(&self) -> Option<u32> {
        self.mmio_pc
    }
}

/// Everything of a row but its timestamps (SPEC section 4, rules for filling a row).
#[inline(always)]
pub(crate) fn fill_row(step: &Step<'_>) -> Row {
    let rs1 = (step.word >> 15) & 31;
    let rs2 = (step.word >> 20) & 31;
    let register_rs2 = (rs2, step.rs2_value);
    let register_rd = (step.rd as u32, step.rd_old, step.rd_new);
    let ((rs2_address, rs2_value), (rd_address, rd_old, rd_new)) = match step.mem {
        MemAccess::Load { address, .. } if address < ROM_END => ((RAM_WORD_FLAG, 0), register_rd),
        MemAccess::Load { address, word } => ((ram_word(address), word), register_rd),
        MemAccess::Store {
            address,
            old_word,
            new_word,
        } => (register_rs2, (ram_word(address), old_word, new_word)),
        MemAccess::None | MemAccess::Mmio { .. } => (register_rs2, register_rd),
    };
    Row {
        pc: step.pc,
        rs1_read_value: step.rs1_value,
        rs1_read_timestamp: [0; 3],
        rs1_reg_idx: rs1 as u16,
        rs2_or_mem_word_read_value: rs2_value,
        rs2_or_mem_word_address: rs2_address,
        rs2_or_mem_read_timestamp: [0; 3],
        delegation_request: step.delegation.map_or(0, |d| d.csr),
        rd_or_mem_word_read_value: rd_old,
        rd_or_mem_word_write_value: rd_new,
        rd_or_mem_word_address: rd_address,
        rd_or_mem_read_timestamp: [0; 3],
        non_determinism_read: step.oracle_word,
    }
}
