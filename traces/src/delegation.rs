//! Delegation witnesses (`DelegationWitness`): per delegation type, the calls in order,
//! cut into circuits of a fixed capacity.

use crate::row::TimestampLimbs;
pub use crate::spill::SpillConfig;
use crate::spill::{Elements, SpillColumn};
use serde::Serialize;
use std::io;
use std::sync::Arc;
use zkos_linker::csr;

/// The first argument register of every delegation (x10).
pub const BASE_REGISTER: u32 = 10;

/// The shape of one delegation circuit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DelegationKind {
    pub csr: u16,
    /// Calls one circuit holds.
    pub capacity: usize,
    pub registers: usize,
    pub reads: usize,
    pub writes: usize,
}

pub const BLAKE2S: DelegationKind = DelegationKind {
    csr: csr::BLAKE2S_ROUND,
    capacity: (1 << 20) - 1,
    registers: 4,
    reads: 16,
    writes: 24,
};

pub const U256: DelegationKind = DelegationKind {
    csr: csr::U256_OP,
    capacity: (1 << 21) - 1,
    registers: 3,
    reads: 8,
    writes: 8,
};

pub const KINDS: [DelegationKind; 2] = [BLAKE2S, U256];

/// Calls read from a witness at a time ([`CallReader`]): 10.6 MB of BLAKE2s calls.
pub const CALLS_PER_BATCH: usize = 1 << 14;

impl DelegationKind {
    pub fn of_csr(csr: u16) -> Option<DelegationKind> {
        KINDS.into_iter().find(|k| k.csr == csr)
    }

    /// Position of this kind in [`KINDS`].
    pub fn slot(&self) -> usize {
        KINDS.iter().position(|k| k == self).unwrap()
    }

