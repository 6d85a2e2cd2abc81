//! Tracing a run: the emulator fills blocks of rows (stage one), the stamper adds
//! timestamps and assembles chunks (stage two), the sink consumes them. In parallel mode
//! the three run on their own threads, joined by bounded channels, so memory stays at a
//! few chunks whatever the run's length; in serial mode one thread does all of it in the
//! same order, so both give the same bytes.
//!
//! Memory, whatever the run's length: two chunk buffers (2 x 235 MB) and the blocks in
//! flight (14 MB); the clocks of touched words and the emulator's touched RAM; the
//! in-memory buffers of the delegation circuits being filled and of one full circuit
//! while the sink writes it (4 MB each at the default `SpillConfig`, the rest in spill
//! files, see `WitnessBuilder`); at the end, the touched words' teardown (16 bytes each)
//! and one lazy-init chunk (67 MB).

use crate::delegation::{SpillConfig, KINDS};
use crate::fill::Block;
use crate::lazy_init::{teardown_entries, LazyInitLayout, TooManyTouchedWords};
use crate::row::{FinalRegisterValue, FinalState, SingleCycleTracingData as Row, CHUNK_ROWS};
use crate::sink::TraceSink;
use crate::stamp::{Output, StampedRun, Stamper};
use std::fmt;
use std::io;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use zkos_emulator::{Cycles, Machine, Oracle, OracleDevice, Program, RunError, Stop};
use zkos_linker::ROM_END;

/// Rows the emulator fills before handing them to the stamper (small enough to stay in
/// cache; smaller blocks measured no faster and cost more hand-overs in parallel mode).
pub const BLOCK_ROWS: usize = 1 << 14;
/// Blocks in flight between the emulator and the stamper: enough to ride out either thread
/// being descheduled for a while on a busy machine.
const BLOCKS_IN_FLIGHT: usize = 16;

pub struct TraceOptions<'a> {
    /// Emulate, stamp and consume on three threads.
    pub parallel: bool,
    /// Refuse runs longer than this many cycles.
    pub max_cycles: u64,
    /// Called after every block with the cycles executed so far.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// Where the delegation circuits being filled spill their long fields.
    pub spill: SpillConfig,
}

impl Default for TraceOptions<'_> {
    fn default() -> Self {
        TraceOptions {
            parallel: true,
            max_cycles: zkos_emulator::MAX_PROVABLE_CYCLES,
            progress: None,
            spill: SpillConfig::default(),
        }
    }
}

/// What a traced run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceSummary {
    /// Cycles up to the end loop (the filler rows of the last chunk not counted).
    pub cycles: Cycles,
    pub output: [u32; 8],
    pub final_pc: u32,
    pub chunks: usize,
    /// Calls per delegation CSR.
    pub delegation_calls: Vec<(u16, u64)>,
    pub touched_words: usize,
    pub oracle_words_read: u64,
}

/// Why a run cannot be traced for proving.
#[derive(Debug)]
pub enum TraceError {
    Fault(RunError),
    Mmio { pc: u32 },
    CycleLimit { limit: u64, pc: u32 },
    TooManyTouchedWords(TooManyTouchedWords),
    Sink(io::Error),
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceError::Fault(e) => write!(f, "the run faulted: {e}"),
            TraceError::Mmio { pc } => write!(
                f,
                "the run used the oracle MMIO window (first at pc 0x{pc:08x}), which cannot be proven"
            ),
            TraceError::CycleLimit { limit, pc } => {
                write!(f, "cycle limit of {limit} reached at pc 0x{pc:08x}")
            }
            TraceError::TooManyTouchedWords(e) => write!(f, "{e}"),
            TraceError::Sink(e) => write!(f, "writing the trace failed: {e}"),
        }
    }
}

impl std::error::Error for TraceError {}

/// Traces `program` with `oracle` to its end loop, handing every part to `sink`.
pub fn trace<O: Oracle, S: TraceSink + Send>(
    program: &Program,
    oracle: O,
    sink: &mut S,
    options: &TraceOptions<'_>,
) -> Result<TraceSummary, TraceError> {
    let mut emulation = Emulation {
        machine: Machine::new(program).map_err(TraceError::Fault)?,
        device: OracleDevice::new(oracle),
        halted_at: None,
        max_cycles: options.max_cycles,
        progress: options.progress,
    };
    let stamper = Stamper::new(&options.spill);
    let run = if options.parallel {
        trace_parallel(&mut emulation, stamper, sink)?
    } else {
        trace_serial(&mut emulation, stamper, sink)?
    };
    emulation.finish(run, sink)
}

