//! Keccak-256 as Ethereum uses it (original padding `0x01 … 0x80`, rate 136 bytes).
//!
//! On RISC-V (`riscv32`) [`Keccak256`] is [`interleaved::Keccak256`]: keccak-f[1600] on
//! bit-interleaved 32-bit words, so the 32-bit machine never emulates 64-bit lanes.
//! On x86-64 it wraps `keccak-asm` (CRYPTOGAMS' assembly), elsewhere the `sha3` crate:
//! both are faster on 64-bit hosts, and all give the same bytes (checked against `sha3` by
//! the tests). The interleaved hasher is built on every target so host tests can check it.
#![no_std]

pub mod interleaved;
mod permutation;

/// Bytes absorbed per permutation.
pub const RATE: usize = 136;

#[cfg(target_arch = "riscv32")]
pub use interleaved::Keccak256;

#[cfg(not(target_arch = "riscv32"))]
pub use host::Keccak256;

/// Keccak-256 of `data` in one call.
#[cfg(target_arch = "riscv32")]
pub use interleaved::keccak256;

/// Keccak-256 of `data` in one call.
#[cfg(not(target_arch = "riscv32"))]
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    <host::Backend as host::Digest>::digest(data).into()
}

#[cfg(not(target_arch = "riscv32"))]
mod host {
    #[cfg(target_arch = "x86_64")]
    pub use keccak_asm::{Digest, Keccak256 as Backend};
    #[cfg(not(target_arch = "x86_64"))]
    pub use sha3::{Digest, Keccak256 as Backend};

    /// Streaming Keccak-256 over the host's fastest backend.
    #[derive(Clone, Default)]
    pub struct Keccak256(Backend);

    impl Keccak256 {
        pub fn new() -> Self {
            Self::default()
        }

        pub fn update(&mut self, data: &[u8]) {
            self.0.update(data);
        }

        pub fn finalize(self) -> [u8; 32] {
            self.0.finalize().into()
        }
    }
}
