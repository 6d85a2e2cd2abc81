//! Tracing a run chunk by chunk. Each chunk is traced on its own (`fill`): rows filled and
//! stamped against the chunk's clocks. The stitcher completes the chunks in order
//! (`stitch`) and hands them to the sink.
//!
//! Serially, one machine runs the program and traces chunk after chunk. In parallel, a
//! scout runs the program first at close to full emulator speed (`scout`), and replayers,
//! one per core, each trace every n-th chunk from the state the scout recorded at its
//! start, applying the RAM writes of the chunks they skip; the stitcher runs on its own
//! thread. Both give the same bytes.
//!
//! Memory, whatever the run's length:
//! - the chunk buffers: one per replayer, 235 MB each (one serially);
//! - the scouted chunks not yet replayed: the words each wrote, once per word;
//! - the clocks of touched words (8 bytes a word, plus 4 per replayer and for the scout)
//!   and each machine's touched RAM;
//! - per chunk in flight, its first accesses (16 bytes per register or word it touches);
//! - delegation calls in [`SpillConfig`]-bounded buffers, the rest in spill files: those
//!   of the chunks in flight, of the circuits being filled, and of one full circuit while
//!   the sink writes it (see `WitnessBuilder`);
//! - at the end, the touched words' teardown (16 bytes each) and one lazy-init chunk (67 MB).

use crate::delegation::{SpillConfig, KINDS};
use crate::fill::{ChunkClocks, ChunkTracer, TracedChunk};
use crate::lazy_init::{teardown_entries, LazyInitLayout, TooManyTouchedWords};
use crate::row::{FinalRegisterValue, FinalState, SingleCycleTracingData as Row, CHUNK_ROWS};
use crate::scout::{RecordingOracle, ReplayOracle, ScoutedChunk, StoreLog};
use crate::sink::TraceSink;
use crate::stitch::{Output, Stitcher};
use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::Arc;
use zkos_emulator::{Cycles, Machine, Oracle, OracleDevice, Program, RunError, Stop, Tracer};
use zkos_linker::ROM_END;

/// Replayers by default on a machine with many cores: enough to outrun one writer, and
/// keeping the chunk buffers in flight (one per replayer) under 1 GB.
pub const DEFAULT_MAX_REPLAYERS: usize = 4;

pub struct TraceOptions<'a> {
    /// Scout, replay chunks on every core, and stitch, on their own threads.
    pub parallel: bool,
    /// Replayers in parallel mode (at least 2); `None` for one per core, at most
    /// [`DEFAULT_MAX_REPLAYERS`]. Each holds a chunk buffer (235 MB) and a machine.
    pub replayers: Option<usize>,
    /// Where the delegation circuits being filled spill their long fields.
    pub spill: SpillConfig,
    /// Refuse runs longer than this many cycles.
    pub max_cycles: u64,
    /// Called after every chunk with the cycles traced so far.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

impl Default for TraceOptions<'_> {
    fn default() -> Self {
        TraceOptions {
            parallel: true,
            replayers: None,
            spill: SpillConfig::default(),
            max_cycles: zkos_emulator::MAX_PROVABLE_CYCLES,
            progress: None,
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
    let ended = if options.parallel {
        trace_parallel(program, oracle, sink, options)?
    } else {
        trace_serial(program, oracle, sink, options)?
    };
    ended.finish(sink)
}

/// A traced run at its end: the machine that ran it (for the final registers and RAM) and
/// the stitcher with the run's clocks and the circuits still being filled.
struct Ended {
    machine: Machine,
    halted_at: Cycles,
    oracle_words_read: u64,
    stitcher: Stitcher,
}

impl Ended {
    /// Hands on the unfinished circuits, the lazy init and teardown, and the final state.
    fn finish(self, sink: &mut impl TraceSink) -> Result<TraceSummary, TraceError> {
        let Ended {
            machine,
            halted_at,
            oracle_words_read,
            stitcher,
        } = self;
        let mut consumer = InlineConsumer::new(sink);
        let run = stitcher.finish(&mut |output| consumer.take(output));
        consumer.check()?;
        let memory = machine.memory();
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
        let values = machine.registers();
        let state = FinalState {
            pc: machine.pc(),
            registers: std::array::from_fn(|i| FinalRegisterValue {
                value: values[i],
                last_access_timestamp: run.register_timestamps[i],
            }),
        };
        sink.final_state(&state).map_err(TraceError::Sink)?;
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
            oracle_words_read,
        })
    }
}

