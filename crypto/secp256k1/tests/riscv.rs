//! The RISC-V build (delegation calls in the emulator) recovers the same keys, and
//! rejects the same signatures, as the host build (software model of the device), and
//! as k256 on RISC-V.
//! The guest asks the host for inverses and square roots (advice); every lie about one
//! makes it abort.
use k256::ecdsa::SigningKey;
use zkos_emulator::Program;

#[path = "support/advising_oracle.rs"]
mod advising_oracle;
use advising_oracle::AdvisingOracle;

const K256: u32 = 0;
const DELEGATED: u32 = 1;

struct Case {
    hash: [u8; 32],
    r: [u8; 32],
    s: [u8; 32],
    id: u8,
}

fn words(bytes: &[u8; 32]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
}

fn oracle(implementation: u32, case: &Case) -> AdvisingOracle {
    let input: Vec<u32> = [implementation, 1]
        .into_iter()
        .chain(words(&case.hash))
        .chain(words(&case.r))
        .chain(words(&case.s))
        .chain([case.id as u32])
        .collect();
    AdvisingOracle::new(input)
}

fn run_guest(implementation: u32, case: &Case) -> [u32; 8] {
    let program = Program::from_elf(zkos_guests::ECRECOVER_BENCH).unwrap();
    zkos_emulator::run(&program, oracle(implementation, case), 1 << 32)
        .unwrap()
        .output
}

fn expected_output(case: &Case) -> [u32; 8] {
    let key = zkos_secp256k1::recover(&case.hash, &case.r, &case.s, case.id);
    let digest = zkos_guest_rt::blake2s256(&key.unwrap_or([0xFF; 64]));
    zkos_guest_rt::blake2s::bytes_to_words(&digest)
}

fn signed_case(seed: u8) -> Case {
    let key = SigningKey::from_bytes(&[seed; 32].into()).unwrap();
    let hash = [seed.wrapping_mul(31); 32];
    let (signature, id) = key.sign_prehash_recoverable(&hash).unwrap();
    Case {
        hash,
        r: signature.r().to_bytes().into(),
        s: signature.s().to_bytes().into(),
        id: id.to_byte(),
    }
}

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = (1..=4).map(signed_case).collect();
    let mut wrong_parity = signed_case(5);
    wrong_parity.id ^= 1;
    let mut reduced_x = signed_case(6);
    reduced_x.r = [0; 32];
    reduced_x.r[31] = 1;
    reduced_x.id = 2;
    let mut zero_s = signed_case(7);
    zero_s.s = [0; 32];
    cases.extend([wrong_parity, reduced_x, zero_s]);
    cases
}

#[test]
fn riscv_recovers_like_the_host() {
    for (i, case) in cases().iter().enumerate() {
        assert_eq!(
            run_guest(DELEGATED, case),
            expected_output(case),
            "case {i}"
        );
    }
}

#[test]
fn riscv_recovers_like_k256_on_riscv() {
    let case = signed_case(9);
    let key = zkos_secp256k1::recover(&case.hash, &case.r, &case.s, case.id);
    assert!(key.is_some());
    assert_eq!(run_guest(K256, &case), run_guest(DELEGATED, &case));
}

/// The answer's count, then the nonce point's root, r's inverse and the slope of every
/// affine doubling and addition, nine words each: a flipped bit in any word aborts the
/// guest, whatever the word.
#[test]
fn every_lie_in_the_advice_aborts_on_riscv() {
    let program = Program::from_elf(zkos_guests::ECRECOVER_BENCH).unwrap();
    let case = signed_case(11);
    let mut honest = oracle(DELEGATED, &case);
    let mut machine = zkos_emulator::Machine::new(&program).unwrap();
    let outcome = machine.run(&mut honest, 1 << 32).unwrap();
    assert_eq!(outcome.output, expected_output(&case));
    assert_eq!(honest.advice_words % 9, 1);
    assert!(
        honest.advice_words > 9 * 150,
        "{} advice words",
        honest.advice_words
    );
    for position in 0..honest.advice_words {
        let mut lying = oracle(DELEGATED, &case);
        lying.lie_at = Some(position);
        let result = zkos_emulator::run(&program, lying, 1 << 32);
        assert!(
            result.is_err(),
            "a lie in advice word {position} was accepted"
        );
    }
}

/// A signature whose nonce `x` has no point: the advice proves it (a root of `-(x³+7)`),
/// and a lie about that proof aborts too.
#[test]
fn no_point_is_proven_by_advice() {
    let mut case = signed_case(12);
    // x = 5: 5³ + 7 = 132 is not a square mod p.
    case.r = [0; 32];
    case.r[31] = 5;
    assert_eq!(
        zkos_secp256k1::recover(&case.hash, &case.r, &case.s, case.id & 1),
        None
    );
    case.id &= 1;
    assert_eq!(run_guest(DELEGATED, &case), expected_output(&case));
    let mut lying = oracle(DELEGATED, &case);
    lying.lie_at = Some(4);
    let program = Program::from_elf(zkos_guests::ECRECOVER_BENCH).unwrap();
    assert!(zkos_emulator::run(&program, lying, 1 << 32).is_err());
}
