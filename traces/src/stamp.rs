//! Stage two of tracing: timestamps. Every slot reads the previous access timestamp of its
//! register or RAM word and moves it to its own (SPEC section 4, timestamps); delegation
//! calls do the same at slot 3 and go into their witnesses. Full chunks are handed on.

use crate::delegation::{
    DelegationCircuit, DelegationKind, IndirectRead, IndirectWrite, RegisterAccess, SpillConfig,
    WitnessBuilder, BASE_REGISTER, KINDS,
};
use crate::fill::{Block, DelegationCall};
use crate::row::{
    ram_word, row_timestamp, to_limbs, CycleData, SingleCycleTracingData as Row, CHUNK_ROWS,
    RAM_WORD_FLAG,
};

/// Words in the 1 GiB address space.
const ADDRESS_SPACE_WORDS: usize = (zkos_linker::ADDRESS_SPACE_SIZE / 4) as usize;

/// What tracing hands on, in order.
pub enum Output {
    Chunk(usize, CycleData),
    /// Boxed: a circuit's spilled columns make it far larger than a chunk's handle.
    Circuit(DelegationKind, Box<DelegationCircuit>),
}

/// Where the registers' clocks sit in the clock table: right after the RAM words, so that
/// a slot's clock is found without a branch on what it addresses.
const REGISTER_CLOCKS: usize = ADDRESS_SPACE_WORDS;

/// The last access timestamp of every RAM word and register.
pub(crate) struct Clocks {
    /// Indexed by word address, then the 32 registers. Allocated zeroed, so the kernel
    /// maps only touched pages.
    table: Vec<u64>,
    /// Clock indexes in the order of their first access (registers included).
    touched: Vec<u32>,
}

impl Clocks {
    fn new() -> Clocks {
        Clocks {
            table: vec![0; REGISTER_CLOCKS + 32],
            touched: Vec::new(),
        }
    }

    /// The clock of an encoded address (a register index, or a RAM word with the flag).
    #[inline(always)]
    fn index(address: u32) -> usize {
        if address & RAM_WORD_FLAG != 0 {
            (address & !RAM_WORD_FLAG) as usize
        } else {
            REGISTER_CLOCKS + (address & 31) as usize
        }
    }

    /// Records an access at `now` to an encoded address; returns the previous timestamp.
    #[inline(always)]
    fn access(&mut self, address: u32, now: u64) -> u64 {
        let index = Clocks::index(address);
        let previous = std::mem::replace(&mut self.table[index], now);
        if previous == 0 {
            self.touched.push(index as u32);
        }
        previous
    }

    /// A filled row with its three slots' read timestamps, each access moving its clock.
    #[inline(always)]
    fn stamp(&mut self, row: &Row, now: u64) -> Row {
        Row {
            rs1_read_timestamp: to_limbs(self.access(row.rs1_reg_idx as u32, now)),
            rs2_or_mem_read_timestamp: to_limbs(self.access(row.rs2_or_mem_word_address, now + 1)),
            rd_or_mem_read_timestamp: to_limbs(self.access(row.rd_or_mem_word_address, now + 2)),
            ..*row
        }
    }

    fn registers(&self) -> [u64; 32] {
        std::array::from_fn(|i| self.table[REGISTER_CLOCKS + i])
    }

    /// Touched RAM words, ascending, with their last access timestamps.
    fn touched_words(&self) -> Vec<(u32, u64)> {
        let mut words: Vec<(u32, u64)> = self
            .touched
            .iter()
            .filter(|&&index| (index as usize) < REGISTER_CLOCKS)
            .map(|&word| (word, self.table[word as usize]))
            .collect();
        words.sort_unstable_by_key(|&(word, _)| word);
        words
    }
}

/// The end state of the stamper: clocks for the final registers and the teardown.
pub(crate) struct StampedRun {
    pub register_timestamps: [u64; 32],
    /// Touched word addresses, ascending, with their last access timestamps.
    pub touched: Vec<(u32, u64)>,
    pub delegation_calls: [u64; KINDS.len()],
    pub chunks: usize,
}

pub(crate) struct Stamper {
    clocks: Clocks,
    witnesses: [WitnessBuilder; KINDS.len()],
    chunk: Vec<Row>,
    chunk_index: usize,
    spare: Vec<Vec<Row>>,
}

