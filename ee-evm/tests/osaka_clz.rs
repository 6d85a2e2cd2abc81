//! EIP-7939 CLZ (0x1e) from Osaka: the EIP's vectors, its cost (5, like MUL), a differential
//! proptest against revm 43 (SpecId::OSAKA) over random words, and an invalid opcode under
//! Cancun and Prague (as in revm under PRAGUE).
//!
//! Ours runs one call frame of `PUSH32 x, CLZ, PUSH0, MSTORE, PUSH1 32, PUSH0, RETURN`
//! against a host with no state; revm runs the same code as a transaction's callee.

mod one_frame;

use one_frame::{ours, revm, run_frame, Run, GAS};
use proptest::prelude::*;
use revm::primitives::hardfork::SpecId;
use zkos_system::ee::Status;
use zkos_system::spec::Spec;
use zkos_system::U256;

const CLZ: u8 = 0x1e;

fn clz_program(value: &U256) -> Vec<u8> {
    let mut code = vec![0x7f];
    code.extend_from_slice(&value.to_be_bytes::<32>());
    code.extend_from_slice(&[CLZ, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]);
    code
}

fn word(value: usize) -> Vec<u8> {
    U256::from(value).to_be_bytes::<32>().to_vec()
}

/// PUSH32 3, CLZ 5, PUSH0 2, MSTORE 3 + 3 (one word of memory), PUSH1 3, PUSH0 2, RETURN 0.
const PROGRAM_GAS: u64 = 3 + 5 + 2 + 6 + 3 + 2;

#[test]
fn eip_7939_vectors() {
    let one = U256::from(1u8);
    let vectors = [
        (U256::ZERO, 256),
        (one << 255, 0),
        (U256::MAX, 0),
        (one << 254, 1),
        ((one << 255) - one, 1),
        (one, 255),
        (one << 128, 127),
        ((one << 128) - one, 128),
    ];
    for (value, zeros) in vectors {
        let expected = Run::Returned {
            output: word(zeros),
            gas_used: PROGRAM_GAS,
        };
        assert_eq!(
            ours(Spec::Osaka, &clz_program(&value), GAS),
            expected,
            "{value:#x}"
        );
    }
}

#[test]
fn clz_is_invalid_before_osaka() {
    let program = clz_program(&U256::from(1u8));
    for spec in [Spec::Cancun, Spec::Prague] {
        assert_eq!(ours(spec, &program, GAS), Run::Halted, "{spec:?}");
    }
    assert_eq!(revm(SpecId::PRAGUE, &program, GAS), Run::Halted);
    // Out of gas one short of CLZ's 5.
    let just_clz = [&clz_program(&U256::ZERO)[..34], &[0x00]].concat();
    let result = run_frame(Spec::Osaka, &just_clz, 3 + 4);
    assert!(
        matches!(result.status, Status::Halt(_)),
        "{:?}",
        result.status
    );
}

/// A word with a random number of leading zeros (all of 0..=256 are likely).
fn word_with_leading_zeros() -> impl Strategy<Value = U256> {
    (any::<[u8; 32]>(), 0usize..=256).prop_map(|(bytes, zeros)| {
        let value = U256::from_be_bytes(bytes);
        if zeros == 256 {
            U256::ZERO
        } else {
            (value >> zeros) | (U256::from(1u8) << (255 - zeros))
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn clz_matches_revm_osaka(value in prop_oneof![word_with_leading_zeros(), any::<[u8; 32]>().prop_map(U256::from_be_bytes)]) {
        let program = clz_program(&value);
        let ours = ours(Spec::Osaka, &program, GAS);
        prop_assert_eq!(&ours, &revm(SpecId::OSAKA, &program, GAS));
        prop_assert_eq!(ours, Run::Returned {
            output: word(value.leading_zeros()),
            gas_used: PROGRAM_GAS,
        });
    }
}
