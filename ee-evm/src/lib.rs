//! The EVM execution environment (Cancun), `no_std` + `alloc`: the same code runs
//! natively and on RISC-V. It plugs into `zkos_system` through
//! [`zkos_system::ee::ExecutionEnvironment`]: the system's frame loop asks it for a
//! [`zkos_system::ee::Frame`] per call and drives calls and creations itself.
#![no_std]

extern crate alloc;

#[macro_use]
mod macros;

pub mod analysis;
mod cursor;
pub mod gas;
mod i256;
mod instructions;
pub mod interpreter;
mod keccak_cache;
pub mod memory;
pub mod native;
pub mod opcode;
mod pool;
pub mod precompiles;
mod stack;

mod environment;

pub use environment::EvmEnvironment;
pub use interpreter::Interpreter;
