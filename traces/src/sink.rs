//! Consumers of a trace: each part is handed on as soon as it is complete.

use crate::delegation::{DelegationCircuit, DelegationKind, DelegationWitness};
use crate::encode;
use crate::row::{CycleData, FinalState, LazyInitAndTeardown};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Receives the parts of a trace. Chunks come in order, each as soon as it is full;
/// delegation circuits as soon as they are full (and the rest at the end); then the
/// lazy-init chunks in order and the final state.
pub trait TraceSink {
    fn chunk(&mut self, index: usize, chunk: &CycleData) -> io::Result<()>;
    fn delegation_circuit(
        &mut self,
        kind: DelegationKind,
        circuit: &DelegationCircuit,
    ) -> io::Result<()>;
    fn lazy_init(&mut self, index: usize, entries: &[LazyInitAndTeardown]) -> io::Result<()>;
    fn final_state(&mut self, state: &FinalState) -> io::Result<()>;
}

/// Keeps nothing: for measuring tracing alone.
pub struct DiscardSink;

impl TraceSink for DiscardSink {
    fn chunk(&mut self, _: usize, _: &CycleData) -> io::Result<()> {
        Ok(())
    }
    fn delegation_circuit(&mut self, _: DelegationKind, _: &DelegationCircuit) -> io::Result<()> {
        Ok(())
    }
    fn lazy_init(&mut self, _: usize, _: &[LazyInitAndTeardown]) -> io::Result<()> {
        Ok(())
    }
    fn final_state(&mut self, _: &FinalState) -> io::Result<()> {
        Ok(())
    }
}

/// A sink that may be absent.
impl<S: TraceSink> TraceSink for Option<S> {
    fn chunk(&mut self, index: usize, chunk: &CycleData) -> io::Result<()> {
        self.as_mut().map_or(Ok(()), |s| s.chunk(index, chunk))
    }
    fn delegation_circuit(
        &mut self,
        kind: DelegationKind,
        circuit: &DelegationCircuit,
    ) -> io::Result<()> {
        self.as_mut()
            .map_or(Ok(()), |s| s.delegation_circuit(kind, circuit))
    }
    fn lazy_init(&mut self, index: usize, entries: &[LazyInitAndTeardown]) -> io::Result<()> {
        self.as_mut()
            .map_or(Ok(()), |s| s.lazy_init(index, entries))
    }
    fn final_state(&mut self, state: &FinalState) -> io::Result<()> {
        self.as_mut().map_or(Ok(()), |s| s.final_state(state))
    }
}

/// Hands every part to two sinks.
pub struct Tee<A, B>(pub A, pub B);

impl<A: TraceSink, B: TraceSink> TraceSink for Tee<A, B> {
    fn chunk(&mut self, index: usize, chunk: &CycleData) -> io::Result<()> {
        self.0.chunk(index, chunk)?;
        self.1.chunk(index, chunk)
    }
    fn delegation_circuit(
        &mut self,
        kind: DelegationKind,
        circuit: &DelegationCircuit,
    ) -> io::Result<()> {
        self.0.delegation_circuit(kind, circuit)?;
        self.1.delegation_circuit(kind, circuit)
    }
    fn lazy_init(&mut self, index: usize, entries: &[LazyInitAndTeardown]) -> io::Result<()> {
        self.0.lazy_init(index, entries)?;
        self.1.lazy_init(index, entries)
    }
    fn final_state(&mut self, state: &FinalState) -> io::Result<()> {
        self.0.final_state(state)?;
        self.1.final_state(state)
    }
}

/// Writes Airbender's files into a directory, plus `final_state.json`.
pub struct DirSink {
    dir: PathBuf,
    pub bytes_written: u64,
    pub files_written: usize,
}

impl DirSink {
    pub fn new(dir: impl Into<PathBuf>) -> DirSink {
        DirSink {
            dir: dir.into(),
            bytes_written: 0,
            files_written: 0,
        }
    }
}

fn file_len(path: &Path) -> io::Result<u64> {
    Ok(std::fs::metadata(path)?.len())
}

