//! Stitching chunks traced apart into one run, in chunk order: each first access in a chunk
//! gets the timestamp of the last access before the chunk, the run's clocks move to the
//! chunk's last accesses, and the chunk's delegation calls join their witnesses.

use crate::clocks::{ClockTable, REGISTER_CLOCKS};
use crate::delegation::{DelegationCircuit, DelegationKind, SpillConfig, WitnessBuilder, KINDS};
use crate::fill::{Segment, TracedChunk};
use crate::row::{to_limbs, CycleData, SingleCycleTracingData as Row, CHUNK_ROWS};

/// What tracing hands on, in order.
pub enum Output {
    Chunk(usize, CycleData),
    /// Boxed: a circuit's spilled columns make it far larger than a chunk's handle.
    Circuit(DelegationKind, Box<DelegationCircuit>),
}

/// The end state of a run: clocks for the final registers and the teardown.
pub(crate) struct StitchedRun {
    pub register_timestamps: [u64; 32],
    /// Touched word addresses, ascending, with their last access timestamps.
    pub touched: Vec<(u32, u64)>,
    pub delegation_calls: [u64; KINDS.len()],
    pub chunks: usize,
}

pub(crate) struct Stitcher {
    clocks: ClockTable<u64>,
    /// Clocks in the order of their first access (registers included).
    touched: Vec<u32>,
    witnesses: [WitnessBuilder; KINDS.len()],
    chunks: usize,
}

impl Stitcher {
    pub fn new(spill: &SpillConfig) -> Stitcher {
        Stitcher {
            clocks: ClockTable::new(),
            touched: Vec::new(),
            witnesses: KINDS.map(|kind| WitnessBuilder::new(kind, spill)),
            chunks: 0,
        }
    }

    /// Chunks stitched so far.
    pub fn chunks(&self) -> usize {
        self.chunks
    }

    /// Completes the next chunk of the run and hands it on, after any delegation circuit
    /// its calls filled.
    pub fn stitch(&mut self, mut chunk: TracedChunk, emit: &mut impl FnMut(Output)) {
        debug_assert_eq!(chunk.index, self.chunks as u64);
        debug_assert_eq!(chunk.rows.len(), CHUNK_ROWS);
        let base = chunk.base_timestamp();
        let firsts = std::mem::take(&mut chunk.first_accesses);
        let lasts = std::mem::take(&mut chunk.last_offsets);
        for (first, last) in firsts.into_iter().zip(lasts) {
            let clock = first.clock as usize;
            match self.clocks.replace(clock, base + last as u64) {
                0 => self.touched.push(first.clock),
                previous => chunk.patch(first.slot, to_limbs(previous)),
            }
        }
        for (slot, segment) in chunk.segments.iter().enumerate() {
            self.append_calls(slot, segment, emit);
        }
        emit(Output::Chunk(self.chunks, cycle_data(chunk.rows)));
        self.chunks += 1;
    }

    fn append_calls(&mut self, slot: usize, segment: &Segment, emit: &mut impl FnMut(Output)) {
        let kind = KINDS[slot];
        let registers = segment.register_accesses.chunks_exact(kind.registers);
        let reads = segment.indirect_reads.chunks_exact(kind.reads);
        let writes = segment.indirect_writes.chunks_exact(kind.writes);
        let calls = segment
            .write_timestamp
            .iter()
            .zip(registers.zip(reads.zip(writes)));
        for (&timestamp, (registers, (reads, writes))) in calls {
            let witness = self.witnesses[slot]
                .next_call(&mut |circuit| emit(Output::Circuit(kind, Box::new(circuit))));
            witness.write_timestamp.push(timestamp);
            registers
                .iter()
                .for_each(|&a| witness.register_accesses.push(a));
            reads.iter().for_each(|&a| witness.indirect_reads.push(a));
            writes.iter().for_each(|&a| witness.indirect_writes.push(a));
        }
    }

    /// Hands on the unfinished circuits and returns the clocks.
    pub fn finish(mut self, emit: &mut impl FnMut(Output)) -> StitchedRun {
        for (builder, kind) in self.witnesses.iter_mut().zip(KINDS) {
            if let Some(circuit) = builder.finish() {
                emit(Output::Circuit(kind, Box::new(circuit)));
            }
        }
        let mut touched: Vec<(u32, u64)> = self
            .touched
            .iter()
            .filter(|&&clock| (clock as usize) < REGISTER_CLOCKS)
            .map(|&word| (word, self.clocks.get(word as usize)))
            .collect();
        touched.sort_unstable_by_key(|&(word, _)| word);
        StitchedRun {
            register_timestamps: std::array::from_fn(|i| self.clocks.get(REGISTER_CLOCKS + i)),
            touched,
            delegation_calls: self.witnesses.each_ref().map(|w| w.total_calls),
            chunks: self.chunks,
        }
    }
}

fn cycle_data(per_cycle_data: Vec<Row>) -> CycleData {
    CycleData {
        cycles_traced: per_cycle_data.len(),
        per_cycle_data,
        num_cycles_chunk_size: CHUNK_ROWS,
    }
}
