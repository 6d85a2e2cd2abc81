//! The instruction table: one short function per opcode, grouped by family.
mod arithmetic;
mod bitwise;
mod block;
mod comparison;
mod control;
pub(crate) mod environment;
mod logs;
mod memory;
mod stack;
mod storage;
mod system;

use crate::cursor::Cursor;
use crate::gas;
use crate::interpreter::Interpreter;
use zkos_system::ee::Host;
use zkos_system::spec::Spec;

pub type Instruction = fn(&mut Interpreter, &mut dyn Host);

/// A fork's opcodes: the instruction each runs and its static gas, the part of its cost
/// no operand or state changes. The dispatch loop charges the static gas before it runs
/// the instruction, which charges the rest. (`u32`: a `u16` load costs RISC-V two more
/// instructions to zero-extend in the loop.)
pub struct InstructionTable {
    pub instructions: [Instruction; 256],
    pub static_gas: [u32; 256],
}

impl InstructionTable {
    /// Every opcode unassigned: it halts as invalid.
    const fn unassigned() -> Self {
        InstructionTable {
            instructions: [control::invalid; 256],
            static_gas: [0; 256],
        }
    }

    const fn set(&mut self, opcode: usize, instruction: Instruction, static_gas: u64) {
        assert!(static_gas <= u32::MAX as u64);
        self.instructions[opcode] = instruction;
        self.static_gas[opcode] = static_gas as u32;
    }
}

/// Runs opcode `op`, whose static gas the loop has charged. The instructions that move the
/// cursor (PUSH, JUMP, JUMPI, JUMPDEST) work on it in place; the others that make up most
/// of what contracts execute (stack moves, cheap arithmetic) are inlined here too; the
/// rest go through `table`, the frame's fork, with the frame's copy of the cursor brought
/// up to date around them. Only instructions every fork has, with the same meaning in
/// each, are named here.
#[inline(always)]
pub fn dispatch(
    op: usize,
    interp: &mut Interpreter,
    host: &mut dyn Host,
    table: &InstructionTable,
    cursor: &mut Cursor,
) {
    match op {
        0x01 => arithmetic::add(interp, host),
        0x02 => arithmetic::mul(interp, host),
        0x03 => arithmetic::sub(interp, host),
        0x10 => comparison::lt(interp, host),
        0x11 => comparison::gt(interp, host),
        0x12 => comparison::slt(interp, host),
        0x14 => comparison::eq(interp, host),
        0x15 => comparison::iszero(interp, host),
        0x16 => bitwise::and(interp, host),
        0x17 => bitwise::or(interp, host),
        0x18 => bitwise::xor(interp, host),
        0x19 => bitwise::not(interp, host),
        0x1b => bitwise::shl(interp, host),
        0x1c => bitwise::shr(interp, host),
        0x50 => stack::pop(interp, host),
        0x5f => stack::push0(interp, host),
        0x80 => stack::dup::<1>(interp, host),
        0x81 => stack::dup::<2>(interp, host),
        0x82 => stack::dup::<3>(interp, host),
        0x83 => stack::dup::<4>(interp, host),
        0x84 => stack::dup::<5>(interp, host),
        0x85 => stack::dup::<6>(interp, host),
        0x90 => stack::swap::<1>(interp, host),
        0x91 => stack::swap::<2>(interp, host),
        0x92 => stack::swap::<3>(interp, host),
        0x93 => stack::swap::<4>(interp, host),
        0x56 => control::jump(interp, cursor),
        0x57 => control::jumpi(interp, cursor),
        0x5b => control::jumpdest(interp, cursor),
        0x60 => stack::push::<1>(interp, cursor),
        0x61 => stack::push::<2>(interp, cursor),
        0x62 => stack::push::<3>(interp, cursor),
        0x63 => stack::push::<4>(interp, cursor),
        0x64 => stack::push::<5>(interp, cursor),
        0x65 => stack::push::<6>(interp, cursor),
        0x66 => stack::push::<7>(interp, cursor),
        0x67 => stack::push::<8>(interp, cursor),
        0x68 => stack::push::<9>(interp, cursor),
        0x69 => stack::push::<10>(interp, cursor),
        0x6a => stack::push::<11>(interp, cursor),
        0x6b => stack::push::<12>(interp, cursor),
        0x6c => stack::push::<13>(interp, cursor),
        0x6d => stack::push::<14>(interp, cursor),
        0x6e => stack::push::<15>(interp, cursor),
        0x6f => stack::push::<16>(interp, cursor),
        0x70 => stack::push::<17>(interp, cursor),
        0x71 => stack::push::<18>(interp, cursor),
        0x72 => stack::push::<19>(interp, cursor),
        0x73 => stack::push::<20>(interp, cursor),
        0x74 => stack::push::<21>(interp, cursor),
        0x75 => stack::push::<22>(interp, cursor),
        0x76 => stack::push::<23>(interp, cursor),
        0x77 => stack::push::<24>(interp, cursor),
        0x78 => stack::push::<25>(interp, cursor),
        0x79 => stack::push::<26>(interp, cursor),
        0x7a => stack::push::<27>(interp, cursor),
        0x7b => stack::push::<28>(interp, cursor),
        0x7c => stack::push::<29>(interp, cursor),
        0x7d => stack::push::<30>(interp, cursor),
        0x7e => stack::push::<31>(interp, cursor),
        0x7f => stack::push::<32>(interp, cursor),
        _ => {
            interp.save_cursor(*cursor);
            (table.instructions[op])(interp, host);
            *cursor = interp.load_cursor();
        }
    }
}