/// A sink of Airbender's files, each made by a function that writes its bytes.
trait FileSink {
    fn file(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()>;
}

impl<F: FileSink> TraceSink for F {
    fn chunk(&mut self, index: usize, chunk: &CycleData) -> io::Result<()> {
        self.file(&encode::cycle_data_file(index), |mut out| {
            encode::write_cycle_data(&mut out, chunk)
        })
    }
    fn delegation_circuit(
        &mut self,
        kind: DelegationKind,
        circuit: &DelegationCircuit,
    ) -> io::Result<()> {
        self.file(
            &encode::delegation_file(kind.csr, circuit.index),
            |mut out| encode::write_spilled_witness(&mut out, &circuit.witness),
        )
    }
    fn lazy_init(&mut self, index: usize, entries: &[LazyInitAndTeardown]) -> io::Result<()> {
        self.file(&encode::lazy_init_file(index), |mut out| {
            encode::write_lazy_init(&mut out, entries)
        })
    }
    fn final_state(&mut self, state: &FinalState) -> io::Result<()> {
        let json = serde_json::to_vec_pretty(state).map_err(io::Error::other)?;
        self.file(FINAL_STATE_FILE, |out| out.write_all(&json))
    }
}

pub const FINAL_STATE_FILE: &str = "final_state.json";

impl FileSink for DirSink {
    fn file(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let path = self.dir.join(name);
        let context = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", path.display()));
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&path).map_err(context)?);
        write(&mut out).map_err(context)?;
        out.flush().map_err(context)?;
        self.bytes_written += file_len(&path).map_err(context)?;
        self.files_written += 1;
        Ok(())
    }
}

/// The sha256 of every file [`DirSink`] would write, in the order they are made, without
/// writing them: to compare a trace with another (Airbender's `full_files.json` lists
/// these sums) at a few bytes per file.
#[derive(Debug, Default)]
pub struct Sha256Sink {
    pub files: Vec<(String, [u8; 32])>,
}

impl FileSink for Sha256Sink {
    fn file(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut hasher = Sha256::new();
        write(&mut hasher)?;
        self.files
            .push((name.to_string(), hasher.finalize().into()));
        Ok(())
    }
}

/// Keeps every part in memory (for tests and small runs: a chunk is 235 MB), circuits
/// loaded from their spill files.
#[derive(Default)]
pub struct MemorySink {
    pub chunks: Vec<CycleData>,
    pub circuits: Vec<(DelegationKind, DelegationCircuit<DelegationWitness>)>,
    pub lazy_init: Vec<Vec<LazyInitAndTeardown>>,
    pub final_state: Option<FinalState>,
}

impl MemorySink {
    /// Hands everything kept to another sink, in the order a trace does.
    pub fn replay(&self, sink: &mut impl TraceSink) -> io::Result<()> {
        for (index, chunk) in self.chunks.iter().enumerate() {
            sink.chunk(index, chunk)?;
        }
        for (kind, circuit) in &self.circuits {
            sink.delegation_circuit(*kind, &circuit.spilled())?;
        }
        for (index, entries) in self.lazy_init.iter().enumerate() {
            sink.lazy_init(index, entries)?;
        }
        if let Some(state) = &self.final_state {
            sink.final_state(state)?;
        }
        Ok(())
    }
}

impl TraceSink for MemorySink {
    fn chunk(&mut self, _: usize, chunk: &CycleData) -> io::Result<()> {
        self.chunks.push(chunk.clone());
        Ok(())
    }
    fn delegation_circuit(
        &mut self,
        kind: DelegationKind,
        circuit: &DelegationCircuit,
    ) -> io::Result<()> {
        self.circuits.push((kind, circuit.load()?));
        Ok(())
    }
    fn lazy_init(&mut self, _: usize, entries: &[LazyInitAndTeardown]) -> io::Result<()> {
        self.lazy_init.push(entries.to_vec());
        Ok(())
    }
    fn final_state(&mut self, state: &FinalState) -> io::Result<()> {
        self.final_state = Some(state.clone());
        Ok(())
    }
}
