//! Stitching chunks traced apart into one run, in chunk order: each first access in a chunk
//! gets the timestamp of the last access before the chunk, the run's clocks move to the
//! chunk's last accesses, and the chunk's delegation calls join their witnesses.

use crate::clocks::{ClockTable, REGISTER_CLOCKS};
use crate::delegation::{
    DelegationCircuit, DelegationKind, SpilledWitness, Timestamped, WitnessBuilder, KINDS,
};
use crate::fill::{Field, SlotRef, TracedChunk};
use crate::row::{to_limbs, CycleData, SingleCycleTracingData as Row, TimestampLimbs, CHUNK_ROWS};
use crate::spill::SpillConfig;
use std::io;

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
    pub fn stitch(
        &mut self,
        mut chunk: TracedChunk,
        emit: &mut impl FnMut(Output),
    ) -> io::Result<()> {
        debug_assert_eq!(chunk.index, self.chunks as u64);
        debug_assert_eq!(chunk.rows.len(), CHUNK_ROWS);
        let base = chunk.base_timestamp();
        let mut call_patches: [Patches; KINDS.len()] = Default::default();
        let firsts = std::mem::take(&mut chunk.first_accesses);
        let lasts = std::mem::take(&mut chunk.last_offsets);
        for (first, last) in firsts.into_iter().zip(lasts) {
            let previous = match self
                .clocks
                .replace(first.clock as usize, base + last as u64)
            {
                0 => {
                    self.touched.push(first.clock);
                    continue;
                }
                previous => to_limbs(previous),
            };
            match first.slot {
                SlotRef::Row { row, slot } => chunk.patch_row(row, slot, previous),
                SlotRef::Call {
                    kind,
                    field,
                    element,
                } => call_patches[kind as usize]
                    .of(field)
                    .push((element, previous)),
            }
        }
        for (segment, patches) in chunk.segments.iter().zip(&call_patches) {
            self.append_calls(segment, patches, emit)?;
        }
        // A spill that failed ends the trace now rather than when its circuit is full.
        for witness in &self.witnesses {
            witness.check()?;
        }
        emit(Output::Chunk(self.chunks, cycle_data(chunk.rows)));
        self.chunks += 1;
        Ok(())
    }

    /// Moves a chunk's calls of one kind to their witness, with the previous timestamps of
    /// their first accesses filled in.
    fn append_calls(
        &mut self,
        segment: &SpilledWitness,
        patches: &Patches,
        emit: &mut impl FnMut(Output),
    ) -> io::Result<()> {
        let kind = segment.kind;
        let mut registers = Patched::new(segment.register_accesses.values()?, &patches.registers);
        let mut reads = Patched::new(segment.indirect_reads.values()?, &patches.reads);
        let mut writes = Patched::new(segment.indirect_writes.values()?, &patches.writes);
        for timestamp in segment.write_timestamp.values()? {
            let witness = self.witnesses[kind.slot()]
                .next_call(&mut |circuit| emit(Output::Circuit(kind, Box::new(circuit))));
            witness.write_timestamp.push(timestamp?);
            for _ in 0..kind.registers {
                witness.register_accesses.push(registers.next_value()?);
            }
            for _ in 0..kind.reads {
                witness.indirect_reads.push(reads.next_value()?);
            }
            for _ in 0..kind.writes {
                witness.indirect_writes.push(writes.next_value()?);
            }
        }
        Ok(())
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

/// Previous timestamps for first accesses of a kind's calls, per field, by element.
#[derive(Default)]
struct Patches {
    registers: Vec<(u32, TimestampLimbs)>,
    reads: Vec<(u32, TimestampLimbs)>,
    writes: Vec<(u32, TimestampLimbs)>,
}

impl Patches {
    fn of(&mut self, field: Field) -> &mut Vec<(u32, TimestampLimbs)> {
        match field {
            Field::Register => &mut self.registers,
            Field::Read => &mut self.reads,
            Field::Write => &mut self.writes,
        }
    }
}

/// A field's elements with their patches applied (patches come in element order, as the
/// accesses happened).
struct Patched<'a, I> {
    values: I,
    element: u32,
    patches: std::slice::Iter<'a, (u32, TimestampLimbs)>,
    next_patch: Option<&'a (u32, TimestampLimbs)>,
}

impl<'a, T: Timestamped, I: Iterator<Item = io::Result<T>>> Patched<'a, I> {
    fn new(values: I, patches: &'a [(u32, TimestampLimbs)]) -> Self {
        let mut patches = patches.iter();
        Patched {
            values,
            element: 0,
            next_patch: patches.next(),
            patches,
        }
    }

    fn next_value(&mut self) -> io::Result<T> {
        let mut value = self.values.next().unwrap_or_else(|| {
            Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "a chunk's delegation segment is shorter than its calls",
            ))
        })?;
        if let Some(&(_, timestamp)) = self.next_patch.filter(|(e, _)| *e == self.element) {
            value.set_timestamp(timestamp);
            self.next_patch = self.patches.next();
        }
        self.element += 1;
        Ok(value)
    }
}

fn cycle_data(per_cycle_data: Vec<Row>) -> CycleData {
    CycleData {
        cycles_traced: per_cycle_data.len(),
        per_cycle_data,
        num_cycles_chunk_size: CHUNK_ROWS,
    }
}