/// The table's entry for an opcode `dispatch` runs on the cursor itself: the same
/// instruction, on the frame's copy of the cursor. (`dispatch` never calls it; it keeps
/// the table whole.)
fn on_saved_cursor<const OP: usize>(interp: &mut Interpreter, host: &mut dyn Host) {
    let mut cursor = interp.load_cursor();
    dispatch(OP, interp, host, &CANCUN, &mut cursor);
    interp.save_cursor(cursor);
}

/// From Cancun on.
static CANCUN: InstructionTable = cancun();
/// Osaka adds CLZ (EIP-7939).
static OSAKA: InstructionTable = osaka();

/// The instruction table of `spec`: a frame picks it once, so the dispatch loop does not
/// look at the fork.
pub fn table(spec: Spec) -> &'static InstructionTable {
    if spec.enables(Spec::Osaka) {
        &OSAKA
    } else {
        &CANCUN
    }
}

const fn osaka() -> InstructionTable {
    let mut t = cancun();
    t.set(0x1e, bitwise::clz, gas::LOW);
    t
}

const fn cancun() -> InstructionTable {
    let mut t = InstructionTable::unassigned();
    t.set(0x00, control::stop, gas::ZERO);
    t.set(0x01, arithmetic::add, gas::VERYLOW);
    t.set(0x02, arithmetic::mul, gas::LOW);
    t.set(0x03, arithmetic::sub, gas::VERYLOW);
    t.set(0x04, arithmetic::div, gas::LOW);
    t.set(0x05, arithmetic::sdiv, gas::LOW);
    t.set(0x06, arithmetic::rem, gas::LOW);
    t.set(0x07, arithmetic::smod, gas::LOW);
    t.set(0x08, arithmetic::addmod, gas::MID);
    t.set(0x09, arithmetic::mulmod, gas::MID);
    t.set(0x0a, arithmetic::exp, gas::EXP);
    t.set(0x0b, arithmetic::signextend, gas::LOW);
    t.set(0x10, comparison::lt, gas::VERYLOW);
    t.set(0x11, comparison::gt, gas::VERYLOW);
    t.set(0x12, comparison::slt, gas::VERYLOW);
    t.set(0x13, comparison::sgt, gas::VERYLOW);
    t.set(0x14, comparison::eq, gas::VERYLOW);
    t.set(0x15, comparison::iszero, gas::VERYLOW);
    t.set(0x16, bitwise::and, gas::VERYLOW);
    t.set(0x17, bitwise::or, gas::VERYLOW);
    t.set(0x18, bitwise::xor, gas::VERYLOW);
    t.set(0x19, bitwise::not, gas::VERYLOW);
    t.set(0x1a, bitwise::byte, gas::VERYLOW);
    t.set(0x1b, bitwise::shl, gas::VERYLOW);
    t.set(0x1c, bitwise::shr, gas::VERYLOW);
    t.set(0x1d, bitwise::sar, gas::VERYLOW);
    t.set(0x20, memory::keccak256, gas::KECCAK256);
    t.set(0x30, environment::address, gas::BASE);
    t.set(0x31, environment::balance, gas::ZERO);
    t.set(0x32, environment::origin, gas::BASE);
    t.set(0x33, environment::caller, gas::BASE);
    t.set(0x34, environment::callvalue, gas::BASE);
    t.set(0x35, environment::calldataload, gas::VERYLOW);
    t.set(0x36, environment::calldatasize, gas::BASE);
    t.set(0x37, environment::calldatacopy, gas::VERYLOW);
    t.set(0x38, environment::codesize, gas::BASE);
    t.set(0x39, environment::codecopy, gas::VERYLOW);
    t.set(0x3a, environment::gasprice, gas::BASE);
    t.set(0x3b, environment::extcodesize, gas::ZERO);
    t.set(0x3c, environment::extcodecopy, gas::ZERO);
    t.set(0x3d, environment::returndatasize, gas::BASE);
    t.set(0x3e, environment::returndatacopy, gas::VERYLOW);
    t.set(0x3f, environment::extcodehash, gas::ZERO);
    t.set(0x40, block::blockhash, gas::BLOCKHASH);
    t.set(0x41, block::coinbase, gas::BASE);
    t.set(0x42, block::timestamp, gas::BASE);
    t.set(0x43, block::number, gas::BASE);
    t.set(0x44, block::prevrandao, gas::BASE);
    t.set(0x45, block::gaslimit, gas::BASE);
    t.set(0x46, block::chainid, gas::BASE);
    t.set(0x47, block::selfbalance, gas::SELFBALANCE);
    t.set(0x48, block::basefee, gas::BASE);
    t.set(0x49, block::blobhash, gas::VERYLOW);
    t.set(0x4a, block::blobbasefee, gas::BASE);
    t.set(0x50, stack::pop, gas::BASE);
    t.set(0x51, memory::mload, gas::VERYLOW);
    t.set(0x52, memory::mstore, gas::VERYLOW);
    t.set(0x53, memory::mstore8, gas::VERYLOW);
    t.set(0x54, storage::sload, gas::ZERO);
    t.set(0x55, storage::sstore, gas::ZERO);
    t.set(0x56, on_saved_cursor::<0x56>, gas::MID);
    t.set(0x57, on_saved_cursor::<0x57>, gas::HIGH);
    t.set(0x58, control::pc, gas::BASE);
    t.set(0x59, memory::msize, gas::BASE);
    t.set(0x5a, control::gas, gas::BASE);
    t.set(0x5b, on_saved_cursor::<0x5b>, gas::JUMPDEST);
    t.set(0x5c, storage::tload, gas::TRANSIENT);
    t.set(0x5d, storage::tstore, gas::TRANSIENT);
    t.set(0x5e, memory::mcopy, gas::VERYLOW);
    t.set(0x5f, stack::push0, gas::BASE);
    t = push_dup_swap(t);
    t.set(0xa0, logs::log::<0>, gas::log(0));
    t.set(0xa1, logs::log::<1>, gas::log(1));
    t.set(0xa2, logs::log::<2>, gas::log(2));
    t.set(0xa3, logs::log::<3>, gas::log(3));
    t.set(0xa4, logs::log::<4>, gas::log(4));
    t.set(0xf0, system::create, gas::CREATE);
    t.set(0xf1, system::call, gas::ZERO);
    t.set(0xf2, system::callcode, gas::ZERO);
    t.set(0xf3, control::ret, gas::ZERO);
    t.set(0xf4, system::delegatecall, gas::ZERO);
    t.set(0xf5, system::create2, gas::CREATE);
    t.set(0xfa, system::staticcall, gas::ZERO);
    t.set(0xfd, control::revert, gas::ZERO);
    t.set(0xfe, control::invalid, gas::ZERO);
    t.set(0xff, system::selfdestruct, gas::SELFDESTRUCT);
    t
}

macro_rules! numbered {
    ($t:ident, $base:expr, $f:ident, $($n:literal)+) => {
        $( $t.set($base + $n - 1, stack::$f::<$n>, gas::VERYLOW); )+
    };
}

macro_rules! pushes {
    ($t:ident, $($n:literal)+) => {
        $( $t.set(0x5f + $n, on_saved_cursor::<{ 0x5f + $n }>, gas::VERYLOW); )+
    };
}

const fn push_dup_swap(mut t: InstructionTable) -> InstructionTable {
    pushes!(t, 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32);
    numbered!(t, 0x80, dup, 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    numbered!(t, 0x90, swap, 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    t
}
