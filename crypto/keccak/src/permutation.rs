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
        let (from_half, rotation) = if r.is_multiple_of(2) {
            (half, r / 2)
        } else if half == 1 {
            (0, (r - 1) / 2)
        } else {
            (1, r.div_ceil(2))
        };
        table[out] = (2 * (x + 5 * y) + from_half, rotation);
        out += 1;
    }
    table
};

/// Lanes kept complemented (bit `x + 5y`), chosen so that χ needs 7 NOTs for each half of
/// the state instead of 25: with one operand of `!b1 & b2` stored complemented, the term is
/// one AND or OR. The set is a fixed point of the round (checked by [`CHI_FORMS`]); a
/// search of all 2^25 sets found none with fewer NOTs.
pub const COMPLEMENTED: u32 = 0x0114121;

pub(crate) const fn complemented(lane: usize) -> bool {
    (COMPLEMENTED >> lane) & 1 == 1
}

/// How χ computes `!b1 & b2` (or its complement) from the stored operands.
#[derive(Clone, Copy)]
enum Chi {
    And,
    Or,
    AndNot1,
    AndNot2,
    OrNot1,
    OrNot2,
}

/// Whether column `x` has an odd number of complemented lanes.
const fn column_parity(x: usize) -> bool {
    let (mut parity, mut y) = (false, 0);
    while y < 5 {
        parity ^= complemented(x + 5 * y);
        y += 1;
    }
    parity
}

/// Whether θ complements column `x` of the stored state: when its neighbours' parities
/// differ.
const fn column_complemented(x: usize) -> bool {
    column_parity((x + 4) % 5) ^ column_parity((x + 1) % 5)
}

/// The form of `!b1 & b2` when `b1`, `b2` are stored complemented or not (`c1`, `c2`) and
/// the term must come out complemented or not (`flip`): without a NOT when `c1 != c2`.
const fn chi_form(c1: bool, c2: bool, flip: bool) -> Chi {
    match (c1, c2, flip) {
        (true, false, false) => Chi::And,
        (false, true, true) => Chi::Or,
        (false, false, false) => Chi::AndNot1,
        (false, false, true) => Chi::OrNot2,
        (true, true, false) => Chi::AndNot2,
        (true, true, true) => Chi::OrNot1,
        _ => panic!("COMPLEMENTED is not a fixed point of the round"),
    }
}

/// For output plane `y` and lane `x`, the form of χ's term on stored values, such that the
/// stored output is complemented exactly when its lane is in [`COMPLEMENTED`].
const CHI_FORMS: [[Chi; 5]; 5] = {
    let mut forms = [[Chi::And; 5]; 5];
    let mut y = 0;
    while y < 5 {
        // Whether ρ∘π's output lane `x` of this plane is stored complemented.
        let mut b = [false; 5];
        let mut x = 0;
        while x < 5 {
            let from = SOURCE[2 * (x + 5 * y)].0 / 2;
            b[x] = complemented(from) ^ column_complemented(from % 5);
            x += 1;
        }
        let mut x = 0;
        while x < 5 {
            // The output is b ^ term: the term's complement must make up the difference.
            let flip = b[x] != complemented(x + 5 * y);
            forms[y][x] = chi_form(b[(x + 1) % 5], b[(x + 2) % 5], flip);
            x += 1;
        }
        y += 1;
    }
    forms
};

#[inline(always)]
fn chi_term(form: Chi, b1: u32, b2: u32) -> u32 {
    match form {
        Chi::And => b1 & b2,
        Chi::Or => b1 | b2,
        Chi::AndNot1 => !b1 & b2,
        Chi::AndNot2 => b1 & !b2,
        Chi::OrNot1 => !b1 | b2,
        Chi::OrNot2 => b1 | !b2,
    }
}

/// Complements the lanes of [`COMPLEMENTED`]: the stored form from the plain one and back.
pub fn complement(state: &mut State) {
    for (lane, words) in state.chunks_exact_mut(2).enumerate() {
        if complemented(lane) {
            words[0] = !words[0];
            words[1] = !words[1];
        }
    }
}

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

