//! keccak-f[1600] on a bit-interleaved state: lane `x + 5y` is the words `2(x + 5y)` (its
//! even bits) and `2(x + 5y) + 1` (its odd bits). Rotating a lane by `r` is then two 32-bit
//! rotations by about `r / 2`, and after θ the even and odd halves never meet again in a
//! round, so ρ, π and χ run on one half of the state at a time.

/// The interleaved state.
pub type State = [u32; 50];

const ROUNDS: usize = 24;

/// `(even bits, odd bits)` of a 64-bit value.
pub const fn split_bits(value: u64) -> (u32, u32) {
    let (mut even, mut odd) = (0u32, 0u32);
    let mut j = 0;
    while j < 32 {
        even |= (((value >> (2 * j)) & 1) as u32) << j;
        odd |= (((value >> (2 * j + 1)) & 1) as u32) << j;
        j += 1;
    }
    (even, odd)
}

/// Bit `t` of the round constants' LFSR (x^8 + x^6 + x^5 + x^4 + 1).
const fn lfsr_bit(t: usize) -> u64 {
    let mut r: u32 = 1;
    let mut i = 0;
    while i < t {
        r <<= 1;
        if r & 0x100 != 0 {
            r ^= 0x171;
        }
        i += 1;
    }
    (r & 1) as u64
}

/// ι's constants, interleaved: `[even, odd]` for each round.
const ROUND_CONSTANTS: [[u32; 2]; ROUNDS] = {
    let mut table = [[0u32; 2]; ROUNDS];
    let mut round = 0;
    while round < ROUNDS {
        let mut constant = 0u64;
        let mut j = 0;
        while j < 7 {
            constant |= lfsr_bit(j + 7 * round) << ((1 << j) - 1);
            j += 1;
        }
        let (even, odd) = split_bits(constant);
        table[round] = [even, odd];
        round += 1;
    }
    table
};

/// ρ's rotation of lane `x + 5y`.
const RHO: [u32; 25] = {
    let mut table = [0u32; 25];
    let (mut x, mut y) = (1, 0);
    let mut t = 0;
    while t < 24 {
        table[x + 5 * y] = (((t + 1) * (t + 2) / 2) % 64) as u32;
        (x, y) = (y, (2 * x + 3 * y) % 5);
        t += 1;
    }
    table
};

/// For each word of ρ∘π's output, the input word it comes from and its 32-bit rotation.
/// π moves lane `(x, y)` to `(y, 2x + 3y)`; an odd `r` also swaps the halves: input bit
/// `2j` lands on `2j + r`, odd, and input bit `2j + 1` on `2(j + (r + 1) / 2)`, even.
const SOURCE: [(usize, u32); 50] = {
    let mut table = [(0usize, 0u32); 50];
    let mut out = 0;
    while out < 50 {
        let (lane, half) = (out / 2, out % 2);
        let (x_out, y_out) = (lane % 5, lane / 5);
        let (x, y) = (((y_out + 5 - (3 * x_out) % 5) * 3) % 5, x_out);
        let r = RHO[x + 5 * y];
        let (from_half, rotation) = if r % 2 == 0 {
            (half, r / 2)
        } else if half == 1 {
            (0, (r - 1) / 2)
        } else {
            (1, (r + 1) / 2)
        };
        table[out] = (2 * (x + 5 * y) + from_half, rotation);
        out += 1;
    }
    table
};

/// θ's `D`, interleaved: word `2x + h` is half `h` of the value XORed into column `x`.
#[inline(always)]
fn theta_effect(a: &State) -> [u32; 10] {
    let mut c = [0u32; 10];
    for (w, parity) in c.iter_mut().enumerate() {
        *parity = a[w] ^ a[w + 10] ^ a[w + 20] ^ a[w + 30] ^ a[w + 40];
    }
    let mut d = [0u32; 10];
    for x in 0..5 {
        let (left, right) = (2 * ((x + 4) % 5), 2 * ((x + 1) % 5));
        d[2 * x] = c[left] ^ c[right + 1].rotate_left(1);
        d[2 * x + 1] = c[left + 1] ^ c[right];
    }
    d
}

/// θ's XOR, ρ, π and χ of output plane `Y`, half `H`, from `a` into `e`.
#[inline(always)]
fn plane<const Y: usize, const H: usize>(a: &State, d: &[u32; 10], e: &mut State) {
    let word = |x: usize| 2 * (x + 5 * Y) + H;
    let b = |x: usize| {
        let (from, rotation) = SOURCE[word(x)];
        (a[from] ^ d[from % 10]).rotate_left(rotation)
    };
    let (b0, b1, b2, b3, b4) = (b(0), b(1), b(2), b(3), b(4));
    e[word(0)] = b0 ^ (!b1 & b2);
    e[word(1)] = b1 ^ (!b2 & b3);
    e[word(2)] = b2 ^ (!b3 & b4);
    e[word(3)] = b3 ^ (!b4 & b0);
    e[word(4)] = b4 ^ (!b0 & b1);
}

#[inline(always)]
fn half<const H: usize>(a: &State, d: &[u32; 10], e: &mut State) {
    plane::<0, H>(a, d, e);
    plane::<1, H>(a, d, e);
    plane::<2, H>(a, d, e);
    plane::<3, H>(a, d, e);
    plane::<4, H>(a, d, e);
}

/// One round from `a` into `e`.
#[inline(always)]
fn round(a: &State, e: &mut State, constant: &[u32; 2]) {
    let d = theta_effect(a);
    half::<0>(a, &d, e);
    half::<1>(a, &d, e);
    e[0] ^= constant[0];
    e[1] ^= constant[1];
}

/// keccak-f[1600] on an interleaved state.
pub fn keccak_f1600(state: &mut State) {
    let mut scratch = [0u32; 50];
    for constants in ROUND_CONSTANTS.chunks_exact(2) {
        round(state, &mut scratch, &constants[0]);
        round(&scratch, state, &constants[1]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_constants_match_the_specification() {
        let (even, odd) = split_bits(0x8000_0000_8000_8008);
        assert_eq!(ROUND_CONSTANTS[23], [even, odd]);
        assert_eq!(ROUND_CONSTANTS[0], [1, 0]);
        let (even, odd) = split_bits(0x0000_0000_0000_8082);
        assert_eq!(ROUND_CONSTANTS[1], [even, odd]);
    }

    #[test]
    fn rho_offsets_match_the_specification() {
        assert_eq!(&RHO[..5], &[0, 1, 62, 28, 27]);
        assert_eq!(&RHO[20..], &[18, 2, 61, 56, 14]);
    }
}
