//! The host's side of the guest's key check (host only): a short vector
//! `(e1, e2, e3, e4)` with `e1 + e2·λ ≡ m·(e3 + e4·λ) (mod n)` for `m = -s/r`, entries of
//! about 2^64 (at most 65 bits in a run of 2,000 random m), so that the guest's check
//! `k_R·R + k_Q·Q + k_G·G = O` needs 64 doublings instead of 128 (the idea of Antipa et
//! al.'s accelerated ECDSA verification, with the GLV endomorphism on both points).
//!
//! Read `x = e1 + e2·ω` and `y = e3 + e4·ω` as Eisenstein integers (ω² = -1 - ω). Mod the
//! prime ideal π = a1 + b1·ω of norm n (from the GLV basis, a1 + b1·λ ≡ 0), ω is λ, so the
//! condition is `x ≡ m·y (mod π)`. The Euclidean algorithm on (π, m) in Z[ω] keeps
//! `r_i ≡ m·s_i` and stops halfway, where the norms of `r_i` and `s_i` are both about
//! √n: each coordinate is then about n^(1/4).

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{Signed, Zero};
use ruint::aliases::U256 as Int;

/// `a + b·ω`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Eisenstein {
    a: BigInt,
    b: BigInt,
}

impl Eisenstein {
    fn integer(a: BigInt) -> Self {
        Eisenstein {
            a,
            b: BigInt::zero(),
        }
    }

    fn mul(&self, other: &Self) -> Self {
        let bd = &self.b * &other.b;
        Eisenstein {
            a: &self.a * &other.a - &bd,
            b: &self.a * &other.b + &self.b * &other.a - bd,
        }
    }

    fn sub(&self, other: &Self) -> Self {
        Eisenstein {
            a: &self.a - &other.a,
            b: &self.b - &other.b,
        }
    }

    fn conjugate(&self) -> Self {
        Eisenstein {
            a: &self.a - &self.b,
            b: -&self.b,
        }
    }

    fn norm(&self) -> BigInt {
        &self.a * &self.a - &self.a * &self.b + &self.b * &self.b
    }

    /// The nearest Eisenstein integer to `self / other` (coordinates rounded), so the
    /// remainder's norm is at most 3/4 of the divisor's.
    fn rounded_quotient(&self, other: &Self) -> Self {
        let numerator = self.mul(&other.conjugate());
        let norm = other.norm();
        let twice_norm: BigInt = 2 * &norm;
        let round = |x: &BigInt| -> BigInt {
            let doubled: BigInt = x * 2 + &norm;
            doubled.div_floor(&twice_norm)
        };
        Eisenstein {
            a: round(&numerator.a),
            b: round(&numerator.b),
        }
    }
}

fn big(value: Int) -> BigInt {
    BigInt::from_bytes_be(Sign::Plus, &value.to_be_bytes::<32>())
}

fn from_hex(hex: &str) -> BigInt {
    BigInt::parse_bytes(hex.as_bytes(), 16).expect("a hex constant")
}

/// The short vector for `r` and `s` (non-zero, below n), as signs (true: negative) and
/// magnitudes.
pub fn key_check_vector(r: Int, s: Int, n: Int) -> [(bool, Int); 4] {
    let m = (n - s).mul_mod(r.inv_mod(n).expect("r is invertible"), n);
    let pi = Eisenstein {
        a: from_hex("3086d221a7d46bcde86c90e49284eb15"),
        b: -from_hex("e4437ed6010e88286f547fa90abfe4c3"),
    };
    let n = big(n);
    debug_assert_eq!(pi.norm(), n);
    let (mut r0, mut r1) = (pi, Eisenstein::integer(big(m)));
    let (mut s0, mut s1) = (
        Eisenstein::integer(BigInt::zero()),
        Eisenstein::integer(1.into()),
    );
    while r1.norm() * r1.norm() >= n {
        let q = r0.rounded_quotient(&r1);
        let r2 = r0.sub(&q.mul(&r1));
        let s2 = s0.sub(&q.mul(&s1));
        (r0, r1, s0, s1) = (r1, r2, s1, s2);
    }
    let entries = [&r1.a, &r1.b, &s1.a, &s1.b];
    core::array::from_fn(|i| {
        let magnitude = entries[i].abs().to_bytes_be().1;
        (entries[i].is_negative(), Int::from_be_slice(&magnitude))
    })
}
