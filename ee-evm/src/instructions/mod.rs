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

use crate::interpreter::Interpreter;
use zkos_system::ee::Host;
use zkos_system::spec::Spec;

pub type Instruction = fn(&mut Interpreter, &mut dyn Host);

/// Opcode -> instruction from Cancun on; unassigned opcodes halt as invalid.
static CANCUN: [Instruction; 256] = cancun();
/// Osaka adds CLZ (EIP-7939).
static OSAKA: [Instruction; 256] = osaka();

/// The instruction table of `spec`: a frame picks it once, so the dispatch loop does not
/// look at the fork.
pub fn table(spec: Spec) -> &'static [Instruction; 256] {
    if spec.enables(Spec::Osaka) {
        &OSAKA
    } else {
        &CANCUN
    }
}

const fn osaka() -> [Instruction; 256] {
    let mut t = cancun();
    t[0x1e] = bitwise::clz;
    t
}

const fn cancun() -> [Instruction; 256] {
    let mut t: [Instruction; 256] = [control::invalid; 256];
    t[0x00] = control::stop;
    t[0x01] = arithmetic::add;
    t[0x02] = arithmetic::mul;
    t[0x03] = arithmetic::sub;
    t[0x04] = arithmetic::div;
    t[0x05] = arithmetic::sdiv;
    t[0x06] = arithmetic::rem;
    t[0x07] = arithmetic::smod;
    t[0x08] = arithmetic::addmod;
    t[0x09] = arithmetic::mulmod;
    t[0x0a] = arithmetic::exp;
    t[0x0b] = arithmetic::signextend;
    t[0x10] = comparison::lt;
    t[0x11] = comparison::gt;
    t[0x12] = comparison::slt;
    t[0x13] = comparison::sgt;
    t[0x14] = comparison::eq;
    t[0x15] = comparison::iszero;
    t[0x16] = bitwise::and;
    t[0x17] = bitwise::or;
    t[0x18] = bitwise::xor;
    t[0x19] = bitwise::not;
    t[0x1a] = bitwise::byte;
    t[0x1b] = bitwise::shl;
    t[0x1c] = bitwise::shr;
    t[0x1d] = bitwise::sar;
    t[0x20] = memory::keccak256;
    t[0x30] = environment::address;
    t[0x31] = environment::balance;
    t[0x32] = environment::origin;
    t[0x33] = environment::caller;
    t[0x34] = environment::callvalue;
    t[0x35] = environment::calldataload;
    t[0x36] = environment::calldatasize;
    t[0x37] = environment::calldatacopy;
    t[0x38] = environment::codesize;
    t[0x39] = environment::codecopy;
    t[0x3a] = environment::gasprice;
    t[0x3b] = environment::extcodesize;
    t[0x3c] = environment::extcodecopy;
    t[0x3d] = environment::returndatasize;
    t[0x3e] = environment::returndatacopy;
    t[0x3f] = environment::extcodehash;
    t[0x40] = block::blockhash;
    t[0x41] = block::coinbase;
    t[0x42] = block::timestamp;
    t[0x43] = block::number;
    t[0x44] = block::prevrandao;
    t[0x45] = block::gaslimit;
    t[0x46] = block::chainid;
    t[0x47] = block::selfbalance;
    t[0x48] = block::basefee;
    t[0x49] = block::blobhash;
    t[0x4a] = block::blobbasefee;
    t[0x50] = stack::pop;
    t[0x51] = memory::mload;
    t[0x52] = memory::mstore;
    t[0x53] = memory::mstore8;
    t[0x54] = storage::sload;
    t[0x55] = storage::sstore;
    t[0x56] = control::jump;
    t[0x57] = control::jumpi;
    t[0x58] = control::pc;
    t[0x59] = memory::msize;
    t[0x5a] = control::gas;
    t[0x5b] = control::jumpdest;
    t[0x5c] = storage::tload;
    t[0x5d] = storage::tstore;
    t[0x5e] = memory::mcopy;
    t[0x5f] = stack::push0;
    t = push_dup_swap(t);
    t[0xa0] = logs::log::<0>;
    t[0xa1] = logs::log::<1>;
    t[0xa2] = logs::log::<2>;
    t[0xa3] = logs::log::<3>;
    t[0xa4] = logs::log::<4>;
    t[0xf0] = system::create;
    t[0xf1] = system::call;
    t[0xf2] = system::callcode;
    t[0xf3] = control::ret;
    t[0xf4] = system::delegatecall;
    t[0xf5] = system::create2;
    t[0xfa] = system::staticcall;
    t[0xfd] = control::revert;
    t[0xfe] = control::invalid;
    t[0xff] = system::selfdestruct;
    t
}

macro_rules! numbered {
    ($t:ident, $base:expr, $f:ident, $($n:literal)+) => {
        $( $t[$base + $n - 1] = stack::$f::<$n>; )+
    };
}

const fn push_dup_swap(mut t: [Instruction; 256]) -> [Instruction; 256] {
    numbered!(t, 0x60, push, 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32);
    numbered!(t, 0x80, dup, 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    numbered!(t, 0x90, swap, 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    t
}
