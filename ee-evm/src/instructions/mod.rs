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

use crate::analysis::AnalyzedCode;
use crate::cursor::Cursor;
use crate::gas;
use crate::interpreter::Interpreter;
use crate::stack::{Stack, Step};
use zkos_system::ee::Host;
use zkos_system::spec::Spec;

/// An opcode's instruction, by what it works on.
#[derive(Clone, Copy)]
pub enum Instruction {
    /// The stack alone (stack moves, arithmetic, comparisons, bit operations).
    Stack(fn(&mut Stack) -> Step),
    /// The cursor, which it moves, and the code: PUSH, JUMP, JUMPI, JUMPDEST.
    Cursor(fn(&mut Cursor, &AnalyzedCode) -> Step),
    /// The frame and the host, with the cursor's state handed to the frame around it.
    Frame(fn(&mut Interpreter, &mut dyn Host)),
}

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
            instructions: [Instruction::Frame(control::invalid); 256],
            static_gas: [0; 256],
        }
    }

    const fn set(&mut self, opcode: usize, instruction: Instruction, static_gas: u64) {
        assert!(static_gas <= u32::MAX as u64);
        self.instructions[opcode] = instruction;
        self.static_gas[opcode] = static_gas as u32;
    }

    const fn stack(&mut self, opcode: usize, run: fn(&mut Stack) -> Step, static_gas: u64) {
        self.set(opcode, Instruction::Stack(run), static_gas);
    }

    const fn cursor(
        &mut self,
        opcode: usize,
        run: fn(&mut Cursor, &AnalyzedCode) -> Step,
        static_gas: u64,
    ) {
        self.set(opcode, Instruction::Cursor(run), static_gas);
    }

    const fn frame(
        &mut self,
        opcode: usize,
        run: fn(&mut Interpreter, &mut dyn Host),
        static_gas: u64,
    ) {
        self.set(opcode, Instruction::Frame(run), static_gas);
    }
}

/// Runs opcode `op`, whose static gas the loop has charged; `false` when the frame has
/// stopped (halted, returned, or suspended for a sub-call). The opcodes that make up most
/// of what contracts execute (stack moves, cheap arithmetic, pushes and jumps) are named
/// here, so each is inlined into the loop; the rest go through `table`, the frame's fork.
/// Only instructions every fork has, with the same meaning in each, are named: for them
/// this is the table's entry, run without an indirect call.
#[inline(always)]
pub fn dispatch(
    op: usize,
    interp: &mut Interpreter,
    host: &mut dyn Host,
    table: &InstructionTable,
    cursor: &mut Cursor,
    code: &AnalyzedCode,
) -> bool {
    let stack = &mut cursor.stack;
    let step = match op {
        0x01 => arithmetic::add(stack),
        0x02 => arithmetic::mul(stack),
        0x03 => arithmetic::sub(stack),
        0x10 => comparison::lt(stack),
        0x11 => comparison::gt(stack),
        0x12 => comparison::slt(stack),
        0x14 => comparison::eq(stack),
        0x15 => comparison::iszero(stack),
        0x16 => bitwise::and(stack),
        0x17 => bitwise::or(stack),
        0x18 => bitwise::xor(stack),
        0x19 => bitwise::not(stack),
        0x1b => bitwise::shl(stack),
        0x1c => bitwise::shr(stack),
        0x50 => stack::pop(stack),
        0x5f => stack::push0(stack),
        0x80 => stack::dup::<1>(stack),
        0x81 => stack::dup::<2>(stack),
        0x82 => stack::dup::<3>(stack),
        0x83 => stack::dup::<4>(stack),
        0x84 => stack::dup::<5>(stack),
        0x85 => stack::dup::<6>(stack),
        0x86 => stack::dup::<7>(stack),
        0x87 => stack::dup::<8>(stack),
        0x90 => stack::swap::<1>(stack),
        0x91 => stack::swap::<2>(stack),
        0x92 => stack::swap::<3>(stack),
        0x93 => stack::swap::<4>(stack),
        0x94 => stack::swap::<5>(stack),
        0x56 => control::jump(cursor, code),
        0x57 => control::jumpi(cursor, code),
        0x5b => control::jumpdest(cursor, code),
        0x60 => stack::push::<1>(cursor, code),
        0x61 => stack::push::<2>(cursor, code),
        0x62 => stack::push::<3>(cursor, code),
        0x63 => stack::push::<4>(cursor, code),
        0x73 => stack::push::<20>(cursor, code),
        0x7f => stack::push::<32>(cursor, code),
        _ => return run(table.instructions[op], interp, host, cursor, code),
    };
    step.is_ok() || halt(interp, step)
}

