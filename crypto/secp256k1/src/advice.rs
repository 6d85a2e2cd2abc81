//! Advice: values that are costly to find and cheap to check, found by the host and
//! checked by the guest with a multiplication: the inverse of `r` mod n, the nonce
//! point's square root mod p, and the slope of every affine doubling and addition of the
//! scalar multiplication (a quotient mod p, about 270 products by exponentiation, one to
//! check). An answer that fails its check is a lie of the prover, not a property of the
//! signature, so the guest aborts on it; a lie never turns a valid signature invalid.
//!
//! With the recovered key itself as advice, the guest checks it instead of computing it:
//! `k_R·R + k_Q·Q + k_G·G = O` for scalars from a short lattice vector, also advice
//! (found on the host by Euclid's algorithm in Z[ω], `lattice.rs`), so the check needs
//! half the doublings.
//!
//! The guest asks once per recovery (question `ADVICE` of `docs/oracle-protocol.md`, with
//! the signature) and reads the answers as its computation needs them. The host finds
//! them by running the same computation ([`advice_for_recovery`]) with an advisor that
//! computes each answer by ruint's arithmetic, independent of the guest's; the guest must
//! use exactly as many answers as the host announced.

use zkos_guest_rt::U256;

/// What the computation needs to know; values are canonical unless said otherwise.
#[derive(Clone, Copy, Debug)]
pub enum Question<'a> {
    /// Tag 0 and `a^-1 mod n` of a non-zero `a`.
    ScalarInverse(&'a U256),
    /// Tag [`ROOT`] and `y` with `y² = a (mod p)`, or tag [`NO_ROOT`] and `w` with
    /// `w² = -a`, which proves `a` has no root (-1 is no square mod p, as p = 3 mod 4);
    /// the even one of the two roots.
    FieldSqrt(&'a U256),
    /// Tag 0 and `numerator / denominator mod p` for a denominator not divisible by p
    /// (both any representatives below 2^256, as the lazily reduced field keeps them).
    FieldQuotient(&'a U256, &'a U256),
    /// The recovered key's coordinate (0: x, 1: y) with tag 0, or tag [`INFINITY`] for a
    /// key at infinity; checked by [`crate::ecmult::check_key`].
    Key {
        message_hash: &'a [u8; 32],
        r: &'a [u8; 32],
        s: &'a [u8; 32],
        recovery_id: u8,
        coordinate: usize,
    },
    /// Entry `index` of the key check's short vector for these `r` and `s` (canonical
    /// scalars): tag 1 for a negative entry, and its magnitude.
    KeyCheckVector {
        r: &'a U256,
        s: &'a U256,
        index: usize,
    },
}

pub const ROOT: u32 = 0;
pub const NO_ROOT: u32 = 1;
pub const INFINITY: u32 = 1;

/// Ends the run on advice that fails its check (on RISC-V the panic handler aborts).
#[cold]
pub(crate) fn lie(what: &str) -> ! {
    panic!("advice: {what}")
}

/// Where the guest's advice comes from.
pub trait Advisor {
    /// The answer to `question`: a tag and 8 little-endian words.
    fn advise(&mut self, question: Question<'_>) -> (u32, U256);
}

/// The signature as the `ADVICE` question's parameters: the message hash, r and s as
/// bytes(32) each (byte `4i` the low byte of word `i`), then the recovery id.
pub fn question_words(hash: &[u8; 32], r: &[u8; 32], s: &[u8; 32], recovery_id: u8) -> [u32; 25] {
    let mut words = [recovery_id as u32; 25];
    for (part, bytes) in [hash, r, s].into_iter().enumerate() {
        for (i, chunk) in bytes.chunks_exact(4).enumerate() {
            words[8 * part + i] = u32::from_le_bytes(chunk.try_into().unwrap());
        }
    }
    words
}

/// The host's answers for one recovery, read from the oracle in order.
#[cfg(target_arch = "riscv32")]
pub struct OracleAdvisor {
    left: u32,
}

#[cfg(target_arch = "riscv32")]
impl OracleAdvisor {
    /// Asks for the advice of this signature; the answer starts with its count.
    pub fn ask(hash: &[u8; 32], r: &[u8; 32], s: &[u8; 32], recovery_id: u8) -> Self {
        use zkos_guest_rt::oracle;
        oracle::ask(oracle::ADVICE, &question_words(hash, r, s, recovery_id));
        OracleAdvisor {
            left: oracle::read(),
        }
    }

    /// Every announced answer must have been used: an unused one would be a word the
    /// guest read without checking.
    pub fn finish(self) {
        if self.left != 0 {
            lie("more answers than the recovery used");
        }
    }
}

#[cfg(target_arch = "riscv32")]
impl Advisor for OracleAdvisor {
    fn advise(&mut self, _: Question<'_>) -> (u32, U256) {
        use zkos_guest_rt::oracle::read;
        if self.left == 0 {
            lie("fewer answers than the recovery needs");
        }
        self.left -= 1;
        let tag = read();
        (tag, U256(core::array::from_fn(|_| read())))
    }
}

#[cfg(not(target_arch = "riscv32"))]
pub use host::{advice_for_recovery, answer, answer_words, HostAdvisor};

#[cfg(not(target_arch = "riscv32"))]
mod host {
    use super::*;
    use alloc::vec::Vec;
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
    /// `None` for a value not below its modulus or a zero to invert.
    pub fn answer(question: Question<'_>) -> Option<(u32, U256)> {
        match question {
            Question::ScalarInverse(value) => {
                let value = int(value);
                (value < N).then_some(())?;
                Some((0, words(value.inv_mod(N)?)))
            }
            Question::FieldQuotient(numerator, denominator) => {
                let (numerator, denominator) = (int(numerator) % P, int(denominator) % P);
                let inverse = denominator.inv_mod(P)?;
                Some((0, words(numerator.mul_mod(inverse, P))))
            }
            Question::FieldSqrt(value) => {
                let value = int(value);
                (value < P).then_some(())?;
                let exponent = (P + Int::from(1u8)) >> 2;
                let even = |root: Int| if root.bit(0) { P - root } else { root };
                let root = value.pow_mod(exponent, P);
                if root.mul_mod(root, P) == value {
                    return Some((ROOT, words(even(root))));
                }
                let negated = (P - value) % P;
                Some((NO_ROOT, words(even(negated.pow_mod(exponent, P)))))
            }
            Question::Key {
                message_hash,
                r,
                s,
                recovery_id,
                coordinate,
            } => Some(key_answer(
                crate::host::recover(message_hash, r, s, recovery_id),
                coordinate,
            )),
            Question::KeyCheckVector { r, s, index } => Some(vector_answer(
                crate::lattice::key_check_vector(int(r), int(s), N)[index],
            )),
        }
    }

    /// The answer about coordinate `coordinate` of a recovered key (None: at infinity).
    fn key_answer(key: Option<[u8; 64]>, coordinate: usize) -> (u32, U256) {
        match key {
            Some(key) => {
                let bytes = &key[32 * coordinate..32 * coordinate + 32];
                (0, words(Int::from_be_slice(bytes)))
            }
            None => (INFINITY, U256::ZERO),
        }
    }

    /// The answer about an entry of a key check's short vector.
    fn vector_answer((negative, magnitude): (bool, Int)) -> (u32, U256) {
        (negative as u32, words(magnitude))
    }

    /// Honest answers computed as asked (the tests of the guest's computation).
    pub struct HostAdvisor;

    impl Advisor for HostAdvisor {
        fn advise(&mut self, question: Question<'_>) -> (u32, U256) {
            answer(question).expect("the guest asks only about canonical, invertible values")
        }
    }

    /// Records the answers it gives, as [`answer`] computes them, except that it recovers
    /// a signature's key and computes its key-check vector once for all the questions
    /// about their parts (a recovery asks for both coordinates and all four entries; each
    /// computed anew made signature advice most of a block's host time).
    #[derive(Default)]
    struct Recorder {
        answers: Vec<(u32, U256)>,
        /// The last key recovered (None: at infinity), with what it was recovered from.
        key: Option<(Signature, Option<[u8; 64]>)>,
        /// The last key-check vector, with its r and s.
        vector: Option<((U256, U256), KeyCheckVector)>,
    }

    /// A signature as a key is recovered from it: message hash, r, s, recovery id.
    type Signature = ([u8; 32], [u8; 32], [u8; 32], u8);

    /// A key check's short vector: signs (true: negative) and magnitudes.
    type KeyCheckVector = [(bool, Int); 4];

    impl Advisor for Recorder {
        fn advise(&mut self, question: Question<'_>) -> (u32, U256) {
            let answer = match question {
                Question::Key {
                    message_hash,
                    r,
                    s,
                    recovery_id,
                    coordinate,
                } => {
                    let inputs = (*message_hash, *r, *s, recovery_id);
                    let key = match self.key {
                        Some((of, key)) if of == inputs => key,
                        _ => crate::host::recover(message_hash, r, s, recovery_id),
                    };
                    self.key = Some((inputs, key));
                    key_answer(key, coordinate)
                }
                Question::KeyCheckVector { r, s, index } => {
                    let vector = match self.vector {
                        Some((of, vector)) if of == (*r, *s) => vector,
                        _ => crate::lattice::key_check_vector(int(r), int(s), N),
                    };
                    self.vector = Some(((*r, *s), vector));
                    vector_answer(vector[index])
                }
                _ => HostAdvisor.advise(question),
            };
            self.answers.push(answer);
            answer
        }
    }

    /// Every answer the guest's recovery of this signature asks for, in order: the same
    /// computation run here, on the delegation's software model, bit for bit the guest's.
    pub fn advice_for_recovery(
        hash: &[u8; 32],
        r: &[u8; 32],
        s: &[u8; 32],
        recovery_id: u8,
    ) -> Vec<(u32, U256)> {
        let mut recorder = Recorder::default();
        crate::recover_on_u256_delegation(hash, r, s, recovery_id, &mut recorder);
        recorder.answers
    }

    /// The oracle's answer to an `ADVICE` question's parameters ([`question_words`]): the
    /// count, then each answer's tag and words; `None` for a recovery id beyond a byte.
    pub fn answer_words(question: &[u32; 25]) -> Option<Vec<u32>> {
        let bytes = |words: &[u32]| -> [u8; 32] {
            core::array::from_fn(|i| words[i / 4].to_le_bytes()[i % 4])
        };
        let (hash, r, s) = (
            bytes(&question[..8]),
            bytes(&question[8..16]),
            bytes(&question[16..24]),
        );
        let recovery_id = u8::try_from(question[24]).ok()?;
        let answers = advice_for_recovery(&hash, &r, &s, recovery_id);
        let words = answers
            .iter()
            .flat_map(|(tag, value)| core::iter::once(*tag).chain(value.0));
        Some(
            core::iter::once(answers.len() as u32)
                .chain(words)
                .collect(),
        )
    }
}