struct Emulation<'a, O> {
    machine: Machine,
    device: OracleDevice<O>,
    halted_at: Option<Cycles>,
    max_cycles: u64,
    progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

impl<O: Oracle> Emulation<'_, O> {
    /// Runs chunk after chunk until the chunk in which the end loop is reached is full,
    /// passing each filled block to `hand` and filling the one it gives back.
    fn run(
        &mut self,
        mut hand: impl FnMut(Block) -> Result<Block, TraceError>,
    ) -> Result<(), TraceError> {
        let mut block = Block::with_capacity(BLOCK_ROWS);
        for chunk in 0u64.. {
            for first_row in (0..CHUNK_ROWS).step_by(BLOCK_ROWS) {
                let rows = BLOCK_ROWS.min(CHUNK_ROWS - first_row);
                self.fill(&mut block, chunk, first_row, rows)?;
                if let Some(progress) = self.progress {
                    progress(self.halted_at.unwrap_or(self.machine.cycles()).raw);
                }
                block = hand(block)?;
            }
            if self.halted_at.is_some() {
                break;
            }
        }
        Ok(())
    }

    fn fill(
        &mut self,
        block: &mut Block,
        chunk: u64,
        first_row: usize,
        rows: usize,
    ) -> Result<(), TraceError> {
        block.reset(chunk, first_row);
        let end = chunk * CHUNK_ROWS as u64 + (first_row + rows) as u64;
        if self.halted_at.is_none() {
            let bound = end.min(self.max_cycles);
            let stop = self
                .machine
                .run_until(&mut self.device, block, bound)
                .map_err(TraceError::Fault)?;
            if let Some(pc) = block.mmio_pc {
                return Err(TraceError::Mmio { pc });
            }
            match stop {
                Stop::Halted => self.halted_at = Some(self.machine.cycles()),
                Stop::Bound if bound < end => {
                    return Err(TraceError::CycleLimit {
                        limit: self.max_cycles,
                        pc: self.machine.pc(),
                    })
                }
                Stop::Bound => {}
            }
        }
        if self.halted_at.is_some() {
            self.machine.spin_end_loop(block, end);
        }
        debug_assert_eq!(block.rows.len(), rows);
        Ok(())
    }

    /// Hands on the lazy init and teardown and the final state.
    fn finish(
        self,
        run: StampedRun,
        sink: &mut impl TraceSink,
    ) -> Result<TraceSummary, TraceError> {
        let memory = self.machine.memory();
        let entries = teardown_entries(&run.touched, |address| {
            if address < ROM_END {
                0
            } else {
                memory.word_at(address)
            }
        });
        let layout = LazyInitLayout::new(entries.len(), run.chunks)
            .map_err(TraceError::TooManyTouchedWords)?;
        layout
            .for_each_chunk(&entries, |index, chunk| sink.lazy_init(index, chunk))
            .map_err(TraceError::Sink)?;
        let values = self.machine.registers();
        let state = FinalState {
            pc: self.machine.pc(),
            registers: std::array::from_fn(|i| FinalRegisterValue {
                value: values[i],
                last_access_timestamp: run.register_timestamps[i],
            }),
        };
        sink.final_state(&state).map_err(TraceError::Sink)?;
        let halted_at = self.halted_at.expect("tracing ends at the end loop");
        Ok(TraceSummary {
            cycles: halted_at,
            output: std::array::from_fn(|i| values[10 + i]),
            final_pc: state.pc,
            chunks: run.chunks,
            delegation_calls: KINDS
                .iter()
                .zip(run.delegation_calls)
                .map(|(kind, calls)| (kind.csr, calls))
                .collect(),
            touched_words: run.touched.len(),
            oracle_words_read: self.device.words_read,
        })
    }
}

/// Passes an output to the sink; a finished chunk's buffer comes back for reuse.
fn deliver(sink: &mut impl TraceSink, output: Output) -> io::Result<Option<Vec<Row>>> {
    match output {
        Output::Chunk(index, chunk) => {
            sink.chunk(index, &chunk)?;
            Ok(Some(chunk.per_cycle_data))
        }
        Output::Circuit(kind, circuit) => {
            sink.delegation_circuit(kind, &circuit)?;
            Ok(None)
        }
    }
}

