//! Delegation circuits spill their long fields to files as they are filled: the files
//! written are the same bytes whatever the spill threshold, the values read back are the
//! ones pushed, and a spill directory that cannot be used fails the trace by name.

mod common;
use common::*;
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;
use zkos_emulator::{Program, StreamOracle};
use zkos_traces::delegation::{IndirectRead, IndirectWrite, RegisterAccess, SpilledWitness, KINDS};
use zkos_traces::encode::{delegation_file, encode_delegation_witness, write_spilled_witness};
use zkos_traces::row::TimestampLimbs;
use zkos_traces::spill::SpillColumn;
use zkos_traces::*;

/// Each delegation file's name and sha256, and the bytes every column kept in memory.
#[derive(Default)]
struct CircuitSink {
    files: Vec<(String, String)>,
    most_buffered: usize,
}

fn columns_buffered(w: &SpilledWitness) -> [usize; 4] {
    [
        w.write_timestamp.buffered_bytes(),
        w.register_accesses.buffered_bytes(),
        w.indirect_reads.buffered_bytes(),
        w.indirect_writes.buffered_bytes(),
    ]
}

impl TraceSink for CircuitSink {
    fn chunk(&mut self, _: usize, _: &CycleData) -> io::Result<()> {
        Ok(())
    }
    fn delegation_circuit(
        &mut self,
        kind: DelegationKind,
        c: &DelegationCircuit,
    ) -> io::Result<()> {
        let mut hasher = Sha256::new();
        write_spilled_witness(&mut hasher, &c.witness)?;
        let loaded = encode_delegation_witness(&c.load()?.witness);
        assert_eq!(
            hex::encode(Sha256::digest(&loaded)),
            hex::encode(hasher.clone().finalize()),
            "the loaded witness encodes as the spilled one"
        );
        let name = delegation_file(kind.csr, c.index);
        self.files.push((name, hex::encode(hasher.finalize())));
        let buffered = columns_buffered(&c.witness).into_iter().max().unwrap();
        self.most_buffered = self.most_buffered.max(buffered);
        Ok(())
    }
    fn lazy_init(&mut self, _: usize, _: &[LazyInitAndTeardown]) -> io::Result<()> {
        Ok(())
    }
    fn final_state(&mut self, _: &FinalState) -> io::Result<()> {
        Ok(())
    }
}

fn options(parallel: bool, spill: SpillConfig) -> TraceOptions<'static> {
    TraceOptions {
        parallel,
        spill,
        ..TraceOptions::default()
    }
}

fn spill_every(buffer_bytes: usize) -> SpillConfig {
    SpillConfig {
        dir: None,
        buffer_bytes,
    }
}

/// Traces through the checker, returning the delegation files' hashes.
fn traced_circuits(
    program: &Program,
    input: &[u32],
    parallel: bool,
    spill: SpillConfig,
) -> CircuitSink {
    let mut sink = Tee(CircuitSink::default(), Checker::new(program.image()));
    let oracle = StreamOracle::new(input.to_vec());
    trace(program, oracle, &mut sink, &options(parallel, spill)).unwrap();
    let Tee(circuits, checker) = sink;
    checker.finish().unwrap();
    circuits
}

