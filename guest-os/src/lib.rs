//! The guest OS: the bootloader that runs one block and the oracle client that asks the
//! host for everything the guest does not know. The same code runs as a bare-metal
//! RISC-V program (the transport is CSR 0x7C0) and natively on the host (the transport
//! is a Rust trait object answered directly by the host's oracle server).
//! The protocol is documented in `docs/oracle-protocol.md`.
#![no_std]

extern crate alloc;
#[cfg(not(target_arch = "riscv32"))]
extern crate std;

pub mod bootloader;
pub mod client;
pub mod hash;
pub mod protocol;
pub mod senders;

pub use bootloader::run_block;
pub use protocol::OracleTransport;

/// The execution environment the guest OS runs code with, on both targets: the EVM.
pub type DefaultEnvironment = zkos_ee_evm::EvmEnvironment;
