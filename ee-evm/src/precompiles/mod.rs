//! The precompiled contracts of each fork: Cancun's at 0x01 to 0x0a (modexp repriced in
//! Osaka), from Prague on the BLS12-381 ones of EIP-2537 at 0x0b to 0x11, and Osaka's
//! P256VERIFY at 0x100.
//!
//! [`run`] executes one with the gas the caller forwards. A failure of any kind consumes all of that
//! gas, as in Ethereum: [`PrecompileError::OutOfGas`] and [`PrecompileError::Failure`] only say why.

mod blake2f;
mod bls12_381;
mod bn254;
mod ecrecover;
mod hashes;
mod modexp;
mod p256verify;
mod point_evaluation;

pub use point_evaluation::kzg_to_versioned_hash;

use alloc::vec::Vec;
use zkos_system::spec::Spec;
use zkos_system::Address;

/// A successful run: the gas it costs and the bytes it returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrecompileOutput {
    pub gas_used: u64,
    pub output: Vec<u8>,
}

/// Why a run failed; either way the caller loses all the gas it forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrecompileError {
    /// The cost exceeds the gas limit.
    OutOfGas,
    /// The input is invalid (bad length, point not on the curve, wrong proof, ...).
    Failure,
    /// The transaction's native resources cannot pay for the work (see `crate::native`).
    OutOfNative,
}

pub type PrecompileResult = Result<PrecompileOutput, PrecompileError>;

type Precompile = fn(&[u8], &mut Budget<'_>) -> PrecompileResult;

/// What a run may spend: gas, and the guest work the transaction's native resources pay.
pub struct Budget<'a> {
    gas_limit: u64,
    native: &'a mut dyn FnMut(u64) -> bool,
}

impl Budget<'_> {
    /// Charges `gas` and then `native` cycles of the cost model, before the work: nothing
    /// is done when either cannot be paid. Returns the gas.
    fn charge(&mut self, gas: u64, native: u64) -> Result<u64, PrecompileError> {
        if gas > self.gas_limit {
            return Err(PrecompileError::OutOfGas);
        }
        if native > 0 && !(self.native)(native) {
            return Err(PrecompileError::OutOfNative);
        }
        Ok(gas)
    }
}

/// The precompile at `address`, if there is one under `spec`.
fn precompile_at(spec: Spec, address: &[u8; 20]) -> Option<Precompile> {
    let (prefix, low) = address.split_at(18);
    if prefix.iter().any(|&byte| byte != 0) {
        return None;
    }
    let osaka = spec.enables(Spec::Osaka);
    let precompile: Precompile = match u16::from_be_bytes([low[0], low[1]]) {
        0x01 => ecrecover::run,
        0x02 => hashes::sha256,
        0x03 => hashes::ripemd160,
        0x04 => hashes::identity,
        0x05 if osaka => modexp::run_osaka,
        0x05 => modexp::run,
        0x06 => bn254::add,
        0x07 => bn254::mul,
        0x08 => bn254::pairing,
        0x09 => blake2f::run,
        0x0a => point_evaluation::run,
        0x0b..=0x11 if spec.enables(Spec::Prague) => bls12_381_precompile(low[1])?,
        0x100 if osaka => p256verify::run,
        _ => return None,
    };
    Some(precompile)
}

/// EIP-2537's precompile at address `0x0b..=0x11`.
fn bls12_381_precompile(address: u8) -> Option<Precompile> {
    let precompile: Precompile = match address {
        0x0b => bls12_381::g1_add,
        0x0c => bls12_381::g1_msm,
        0x0d => bls12_381::g2_add,
        0x0e => bls12_381::g2_msm,
        0x0f => bls12_381::pairing_check,
        0x10 => bls12_381::map_fp_to_g1,
        0x11 => bls12_381::map_fp2_to_g2,
        _ => return None,
    };
    Some(precompile)
}

/// Whether `address` holds a precompile under `spec`.
pub fn is_precompile(spec: Spec, address: &[u8; 20]) -> bool {
    precompile_at(spec, address).is_some()
}

/// Runs the precompile at `address` under `spec` on `input` with `gas_limit`; `None` if
/// there is none.
pub fn run(
    spec: Spec,
    address: &[u8; 20],
    input: &[u8],
    gas_limit: u64,
) -> Option<PrecompileResult> {
    run_metered(spec, address, input, gas_limit, &mut |_| true)
}

/// [`run`], with the work charged to `native` (which says whether it could pay).
pub fn run_metered(
    spec: Spec,
    address: &[u8; 20],
    input: &[u8],
    gas_limit: u64,
    native: &mut dyn FnMut(u64) -> bool,
) -> Option<PrecompileResult> {
    let precompile = precompile_at(spec, address)?;
    Some(precompile(input, &mut Budget { gas_limit, native }))
}

/// Cancun's precompiles, 0x01..=0x0a: every fork's list starts with them.
const CANCUN: [Address; 10] = low_addresses::<10>();
/// Prague's: Cancun's and EIP-2537's, 0x01..=0x11.
const PRAGUE: [Address; 17] = low_addresses::<17>();
/// Osaka's: Prague's and P256VERIFY.
const OSAKA: [Address; 18] = with_p256verify(PRAGUE);

const P256VERIFY: Address = {
    let mut address = [0u8; 20];
    address[18] = 0x01;
    address
};

const fn with_p256verify(prague: [Address; 17]) -> [Address; 18] {
    let mut addresses = [P256VERIFY; 18];
    let mut i = 0;
    while i < prague.len() {
        addresses[i] = prague[i];
        i += 1;
    }
    addresses
}

/// The addresses `0x01..=N`.
const fn low_addresses<const N: usize>() -> [Address; N] {
    let mut addresses = [[0u8; 20]; N];
    let mut i = 0;
    while i < N {
        addresses[i][19] = i as u8 + 1;
        i += 1;
    }
    addresses
}

/// Every precompile address under `spec` (EIP-2929: warm from the start of every
/// transaction).
pub fn addresses(spec: Spec) -> &'static [Address] {
    match spec {
        Spec::Cancun => &CANCUN,
        Spec::Prague => &PRAGUE,
        Spec::Osaka => &OSAKA,
    }
}

/// `base + per_word * ceil(len / 32)`, the pricing of the hash-like precompiles.
fn word_priced(len: usize, base: u64, per_word: u64) -> u64 {
    let words = (len as u64).div_ceil(32);
    base.saturating_add(per_word.saturating_mul(words))
}

/// The `N` bytes of `input` from `offset`, with zeros past its end (EVM calldata semantics).
fn padded<const N: usize>(input: &[u8], offset: usize) -> [u8; N] {
    let mut out = [0u8; N];
    let available = input.get(offset..).unwrap_or_default();
    let len = available.len().min(N);
    out[..len].copy_from_slice(&available[..len]);
    out
}