fn new_machine(program: &Program) -> Result<Machine, TraceError> {
    Machine::new(program).map_err(TraceError::Fault)
}

/// The cycle count at the end of chunk `index`.
fn chunk_end(index: u64) -> u64 {
    (index + 1) * CHUNK_ROWS as u64
}

/// A hook that notices accesses to the oracle MMIO window.
pub(crate) trait MmioWatch: Tracer {
    fn mmio_pc(&self) -> Option<u32>;
}

/// Runs the machine through chunk `index` (or to the end loop, if reached first); returns
/// the cycle count at the end loop if it was reached in this chunk.
fn run_chunk<O: Oracle, T: MmioWatch>(
    machine: &mut Machine,
    device: &mut OracleDevice<O>,
    tracer: &mut T,
    index: u64,
    max_cycles: u64,
) -> Result<Option<Cycles>, TraceError> {
    if machine.is_halted() {
        return Ok(None);
    }
    let end = chunk_end(index);
    let bound = end.min(max_cycles);
    let stop = machine
        .run_until(device, tracer, bound)
        .map_err(TraceError::Fault)?;
    if let Some(pc) = tracer.mmio_pc() {
        return Err(TraceError::Mmio { pc });
    }
    match stop {
        Stop::Halted => Ok(Some(machine.cycles())),
        Stop::Bound if bound < end => Err(TraceError::CycleLimit {
            limit: max_cycles,
            pc: machine.pc(),
        }),
        Stop::Bound => Ok(None),
    }
}

/// A machine that traces chunks, with the chunk clocks it reuses from chunk to chunk.
struct ChunkMachine {
    machine: Machine,
    clocks: ChunkClocks,
    spill: Arc<SpillConfig>,
}

impl ChunkMachine {
    fn new(program: &Program, spill: &SpillConfig) -> Result<ChunkMachine, TraceError> {
        Ok(ChunkMachine {
            machine: new_machine(program)?,
            clocks: ChunkClocks::new(),
            spill: Arc::new(spill.clone()),
        })
    }

    /// Traces chunk `index` into `rows`, spinning the end loop to the chunk's last row once
    /// it is reached.
    fn trace_chunk<O: Oracle>(
        &mut self,
        device: &mut OracleDevice<O>,
        index: u64,
        rows: Vec<Row>,
        max_cycles: u64,
    ) -> Result<TracedChunk, TraceError> {
        let machine = &mut self.machine;
        let mut tracer = ChunkTracer::new(index, rows, &mut self.clocks, &self.spill);
        let halted_at = run_chunk(machine, device, &mut tracer, index, max_cycles)?;
        if machine.is_halted() {
            machine.spin_end_loop(&mut tracer, chunk_end(index));
        }
        Ok(tracer.finish(halted_at))
    }
}

fn report_progress(progress: Option<&(dyn Fn(u64) + Sync)>, chunk: &TracedChunk) {
    if let Some(progress) = progress {
        progress(chunk.halted_at.map_or(chunk_end(chunk.index), |c| c.raw));
    }
}

