//! Running a block on the host: STATE.json / BLOCK.json parsing, the host state tree and
//! the oracle server that answers the guest from the pre-state, the native run (and the
//! RISC-V run through the emulator), comparison of the two, and the prover's input files.
pub mod chain;
pub mod chain_scenario;
pub mod input;
pub mod native;
pub mod prover_input;
pub mod reconstruct;
pub mod replay;
pub mod report;
pub mod riscv;
pub mod run;
pub mod scenario;
pub mod server;
pub mod tree;
pub mod txgen;
pub mod world;

pub use input::{parse_block, parse_state, InputError};
pub use native::{run_native, GuestFault, GuestRun};
pub use world::{AccountState, PreState, World};

/// The execution environment both targets run (the EVM replaces it when it lands).
pub type Environment = zkos_guest_os::DefaultEnvironment;
