//! Disassembly of instruction words, for fault messages and traces.

use crate::decode::{decode, Op};
use core::fmt;

const ABI_NAMES: [&str; 32] = [
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
];

/// The ABI name of a register (`a0` for x10).
pub fn register_name(index: u8) -> &'static str {
    ABI_NAMES[(index & 31) as usize]
}

/// Displays an instruction word in assembler syntax, e.g. `lw a0, 4(sp)`.
pub struct Disassembly(pub u32);

impl fmt::Display for Disassembly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = self.0;
        let i = decode(word);
        let (rd, rs1, rs2) = (
            register_name(i.rd),
            register_name(i.rs1),
            register_name(i.rs2),
        );
        let simm = i.imm as i32;
        let name = mnemonic(i.op);
        match i.op {
            Op::Lui | Op::Auipc => write!(f, "{name} {rd}, 0x{:x}", i.imm >> 12),
            Op::Jal => write!(f, "{name} {rd}, {simm}"),
            Op::Jalr => write!(f, "{name} {rd}, {simm}({rs1})"),
            Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu => {
                write!(f, "{name} {rs1}, {rs2}, {simm}")
            }
            Op::Lb | Op::Lh | Op::Lw | Op::Lbu | Op::Lhu => write!(f, "{name} {rd}, {simm}({rs1})"),
            Op::Sb | Op::Sh | Op::Sw => write!(f, "{name} {rs2}, {simm}({rs1})"),
            Op::Addi | Op::Slti | Op::Sltiu | Op::Xori | Op::Ori | Op::Andi => {
                write!(f, "{name} {rd}, {rs1}, {simm}")
            }
            Op::Slli | Op::Srli | Op::Srai => write!(f, "{name} {rd}, {rs1}, {}", i.imm),
            Op::OracleCsr | Op::Blake2sRound | Op::U256Op | Op::Abort => {
                write!(f, "csrrw {rd}, 0x{:03x}, {rs1}", i.imm)
            }
            Op::Illegal | Op::Undecoded => write!(f, "illegal instruction (0x{word:08x})"),
            _ => write!(f, "{name} {rd}, {rs1}, {rs2}"),
        }
    }
}

fn mnemonic(op: Op) -> &'static str {
    match op {
        Op::Lui => "lui",
        Op::Auipc => "auipc",
        Op::Jal => "jal",
        Op::Jalr => "jalr",
        Op::Beq => "beq",
        Op::Bne => "bne",
        Op::Blt => "blt",
        Op::Bge => "bge",
        Op::Bltu => "bltu",
        Op::Bgeu => "bgeu",
        Op::Lb => "lb",
        Op::Lh => "lh",
        Op::Lw => "lw",
        Op::Lbu => "lbu",
        Op::Lhu => "lhu",
        Op::Sb => "sb",
        Op::Sh => "sh",
        Op::Sw => "sw",
        Op::Addi => "addi",
        Op::Slti => "slti",
        Op::Sltiu => "sltiu",
        Op::Xori => "xori",
        Op::Ori => "ori",
        Op::Andi => "andi",
        Op::Slli => "slli",
        Op::Srli => "srli",
        Op::Srai => "srai",
        Op::Add => "add",
        Op::Sub => "sub",
        Op::Sll => "sll",
        Op::Slt => "slt",
        Op::Sltu => "sltu",
        Op::Xor => "xor",
        Op::Srl => "srl",
        Op::Sra => "sra",
        Op::Or => "or",
        Op::And => "and",
        Op::Mul => "mul",
        Op::Mulh => "mulh",
        Op::Mulhsu => "mulhsu",
        Op::Mulhu => "mulhu",
        Op::Div => "div",
        Op::Divu => "divu",
        Op::Rem => "rem",
        Op::Remu => "remu",
        Op::OracleCsr | Op::Blake2sRound | Op::U256Op | Op::Abort => "csrrw",
        Op::Illegal | Op::Undecoded => "illegal",
    }
}
