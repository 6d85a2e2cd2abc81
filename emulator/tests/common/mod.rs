//! Shared helpers for the emulator's tests: a tiny RV32IM assembler and ways to run a flat
//! program built from its words.
#![allow(dead_code)]

pub mod asm;
pub mod elf;

use zkos_emulator::{Machine, Program, RunError, StreamOracle};

/// The first RAM address; tests put their data here.
pub const RAM: u32 = zkos_linker::RAM_START;

/// Little-endian bytes of a list of instruction words.
pub fn to_bytes(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// A flat program made of `words`.
pub fn program(words: &[u32]) -> Program {
    Program::from_flat(&to_bytes(words)).expect("test program is a valid flat binary")
}

/// What a run of a test program left behind.
pub struct Finished {
    pub machine: Machine,
    pub result: Result<zkos_emulator::RunOutcome, RunError>,
}

impl Finished {
    pub fn registers(&self) -> [u32; 32] {
        self.machine.registers()
    }

    /// The fault of a run that must have faulted.
    pub fn error(&self) -> &RunError {
        match &self.result {
            Ok(outcome) => panic!("expected a fault, the run finished: {outcome:?}"),
            Err(e) => e,
        }
    }

    pub fn outcome(&self) -> &zkos_emulator::RunOutcome {
        match &self.result {
            Ok(outcome) => outcome,
            Err(e) => panic!("expected a finished run, got: {e}"),
        }
    }
}

/// Runs `words` with an oracle and a cycle limit.
pub fn run_with(words: &[u32], oracle: &mut StreamOracle, max_cycles: u64) -> Finished {
    let mut machine = Machine::new(&program(words)).expect("machine");
    let result = machine.run(oracle, max_cycles);
    Finished { machine, result }
}

/// Runs `words` with an empty oracle and a small cycle limit.
pub fn run(words: &[u32]) -> Finished {
    run_with(words, &mut StreamOracle::default(), 100_000)
}

/// Runs `body` followed by the end loop and returns all 32 registers.
pub fn registers_after(body: &[u32]) -> [u32; 32] {
    let mut words = body.to_vec();
    words.push(asm::END_LOOP);
    let finished = run(&words);
    finished.outcome();
    finished.registers()
}