    /// Indirect accesses per pointer register: x10 points at the written words, x11 at the
    /// read ones.
    pub fn access_properties(&self) -> Vec<Vec<IndirectAccessProperty>> {
        let list = |count: usize, use_writes: bool| {
            (0..count as u64)
                .map(|index| IndirectAccessProperty { use_writes, index })
                .collect()
        };
        vec![list(self.writes, true), list(self.reads, false)]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct IndirectAccessProperty {
    pub use_writes: bool,
    pub index: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[repr(C)]
pub struct RegisterAccess {
    pub read_value: u32,
    pub write_value: u32,
    pub timestamp: TimestampLimbs,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[repr(C)]
pub struct IndirectRead {
    pub read_value: u32,
    pub timestamp: TimestampLimbs,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[repr(C)]
pub struct IndirectWrite {
    pub read_value: u32,
    pub write_value: u32,
    pub timestamp: TimestampLimbs,
}

/// A witness element with the previous timestamp of its access.
pub(crate) trait Timestamped {
    fn set_timestamp(&mut self, timestamp: TimestampLimbs);
}

macro_rules! timestamped {
    ($($element:ty),*) => {$(
        impl Timestamped for $element {
            fn set_timestamp(&mut self, timestamp: TimestampLimbs) {
                self.timestamp = timestamp;
            }
        }
    )*};
}

timestamped!(RegisterAccess, IndirectRead, IndirectWrite);

/// One delegation circuit's witness, field for field as Airbender serialises it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DelegationWitness {
    /// The circuit's capacity in calls (not the number of calls made).
    pub num_requests: u64,
    pub num_register_accesses_per_delegation: u64,
    pub num_indirect_reads_per_delegation: u64,
    pub num_indirect_writes_per_delegation: u64,
    pub base_register_index: u32,
    pub delegation_type: u16,
    pub indirect_accesses_properties: Vec<Vec<IndirectAccessProperty>>,
    pub write_timestamp: Vec<TimestampLimbs>,
    pub register_accesses: Vec<RegisterAccess>,
    pub indirect_reads: Vec<IndirectRead>,
    pub indirect_writes: Vec<IndirectWrite>,
}

impl DelegationWitness {
    /// Call `index`'s part of each long field.
    pub fn call(&self, index: usize) -> Call<'_> {
        let part = |per_call: u64| {
            let per_call = per_call as usize;
            index * per_call..(index + 1) * per_call
        };
        Call {
            write_timestamp: self.write_timestamp[index],
            register_accesses: &self.register_accesses
                [part(self.num_register_accesses_per_delegation)],
            indirect_reads: &self.indirect_reads[part(self.num_indirect_reads_per_delegation)],
            indirect_writes: &self.indirect_writes[part(self.num_indirect_writes_per_delegation)],
        }
    }

    pub fn empty(kind: DelegationKind) -> DelegationWitness {
        DelegationWitness {
            num_requests: kind.capacity as u64,
            num_register_accesses_per_delegation: kind.registers as u64,
            num_indirect_reads_per_delegation: kind.reads as u64,
            num_indirect_writes_per_delegation: kind.writes as u64,
            base_register_index: BASE_REGISTER,
            delegation_type: kind.csr,
            indirect_accesses_properties: kind.access_properties(),
            write_timestamp: Vec::new(),
            register_accesses: Vec::new(),
            indirect_reads: Vec::new(),
            indirect_writes: Vec::new(),
        }
    }

    /// Calls recorded so far.
    pub fn calls(&self) -> usize {
        self.write_timestamp.len()
    }
}

/// The witness of the circuit being filled, its long fields in [`SpillColumn`]s; the
/// header follows from the kind.
#[derive(Debug)]
pub struct SpilledWitness {
    pub kind: DelegationKind,
    pub write_timestamp: SpillColumn<TimestampLimbs>,
    pub register_accesses: SpillColumn<RegisterAccess>,
    pub indirect_reads: SpillColumn<IndirectRead>,
    pub indirect_writes: SpillColumn<IndirectWrite>,
}

impl SpilledWitness {
    pub fn new(kind: DelegationKind, config: &Arc<SpillConfig>) -> SpilledWitness {
        SpilledWitness {
            kind,
            write_timestamp: SpillColumn::new(config.clone()),
            register_accesses: SpillColumn::new(config.clone()),
            indirect_reads: SpillColumn::new(config.clone()),
            indirect_writes: SpillColumn::new(config.clone()),
        }
    }

    /// The same witness, in memory; its kind is read from its header.
    pub fn from_witness(w: &DelegationWitness) -> SpilledWitness {
        SpilledWitness {
            kind: DelegationKind {
                csr: w.delegation_type,
                capacity: w.num_requests as usize,
                registers: w.num_register_accesses_per_delegation as usize,
                reads: w.num_indirect_reads_per_delegation as usize,
                writes: w.num_indirect_writes_per_delegation as usize,
            },
            write_timestamp: SpillColumn::from_values(&w.write_timestamp),
            register_accesses: SpillColumn::from_values(&w.register_accesses),
            indirect_reads: SpillColumn::from_values(&w.indirect_reads),
            indirect_writes: SpillColumn::from_values(&w.indirect_writes),
        }
    }

    /// Calls recorded so far.
    pub fn calls(&self) -> usize {
        self.write_timestamp.len()
    }

    /// Appends `batch`'s calls `calls`.
    fn append(&mut self, batch: &DelegationWitness, calls: std::ops::Range<usize>) {
        let kind = self.kind;
        let part = |per_call: usize| calls.start * per_call..calls.end * per_call;
        self.write_timestamp
            .extend(&batch.write_timestamp[calls.clone()]);
        self.register_accesses
            .extend(&batch.register_accesses[part(kind.registers)]);
        self.indirect_reads
            .extend(&batch.indirect_reads[part(kind.reads)]);
        self.indirect_writes
            .extend(&batch.indirect_writes[part(kind.writes)]);
    }

    /// The first error any column met while spilling.
    pub fn check(&self) -> io::Result<()> {
        self.write_timestamp.check()?;
        self.register_accesses.check()?;
        self.indirect_reads.check()?;
        self.indirect_writes.check()
    }

    /// Reads the whole witness into memory.
    pub fn load(&self) -> io::Result<DelegationWitness> {
        Ok(DelegationWitness {
            write_timestamp: self.write_timestamp.load()?,
            register_accesses: self.register_accesses.load()?,
            indirect_reads: self.indirect_reads.load()?,
            indirect_writes: self.indirect_writes.load()?,
            ..DelegationWitness::empty(self.kind)
        })
    }

    /// Reads the calls in order, a batch at a time.
    pub fn read_calls(&self) -> io::Result<CallReader<'_>> {
        Ok(CallReader {
            kind: self.kind,
            write_timestamp: self.write_timestamp.values()?,
            register_accesses: self.register_accesses.values()?,
            indirect_reads: self.indirect_reads.values()?,
            indirect_writes: self.indirect_writes.values()?,
        })
    }
}

/// One delegation call's part of each long field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call<'a> {
    pub write_timestamp: TimestampLimbs,
    pub register_accesses: &'a [RegisterAccess],
    pub indirect_reads: &'a [IndirectRead],
    pub indirect_writes: &'a [IndirectWrite],
}

/// The calls of a [`SpilledWitness`], read column by column into batches.
pub struct CallReader<'a> {
    kind: DelegationKind,
    write_timestamp: Elements<'a, TimestampLimbs>,
    register_accesses: Elements<'a, RegisterAccess>,
    indirect_reads: Elements<'a, IndirectRead>,
    indirect_writes: Elements<'a, IndirectWrite>,
}

