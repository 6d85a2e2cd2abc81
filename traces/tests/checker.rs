//! The checker accepts real traces and rejects any single changed field; serial and
//! parallel tracing give the same bytes, also across chunk boundaries.

mod common;
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::RefCell;
use zkos_traces::*;

/// Changes field `field` of a row by XOR with a non-zero `mask` (cut to the field's width).
fn flip_row_field(row: &mut SingleCycleTracingData, field: usize, mask: u64) {
    let m32 = (mask as u32).max(1);
    let m16 = (mask as u16).max(1);
    let flip_ts = |ts: &mut [u16; 3]| {
        let t = row::from_limbs(*ts) ^ (mask & 0xffff_ffff_ffff).max(1);
        *ts = row::to_limbs(t);
    };
    match field {
        0 => row.pc ^= m32,
        1 => row.rs1_read_value ^= m32,
        2 => flip_ts(&mut row.rs1_read_timestamp),
        3 => row.rs1_reg_idx ^= m16,
        4 => row.rs2_or_mem_word_read_value ^= m32,
        5 => row.rs2_or_mem_word_address ^= m32,
        6 => flip_ts(&mut row.rs2_or_mem_read_timestamp),
        7 => row.delegation_request ^= m16,
        8 => row.rd_or_mem_word_read_value ^= m32,
        9 => row.rd_or_mem_word_write_value ^= m32,
        10 => row.rd_or_mem_word_address ^= m32,
        11 => flip_ts(&mut row.rd_or_mem_read_timestamp),
        _ => row.non_determinism_read ^= m32,
    }
}

#[test]
fn checker_passes_the_probe_and_fails_on_any_changed_row_field() {
    let Some((program, oracle)) = probe() else {
        return;
    };
    let (_, sink) = trace_to_memory(&program, oracle, true);
    let report = check(&program, &sink).unwrap();
    assert_eq!(report.chunks, 1);
    assert_eq!(report.delegation_calls, 38);
    assert_eq!(report.touched_words, 126);
    let sink = RefCell::new(sink);
    let interesting_rows = 0..7_972usize;
    let any_row = 0..CHUNK_ROWS;
    let strategy = (
        prop_oneof![interesting_rows, any_row],
        0..13usize,
        any::<u64>(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 32,
        ..Config::default()
    });
    runner
        .run(&strategy, |(index, field, mask)| {
            let original = sink.borrow().chunks[0].per_cycle_data[index];
            flip_row_field(
                &mut sink.borrow_mut().chunks[0].per_cycle_data[index],
                field,
                mask,
            );
            let verdict = check(&program, &sink.borrow());
            sink.borrow_mut().chunks[0].per_cycle_data[index] = original;
            prop_assert!(
                verdict.is_err(),
                "row {index} field {field} mask {mask:x} passed"
            );
            Ok(())
        })
        .unwrap();
}

#[test]
fn checker_fails_on_changed_witness_lazy_init_and_final_state() {
    let Some((program, oracle)) = probe() else {
        return;
    };
    let (_, sink) = trace_to_memory(&program, oracle, true);
    let sink = RefCell::new(sink);
    type Edit = fn(&mut MemorySink, usize, u32);
    let edits: Vec<Edit> = vec![
        |s, i, m| s.circuits[0].1.witness.register_accesses[i % 120].read_value ^= m,
        |s, i, m| s.circuits[0].1.witness.register_accesses[i % 120].timestamp[0] ^= m as u16,
        |s, i, m| s.circuits[0].1.witness.indirect_reads[i % 480].read_value ^= m,
        |s, i, m| s.circuits[0].1.witness.indirect_writes[i % 720].write_value ^= m,
        |s, i, m| s.circuits[1].1.witness.indirect_writes[i % 64].read_value ^= m,
        |s, i, m| s.circuits[1].1.witness.write_timestamp[i % 8][0] ^= m as u16,
        |s, i, m| s.lazy_init[0][CHUNK_ROWS - 1 - i % 126].teardown_value ^= m,
        |s, i, m| s.lazy_init[0][CHUNK_ROWS - 1 - i % 126].teardown_timestamp[0] ^= m as u16,
        |s, i, m| s.final_state.as_mut().unwrap().registers[i % 32].value ^= m,
        |s, i, m| {
            s.final_state.as_mut().unwrap().registers[i % 32].last_access_timestamp ^= m as u64
        },
        |s, _, m| s.final_state.as_mut().unwrap().pc ^= m,
    ];
    let mut runner = TestRunner::new(Config {
        cases: 16,
        ..Config::default()
    });
    runner
        .run(
            &(0..edits.len(), any::<usize>(), 1..u16::MAX as u32),
            |(edit, index, mask)| {
                let original = {
                    let s = sink.borrow();
                    (
                        s.circuits.clone(),
                        s.lazy_init[0][CHUNK_ROWS - 200..].to_vec(),
                        s.final_state.clone(),
                    )
                };
                edits[edit](&mut sink.borrow_mut(), index, mask);
                let verdict = check(&program, &sink.borrow());
                {
                    let mut s = sink.borrow_mut();
                    s.circuits = original.0;
                    s.lazy_init[0][CHUNK_ROWS - 200..].copy_from_slice(&original.1);
                    s.final_state = original.2;
                }
                prop_assert!(verdict.is_err(), "edit {edit} at {index} passed");
                Ok(())
            },
        )
        .unwrap();
}

