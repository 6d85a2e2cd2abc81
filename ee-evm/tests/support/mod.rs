//! Running one precompile call through ours and through revm-precompile, in the shape the
//! differential tests compare.

use revm_precompile::{PrecompileStatus, Precompiles};
use zkos_ee_evm::precompiles;
use zkos_system::spec::Spec;

/// `Ok((gas, output))` or `Err(())` for a failure: out of gas and invalid input cost the
/// same in Ethereum (all the gas), so which one is not compared.
pub type Outcome = Result<(u64, Vec<u8>), ()>;

/// The precompile address `n` (0x01..0x0a, 0x100).
pub fn address(n: u16) -> [u8; 20] {
    let mut address = [0u8; 20];
    address[18..].copy_from_slice(&n.to_be_bytes());
    address
}

pub fn ours(spec: Spec, precompile: u16, input: &[u8], gas_limit: u64) -> Outcome {
    match precompiles::run(spec, &address(precompile), input, gas_limit).expect("a precompile") {
        Ok(out) => Ok((out.gas_used, out.output)),
        Err(_) => Err(()),
    }
}

pub fn reference(set: &Precompiles, precompile: u16, input: &[u8], gas_limit: u64) -> Outcome {
    let address = revm_precompile::u64_to_address(u64::from(precompile));
    let precompile = set.get(&address).expect("a precompile of the set");
    let output = precompile
        .execute(input, gas_limit, 0)
        .expect("no fatal error");
    match output.status {
        PrecompileStatus::Success => Ok((output.gas_used, output.bytes.to_vec())),
        _ => Err(()),
    }
}