impl CallReader<'_> {
    /// Replaces `batch`'s calls with the next `max` (fewer at the end; none after it).
    /// A column too short for its calls is an error.
    pub fn read(&mut self, max: usize, batch: &mut DelegationWitness) -> io::Result<usize> {
        let kind = self.kind;
        self.write_timestamp
            .refill(max, &mut batch.write_timestamp)?;
        let calls = batch.write_timestamp.len();
        let registers = calls * kind.registers;
        self.register_accesses
            .refill(registers, &mut batch.register_accesses)?;
        let reads = calls * kind.reads;
        self.indirect_reads
            .refill(reads, &mut batch.indirect_reads)?;
        let writes = calls * kind.writes;
        self.indirect_writes
            .refill(writes, &mut batch.indirect_writes)?;
        if batch.register_accesses.len() < registers
            || batch.indirect_reads.len() < reads
            || batch.indirect_writes.len() < writes
        {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "a column has fewer elements than its calls need",
            ));
        }
        Ok(calls)
    }
}

/// A circuit handed on: its index among the circuits of its kind and its witness, spilled
/// while it was filled ([`SpilledWitness`]) or loaded into memory ([`DelegationWitness`]).
/// A spilled circuit's files vanish when it is dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegationCircuit<W = SpilledWitness> {
    pub index: usize,
    pub witness: W,
}

impl DelegationCircuit {
    pub fn load(&self) -> io::Result<DelegationCircuit<DelegationWitness>> {
        Ok(DelegationCircuit {
            index: self.index,
            witness: self.witness.load()?,
        })
    }
}

impl DelegationCircuit<DelegationWitness> {
    /// The circuit as tracing hands it on (in memory, nothing spilled).
    pub fn spilled(&self) -> DelegationCircuit {
        DelegationCircuit {
            index: self.index,
            witness: SpilledWitness::from_witness(&self.witness),
        }
    }
}

/// Collects calls of one kind, handing each circuit on when it is full.
///
/// Memory: Airbender's witness file lists each field for all calls of a circuit in turn,
/// so the circuit being filled could only be written once it is full, and a full BLAKE2s
/// circuit is 677 MB in memory (a U256 one 583 MB). Its long fields are therefore spilled
/// to anonymous files as they grow, in their final encoding, keeping a few MB at most in
/// memory per kind ([`SpillConfig::buffer_bytes`] per field); the sink streams them out.
#[derive(Debug)]
pub(crate) struct WitnessBuilder {
    kind: DelegationKind,
    index: usize,
    config: Arc<SpillConfig>,
    current: SpilledWitness,
    pub total_calls: u64,
}

