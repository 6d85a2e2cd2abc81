//! Compute-heavy solc-compiled workloads for the EVM bench (sources and runtime code in
//! `benches/data/evm-compute`): 1024-bit Montgomery squaring, SHA-256 in EVM code and a
//! ray tracer. Each comes with its calldata and a check of its output.
use num_bigint::BigUint;
use sha2::{Digest, Sha256};
use zkos_system::types::keccak256;

const BIGNUM_CODE: &str = include_str!("../data/evm-compute/BigNum.bin-runtime");
const SHA256_CODE: &str = include_str!("../data/evm-compute/Sha256.bin-runtime");
const RAY_TRACER_CODE: &str = include_str!("../data/evm-compute/RayTracer.bin-runtime");

const LIMBS: usize = 8;
const LIMB_BITS: usize = 128;

/// A contract call to measure and how to tell its output is right.
pub struct Workload {
    pub name: &'static str,
    pub code: Vec<u8>,
    pub input: Vec<u8>,
    pub expected: Expected,
}

pub enum Expected {
    /// The output, computed here independently of the EVM.
    Output(Vec<u8>),
    /// The ray tracer's (checksum, hits): only checked to be a plausible picture here,
    /// some but not all of `pixels` on a sphere; the checksum is compared across EVMs.
    SomeHits { pixels: u64 },
    /// The hand-assembled loops of [`crate::evm_pair`]: compared across EVMs only.
    SameAsRevm,
}

impl Workload {
    /// Panics unless `output` is what the workload should return.
    pub fn check(&self, output: &[u8]) {
        match &self.expected {
            Expected::Output(expected) => assert_eq!(
                hex::encode(output),
                hex::encode(expected),
                "{}: the contract's output",
                self.name
            ),
            Expected::SameAsRevm => {}
            Expected::SomeHits { pixels } => {
                assert_eq!(output.len(), 64, "{}: (checksum, hits)", self.name);
                let hits = u64::from_be_bytes(output[56..].try_into().unwrap());
                assert!(output[32..56].iter().all(|&b| b == 0));
                assert!(
                    0 < hits && hits < *pixels,
                    "{}: {hits} of {pixels} pixels hit a sphere",
                    self.name
                );
            }
        }
    }
}

fn runtime_code(hex_text: &str) -> Vec<u8> {
    hex::decode(hex_text.trim()).expect("runtime code in hex")
}

fn selector(signature: &str) -> [u8; 4] {
    keccak256(signature.as_bytes())[..4].try_into().unwrap()
}

fn word(value: &BigUint) -> [u8; 32] {
    let bytes = value.to_bytes_be();
    assert!(bytes.len() <= 32);
    let mut word = [0u8; 32];
    word[32 - bytes.len()..].copy_from_slice(&bytes);
    word
}

fn word_u64(value: u64) -> [u8; 32] {
    word(&BigUint::from(value))
}

/// xorshift64*: deterministic operands without a dependency.
struct Operands(u64);

impl Operands {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn number(&mut self, bits: usize) -> BigUint {
        let words: Vec<u64> = (0..bits / 64).map(|_| self.next()).collect();
        BigUint::from_slice(
            &words
                .iter()
                .flat_map(|w| [*w as u32, (*w >> 32) as u32])
                .collect::<Vec<u32>>(),
        )
    }
}

fn limbs(value: &BigUint) -> impl Iterator<Item = [u8; 32]> + '_ {
    let mask = (BigUint::from(1u8) << LIMB_BITS) - 1u8;
    (0..LIMBS).map(move |i| word(&((value >> (i * LIMB_BITS)) & &mask)))
}

/// `squarings` Montgomery squarings (x <- x² / 2^1024 mod m) of a 1024-bit number.
pub fn bignum(squarings: u64) -> Workload {
    let bits = LIMBS * LIMB_BITS;
    let mut operands = Operands(0x9e37_79b9_7f4a_7c15);
    let top_bit = BigUint::from(1u8) << (bits - 1);
    let modulus = operands.number(bits) | &top_bit | BigUint::from(1u8);
    let base = operands.number(bits) % &modulus;
    let mut input = selector("run(uint256[8],uint256[8],uint256)").to_vec();
    input.extend(limbs(&base).flatten());
    input.extend(limbs(&modulus).flatten());
    input.extend(word_u64(squarings));
    let r_inverse = (BigUint::from(1u8) << bits)
        .modinv(&modulus)
        .expect("an odd modulus");
    let mut x = base;
    for _ in 0..squarings {
        x = &x * &x * &r_inverse % &modulus;
    }
    Workload {
        name: "bignum_montgomery",
        code: runtime_code(BIGNUM_CODE),
        input,
        expected: Expected::Output(limbs(&x).flatten().collect()),
    }
}

/// SHA-256 of `len` bytes, in EVM code.
pub fn sha256(len: usize) -> Workload {
    let data: Vec<u8> = (0..len).map(|i| (i * 131 + 7) as u8).collect();
    let mut input = selector("hash(bytes)").to_vec();
    input.extend(word_u64(32));
    input.extend(word_u64(len as u64));
    input.extend(&data);
    input.resize(4 + 64 + len.div_ceil(32) * 32, 0);
    Workload {
        name: "sha256_solidity",
        code: runtime_code(SHA256_CODE),
        input,
        expected: Expected::Output(Sha256::digest(&data).to_vec()),
    }
}

/// A `width` × `height` picture of the ray tracer's scene.
pub fn ray_tracer(width: u64, height: u64) -> Workload {
    let mut input = selector("render(uint256,uint256)").to_vec();
    input.extend(word_u64(width));
    input.extend(word_u64(height));
    Workload {
        name: "ray_tracer",
        code: runtime_code(RAY_TRACER_CODE),
        input,
        expected: Expected::SomeHits {
            pixels: width * height,
        },
    }
}
