//! The BLS12-381 precompiles of EIP-2537 (Prague): 0x0b G1ADD, 0x0c G1MSM, 0x0d G2ADD,
//! 0x0e G2MSM, 0x0f PAIRING_CHECK, 0x10 MAP_FP_TO_G1 and 0x11 MAP_FP2_TO_G2.
//!
//! Every input point must be on its curve; MSM and pairing inputs must also be in the
//! prime-order subgroup (ADD inputs need not). Inputs of the wrong length, empty ones
//! included, fail.

mod encoding;
mod groups;
mod map;
mod msm;
mod pairing;

pub(super) use groups::{g1_add, g1_msm, g2_add, g2_msm};
pub(super) use map::{map_fp2_to_g2, map_fp_to_g1};
pub(super) use pairing::pairing_check;
