//! The guest cycle profiler. A [`ProfileTracer`] rides on the emulator's tracing hook and
//! follows the guest's calls and returns in a shadow stack; every cycle lands in the call
//! tree node of the function running it, at its pc, so inlined frames can be added from
//! the DWARF line tables afterwards. The numbers add up: the folded stacks sum to the run's
//! cycles exactly.
//!
//! Flow: ELF -> [`symbols::SymbolTable`] -> [`ProfileTracer`] (during the run) ->
//! [`Profile`] (folded stacks, function table, marked invocations) -> flamegraph/JSON.

pub mod calltree;
pub mod inline;
pub mod marks;
pub mod report;
pub mod symbols;
pub mod tracer;

pub use marks::{Mark, MarkStats};
pub use report::{FunctionRow, Profile};
pub use symbols::SymbolTable;
pub use tracer::{ProfileTracer, Weight};

use zkos_emulator::{Machine, Oracle, Program, RunError, RunOutcome};

/// Runs `program` with a profiling tracer and builds its profile. `elf` (when the program
/// came from one) supplies inlined frames.
pub fn profile_program<O: Oracle>(
    program: &Program,
    elf: Option<&[u8]>,
    oracle: O,
    weight: Weight,
    marks: Vec<Mark>,
    max_cycles: u64,
) -> Result<(Profile, RunOutcome), RunError> {
    let mut tracer = ProfileTracer::new(SymbolTable::from_program(program), weight, marks);
    let outcome = Machine::new(program)?.run_traced(oracle, &mut tracer, max_cycles)?;
    Ok((Profile::build(tracer, elf), outcome))
}