fn trace_serial<O: Oracle>(
    program: &Program,
    oracle: O,
    sink: &mut impl TraceSink,
    options: &TraceOptions<'_>,
) -> Result<Ended, TraceError> {
    let mut tracing = ChunkMachine::new(program, &options.spill)?;
    let mut device = OracleDevice::new(oracle);
    let mut stitcher = Stitcher::new(&options.spill);
    let mut consumer = InlineConsumer::new(sink);
    let mut rows = Vec::new();
    for index in 0u64.. {
        let chunk = tracing.trace_chunk(&mut device, index, rows, options.max_cycles)?;
        report_progress(options.progress, &chunk);
        let halted_at = chunk.halted_at;
        stitcher
            .stitch(chunk, &mut |output| consumer.take(output))
            .map_err(TraceError::Sink)?;
        consumer.check()?;
        rows = consumer.returned.pop().unwrap_or_default();
        if let Some(halted_at) = halted_at {
            return Ok(Ended {
                machine: tracing.machine,
                halted_at,
                oracle_words_read: device.words_read,
                stitcher,
            });
        }
    }
    unreachable!("the chunk loop ends at the end loop or on an error")
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

/// The sink, called on the stitching thread.
struct InlineConsumer<'s, S> {
    sink: &'s mut S,
    failure: Option<io::Error>,
    returned: Vec<Vec<Row>>,
}

