//! Advice: values that are costly to find and cheap to check, found by the host and
//! checked by the guest with a multiplication: inverses mod p and mod n (about 270
//! multiplications each by exponentiation, one to check) and square roots mod p. An
//! answer that fails its check is a lie of the prover, not a property of the signature,
//! so the guest aborts on it; it never turns a valid signature into an invalid one.
//!
//! A question is a kind and a canonical value (8 little-endian words); the answer is a tag
//! and 8 words. On RISC-V the questions go to the host through the oracle
//! ([`OracleAdvisor`], question `ADVICE` of `docs/oracle-protocol.md`); the host's answers
//! are [`answer`], which the oracle server and the host's [`HostAdvisor`] share.

use zkos_guest_rt::U256;

/// `a^-1 mod p` of a non-zero `a`; tag 0.
pub const FIELD_INVERSE: u32 = 0;
/// A square root mod p: tag 0 and `y` with `y² = a`, or tag 1 and `w` with `w² = -a`
/// (which proves `a` has none: -1 is not a square mod p, as p = 3 mod 4).
pub const FIELD_SQRT: u32 = 1;
/// `a^-1 mod n` of a non-zero `a`; tag 0.
pub const SCALAR_INVERSE: u32 = 2;

pub const ROOT: u32 = 0;
pub const NO_ROOT: u32 = 1;

/// Ends the run on advice that fails its check (on RISC-V the panic handler aborts).
#[cold]
pub(crate) fn lie(what: &str) -> ! {
    panic!("advice: {what}")
}

/// Where the guest's advice comes from.
pub trait Advisor {
    /// The answer to question `kind` about `value` (canonical): a tag and 8 words.
    fn advise(&mut self, kind: u32, value: &U256) -> (u32, U256);
}

/// The host, asked through the oracle.
#[cfg(target_arch = "riscv32")]
pub struct OracleAdvisor;

#[cfg(target_arch = "riscv32")]
impl Advisor for OracleAdvisor {
    fn advise(&mut self, kind: u32, value: &U256) -> (u32, U256) {
        use zkos_guest_rt::oracle;
        let mut question = [kind; 9];
        question[1..].copy_from_slice(&value.0);
        oracle::ask(oracle::ADVICE, &question);
        let tag = oracle::read();
        (tag, U256(core::array::from_fn(|_| oracle::read())))
    }
}

/// The host's answers computed in place (the tests of the guest's computation).
#[cfg(not(target_arch = "riscv32"))]
pub struct HostAdvisor;

#[cfg(not(target_arch = "riscv32"))]
impl Advisor for HostAdvisor {
    fn advise(&mut self, kind: u32, value: &U256) -> (u32, U256) {
        answer(kind, value).expect("the guest asks only known questions about canonical values")
    }
}

#[cfg(not(target_arch = "riscv32"))]
pub use host::answer;

#[cfg(not(target_arch = "riscv32"))]
mod host {
    use super::*;
    use ruint::aliases::U256 as Int;

    const P: Int = Int::from_limbs([0xFFFF_FFFE_FFFF_FC2F, u64::MAX, u64::MAX, u64::MAX]);
    const N: Int = Int::from_limbs([
        0xBFD2_5E8C_D036_4141,
        0xBAAE_DCE6_AF48_A03B,
        0xFFFF_FFFF_FFFF_FFFE,
        0xFFFF_FFFF_FFFF_FFFF,
    ]);

    fn int(value: &U256) -> Int {
        Int::from_limbs(core::array::from_fn(|i| {
            value.0[2 * i] as u64 | (value.0[2 * i + 1] as u64) << 32
        }))
    }

    fn words(value: Int) -> U256 {
        let limbs = value.as_limbs();
        U256(core::array::from_fn(|i| {
            (limbs[i / 2] >> (32 * (i % 2))) as u32
        }))
    }

    /// The honest answer, by ruint's modular arithmetic (independent of the guest's);
    /// `None` for an unknown kind, a value not below its modulus, or zero to invert.
    pub fn answer(kind: u32, value: &U256) -> Option<(u32, U256)> {
        let value = int(value);
        match kind {
            FIELD_INVERSE if value < P => Some((0, words(value.inv_mod(P)?))),
            SCALAR_INVERSE if value < N => Some((0, words(value.inv_mod(N)?))),
            FIELD_SQRT if value < P => {
                let exponent = (P + Int::from(1u8)) >> 2;
                let root = value.pow_mod(exponent, P);
                if root.mul_mod(root, P) == value {
                    return Some((ROOT, words(root)));
                }
                let negated = (P - value) % P;
                Some((NO_ROOT, words(negated.pow_mod(exponent, P))))
            }
            _ => None,
        }
    }
}