fn guest(name: &str) -> Program {
    Program::from_elf(zkos_guests::elf(name).unwrap()).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn probe_delegation_files_stay_golden_when_spilled_every_few_elements() {
    let Some((program, oracle)) = probe() else {
        return;
    };
    let golden_files = ["1991", "1994"].map(|csr| {
        let name = format!("delegation_circuit_{csr}_0_oracle_witness.bin");
        (
            name.clone(),
            sha256_hex(&golden(&format!("golden/{name}")).unwrap()),
        )
    });
    for (buffer_bytes, parallel) in [(1, true), (42, false), (70, true), (1 << 20, true)] {
        let sink = traced_circuits(&program, &oracle, parallel, spill_every(buffer_bytes));
        assert_eq!(
            sink.files, golden_files,
            "spilling every {buffer_bytes} bytes"
        );
        assert!(sink.most_buffered < buffer_bytes);
    }
}

#[test]
fn delegations_guest_gives_the_same_files_spilled_and_in_memory() {
    let program = guest("delegations");
    let in_memory = traced_circuits(&program, &[], true, SpillConfig::in_memory());
    assert_eq!(in_memory.files.len(), 2);
    for (buffer_bytes, parallel) in [(7 * 6, true), (7 * 14, false), (1000, true)] {
        let spilled = traced_circuits(&program, &[], parallel, spill_every(buffer_bytes));
        assert_eq!(
            spilled.files, in_memory.files,
            "spilling every {buffer_bytes} bytes"
        );
        assert!(spilled.most_buffered < buffer_bytes);
    }
}

/// 4000 iterations make 4000 BLAKE2s calls, whose indirect writes (1.3 MB) overflow the
/// default 1 MiB buffer.
#[test]
fn delegation_loop_passes_the_checker_with_the_default_spill() {
    let program = guest("delegation-loop");
    let mut checker = Checker::new(program.image());
    let summary = trace(
        &program,
        StreamOracle::new(vec![4000]),
        &mut checker,
        &TraceOptions::default(),
    )
    .unwrap();
    assert_eq!(summary.delegation_calls, vec![(0x7c7, 4000), (0x7ca, 8000)]);
    assert_eq!(checker.finish().unwrap().delegation_calls, 12_000);
    let sink = traced_circuits(&program, &[4000], true, SpillConfig::default());
    assert!(sink.most_buffered < 1 << 20);
    let small = traced_circuits(&program, &[4000], false, spill_every(7 * 14));
    assert_eq!(small.files, sink.files);
}

fn missing_dir() -> PathBuf {
    std::env::temp_dir().join(format!("zkos-no-such-spill-dir-{}", std::process::id()))
}

fn assert_sink_error_names(error: TraceError, dir: &std::path::Path) {
    let TraceError::Sink(e) = &error else {
        panic!("not a sink error: {error}");
    };
    let message = error.to_string();
    assert!(
        message.contains(&dir.display().to_string()),
        "{message} (kind {:?})",
        e.kind()
    );
}

#[test]
fn an_unusable_spill_dir_fails_the_trace_naming_it() {
    let program = guest("delegation-loop");
    let not_a_dir = std::env::temp_dir().join(format!("zkos-spill-file-{}", std::process::id()));
    std::fs::write(&not_a_dir, b"a file").unwrap();
    for (dir, parallel) in [(missing_dir(), true), (not_a_dir.clone(), false)] {
        let spill = SpillConfig {
            dir: Some(dir.clone()),
            buffer_bytes: 100,
        };
        let out = std::env::temp_dir().join(format!("zkos-spill-out-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        let mut sinks = Tee(DirSink::new(&out), MemorySink::default());
        let oracle = StreamOracle::new(vec![40]);
        let error = trace(&program, oracle, &mut sinks, &options(parallel, spill)).unwrap_err();
        std::fs::remove_dir_all(&out).unwrap();
        assert_sink_error_names(error, &dir);
        let mut checker = Checker::new(program.image());
        let oracle = StreamOracle::new(vec![40]);
        let spill = SpillConfig {
            dir: Some(dir.clone()),
            buffer_bytes: 100,
        };
        let error = trace(&program, oracle, &mut checker, &options(parallel, spill)).unwrap_err();
        assert_sink_error_names(error, &dir);
    }
    std::fs::remove_file(&not_a_dir).unwrap();
}

/// A call with its own copy of each field's part.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Call {
    write_timestamp: TimestampLimbs,
    register_accesses: Vec<RegisterAccess>,
    indirect_reads: Vec<IndirectRead>,
    indirect_writes: Vec<IndirectWrite>,
}

impl From<delegation::Call<'_>> for Call {
    fn from(call: delegation::Call<'_>) -> Call {
        Call {
            write_timestamp: call.write_timestamp,
            register_accesses: call.register_accesses.to_vec(),
            indirect_reads: call.indirect_reads.to_vec(),
            indirect_writes: call.indirect_writes.to_vec(),
        }
    }
}

fn call_strategy(kind: DelegationKind) -> impl Strategy<Value = Call> {
    let timestamp = any::<[u16; 3]>();
    let register = (any::<u32>(), any::<u32>(), timestamp).prop_map(|(r, w, t)| RegisterAccess {
        read_value: r,
        write_value: w,
        timestamp: t,
    });
    let read = (any::<u32>(), timestamp).prop_map(|(r, t)| IndirectRead {
        read_value: r,
        timestamp: t,
    });
    let write = (any::<u32>(), any::<u32>(), timestamp).prop_map(|(r, w, t)| IndirectWrite {
        read_value: r,
        write_value: w,
        timestamp: t,
    });
    (
        timestamp,
        prop::collection::vec(register, kind.registers),
        prop::collection::vec(read, kind.reads),
        prop::collection::vec(write, kind.writes),
    )
        .prop_map(|(t, registers, reads, writes)| Call {
            write_timestamp: t,
            register_accesses: registers,
            indirect_reads: reads,
            indirect_writes: writes,
        })
}

fn calls_strategy() -> impl Strategy<Value = (DelegationKind, Vec<Call>)> {
    prop::sample::select(KINDS.to_vec()).prop_flat_map(|kind| {
        (
            Just(kind),
            prop::collection::vec(call_strategy(kind), 0..24),
        )
    })
}

fn push_call(w: &mut SpilledWitness, call: &Call) {
    w.write_timestamp.push(call.write_timestamp);
    call.register_accesses
        .iter()
        .for_each(|&r| w.register_accesses.push(r));
    call.indirect_reads
        .iter()
        .for_each(|&r| w.indirect_reads.push(r));
    call.indirect_writes
        .iter()
        .for_each(|&r| w.indirect_writes.push(r));
}

fn in_memory(kind: DelegationKind, calls: &[Call]) -> DelegationWitness {
    DelegationWitness {
        write_timestamp: calls.iter().map(|c| c.write_timestamp).collect(),
        register_accesses: calls
            .iter()
            .flat_map(|c| c.register_accesses.clone())
            .collect(),
        indirect_reads: calls
            .iter()
            .flat_map(|c| c.indirect_reads.clone())
            .collect(),
        indirect_writes: calls
            .iter()
            .flat_map(|c| c.indirect_writes.clone())
            .collect(),
        ..DelegationWitness::empty(kind)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn extending_a_column_is_pushing_each_value(
        slices in prop::collection::vec(prop::collection::vec(any::<u32>(), 0..40), 0..12),
        buffer_bytes in 1..100usize,
    ) {
        let read = |v: u32| IndirectRead { read_value: v, timestamp: [v as u16, 7, 0] };
        let slices: Vec<Vec<IndirectRead>> =
            slices.iter().map(|s| s.iter().map(|&v| read(v)).collect()).collect();
        let config = Arc::new(spill_every(buffer_bytes));
        let mut pushed = SpillColumn::new(config.clone());
        let mut extended = SpillColumn::new(config);
        for slice in &slices {
            slice.iter().for_each(|&v| pushed.push(v));
            extended.extend(slice);
            prop_assert_eq!(extended.len(), pushed.len());
            prop_assert_eq!(extended.buffered_bytes(), pushed.buffered_bytes());
            prop_assert!(extended.buffered_bytes() < buffer_bytes.max(10));
        }
        let mut bytes = Vec::new();
        extended.bytes().unwrap().read_to_end(&mut bytes).unwrap();
        // Airbender's encoding of an indirect read: the value, then the three limbs.
        let expected: Vec<u8> = slices
            .concat()
            .iter()
            .flat_map(|r| {
                let [l0, l1, l2] = r.timestamp.map(u16::to_le_bytes);
                [r.read_value.to_le_bytes().as_slice(), &l0, &l1, &l2].concat()
            })
            .collect();
        prop_assert_eq!(bytes, expected);
        prop_assert_eq!(extended.load().unwrap(), slices.concat());
    }

    #[test]
    fn spilled_witness_reads_back_and_encodes_as_its_vecs(
        (kind, calls) in calls_strategy(),
        buffer_bytes in 1..400usize,
        batch_calls in 1..30usize,
    ) {
        let config = Arc::new(spill_every(buffer_bytes));
        let mut spilled = SpilledWitness::new(kind, &config);
        calls.iter().for_each(|call| push_call(&mut spilled, call));
        prop_assert!(columns_buffered(&spilled).iter().all(|&b| b < buffer_bytes));
        let expected = in_memory(kind, &calls);
        prop_assert_eq!(spilled.calls(), calls.len());
        prop_assert_eq!(&spilled.load().unwrap(), &expected);
        let mut reader = spilled.read_calls().unwrap();
        let mut batch = DelegationWitness::empty(kind);
        let mut read = Vec::new();
        while reader.read(batch_calls, &mut batch).unwrap() > 0 {
            prop_assert!(batch.calls() <= batch_calls);
            read.extend((0..batch.calls()).map(|i| Call::from(batch.call(i))));
        }
        prop_assert_eq!(&read, &calls);
        let mut bytes = Vec::new();
        write_spilled_witness(&mut bytes, &spilled).unwrap();
        prop_assert_eq!(bytes, encode_delegation_witness(&expected));
    }
}

#[test]
fn a_column_too_short_for_its_calls_is_an_error() {
    let kind = KINDS[1];
    let config = Arc::new(spill_every(16));
    let mut witness = SpilledWitness::new(kind, &config);
    for t in 1..=3u16 {
        witness.write_timestamp.push([t, 0, 0]);
        for _ in 0..kind.registers {
            witness.register_accesses.push(RegisterAccess::default());
        }
        for _ in 0..kind.reads {
            witness.indirect_reads.push(IndirectRead::default());
        }
    }
    for _ in 0..kind.writes * 3 - 1 {
        witness.indirect_writes.push(IndirectWrite::default());
    }
    let mut batch = DelegationWitness::empty(kind);
    let mut reader = witness.read_calls().unwrap();
    assert_eq!(reader.read(2, &mut batch).unwrap(), 2);
    let error = reader.read(2, &mut batch).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    assert!(error
        .to_string()
        .contains("fewer elements than its calls need"));
}
