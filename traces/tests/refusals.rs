//! Runs that cannot be proven are refused, naming the reason and the pc, in both modes.

mod common;
use common::*;
use zkos_emulator::{FaultKind, StreamOracle};
use zkos_traces::*;

fn refuse(words: &[u32], max_cycles: u64, parallel: bool) -> TraceError {
    let options = TraceOptions {
        parallel,
        max_cycles,
        ..TraceOptions::default()
    };
    let mut sink = MemorySink::default();
    let error = trace(
        &program(words),
        StreamOracle::default(),
        &mut sink,
        &options,
    )
    .unwrap_err();
    assert!(
        sink.lazy_init.is_empty() && sink.final_state.is_none(),
        "nothing looks complete"
    );
    error
}

#[test]
fn mmio_access_is_refused_with_its_pc() {
    for parallel in [false, true] {
        let error = refuse(&[lui(5, 0xffff0), lw(6, 5, 0), END_LOOP], 1 << 20, parallel);
        assert!(matches!(error, TraceError::Mmio { pc: 4 }), "{error}");
    }
}

#[test]
fn cycle_limit_is_refused_with_its_pc() {
    for parallel in [false, true] {
        let error = refuse(&[addi(1, 1, 1), jal(0, -4)], 101, parallel);
        assert!(
            matches!(error, TraceError::CycleLimit { limit: 101, pc: 4 }),
            "{error}"
        );
    }
}

#[test]
fn fault_is_refused_with_its_pc() {
    for parallel in [false, true] {
        let error = refuse(&[addi(1, 0, 1), sw(1, 0, 0), END_LOOP], 1 << 20, parallel);
        match error {
            TraceError::Fault(e) => {
                assert_eq!((e.fault.kind, e.fault.pc), (FaultKind::RomWrite, 4))
            }
            other => panic!("{other}"),
        }
    }
}
