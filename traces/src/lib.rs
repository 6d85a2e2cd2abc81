//! Exporter of Airbender's execution-trace layout (SPEC section 4): per-cycle rows in
//! chunks of 2^22 - 1, lazy init and teardown of RAM, final registers, and delegation
//! witnesses, in memory as `repr(C)` records and on disk as Airbender's debug dumps.
//!
//! Flow: [`trace`] runs the emulator chunk by chunk with a hook that fills and stamps rows
//! (`fill`), possibly replaying chunks side by side from states a first pass recorded
//! (`scout`); it completes the chunks in order (`stitch`) and hands each part to a
//! [`TraceSink`] as soon as it is complete.

pub mod checker;
mod clocks;
pub mod delegation;
pub mod driver;
pub mod encode;
mod fill;
mod huge_pages;
pub mod lazy_init;
pub mod row;
mod scout;
pub mod sink;
pub mod spill;
mod stitch;

pub use checker::{CheckError, CheckReport, Checker};
pub use delegation::{DelegationCircuit, DelegationKind, DelegationWitness, SpillConfig};
pub use driver::{trace, TraceError, TraceOptions, TraceSummary};
pub use row::{
    CycleData, FinalRegisterValue, FinalState, LazyInitAndTeardown, SingleCycleTracingData,
    CHUNK_ROWS,
};
pub use sink::{DirSink, DiscardSink, MemorySink, Sha256Sink, Tee, TraceSink};
