//! Stage one of tracing: the emulator's hook writes every field of a row except the
//! timestamps (which `stamp` adds), into a small block that stays in cache.

use crate::row::{ram_word, SingleCycleTracingData as Row, RAM_WORD_FLAG};
use zkos_emulator::{DelegationRecord, MemAccess, Step, Tracer};
use zkos_linker::ROM_END;

/// The most register and memory accesses one delegation call makes (BLAKE2s).
const MAX_REGISTERS: usize = 4;
const MAX_READS: usize = 16;
const MAX_WRITES: usize = 24;

/// A delegation call copied out of the emulator's record, without heap allocation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DelegationCall {
    /// Index of the row in its block.
    pub row: usize,
    pub csr: u16,
    pub register_count: u8,
    pub read_count: u8,
    pub write_count: u8,
    pub registers: [(u32, u32); MAX_REGISTERS],
    pub reads: [(u32, u32); MAX_READS],
    pub writes: [(u32, u32, u32); MAX_WRITES],
}

impl DelegationCall {
    fn copy(row: usize, record: &DelegationRecord) -> DelegationCall {
        let mut call = DelegationCall {
            row,
            csr: record.csr,
            register_count: record.registers.len() as u8,
            read_count: record.reads.len() as u8,
            write_count: record.writes.len() as u8,
            registers: [(0, 0); MAX_REGISTERS],
            reads: [(0, 0); MAX_READS],
            writes: [(0, 0, 0); MAX_WRITES],
        };
        call.registers[..record.registers.len()].copy_from_slice(&record.registers);
        call.reads[..record.reads.len()].copy_from_slice(&record.reads);
        call.writes[..record.writes.len()].copy_from_slice(&record.writes);
        call
    }

    pub fn registers(&self) -> &[(u32, u32)] {
        &self.registers[..self.register_count as usize]
    }

    pub fn reads(&self) -> &[(u32, u32)] {
        &self.reads[..self.read_count as usize]
    }

    pub fn writes(&self) -> &[(u32, u32, u32)] {
        &self.writes[..self.write_count as usize]
    }
}

/// A run of consecutive rows of one chunk, passed from the filler to the stamper.
#[derive(Debug, Default)]
pub(crate) struct Block {
    pub chunk: u64,
    /// Position of `rows[0]` in its chunk.
    pub first_row: usize,
    pub rows: Vec<Row>,
    pub calls: Vec<DelegationCall>,
    /// The pc of the first access to the oracle MMIO window, which no proof can contain.
    pub mmio_pc: Option<u32>,
}

impl Block {
    pub fn with_capacity(rows: usize) -> Block {
        Block {
            rows: Vec::with_capacity(rows),
            ..Block::default()
        }
    }

    pub fn reset(&mut self, chunk: u64, first_row: usize) {
        self.chunk = chunk;
        self.first_row = first_row;
        self.rows.clear();
        self.calls.clear();
        self.mmio_pc = None;
    }
}

impl Tracer for Block {
    #[inline(always)]
    fn on_step(&mut self, step: &Step<'_>) {
        let row = fill_row(step);
        if let Some(record) = step.delegation {
            self.calls
                .push(DelegationCall::copy(self.rows.len(), record));
        }
        if let MemAccess::Mmio { .. } = step.mem {
            self.mmio_pc.get_or_insert(step.pc);
        }
        self.rows.push(row);
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
