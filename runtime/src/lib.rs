//! Runtime for guest programs of the zkos machine (`SPEC.md`).
//!
//! On RISC-V (`target_arch = "riscv32"`) it provides the start-up code, the heap, the
//! panic handler, the oracle client (CSR 0x7C0) and the delegation calls (CSR 0x7C7 and
//! 0x7CA). On the host the same hash and 256-bit integer APIs run on software models of
//! the delegation devices, so code built on them gives the same results on both targets.
//!
//! A program is a `#![no_std] #![no_main]` binary that names its entry point:
//! ```text
//! fn main() -> [u32; 8] { [1, 2, 3, 4, 5, 6, 7, 8] }
//! zkos_guest_rt::entry!(main);
//! ```
#![no_std]

extern crate alloc;

pub mod blake2s;
pub mod delegation;
pub mod heap;
pub mod mem;
pub mod oracle;
pub mod u256;

#[cfg(target_arch = "riscv32")]
pub mod console;
#[cfg(target_arch = "riscv32")]
mod panic;
#[cfg(target_arch = "riscv32")]
mod start;

pub use blake2s::{blake2s256, hash_node, Blake2s};
pub use u256::U256;

#[cfg(target_arch = "riscv32")]
pub use panic::abort;

/// Declares the program's entry point: a `fn() -> [u32; 8]` whose result becomes the
/// public output (registers x10..x17) when the run ends.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        #[unsafe(no_mangle)]
        extern "C" fn __zkos_guest_main(output: &mut [u32; 8]) {
            let main: fn() -> [u32; 8] = $main;
            *output = main();
        }
    };
}