fn trace_serial<O: Oracle>(
    emulation: &mut Emulation<'_, O>,
    mut stamper: Stamper,
    sink: &mut impl TraceSink,
) -> Result<StampedRun, TraceError> {
    let mut consumer = InlineConsumer {
        sink,
        failure: None,
        returned: Vec::new(),
    };
    emulation.run(|block| {
        stamper.stamp(&block, &mut |output| consumer.take(output));
        consumer.check()?;
        consumer
            .returned
            .drain(..)
            .for_each(|rows| stamper.recycle(rows));
        Ok(block)
    })?;
    let run = stamper.finish(&mut |output| consumer.take(output));
    consumer.check()?;
    Ok(run.expect("the emulation filled its last chunk"))
}

/// The sink called on the tracing thread itself.
struct InlineConsumer<'s, S> {
    sink: &'s mut S,
    failure: Option<io::Error>,
    returned: Vec<Vec<Row>>,
}

impl<S: TraceSink> InlineConsumer<'_, S> {
    fn take(&mut self, output: Output) {
        if self.failure.is_none() {
            match deliver(self.sink, output) {
                Ok(buffer) => self.returned.extend(buffer),
                Err(e) => self.failure = Some(e),
            }
        }
    }

    fn check(&mut self) -> Result<(), TraceError> {
        self.failure
            .take()
            .map_or(Ok(()), |e| Err(TraceError::Sink(e)))
    }
}

fn trace_parallel<O: Oracle, S: TraceSink + Send>(
    emulation: &mut Emulation<'_, O>,
    stamper: Stamper,
    sink: &mut S,
) -> Result<StampedRun, TraceError> {
    let (filled_tx, filled_rx) = sync_channel::<Block>(BLOCKS_IN_FLIGHT);
    let (free_tx, free_rx) = sync_channel::<Block>(BLOCKS_IN_FLIGHT);
    // A rendezvous: the stamper fills the next chunk while the sink takes the last one, so
    // at most two chunk buffers (470 MB) live at once.
    let (output_tx, output_rx) = sync_channel::<Output>(0);
    let (recycled_tx, recycled_rx) = sync_channel::<Vec<Row>>(4);
    for _ in 1..BLOCKS_IN_FLIGHT {
        free_tx.send(Block::with_capacity(BLOCK_ROWS)).unwrap();
    }
    std::thread::scope(|scope| {
        let stamper =
            scope.spawn(move || stamp_blocks(stamper, filled_rx, free_tx, output_tx, recycled_rx));
        let consumer = scope.spawn(move || consume(sink, output_rx, recycled_tx));
        let emulated = emulation.run(|block| {
            filled_tx.send(block).map_err(|_| consumer_gone())?;
            free_rx.recv().map_err(|_| consumer_gone())
        });
        drop(filled_tx);
        let run = stamper.join().expect("the stamper thread panicked");
        let consumed = consumer.join().expect("the sink thread panicked");
        consumed.map_err(TraceError::Sink)?;
        emulated?;
        run.ok_or_else(consumer_gone)
    })
}

fn consumer_gone() -> TraceError {
    TraceError::Sink(io::Error::other("the trace consumer stopped"))
}

/// The stamper's thread: `None` if the emulation or the consumer stopped early.
fn stamp_blocks(
    mut stamper: Stamper,
    filled: Receiver<Block>,
    free: SyncSender<Block>,
    output: SyncSender<Output>,
    recycled: Receiver<Vec<Row>>,
) -> Option<StampedRun> {
    let mut consumer_alive = true;
    let mut emit = |out| consumer_alive &= output.send(out).is_ok();
    for block in filled {
        recycled.try_iter().for_each(|rows| stamper.recycle(rows));
        stamper.stamp(&block, &mut emit);
        // The emulator may already be done and gone: a lost free block does not matter.
        let _ = free.send(block);
    }
    let run = stamper.finish(&mut emit)?;
    consumer_alive.then_some(run)
}

/// The sink's thread.
fn consume(
    sink: &mut impl TraceSink,
    outputs: Receiver<Output>,
    recycled: SyncSender<Vec<Row>>,
) -> io::Result<()> {
    for output in outputs {
        if let Some(rows) = deliver(sink, output)? {
            let _ = recycled.try_send(rows);
        }
    }
    Ok(())
}
