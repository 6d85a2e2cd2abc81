//! An RV32IM emulator of Airbender's machine (`SPEC.md`): the oracle device, the BLAKE2s
//! and U256 delegations, cycle accounting, and every fault as a value.
//!
//! Flow: [`Program`] (load) -> [`Machine`] (decode on first execution, dispatch loop) ->
//! [`Tracer`]. Untraced runs may go through the compiled tier instead
//! ([`Machine::enable_jit`]: basic blocks translated to x86-64, the interpreter keeping
//! every hard case), with the same outcome, faults and cycle counts.

pub mod decode;
pub mod delegation;
pub mod disasm;
pub mod fault;
#[cfg(all(target_arch = "x86_64", unix))]
mod jit;
pub mod machine;
#[cfg(unix)]
mod mapping;
pub mod memory;
pub mod oracle;
pub mod program;
pub mod tracer;

pub use decode::{decode, Instruction, Op};
pub use delegation::DelegationRecord;
pub use disasm::Disassembly;
pub use fault::{Fault, FaultKind};
pub use machine::{CpuState, Cycles, JitStats, Machine, RunError, RunOutcome, Stop};
pub use oracle::{parse_hex_words, to_hex_words, HexError, Oracle, OracleDevice, StreamOracle};
pub use program::{LoadError, OpenError, Program, Symbol, CODE_CACHE_FILES};
pub use tracer::{MemAccess, NoTracer, Step, Tracer};

/// The cycle budget when none is given: the most a provable run may have (2^36).
pub const MAX_PROVABLE_CYCLES: u64 = 1 << 36;

/// Runs `program` to its end loop with no tracer.
pub fn run<O: Oracle>(
    program: &Program,
    oracle: O,
    max_cycles: u64,
) -> Result<RunOutcome, RunError> {
    Machine::new(program)?.run(oracle, max_cycles)
}