impl Stamper {
    pub fn new(spill: &SpillConfig) -> Stamper {
        Stamper {
            clocks: Clocks::new(),
            witnesses: KINDS.map(|kind| WitnessBuilder::new(kind, spill)),
            chunk: Vec::new(),
            chunk_index: 0,
            spare: Vec::new(),
        }
    }

    /// Gives back a chunk buffer the consumer is done with.
    pub fn recycle(&mut self, mut rows: Vec<Row>) {
        rows.clear();
        self.spare.push(rows);
    }

    /// Stamps a block into the chunk, and hands the chunk on once full.
    pub fn stamp(&mut self, block: &Block, emit: &mut impl FnMut(Output)) {
        debug_assert_eq!(block.chunk as usize, self.chunk_index);
        debug_assert_eq!(block.first_row, self.chunk.len());
        if self.chunk.capacity() == 0 {
            self.chunk = self
                .spare
                .pop()
                .unwrap_or_else(|| Vec::with_capacity(CHUNK_ROWS));
        }
        let mut start = 0;
        for call in &block.calls {
            self.stamp_rows(block, start..call.row + 1);
            self.stamp_call(block, call, emit);
            start = call.row + 1;
        }
        self.stamp_rows(block, start..block.rows.len());
        if self.chunk.len() == CHUNK_ROWS {
            let rows = std::mem::take(&mut self.chunk);
            emit(Output::Chunk(self.chunk_index, cycle_data(rows)));
            self.chunk_index += 1;
        }
    }

    /// Appends rows of the block to the chunk with their timestamps: one pass that reads
    /// the block (in cache) and writes each finished row once.
    fn stamp_rows(&mut self, block: &Block, rows: std::ops::Range<usize>) {
        let first = row_timestamp(block.chunk, (block.first_row + rows.start) as u64);
        let clocks = &mut self.clocks;
        self.chunk.extend(
            block.rows[rows]
                .iter()
                .enumerate()
                .map(|(i, row)| clocks.stamp(row, first + 4 * i as u64)),
        );
    }

    fn stamp_call(&mut self, block: &Block, call: &DelegationCall, emit: &mut impl FnMut(Output)) {
        let now = row_timestamp(block.chunk, (block.first_row + call.row) as u64) + 3;
        let kind =
            DelegationKind::of_csr(call.csr).expect("the emulator records known delegations");
        let clocks = &mut self.clocks;
        let witness = self.witnesses[kind.slot()]
            .next_call(&mut |circuit| emit(Output::Circuit(kind, Box::new(circuit))));
        witness.write_timestamp.push(to_limbs(now));
        for (i, &(read_value, write_value)) in call.registers().iter().enumerate() {
            let previous = clocks.access(BASE_REGISTER + i as u32, now);
            witness.register_accesses.push(RegisterAccess {
                read_value,
                write_value,
                timestamp: to_limbs(previous),
            });
        }
        for &(address, read_value) in call.reads() {
            let previous = clocks.access(ram_word(address), now);
            witness.indirect_reads.push(IndirectRead {
                read_value,
                timestamp: to_limbs(previous),
            });
        }
        for &(address, read_value, write_value) in call.writes() {
            let previous = clocks.access(ram_word(address), now);
            witness.indirect_writes.push(IndirectWrite {
                read_value,
                write_value,
                timestamp: to_limbs(previous),
            });
        }
    }

    /// Hands on the unfinished circuits and returns the clocks; `None` if the last chunk
    /// is not full (the run stopped early and its trace is void).
    pub fn finish(mut self, emit: &mut impl FnMut(Output)) -> Option<StampedRun> {
        if !self.chunk.is_empty() {
            return None;
        }
        for (builder, kind) in self.witnesses.iter_mut().zip(KINDS) {
            if let Some(circuit) = builder.finish() {
                emit(Output::Circuit(kind, Box::new(circuit)));
            }
        }
        Some(StampedRun {
            register_timestamps: self.clocks.registers(),
            touched: self.clocks.touched_words(),
            delegation_calls: self.witnesses.each_ref().map(|w| w.total_calls),
            chunks: self.chunk_index,
        })
    }
}

fn cycle_data(per_cycle_data: Vec<Row>) -> CycleData {
    CycleData {
        cycles_traced: per_cycle_data.len(),
        per_cycle_data,
        num_cycles_chunk_size: CHUNK_ROWS,
    }
}
