//! Airbender's own probe program (../shared/airbender-golden): the cycle count and output
//! that Airbender's simulator gives for the same image and oracle input.
use zkos_emulator::{Program, StreamOracle, MAX_PROVABLE_CYCLES};

fn golden(path: &str) -> Vec<u8> {
    let full = format!(
        "{}/../../shared/airbender-golden/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&full).unwrap_or_else(|e| panic!("cannot read {full}: {e}"))
}

fn probe_oracle() -> StreamOracle {
    StreamOracle::from_hex(std::str::from_utf8(&golden("probe.hex")).unwrap()).unwrap()
}

const EXPECTED_OUTPUT: [u32; 8] = [
    0x8dbff4e8, 0x4c500722, 0xb76ee2b4, 0x50edd22d, 0xa1d4a318, 0xa6f902bc, 0x7bd6399c, 0x9bb25f4a,
];

#[test]
fn probe_bin_matches_airbender() {
    let program = Program::from_bytes(&golden("probe.bin")).unwrap();
    let outcome = zkos_emulator::run(&program, probe_oracle(), MAX_PROVABLE_CYCLES).unwrap();
    assert_eq!(outcome.cycles.raw, 7_968);
    assert_eq!(outcome.final_pc, 0x2c);
    assert_eq!(outcome.output, EXPECTED_OUTPUT);
    assert_eq!(outcome.cycles.u256_ops, 8);
    assert_eq!(outcome.cycles.blake2s_rounds, 30);
    assert_eq!(outcome.cycles.effective(), 7_968 + 16 * 30 + 4 * 8);
    assert_eq!(outcome.oracle_words_read, 5);
}

#[test]
fn probe_elf_runs_like_the_flat_image() {
    let elf = Program::from_bytes(&golden("probe.elf")).unwrap();
    let flat = Program::from_bytes(&golden("probe.bin")).unwrap();
    assert_eq!(elf.image(), flat.image());
    assert!(elf.symbols().iter().any(|s| s.name == "probe_main"));
    let outcome = zkos_emulator::run(&elf, probe_oracle(), MAX_PROVABLE_CYCLES).unwrap();
    assert_eq!(outcome.output, EXPECTED_OUTPUT);
}