/// Runs `instruction` from the table.
#[inline(always)]
fn run(
    instruction: Instruction,
    interp: &mut Interpreter,
    host: &mut dyn Host,
    cursor: &mut Cursor,
    code: &AnalyzedCode,
) -> bool {
    // The called instructions get a copy of the cursor: were the loop's own
    // cursor's address passed to a call, it would have to live in memory, where each
    // instruction would wait on the last one's store of the stack length and `ip`.
    let step = match instruction {
        Instruction::Stack(run) => {
            let mut stack = cursor.stack.share();
            let step = run(&mut stack);
            cursor.stack = stack;
            step
        }
        Instruction::Cursor(run) => {
            let mut moved = cursor.share();
            let step = run(&mut moved, code);
            *cursor = moved;
            step
        }
        Instruction::Frame(run) => {
            interp.save_cursor(cursor);
            run(interp, host);
            *cursor = interp.load_cursor();
            return interp.is_running();
        }
    };
    step.is_ok() || halt(interp, step)
}

/// Halts the frame with the reason of a failed step; `false`, as the frame has stopped.
#[cold]
#[inline(never)]
fn halt(interp: &mut Interpreter, step: Step) -> bool {
    if let Err(reason) = step {
        interp.halt(reason);
    }
    false
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
    t.stack(0x1e, bitwise::clz, gas::LOW);
    t
}

