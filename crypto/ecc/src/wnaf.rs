//! Width-w non-adjacent form: signed odd digits below 2^(w-1) in absolute value, each
//! followed by at least w-1 zeros, so a w-NAF multiplication adds about once per w+1 bits.

use crate::words;
use zkos_guest_rt::U256;

/// Digits of `scalar = Σ digit[i]·2^i` (one more position than bits, for the last
/// carry), for `2 <= width <= 16`.
pub fn wnaf(scalar: &U256, width: u32) -> [i16; 257] {
    let mut digits = [0i16; 257];
    wnaf_into(scalar, width, &mut digits);
    digits
}

/// [`wnaf`] into zeroed `digits`, returning one past the highest non-zero digit. `N - 1`
/// positions take the scalar's bits and the last only a carry, so the scalar must be
/// below 2^(N-1) (a shorter array for a shorter scalar is less to clear and to move). The
/// digits end where the scalar's bits do (and no carry is left).
pub fn wnaf_into<const N: usize>(scalar: &U256, width: u32, digits: &mut [i16; N]) -> usize {
    debug_assert!((2..=16).contains(&width));
    let positions = N - 1;
    let top = bit_length(scalar);
    assert!(top <= positions.min(256), "a scalar longer than its digits");
    let mut carry = 0u32;
    let mut bit = 0usize;
    let mut len = 0;
    while bit < positions && (bit < top || carry != 0) {
        if words::bits(scalar, bit, 1) == carry {
            bit += 1;
            continue;
        }
        let count = width.min((positions - bit) as u32);
        let mut digit = (words::bits(scalar, bit, count) + carry) as i32;
        carry = (digit >> (width - 1)) as u32 & 1;
        digit -= (carry << width) as i32;
        digits[bit] = digit as i16;
        len = bit + 1;
        bit += count as usize;
    }
    if carry != 0 {
        digits[positions] = 1;
        len = N;
    }
    len
}

fn bit_length(value: &U256) -> usize {
    match value.0.iter().rposition(|&word| word != 0) {
        Some(i) => 32 * i + 32 - value.0[i].leading_zeros() as usize,
        None => 0,
    }
}
