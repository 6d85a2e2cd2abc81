//! The algorithms of the guest test programs in `guests/riscv/programs`. Each program
//! reads its input from the oracle, calls one function here and returns its 8 words; the
//! host tests call the same function natively and compare.
#![no_std]

extern crate alloc;

pub mod arith;
pub mod bench;
pub mod delegations;
pub mod digest;
pub mod echo;
pub mod hashing;
pub mod rng;
pub mod sorting;

pub use digest::Digest;

#[cfg(feature = "reference")]
pub mod reference;