/// `x.rotate_left(N)`, `N < 32`. On RV32IM it is one asm block (shift, shift, OR):
/// left to itself the compiler spreads a plane's five rotations over ten registers, and
/// what does not fit spills.
#[inline(always)]
fn rotate<const N: u32>(x: u32) -> u32 {
    if N == 0 {
        return x;
    }
    #[cfg(target_arch = "riscv32")]
    {
        let out: u32;
        // SAFETY: register arithmetic only.
        unsafe {
            core::arch::asm!(
                "slli {t}, {x}, {n}",
                "srli {out}, {x}, {m}",
                "or {out}, {out}, {t}",
                x = in(reg) x,
                n = const N,
                m = const (32 - N) % 32,
                t = out(reg) _,
                out = lateout(reg) out,
                options(pure, nomem, nostack),
            );
        }
        out
    }
    #[cfg(not(target_arch = "riscv32"))]
    x.rotate_left(N)
}

/// χ of output plane `Y`, half `H`, from its ρ∘π'd words `b`, into `e`, adding the output
/// to the next round's parities `c` (cheaper than reading the state again). `iota` is
/// XORed into lane 0.
#[inline(always)]
fn chi<const Y: usize, const H: usize>(b: [u32; 5], e: &mut State, c: &mut [u32; 10], iota: u32) {
    for x in 0..5 {
        let mut out = b[x] ^ chi_term(CHI_FORMS[Y][x], b[(x + 1) % 5], b[(x + 2) % 5]);
        if Y == 0 && x == 0 {
            out ^= iota;
        }
        set(e, 2 * (x + 5 * Y) + H, out);
        c[2 * x + H] ^= out;
    }
}

/// θ's XOR, ρ and π of output plane `y`, half `h`, then [`chi`]. The source words and
/// rotations are [`SOURCE`]'s, spelled out because asm needs literal shifts; a compile-time
/// check holds them equal.
macro_rules! plane {
    ($a:ident, $d:ident, $e:ident, $c:ident, $iota:expr; $y:literal, $h:literal; $($from:literal $rotation:literal),*) => {{
        let b = [$(rotate::<$rotation>(get($a, $from) ^ $d[$from % 10])),*];
        const {
            let expected = [$(($from, $rotation)),*];
            let mut x = 0;
            while x < 5 {
                let (from, rotation) = SOURCE[2 * (x + 5 * $y) + $h];
                assert!(from == expected[x].0 && rotation == expected[x].1);
                x += 1;
            }
        }
        chi::<$y, $h>(b, $e, $c, $iota);
    }};
}

/// One round from `a` (whose parities are `c`) into `e`; returns `e`'s parities.
#[inline(always)]
fn round(a: &State, c: &[u32; 10], e: &mut State, constant: &[u32; 2]) -> [u32; 10] {
    let d = theta_effect(c);
    let mut next = [0u32; 10];
    let n = &mut next;
    plane!(a, d, e, n, constant[0]; 0, 0; 0 0, 12 22, 25 22, 37 11, 48 7);
    plane!(a, d, e, n, 0; 1, 0; 6 14, 18 10, 21 2, 33 23, 45 31);
    plane!(a, d, e, n, 0; 2, 0; 3 1, 14 3, 27 13, 38 4, 40 9);
    plane!(a, d, e, n, 0; 3, 0; 9 14, 10 18, 22 5, 35 8, 46 28);
    plane!(a, d, e, n, 0; 4, 0; 4 31, 17 28, 29 20, 31 21, 42 1);
    plane!(a, d, e, n, constant[1]; 0, 1; 1 0, 13 22, 24 21, 36 10, 49 7);
    plane!(a, d, e, n, 0; 1, 1; 7 14, 19 10, 20 1, 32 22, 44 30);
    plane!(a, d, e, n, 0; 2, 1; 2 0, 15 3, 26 12, 39 4, 41 9);
    plane!(a, d, e, n, 0; 3, 1; 8 13, 11 18, 23 5, 34 7, 47 28);
    plane!(a, d, e, n, 0; 4, 1; 5 31, 16 27, 28 19, 30 20, 43 1);
    next
}

/// keccak-f[1600] on an interleaved state.
pub fn keccak_f1600(state: &mut State) {
    complement(state);
    permute_complemented(state);
    complement(state);
}

/// keccak-f[1600] on an interleaved state whose lanes of [`COMPLEMENTED`] are stored
/// complemented, as the hasher keeps it.
pub fn permute_complemented(state: &mut State) {
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
