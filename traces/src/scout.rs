//! The first pass of a parallel trace: the run at close to the emulator's full speed,
//! recording for each chunk what its replay needs: the machine's state at its start, the
//! oracle words it reads, and the RAM words it writes (which the replayers of other chunks
//! apply instead of running it).

use crate::driver::MmioWatch;
use zkos_emulator::{CpuState, MemAccess, Oracle, Step, Tracer};

/// What replaying one chunk needs, and what skipping it changes.
#[derive(Debug)]
pub(crate) struct ScoutedChunk {
    pub index: u64,
    pub start: CpuState,
    pub oracle_words: Vec<u32>,
    /// Words written by the chunk, in order: `(byte address, word)`.
    pub stores: Vec<(u32, u32)>,
}

/// The scout's hook: the RAM words written, and any MMIO access.
#[derive(Default)]
pub(crate) struct StoreLog {
    pub stores: Vec<(u32, u32)>,
    pub mmio_pc: Option<u32>,
}

impl Tracer for StoreLog {
    #[inline(always)]
    fn on_step(&mut self, step: &Step<'_>) {
        match step.mem {
            MemAccess::Store {
                address, new_word, ..
            } => self.stores.push((address & !3, new_word)),
            MemAccess::Mmio { .. } => {
                self.mmio_pc.get_or_insert(step.pc);
            }
            MemAccess::None | MemAccess::Load { .. } => {}
        }
        if let Some(record) = step.delegation {
            let writes = record
                .writes
                .iter()
                .map(|&(address, _, new)| (address, new));
            self.stores.extend(writes);
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
