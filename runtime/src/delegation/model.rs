//! Software models of the delegation devices, following `SPEC.md` section 3 word for
//! word. The host runs these in place of the `csrrw` calls.

use super::{Blake2sBlock, Blake2sState};
use crate::U256;
use zkos_delegation::{blake2s, u256};

/// The BLAKE2s round device; `round_mask` is the one-hot round of register x12.
pub fn blake2s_round(
    state: &mut Blake2sState,
    message: &Blake2sBlock,
    round_mask: u32,
    control: u32,
) {
    let call = blake2s::RoundCall {
        state_ptr: 0,
        message_ptr: 0,
        round: round_mask.trailing_zeros() as usize,
        control,
    };
    let mut words = [0u32; blake2s::STATE_WORDS];
    words[..8].copy_from_slice(&state.h);
    words[8..].copy_from_slice(&state.v);
    blake2s::apply(&call, &mut words, message);
    state.h.copy_from_slice(&words[..8]);
    state.v.copy_from_slice(&words[8..]);
}

/// The 256-bit integer device; `op` is register x12, the result is its new value.
pub fn u256_op(a: &mut U256, b: &U256, op: u32) -> bool {
    let (operation, carry_in) =
        u256::decode_operation(op).unwrap_or_else(|why| panic!("u256 delegation: {why}"));
    let (result, flag) = u256::apply(operation, carry_in, &a.0, &b.0);
    a.0 = result;
    flag != 0
}
