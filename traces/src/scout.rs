//! The first pass of a parallel trace: the run at close to the emulator's full speed,
//! recording for each chunk what its replay needs: the machine's state at its start, the
//! oracle words it reads, and the final values of the RAM words it writes (which the
//! replayers of other chunks apply instead of running it; each word once, however often the
//! chunk wrote it).

use crate::clocks::ClockTable;
use crate::driver::MmioWatch;
use zkos_emulator::memory::Memory;
use zkos_emulator::{CpuState, MemAccess, Oracle, Step, Tracer};

/// What replaying one chunk needs, and what skipping it changes.
#[derive(Debug)]
pub(crate) struct ScoutedChunk {
    pub index: u64,
    pub start: CpuState,
    pub oracle_words: Vec<u32>,
    /// The RAM words the chunk writes, with their values at its end: `(byte address, word)`.
    pub stores: Vec<(u32, u32)>,
}

/// The scout's hook: which RAM words each chunk writes, and any MMIO access.
pub(crate) struct StoreLog {
    /// Per RAM word, the tag of the last chunk that wrote it.
    written_in: ClockTable<u32>,
    /// The chunk being run, tagged from 1 so that 0 means "never written".
    tag: u32,
    /// Word addresses written by the chunk being run, each once.
    words: Vec<u32>,
    mmio_pc: Option<u32>,
}

impl StoreLog {
    pub fn new() -> StoreLog {
        StoreLog {
            written_in: ClockTable::new(),
            tag: 1,
            words: Vec::new(),
            mmio_pc: None,
        }
    }

    #[inline(always)]
    fn written(&mut self, address: u32) {
        let word = address >> 2;
        if self.written_in.replace(word as usize, self.tag) != self.tag {
            self.words.push(word);
        }
    }

    /// The words the chunk wrote with their values at its end, as `(byte address, word)`;
    /// starts the next chunk.
    pub fn end_chunk(&mut self, memory: &Memory) -> Vec<(u32, u32)> {
        self.tag += 1;
        let words = self.words.drain(..);
        words
            .map(|word| (word << 2, memory.word_at(word << 2)))
            .collect()
    }
}

impl Tracer for StoreLog {
    const WRITES_ONLY: bool = true;

    fn on_written(&mut self, addresses: &[u32]) {
        for &address in addresses {
            self.written(address);
        }
    }

    #[inline(always)]
    fn on_step(&mut self, step: &Step<'_>) {
        match step.mem {
            MemAccess::Store { address, .. } => self.written(address),
            MemAccess::Mmio { .. } => {
                self.mmio_pc.get_or_insert(step.pc);
            }
            MemAccess::None | MemAccess::Load { .. } => {}
        }
        if let Some(record) = step.delegation {
            for &(address, _, _) in &record.writes {
                self.written(address);
            }
        }
    }
}

impl MmioWatch for StoreLog {
    fn mmio_pc(&self) -> Option<u32> {
        self.mmio_pc
    }
}

/// The run's oracle, keeping the words read since the last `take`.
pub(crate) struct RecordingOracle<O> {
    pub host: O,
    pub words: Vec<u32>,
}

impl<O: Oracle> Oracle for RecordingOracle<O> {
    fn read_word(&mut self) -> u32 {
        let word = self.host.read_word();
        self.words.push(word);
        word
    }
    fn write_word(&mut self, word: u32) {
        self.host.write_word(word)
    }
    fn console(&mut self, text: &[u8]) {
        self.host.console(text)
    }
}

/// A chunk's oracle words served again, silently: the guest's writes and console messages
/// already reached the host in the first pass.
pub(crate) struct ReplayOracle<'a> {
    pub words: std::slice::Iter<'a, u32>,
}

impl Oracle for ReplayOracle<'_> {
    fn read_word(&mut self) -> u32 {
        self.words.next().copied().unwrap_or(0)
    }
    fn write_word(&mut self, _: u32) {}
    fn console(&mut self, _: &[u8]) {}
}
