//! Elliptic-curve arithmetic on the 256-bit integer delegation (CSR 0x7CA, `SPEC.md`
//! section 3), shared by the curves of the guest OS (zkos-secp256k1, zkos-p256): integers
//! mod any odd modulus in Montgomery form, Jacobian point formulas for any short
//! Weierstrass curve over a field that implements [`CurveField`], affine ones whose slopes
//! come from a [`Divider`] (advice on the guest), w-NAF digits and Strauss' multi-scalar
//! multiplication over either.
//!
//! On RISC-V every 256-bit operation is one delegation call; on the host the same code
//! runs on `zkos_guest_rt`'s software model of the device.
#![no_std]

mod curve;
mod montgomery;
mod strauss;
mod wnaf;
pub mod words;

pub use curve::{AffinePoint, CurveField, Divider, JacobianPoint, NonZero};
pub use montgomery::{Modulus, Montgomery, Residue};
pub use strauss::{odd_multiples, odd_multiples_affine, strauss, strauss_affine, Digits, Terms};
pub use wnaf::{wnaf, wnaf_into};
