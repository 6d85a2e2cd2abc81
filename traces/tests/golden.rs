//! Airbender's own trace of its probe program (../shared/airbender-golden): our files for the
//! same image and input must be byte-identical to the ones its tracer writes.

use serde_json::Value;
use std::io;
use zkos_emulator::{Program, StreamOracle};
use zkos_traces::encode::write_spilled_witness;
use zkos_traces::row::{from_limbs, SingleCycleTracingData as Row};
use zkos_traces::*;

/// A golden file; the test has checked that the suite is there.
fn golden(path: &str) -> Vec<u8> {
    zkos_testdata::read_airbender_golden(path).expect("the golden suite is there")
}

fn golden_json(path: &str) -> Value {
    serde_json::from_slice(&golden(path)).unwrap()
}

const GOLDEN_ROWS: usize = 7972;

/// Keeps the small parts whole (the big files are hashed by a `Sha256Sink` beside it).
#[derive(Default)]
struct GoldenSink {
    first_rows: Vec<Row>,
    lazy_init_nonzero: Vec<(usize, LazyInitAndTeardown)>,
    circuits: Vec<(u16, usize, Vec<u8>)>,
    final_state: Option<FinalState>,
}

impl TraceSink for GoldenSink {
    fn chunk(&mut self, index: usize, chunk: &CycleData) -> io::Result<()> {
        if index == 0 {
            self.first_rows = chunk.per_cycle_data[..GOLDEN_ROWS].to_vec();
        }
        Ok(())
    }
    fn delegation_circuit(
        &mut self,
        kind: DelegationKind,
        c: &DelegationCircuit,
    ) -> io::Result<()> {
        let mut bytes = Vec::new();
        write_spilled_witness(&mut bytes, &c.witness)?;
        self.circuits.push((kind.csr, c.index, bytes));
        Ok(())
    }
    fn lazy_init(&mut self, _: usize, entries: &[LazyInitAndTeardown]) -> io::Result<()> {
        let nonzero = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| **e != Default::default());
        self.lazy_init_nonzero.extend(nonzero.map(|(i, e)| (i, *e)));
        Ok(())
    }
    fn final_state(&mut self, state: &FinalState) -> io::Result<()> {
        self.final_state = Some(state.clone());
        Ok(())
    }
}

fn trace_probe(parallel: bool) -> (TraceSummary, GoldenSink, Sha256Sink) {
    let program = Program::from_bytes(&golden("probe.bin")).unwrap();
    let oracle =
        StreamOracle::from_hex(std::str::from_utf8(&golden("probe.hex")).unwrap()).unwrap();
    let mut sink = Tee(GoldenSink::default(), Sha256Sink::default());
    let options = TraceOptions {
        parallel,
        ..TraceOptions::default()
    };
    let summary = trace(&program, oracle, &mut sink, &options).unwrap();
    let Tee(parts, sums) = sink;
    (summary, parts, sums)
}

/// The sums of the files whose names start with `prefix`, in the order they were made.
fn sums_of(sums: &Sha256Sink, prefix: &str) -> Vec<String> {
    let files = sums
        .files
        .iter()
        .filter(|(name, _)| name.starts_with(prefix));
    files.map(|(_, sum)| hex::encode(sum)).collect()
}

fn file_sha256(name: &str) -> String {
    golden_json("golden/full_files.json")[name]["sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

fn row_as_json(index: usize, row: &Row) -> Value {
    serde_json::json!({
        "row": index,
        "pc": row.pc,
        "rs1_read_value": row.rs1_read_value,
        "rs1_read_timestamp": from_limbs(row.rs1_read_timestamp),
        "rs1_reg_idx": row.rs1_reg_idx,
        "rs2_or_mem_word_read_value": row.rs2_or_mem_word_read_value,
        "rs2_or_mem_word_address": row.rs2_or_mem_word_address,
        "rs2_or_mem_read_timestamp": from_limbs(row.rs2_or_mem_read_timestamp),
        "delegation_request": row.delegation_request,
        "rd_or_mem_word_read_value": row.rd_or_mem_word_read_value,
        "rd_or_mem_word_write_value": row.rd_or_mem_word_write_value,
        "rd_or_mem_word_address": row.rd_or_mem_word_address,
        "rd_or_mem_read_timestamp": from_limbs(row.rd_or_mem_read_timestamp),
        "non_determinism_read": row.non_determinism_read,
    })
}

#[test]
fn probe_trace_is_byte_identical_to_airbenders() {
    if zkos_testdata::airbender_golden("golden").is_none() {
        return;
    }
    let (summary, sink, sums) = trace_probe(true);
    assert_eq!(summary.cycles.raw, 7_968);
    assert_eq!(summary.chunks, 1);
    assert_eq!(summary.delegation_calls, vec![(0x7c7, 30), (0x7ca, 8)]);

    let text = String::from_utf8(golden("golden/rows_0_7971.jsonl")).unwrap();
    let expected: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(expected.len(), GOLDEN_ROWS);
    for (i, (row, want)) in sink.first_rows.iter().zip(&expected).enumerate() {
        assert_eq!(&row_as_json(i, row), want, "row {i}");
    }

    let lazy = golden_json("golden/lazy_init_teardown_nonzero.json");
    let want: Vec<(usize, LazyInitAndTeardown)> = lazy["non_zero"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let ts = e["teardown_timestamp"].as_u64().unwrap();
            (
                e["position"].as_u64().unwrap() as usize,
                LazyInitAndTeardown {
                    address: e["address"].as_u64().unwrap() as u32,
                    teardown_value: e["teardown_value"].as_u64().unwrap() as u32,
                    teardown_timestamp: row::to_limbs(ts),
                },
            )
        })
        .collect();
    assert_eq!(want.len(), 126);
    assert_eq!(sink.lazy_init_nonzero, want);
    assert_eq!(
        sums_of(&sums, "riscv_shuffle_ram_inits_chunk_"),
        vec![file_sha256("riscv_shuffle_ram_inits_chunk_0.bin")]
    );

    let state = sink.final_state.as_ref().unwrap();
    let want_state = golden_json("golden/final_state.json");
    assert_eq!(state.pc as u64, want_state["final_pc"].as_u64().unwrap());
    for (i, reg) in want_state["registers"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        assert_eq!(reg["index"].as_u64().unwrap() as usize, i);
        assert_eq!(
            state.registers[i].value as u64,
            reg["value"].as_u64().unwrap(),
            "x{i}"
        );
        assert_eq!(
            state.registers[i].last_access_timestamp,
            reg["last_access_timestamp"].as_u64().unwrap(),
            "x{i} timestamp"
        );
    }

    let mut circuits = sink.circuits.clone();
    circuits.sort();
    assert_eq!(circuits.len(), 2);
    assert_eq!((circuits[0].0, circuits[0].1), (1991, 0));
    assert_eq!(
        circuits[0].2,
        golden("golden/delegation_circuit_1991_0_oracle_witness.bin")
    );
    assert_eq!((circuits[1].0, circuits[1].1), (1994, 0));
    assert_eq!(
        circuits[1].2,
        golden("golden/delegation_circuit_1994_0_oracle_witness.bin")
    );

    assert_eq!(
        sums_of(&sums, "riscv_witness_chunk_"),
        vec![file_sha256("riscv_witness_chunk_0.bin")]
    );
}