const fn cancun() -> InstructionTable {
    let mut t = InstructionTable::unassigned();
    t.frame(0x00, control::stop, gas::ZERO);
    t.stack(0x01, arithmetic::add, gas::VERYLOW);
    t.stack(0x02, arithmetic::mul, gas::LOW);
    t.stack(0x03, arithmetic::sub, gas::VERYLOW);
    t.stack(0x04, arithmetic::div, gas::LOW);
    t.stack(0x05, arithmetic::sdiv, gas::LOW);
    t.stack(0x06, arithmetic::rem, gas::LOW);
    t.stack(0x07, arithmetic::smod, gas::LOW);
    t.stack(0x08, arithmetic::addmod, gas::MID);
    t.stack(0x09, arithmetic::mulmod, gas::MID);
    t.frame(0x0a, arithmetic::exp, gas::EXP);
    t.stack(0x0b, arithmetic::signextend, gas::LOW);
    t.stack(0x10, comparison::lt, gas::VERYLOW);
    t.stack(0x11, comparison::gt, gas::VERYLOW);
    t.stack(0x12, comparison::slt, gas::VERYLOW);
    t.stack(0x13, comparison::sgt, gas::VERYLOW);
    t.stack(0x14, comparison::eq, gas::VERYLOW);
    t.stack(0x15, comparison::iszero, gas::VERYLOW);
    t.stack(0x16, bitwise::and, gas::VERYLOW);
    t.stack(0x17, bitwise::or, gas::VERYLOW);
    t.stack(0x18, bitwise::xor, gas::VERYLOW);
    t.stack(0x19, bitwise::not, gas::VERYLOW);
    t.stack(0x1a, bitwise::byte, gas::VERYLOW);
    t.stack(0x1b, bitwise::shl, gas::VERYLOW);
    t.stack(0x1c, bitwise::shr, gas::VERYLOW);
    t.stack(0x1d, bitwise::sar, gas::VERYLOW);
    t.frame(0x20, memory::keccak256, gas::KECCAK256);
    t.frame(0x30, environment::address, gas::BASE);
    t.frame(0x31, environment::balance, gas::ZERO);
    t.frame(0x32, environment::origin, gas::BASE);
    t.frame(0x33, environment::caller, gas::BASE);
    t.frame(0x34, environment::callvalue, gas::BASE);
    t.frame(0x35, environment::calldataload, gas::VERYLOW);
    t.frame(0x36, environment::calldatasize, gas::BASE);
    t.frame(0x37, environment::calldatacopy, gas::VERYLOW);
    t.frame(0x38, environment::codesize, gas::BASE);
    t.frame(0x39, environment::codecopy, gas::VERYLOW);
    t.frame(0x3a, environment::gasprice, gas::BASE);
    t.frame(0x3b, environment::extcodesize, gas::ZERO);
    t.frame(0x3c, environment::extcodecopy, gas::ZERO);
    t.frame(0x3d, environment::returndatasize, gas::BASE);
    t.frame(0x3e, environment::returndatacopy, gas::VERYLOW);
    t.frame(0x3f, environment::extcodehash, gas::ZERO);
    t.frame(0x40, block::blockhash, gas::BLOCKHASH);
    t.frame(0x41, block::coinbase, gas::BASE);
    t.frame(0x42, block::timestamp, gas::BASE);
    t.frame(0x43, block::number, gas::BASE);
    t.frame(0x44, block::prevrandao, gas::BASE);
    t.frame(0x45, block::gaslimit, gas::BASE);
    t.frame(0x46, block::chainid, gas::BASE);
    t.frame(0x47, block::selfbalance, gas::SELFBALANCE);
    t.frame(0x48, block::basefee, gas::BASE);
    t.frame(0x49, block::blobhash, gas::VERYLOW);
    t.frame(0x4a, block::blobbasefee, gas::BASE);
    t.stack(0x50, stack::pop, gas::BASE);
    t.frame(0x51, memory::mload, gas::VERYLOW);
    t.frame(0x52, memory::mstore, gas::VERYLOW);
    t.frame(0x53, memory::mstore8, gas::VERYLOW);
    t.frame(0x54, storage::sload, gas::ZERO);
    t.frame(0x55, storage::sstore, gas::ZERO);
    t.cursor(0x56, control::jump, gas::MID);
    t.cursor(0x57, control::jumpi, gas::HIGH);
    t.frame(0x58, control::pc, gas::BASE);
    t.frame(0x59, memory::msize, gas::BASE);
    t.frame(0x5a, control::gas, gas::BASE);
    t.cursor(0x5b, control::jumpdest, gas::JUMPDEST);
    t.frame(0x5c, storage::tload, gas::TRANSIENT);
    t.frame(0x5d, storage::tstore, gas::TRANSIENT);
    t.frame(0x5e, memory::mcopy, gas::VERYLOW);
    t.stack(0x5f, stack::push0, gas::BASE);
    t = push_dup_swap(t);
    t.frame(0xa0, logs::log::<0>, gas::log(0));
    t.frame(0xa1, logs::log::<1>, gas::log(1));
    t.frame(0xa2, logs::log::<2>, gas::log(2));
    t.frame(0xa3, logs::log::<3>, gas::log(3));
    t.frame(0xa4, logs::log::<4>, gas::log(4));
    t.frame(0xf0, system::create, gas::CREATE);
    t.frame(0xf1, system::call, gas::ZERO);
    t.frame(0xf2, system::callcode, gas::ZERO);
    t.frame(0xf3, control::ret, gas::ZERO);
    t.frame(0xf4, system::delegatecall, gas::ZERO);
    t.frame(0xf5, system::create2, gas::CREATE);
    t.frame(0xfa, system::staticcall, gas::ZERO);
    t.frame(0xfd, control::revert, gas::ZERO);
    t.frame(0xfe, control::invalid, gas::ZERO);
    t.frame(0xff, system::selfdestruct, gas::SELFDESTRUCT);
    t
}

macro_rules! numbered {
    ($t:ident, $kind:ident, $base:expr, $f:ident, $($n:literal)+) => {
        $( $t.$kind($base + $n - 1, stack::$f::<$n>, gas::VERYLOW); )+
    };
}

const fn push_dup_swap(mut t: InstructionTable) -> InstructionTable {
    numbered!(t, cursor, 0x60, push, 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32);
    numbered!(t, stack, 0x80, dup, 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    numbered!(t, stack, 0x90, swap, 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    t
}