/// A loop of about 3 chunks that stores, loads, reads the oracle and calls U256.
fn three_chunk_program() -> zkos_emulator::Program {
    program(&[
        lui(10, 0x200),
        addi(11, 10, 32),
        lui(6, 0x140), // 0x140000 iterations of 8 cycles
        addi(12, 0, 1),
        // loop:
        sw(6, 10, 0),
        lw(7, 11, 0),
        add(7, 7, 6),
        sw(7, 11, 4),
        csrrw(8, 0x7c0, 0),
        addi(6, 6, -1),
        addi(12, 0, 1),
        bne(6, 0, -28),
        csrrw(0, 0x7ca, 0),
        END_LOOP,
    ])
}

/// A loop of about 4 chunks whose every iteration depends on memory the previous one
/// wrote: a running sum, a byte store into a word, and a U256 call over the same words.
fn memory_carrying_program() -> zkos_emulator::Program {
    program(&[
        lui(10, 0x200),
        addi(11, 10, 32),
        lui(6, 0x190), // 0x190000 iterations of 10 cycles
        addi(12, 0, 1),
        // loop:
        lw(7, 10, 4),
        add(7, 7, 6),
        sw(7, 10, 4),
        sb(6, 11, 5),
        csrrw(8, 0x7c0, 0),
        add(7, 7, 8),
        addi(12, 0, 1),
        csrrw(0, 0x7ca, 0),
        addi(6, 6, -1),
        bne(6, 0, -36),
        END_LOOP,
    ])
}

/// Replaying chunks from the scout's states, with each replayer applying the writes of the
/// chunks it skips, gives the serial trace whatever the number of replayers.
#[test]
fn replayed_chunks_match_serial_whatever_the_replayer_count() {
    let program = memory_carrying_program();
    let (summary, serial, report) = hashed_trace(&program, serial());
    assert_eq!(summary.chunks, 4);
    assert_eq!(report.chunks, 4);
    assert_eq!(
        summary.delegation_calls,
        vec![(0x7c7, 0), (0x7ca, 0x190000)]
    );
    for replayers in [2, 3, 5] {
        let options = TraceOptions {
            replayers: Some(replayers),
            ..TraceOptions::default()
        };
        let (_, parallel, _) = hashed_trace(&program, options);
        assert_eq!(parallel.files, serial.files, "{replayers} replayers");
    }
}

fn serial() -> TraceOptions<'static> {
    TraceOptions {
        parallel: false,
        ..TraceOptions::default()
    }
}

fn hashed_trace(
    program: &zkos_emulator::Program,
    options: TraceOptions<'_>,
) -> (TraceSummary, Sha256Sink, CheckReport) {
    let mut sink = Tee(Sha256Sink::default(), Checker::new(program.image()));
    let oracle = zkos_emulator::StreamOracle::new((0..100).collect());
    let summary = trace(program, oracle, &mut sink, &options).unwrap();
    let Tee(hashes, checker) = sink;
    (summary, hashes, checker.finish().unwrap())
}

#[test]
fn serial_and_parallel_traces_are_byte_identical_across_chunks() {
    let program = three_chunk_program();
    let (summary, parallel, report) = hashed_trace(&program, TraceOptions::default());
    assert_eq!(summary.chunks, 3);
    assert_eq!(report.chunks, 3);
    assert_eq!(summary.cycles.raw, 4 + 8 * 0x140000 + 1);
    assert_eq!(summary.delegation_calls, vec![(0x7c7, 0), (0x7ca, 1)]);
    let (_, serial, _) = hashed_trace(&program, serial());
    assert_eq!(parallel.files.len(), 3 + 3 + 1 + 1);
    assert_eq!(parallel.files, serial.files);
}

#[test]
fn probe_traced_serially_matches_parallel() {
    let Some((program, oracle)) = probe() else {
        return;
    };
    let (_, a) = trace_to_memory(&program, oracle.clone(), true);
    let (_, b) = trace_to_memory(&program, oracle, false);
    assert!(a.chunks == b.chunks && a.circuits == b.circuits);
    assert!(a.lazy_init == b.lazy_init && a.final_state == b.final_state);
}