impl<'s, S: TraceSink> InlineConsumer<'s, S> {
    fn new(sink: &'s mut S) -> Self {
        InlineConsumer {
            sink,
            failure: None,
            returned: Vec::new(),
        }
    }

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

/// What the scout sends each replayer for each chunk.
enum Work {
    /// Trace this chunk into the buffer.
    Replay(Arc<ScoutedChunk>, Vec<Row>),
    /// Apply the chunk's RAM writes.
    Skip(Arc<ScoutedChunk>),
}

/// The scout's end of the run.
struct Scouted {
    machine: Machine,
    halted_at: Cycles,
    oracle_words_read: u64,
}

fn trace_parallel<O: Oracle, S: TraceSink + Send>(
    program: &Program,
    oracle: O,
    sink: &mut S,
    options: &TraceOptions<'_>,
) -> Result<Ended, TraceError> {
    let cores = || std::thread::available_parallelism().map_or(2, |n| n.get());
    let replayers = options
        .replayers
        .unwrap_or_else(|| cores().min(DEFAULT_MAX_REPLAYERS))
        .max(2);
    // Chunk buffers, one per replayer, handed out by the scout in chunk order, so the chunk
    // the stitcher waits for always has one. (A spare buffer measured no faster: the scout
    // is far ahead, and a chunk's buffer comes back as soon as the sink has it.)
    let (free_tx, free_rx) = sync_channel::<Vec<Row>>(replayers);
    for _ in 0..replayers {
        free_tx.send(Vec::new()).expect("the pool has room");
    }
    let (traced_tx, traced_rx) = channel();
    let progress = options.progress;
    let stitcher = Stitcher::new(&options.spill);
    std::thread::scope(|scope| {
        // Named threads, so that a profile tells the stages apart.
        let thread = |name: String| std::thread::Builder::new().name(name);
        let work: Vec<Sender<Work>> = (0..replayers)
            .map(|i| {
                let (work_tx, work_rx) = channel();
                let traced = traced_tx.clone();
                let spill = &options.spill;
                thread(format!("zkos-replay-{i}"))
                    .spawn_scoped(scope, move || replay(program, spill, work_rx, traced))
                    .expect("a replayer thread starts");
                work_tx
            })
            .collect();
        drop(traced_tx);
        let stitching = thread("zkos-stitch".into())
            .spawn_scoped(scope, move || {
                stitch_in_order(stitcher, traced_rx, free_tx, &mut *sink, progress)
            })
            .expect("the stitching thread starts");
        let scouted = scout(program, oracle, options.max_cycles, &free_rx, &work);
        drop(work);
        let stitched = stitching.join().expect("the stitching thread panicked");
        // A stitcher or sink failure also explains a scout stopped for want of buffers.
        let stitcher = stitched?;
        let scouted = scouted?;
        Ok(Ended {
            machine: scouted.machine,
            halted_at: scouted.halted_at,
            oracle_words_read: scouted.oracle_words_read,
            stitcher,
        })
    })
}

/// Runs the program chunk by chunk, sending every chunk to every replayer: to trace it,
/// with a buffer, or to apply its writes.
fn scout<O: Oracle>(
    program: &Program,
    oracle: O,
    max_cycles: u64,
    free: &Receiver<Vec<Row>>,
    replayers: &[Sender<Work>],
) -> Result<Scouted, TraceError> {
    let mut machine = new_machine(program)?;
    // The scout needs only the words each chunk writes: the compiled tier, where there is one.
    machine.enable_jit();
    let mut device = OracleDevice::new(RecordingOracle {
        host: oracle,
        words: Vec::new(),
    });
    let mut log = StoreLog::new();
    for index in 0u64.. {
        let start = machine.cpu_state();
        let halted_at = run_chunk(&mut machine, &mut device, &mut log, index, max_cycles)?;
        let chunk = Arc::new(ScoutedChunk {
            index,
            start,
            oracle_words: std::mem::take(&mut device.host.words),
            stores: log.end_chunk(machine.memory()),
        });
        let mut rows = Some(free.recv().map_err(|_| consumer_gone())?);
        let owner = (index % replayers.len() as u64) as usize;
        for (i, replayer) in replayers.iter().enumerate() {
            let work = match rows.take_if(|_| i == owner) {
                Some(rows) => Work::Replay(chunk.clone(), rows),
                None => Work::Skip(chunk.clone()),
            };
            replayer.send(work).map_err(|_| consumer_gone())?;
        }
        if let Some(halted_at) = halted_at {
            return Ok(Scouted {
                machine,
                halted_at,
                oracle_words_read: device.words_read,
            });
        }
    }
    unreachable!("the chunk loop ends at the end loop or on an error")
}

/// A replayer's thread: its own machine follows the run, tracing its chunks.
fn replay(
    program: &Program,
    spill: &SpillConfig,
    work: Receiver<Work>,
    traced: Sender<Result<TracedChunk, TraceError>>,
) {
    let replayed = (|| {
        let mut tracing = ChunkMachine::new(program, spill)?;
        for item in work {
            match item {
                Work::Skip(chunk) => tracing.machine.write_ram_words(&chunk.stores),
                Work::Replay(chunk, rows) => {
                    tracing.machine.set_cpu_state(&chunk.start);
                    let oracle = ReplayOracle {
                        words: chunk.oracle_words.iter(),
                    };
                    let mut device = OracleDevice::new(oracle);
                    let chunk = tracing.trace_chunk(&mut device, chunk.index, rows, u64::MAX)?;
                    if traced.send(Ok(chunk)).is_err() {
                        break;
                    }
                }
            }
        }
        Ok(())
    })();
    if let Err(e) = replayed {
        let _ = traced.send(Err(e));
    }
}

/// The stitching thread: completes chunks in order as the replayers deliver them, hands
/// them to the sink, and gives their buffers back to the scout.
fn stitch_in_order(
    mut stitcher: Stitcher,
    traced: Receiver<Result<TracedChunk, TraceError>>,
    free: SyncSender<Vec<Row>>,
    sink: &mut impl TraceSink,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Stitcher, TraceError> {
    let mut consumer = InlineConsumer::new(sink);
    let mut waiting = BTreeMap::new();
    for chunk in traced {
        let chunk = chunk?;
        waiting.insert(chunk.index, chunk);
        while let Some(chunk) = waiting.remove(&(stitcher.chunks() as u64)) {
            report_progress(progress, &chunk);
            stitcher
                .stitch(chunk, &mut |output| consumer.take(output))
                .map_err(TraceError::Sink)?;
            consumer.check()?;
            for rows in consumer.returned.drain(..) {
                let _ = free.send(rows);
            }
        }
    }
    Ok(stitcher)
}

fn consumer_gone() -> TraceError {
    TraceError::Sink(io::Error::other("the trace consumer stopped"))
}
