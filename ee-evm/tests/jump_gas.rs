//! A jump lands after its JUMPDEST and charges the JUMPDEST's gas itself (the dispatch
//! loop skips a round for it): the gas used, and where gas runs out, must be what the
//! Yellow Paper gives step by step, and what revm gives. And random programs of the
//! instructions the loop runs in line (and some it leaves to the table), with jumps that
//! land, against revm under random gas limits.
mod one_frame;

use one_frame::{ours, revm, Run};
use proptest::prelude::*;
use revm::primitives::hardfork::SpecId;
use zkos_system::spec::Spec;

const JUMP: u8 = 0x56;
const JUMPI: u8 = 0x57;
const JUMPDEST: u8 = 0x5b;
const STOP: u8 = 0x00;

/// PUSH1 4 (3), JUMP (8), INVALID, JUMPDEST (1), STOP: 12 gas.
const FORWARD_JUMP: [u8; 6] = [0x60, 4, JUMP, 0xfe, JUMPDEST, STOP];
/// PUSH1 1 (3), PUSH1 6 (3), JUMPI (10), INVALID, JUMPDEST (1), STOP: 17 gas.
const TAKEN_JUMPI: [u8; 9] = [0x60, 1, 0x60, 7, JUMPI, 0xfe, 0xfe, JUMPDEST, STOP];

fn returned(gas_used: u64) -> Run {
    Run::Returned {
        output: Vec::new(),
        gas_used,
    }
}

#[test]
fn a_jump_pays_for_its_jumpdest() {
    for (code, cost) in [(&FORWARD_JUMP[..], 12), (&TAKEN_JUMPI[..], 17)] {
        assert_eq!(ours(Spec::Cancun, code, cost), returned(cost));
        assert_eq!(revm(SpecId::CANCUN, code, cost), returned(cost));
        // One gas short: the JUMPDEST cannot be paid, and the frame halts (all gas gone).
        assert_eq!(ours(Spec::Cancun, code, cost - 1), Run::Halted);
        assert_eq!(revm(SpecId::CANCUN, code, cost - 1), Run::Halted);
    }
}

#[test]
fn a_jump_into_a_push_immediate_is_invalid() {
    // PUSH1 3, JUMP, PUSH1 0x5b (a JUMPDEST byte inside an immediate), STOP.
    let code = [0x60, 4, JUMP, 0x60, JUMPDEST, STOP];
    assert_eq!(ours(Spec::Cancun, &code, 100), Run::Halted);
    assert_eq!(revm(SpecId::CANCUN, &code, 100), Run::Halted);
}

/// A piece of a random program.
#[derive(Clone, Debug)]
enum Piece {
    Bytes(Vec<u8>),
    /// PUSH2 to the JUMPDEST right after a JUMP (or a JUMPI, on whatever condition is on
    /// the stack).
    JumpOver {
        conditional: bool,
    },
    /// JUMP to the program's first byte, a JUMPDEST: a loop until gas or stack runs out.
    JumpToStart,
}

/// Opcodes the loop runs in line (stack moves, arithmetic, pushes, jumps) and some it
/// leaves to the table, with pushes of random words and jumps that land.
fn piece() -> impl Strategy<Value = Piece> {
    let opcodes = prop::sample::select(vec![
        0x01u8, 0x02, 0x03, 0x04, 0x06, 0x0a, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
        0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x50, 0x58, 0x5a, 0x5b, 0x5f, 0x80, 0x81, 0x84, 0x87, 0x8f,
        0x90, 0x91, 0x94, 0x9f, JUMP, JUMPI,
    ]);
    prop_oneof![
        3 => opcodes.prop_map(|op| Piece::Bytes(vec![op])),
        2 => (1usize..=32, any::<[u8; 32]>()).prop_map(|(n, bytes)| {
            let mut push = vec![0x5f + n as u8];
            push.extend_from_slice(&bytes[..n]);
            Piece::Bytes(push)
        }),
        1 => any::<bool>().prop_map(|conditional| Piece::JumpOver { conditional }),
        1 => Just(Piece::JumpToStart),
    ]
}

fn assemble(pieces: &[Piece]) -> Vec<u8> {
    let mut code = vec![JUMPDEST];
    for piece in pieces {
        match piece {
            Piece::Bytes(bytes) => code.extend_from_slice(bytes),
            Piece::JumpOver { conditional } => {
                let target = (code.len() + 4) as u16;
                let jump = if *conditional { JUMPI } else { JUMP };
                code.extend_from_slice(&[0x61, (target >> 8) as u8, target as u8, jump, JUMPDEST]);
            }
            Piece::JumpToStart => code.extend_from_slice(&[0x5f, JUMP]),
        }
    }
    code
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Outcome and gas used equal revm's, for random programs of the loop's instructions
    /// under gas limits from nothing to plenty (so gas runs out anywhere, at JUMPDESTs
    /// reached by jumps too).
    #[test]
    fn dispatch_equals_revm(
        pieces in prop::collection::vec(piece(), 1..40),
        gas in prop_oneof![0u64..200, 200u64..100_000],
    ) {
        let code = assemble(&pieces);
        prop_assert_eq!(ours(Spec::Cancun, &code, gas), revm(SpecId::CANCUN, &code, gas));
    }
}
