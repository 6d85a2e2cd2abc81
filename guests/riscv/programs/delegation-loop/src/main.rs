//! Input: iterations. Each makes one BLAKE2s round call and two U256 calls, so both
//! kinds' circuits fill at the same pace (a BLAKE2s circuit holds 2^20 - 1 calls, a U256
//! one 2^21 - 1). Output: the BLAKE2s state words XOR the 256-bit sum. About 16 cycles
//! an iteration: runs with millions of delegation calls stay short.
#![no_std]
#![no_main]

use zkos_guest_rt::delegation::{blake2s_round, Blake2sBlock, Blake2sState};
use zkos_guest_rt::{oracle, U256};

fn main() -> [u32; 8] {
    let iterations = oracle::read();
    let mut state = Blake2sState::default();
    let message: Blake2sBlock = core::array::from_fn(|i| i as u32);
    let mut sum = U256::ZERO;
    let step = U256::from_u64(0x9e37_79b9_7f4a_7c15);
    for i in 0..iterations as usize {
        blake2s_round(&mut state, &message, i % 10, 0);
        sum.add_with_carry(&step, false);
        sum.add_with_carry(&step, false);
    }
    core::array::from_fn(|i| state.h[i] ^ sum.0[i])
}

zkos_guest_rt::entry!(main);
