//! Cycles per public-key recovery on RISC-V (the `ecrecover-bench` guest): k256 in
//! software against zkos-secp256k1 on the U256 delegation (with the host's advice), for
//! the same signature.
//! `cargo run --release -p zkos-secp256k1 --example riscv_costs [-- --profile]`
//! (`--profile`: where the cycles of 20 recoveries go, by function)
use k256::ecdsa::SigningKey;
use zkos_emulator::{Cycles, Program};

#[path = "../tests/support/advising_oracle.rs"]
mod advising_oracle;

fn words(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
}

fn oracle(implementation: u32, count: u32, signature: &[u32]) -> advising_oracle::AdvisingOracle {
    let input = [&[implementation, count][..], signature].concat();
    advising_oracle::AdvisingOracle::new(input)
}

fn cycles(implementation: u32, count: u32, signature: &[u32]) -> Cycles {
    let program = Program::from_elf(zkos_guests::ECRECOVER_BENCH).unwrap();
    let oracle = oracle(implementation, count, signature);
    zkos_emulator::run(&program, oracle, 1 << 36)
        .unwrap()
        .cycles
}

fn print_profile(signature: &[u32]) {
    let program = Program::from_elf(zkos_guests::ECRECOVER_BENCH).unwrap();
    let (profile, _) = zkos_profiler::profile_program(
        &program,
        Some(zkos_guests::ECRECOVER_BENCH),
        oracle(1, 20, signature),
        zkos_profiler::Weight::Effective,
        Vec::new(),
        1 << 36,
    )
    .unwrap();
    println!("{}", profile.table(40));
    if let Ok(path) = std::env::var("FOLDED") {
        std::fs::write(path, profile.folded_text()).unwrap();
    }
}

fn main() {
    let key = SigningKey::from_bytes(&[0x46; 32].into()).unwrap();
    let hash = [0x5a; 32];
    let (sig, id) = key.sign_prehash_recoverable(&hash).unwrap();
    let (r, s) = (sig.r().to_bytes(), sig.s().to_bytes());
    let signature: Vec<u32> = words(&hash)
        .chain(words(&r))
        .chain(words(&s))
        .chain([id.to_byte() as u32])
        .collect();
    if std::env::args().any(|arg| arg == "--profile") {
        return print_profile(&signature);
    }
    println!(
        "{:>16} | {:>12} {:>10} {:>12}  (per recovery)",
        "implementation", "raw", "u256 ops", "effective"
    );
    let mut effective = Vec::new();
    for (implementation, name, count) in [(0, "k256", 3), (1, "zkos-secp256k1", 20)] {
        let (base, many) = (
            cycles(implementation, 0, &signature),
            cycles(implementation, count, &signature),
        );
        let per = |f: &dyn Fn(&Cycles) -> u64| (f(&many) - f(&base)) as f64 / count as f64;
        let eff = per(&Cycles::effective);
        println!(
            "{name:>16} | {:>12.0} {:>10.0} {:>12.0}",
            per(&|c| c.raw),
            per(&|c| c.u256_ops),
            eff
        );
        effective.push(eff);
    }
    println!(
        "speed-up (effective cycles): {:.1}x",
        effective[0] / effective[1]
    );
}
