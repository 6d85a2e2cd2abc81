//! Airbender's own probe program (../shared/airbender-golden): the cycle count and output
//! that Airbender's simulator gives for the same image and oracle input.
use zkos_emulator::{Program, StreamOracle, MAX_PROVABLE_CYCLES};

use zkos_testdata::read_airbender_golden as golden;

fn probe_oracle(hex: &[u8]) -> StreamOracle {
    StreamOracle::from_hex(std::str::from_utf8(hex).unwrap()).unwrap()
}

const EXPECTED_OUTPUT: [u32; 8] = [
    0x8dbff4e8, 0x4c500722, 0xb76ee2b4, 0x50edd22d, 0xa1d4a318, 0xa6f902bc, 0x7bd6399c, 0x9bb25f4a,
];

#[test]
fn probe_bin_matches_airbender() {
    let (Some(bin), Some(hex)) = (golden("probe.bin"), golden("probe.hex")) else {
        return;
    };
    let program = Program::from_bytes(&bin).unwrap();
    let outcome = zkos_emulator::run(&program, probe_oracle(&hex), MAX_PROVABLE_CYCLES).unwrap();
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
    let (Some(elf), Some(bin), Some(hex)) = (
        golden("probe.elf"),
        golden("probe.bin"),
        golden("probe.hex"),
    ) else {
        return;
    };
    let elf = Program::from_bytes(&elf).unwrap();
    let flat = Program::from_bytes(&bin).unwrap();
    assert_eq!(elf.image(), flat.image());
    assert!(elf.symbols().iter().any(|s| s.name == "probe_main"));
    let outcome = zkos_emulator::run(&elf, probe_oracle(&hex), MAX_PROVABLE_CYCLES).unwrap();
    assert_eq!(outcome.output, EXPECTED_OUTPUT);
}
