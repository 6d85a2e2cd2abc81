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

/// Word `i` of `a`. State words are read and written with volatile accesses so that they
/// happen in the order written: otherwise the compiler hoists the loads of every plane to
/// the top of the round and spills most of them, about 40 % more cycles on RV32.
#[inline(always)]
fn get(a: &State, i: usize) -> u32 {
    // SAFETY: a reference to an initialised `u32`.
    unsafe { core::ptr::read_volatile(&a[i]) }
}

#[inline(always)]
fn set(e: &mut State, i: usize, value: u32) {
    // SAFETY: a reference to a `u32`.
    unsafe { core::ptr::write_volatile(&mut e[i], value) }
}

/// θ's column parities `C`, interleaved: word `2x + h` is half `h` of column `x`'s.
fn parities(a: &State) -> [u32; 10] {
    core::array::from_fn(|w| {
        get(a, w) ^ get(a, w + 10) ^ get(a, w + 20) ^ get(a, w + 30) ^ get(a, w + 40)
    })
}

/// θ's `D` from the parities: word `2x + h` is half `h` of what column `x` is XORed with.
#[inline(always)]
fn theta_effect(c: &[u32; 10]) -> [u32; 10] {
    let mut d = [0u32; 10];
    for x in 0..5 {
        let (left, right) = (2 * ((x + 4) % 5), 2 * ((x + 1) % 5));
        d[2 * x] = c[left] ^ c[right + 1].rotate_left(1);
        d[2 * x + 1] = c[left + 1] ^ c[right];
    }
    d
}

/// θ's XOR, ρ, π and χ of output plane `Y`, half `H`, from `a` into `e`, adding the
/// output to the next round's parities `c` (cheaper than reading the state again).
#[inline(always)]
fn plane<const Y: usize, const H: usize>(
    a: &State,
    d: &[u32; 10],
    e: &mut State,
    c: &mut [u32; 10],
) {
    let word = |x: usize| 2 * (x + 5 * Y) + H;
    let b = |x: usize| {
        let (from, rotation) = SOURCE[word(x)];
        (get(a, from) ^ d[from % 10]).rotate_left(rotation)
    };
    let b = [b(0), b(1), b(2), b(3), b(4)];
    for x in 0..5 {
        let out = b[x] ^ (!b[(x + 1) % 5] & b[(x + 2) % 5]);
        set(e, word(x), out);
        c[2 * x + H] ^= out;
    }
}

#[inline(always)]
fn half<const H: usize>(a: &State, d: &[u32; 10], e: &mut State, c: &mut [u32; 10]) {
    plane::<0, H>(a, d, e, c);
    plane::<1, H>(a, d, e, c);
    plane::<2, H>(a, d, e, c);
    plane::<3, H>(a, d, e, c);
    plane::<4, H>(a, d, e, c);
}

/// One round from `a` (whose parities are `c`) into `e`; returns `e`'s parities.
#[inline(always)]
fn round(a: &State, c: &[u32; 10], e: &mut State, constant: &[u32; 2]) -> [u32; 10] {
    let d = theta_effect(c);
    let mut next = [0u32; 10];
    half::<0>(a, &d, e, &mut next);
    half::<1>(a, &d, e, &mut next);
    set(e, 0, get(e, 0) ^ constant[0]);
    set(e, 1, get(e, 1) ^ constant[1]);
    next[0] ^= constant[0];
    next[1] ^= constant[1];
    next
}

/// keccak-f[1600] on an interleaved state.
pub fn keccak_f1600(state: &mut State) {
    let mut scratch = [0u32; 50];
    let mut c = parities(state);
    for constants in ROUND_CONSTANTS.chunks_exact(2) {
        c = round(state, &c, &mut scratch, &constants[0]);
        c = round(&scratch, &c, state, &constants[1]);
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