impl WitnessBuilder {
    pub fn new(kind: DelegationKind, config: &SpillConfig) -> WitnessBuilder {
        let config = Arc::new(config.clone());
        WitnessBuilder {
            kind,
            index: 0,
            current: SpilledWitness::new(kind, &config),
            config,
            total_calls: 0,
        }
    }

    /// Appends `batch`'s calls, handing full circuits to `emit` as they fill.
    pub fn append(&mut self, batch: &DelegationWitness, emit: &mut impl FnMut(DelegationCircuit)) {
        let mut call = 0;
        while call < batch.calls() {
            if self.current.calls() == self.kind.capacity {
                emit(self.take());
            }
            let room = self.kind.capacity - self.current.calls();
            let end = batch.calls().min(call + room);
            self.current.append(batch, call..end);
            self.total_calls += (end - call) as u64;
            call = end;
        }
    }

    /// The first spill error of the circuit being filled.
    pub fn check(&self) -> io::Result<()> {
        self.current.check()
    }

    /// The circuit being filled, if it holds any call.
    pub fn finish(&mut self) -> Option<DelegationCircuit> {
        (self.current.calls() > 0).then(|| self.take())
    }

    fn take(&mut self) -> DelegationCircuit {
        let empty = SpilledWitness::new(self.kind, &self.config);
        let circuit = DelegationCircuit {
            index: self.index,
            witness: std::mem::replace(&mut self.current, empty),
        };
        self.index += 1;
        circuit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-call figures of `WitnessBuilder`'s memory bound.
    #[test]
    fn calls_take_the_documented_bytes_in_memory() {
        let bytes = |kind: DelegationKind| {
            size_of::<TimestampLimbs>()
                + kind.registers * size_of::<RegisterAccess>()
                + kind.reads * size_of::<IndirectRead>()
                + kind.writes * size_of::<IndirectWrite>()
        };
        assert_eq!(bytes(BLAKE2S), 646);
        assert_eq!(bytes(U256), 278);
    }

    #[test]
    fn circuits_roll_over_at_capacity_in_call_order() {
        let kind = DelegationKind {
            capacity: 2,
            ..U256
        };
        let mut builder = WitnessBuilder::new(kind, &SpillConfig::default());
        let mut emitted = Vec::new();
        let batch = |calls: std::ops::Range<u16>| {
            let n = calls.len();
            DelegationWitness {
                write_timestamp: calls.map(|call| [call, 0, 0]).collect(),
                register_accesses: vec![RegisterAccess::default(); n * kind.registers],
                indirect_reads: vec![IndirectRead::default(); n * kind.reads],
                indirect_writes: vec![IndirectWrite::default(); n * kind.writes],
                ..DelegationWitness::empty(kind)
            }
        };
        builder.append(&batch(0..1), &mut |c| emitted.push(c));
        builder.append(&batch(1..4), &mut |c| emitted.push(c));
        assert_eq!(emitted.len(), 1, "circuit #1 is full but not yet handed on");
        builder.append(&batch(4..5), &mut |c| emitted.push(c));
        emitted.extend(builder.finish());
        let calls: Vec<(usize, Vec<u16>)> = emitted
            .iter()
            .map(|c| {
                let timestamps = c.witness.write_timestamp.load().unwrap();
                (c.index, timestamps.iter().map(|t| t[0]).collect())
            })
            .collect();
        assert_eq!(calls, vec![(0, vec![0, 1]), (1, vec![2, 3]), (2, vec![4])]);
        assert!(emitted.iter().all(|c| c.witness.kind.capacity == 2));
        let register_accesses = emitted.iter().map(|c| c.witness.register_accesses.len());
        assert!(register_accesses.eq([6, 6, 3]));
        assert_eq!(builder.total_calls, 5);
    }
}
