//! Stitching chunks traced apart into one run, in chunk order: each first access in a chunk
//! gets the timestamp of the last access before the chunk, the run's clocks move to the
//! chunk's last accesses, and the chunk's delegation calls join their witnesses.

use crate::clocks::{ClockTable, REGISTER_CLOCKS};
use crate::delegation::{
    DelegationCircuit, DelegationKind, DelegationWitness, SpilledWitness, Timestamped,
    WitnessBuilder, CALLS_PER_BATCH, KINDS,
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
    /// Per kind, the calls being moved from a chunk's segment to the witness. Boxed: held
    /// inline, it moved the serial tracer's stack enough to slow its hot loop by 12%.
    batches: Box<[DelegationWitness; KINDS.len()]>,
    chunks: usize,
}

impl Stitcher {
    pub fn new(spill: &SpillConfig) -> Stitcher {
        Stitcher {
            clocks: ClockTable::new(),
            touched: Vec::new(),
            witnesses: KINDS.map(|kind| WitnessBuilder::new(kind, spill)),
            batches: Box::new(KINDS.map(DelegationWitness::empty)),
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
        let batch = &mut self.batches[kind.slot()];
        let mut reader = segment.read_calls()?;
        let mut first_call = 0;
        while reader.read(CALLS_PER_BATCH, batch)? > 0 {
            let calls = first_call..first_call + batch.calls();
            let elements = |per_call: usize| calls.start * per_call..calls.end * per_call;
            patch(
                &mut batch.register_accesses,
                &patches.registers,
                elements(kind.registers),
            );
            patch(
                &mut batch.indirect_reads,
                &patches.reads,
                elements(kind.reads),
            );
            patch(
                &mut batch.indirect_writes,
                &patches.writes,
                elements(kind.writes),
            );
            self.witnesses[kind.slot()].append(batch, &mut |circuit| {
                emit(Output::Circuit(kind, Box::new(circuit)))
            });
            first_call = calls.end;
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

/// Sets the timestamps of the `patches` (element, timestamp; ascending) that fall in
/// `elements`, the segment's elements that `batch` holds.
fn patch<T: Timestamped>(
    batch: &mut [T],
    patches: &[(u32, TimestampLimbs)],
    elements: std::ops::Range<usize>,
) {
    let from = patches.partition_point(|&(e, _)| (e as usize) < elements.start);
    for &(element, timestamp) in &patches[from..] {
        let Some(value) = (element as usize)
            .checked_sub(elements.start)
            .and_then(|i| batch.get_mut(i))
        else {
            break;
        };
        value.set_timestamp(timestamp);
    }
}

fn cycle_data(per_cycle_data: Vec<Row>) -> CycleData {
    CycleData {
        cycles_traced: per_cycle_data.len(),
        per_cycle_data,
        num_cycles_chunk_size: CHUNK_ROWS,
    }
}
