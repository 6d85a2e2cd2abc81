//! Delegation witnesses (`DelegationWitness`): per delegation type, the calls in order,
//! cut into circuits of a fixed capacity.

use crate::row::TimestampLimbs;
use serde::Serialize;
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

/// A finished circuit: its kind and its index among the circuits of that kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegationCircuit {
    pub index: usize,
    pub witness: DelegationWitness,
}

/// Collects calls of one kind, handing each circuit on when it is full.
///
/// Memory: Airbender's witness file lists each field for all calls of a circuit in turn, so
/// the circuit being filled is held whole until it is full or the run ends. At most that is
/// (2^20 - 1) BLAKE2s calls of 646 bytes (677 MB) and (2^21 - 1) U256 calls of 278 bytes
/// (583 MB), 1.26 GB together in the worst case (a run with millions of calls of both
/// kinds), on top of the chunks in flight; a full circuit leaves as soon as the next call
/// of its kind arrives and is written without a second copy.
#[derive(Debug)]
pub(crate) struct WitnessBuilder {
    kind: DelegationKind,
    index: usize,
    current: DelegationWitness,
    pub total_calls: u64,
}

impl WitnessBuilder {
    pub fn new(kind: DelegationKind) -> WitnessBuilder {
        WitnessBuilder {
            kind,
            index: 0,
            current: DelegationWitness::empty(kind),
            total_calls: 0,
        }
    }

    /// The witness to append the next call to; a full one is passed to `emit` first.
    pub fn next_call(
        &mut self,
        emit: &mut impl FnMut(DelegationCircuit),
    ) -> &mut DelegationWitness {
        if self.current.calls() == self.kind.capacity {
            emit(self.take());
        }
        self.total_calls += 1;
        &mut self.current
    }

    /// The circuit being filled, if it holds any call.
    pub fn finish(&mut self) -> Option<DelegationCircuit> {
        (self.current.calls() > 0).then(|| self.take())
    }

    fn take(&mut self) -> DelegationCircuit {
        let witness = std::mem::replace(&mut self.current, DelegationWitness::empty(self.kind));
        let circuit = DelegationCircuit {
            index: self.index,
            witness,
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
        let mut builder = WitnessBuilder::new(kind);
        let mut emitted = Vec::new();
        for call in 0..5u16 {
            let witness = builder.next_call(&mut |c| emitted.push(c));
            witness.write_timestamp.push([call, 0, 0]);
        }
        emitted.extend(builder.finish());
        let calls: Vec<(usize, Vec<u16>)> = emitted
            .iter()
            .map(|c| {
                (
                    c.index,
                    c.witness.write_timestamp.iter().map(|t| t[0]).collect(),
                )
            })
            .collect();
        assert_eq!(calls, vec![(0, vec![0, 1]), (1, vec![2, 3]), (2, vec![4])]);
        assert!(emitted.iter().all(|c| c.witness.num_requests == 2));
        assert_eq!(builder.total_calls, 5);
    }
}
