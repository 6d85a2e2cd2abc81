//! Decoding of RV32IM instruction words into [`Instruction`], once per ROM word.
//!
//! The decoder is exact about what is legal on Airbender's machine (SPEC section 1):
//! RV32I + M, `CSRRW` only, and no `ECALL`/`EBREAK`/`FENCE`/`MRET`/`WFI`. CSR numbers are
//! resolved here, so the executor dispatches on the device, not on a CSR number.

use zkos_linker::csr;

/// An operation as the executor dispatches on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Op {
    /// The machine's mark for a ROM word not decoded yet (the value 0, so a table of them
    /// is zeroed memory); [`decode`] never returns it.
    Undecoded,
    Lui,
    Auipc,
    Jal,
    Jalr,
    Beq,
    Bne,
    Blt,
    Bge,
    Bltu,
    Bgeu,
    Lb,
    Lh,
    Lw,
    Lbu,
    Lhu,
    Sb,
    Sh,
    Sw,
    Addi,
    Slti,
    Sltiu,
    Xori,
    Ori,
    Andi,
    Slli,
    Srli,
    Srai,
    Add,
    Sub,
    Sll,
    Slt,
    Sltu,
    Xor,
    Srl,
    Sra,
    Or,
    And,
    Mul,
    Mulh,
    Mulhsu,
    Mulhu,
    Div,
    Divu,
    Rem,
    Remu,
    /// `CSRRW` on 0x7C0: read the next oracle word into rd, hand rs1 to the host.
    OracleCsr,
    /// `CSRRW` on 0x7C7: one BLAKE2s round.
    Blake2sRound,
    /// `CSRRW` on 0x7CA: one 256-bit integer operation.
    U256Op,
    /// `CSRRW` on `cycle` (0xC00): the guest gives up.
    Abort,
    /// Anything this machine cannot execute.
    Illegal,
}

/// A decoded instruction. `imm` holds the immediate (sign-extended where the ISA says so);
/// for CSR instructions it holds the CSR number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub op: Op,
    pub rd: u8,
    pub rs1: u8,
    pub rs2: u8,
    pub imm: u32,
}

impl Instruction {
    pub const ILLEGAL: Instruction = Instruction {
        op: Op::Illegal,
        rd: 0,
        rs1: 0,
        rs2: 0,
        imm: 0,
    };

    pub const UNDECODED: Instruction = Instruction {
        op: Op::Undecoded,
        ..Instruction::ILLEGAL
    };

    /// The registers the instruction reads and writes, as in the word (bits 11:7, 19:15, 24:20).
    pub fn fields(word: u32) -> (u8, u8, u8) {
        (
            ((word >> 7) & 31) as u8,
            ((word >> 15) & 31) as u8,
            ((word >> 20) & 31) as u8,
        )
    }
}

fn imm_i(word: u32) -> u32 {
    ((word as i32) >> 20) as u32
}

fn imm_s(word: u32) -> u32 {
    ((((word as i32) >> 25) << 5) as u32) | ((word >> 7) & 0x1f)
}

fn imm_b(word: u32) -> u32 {
    let sign = (((word as i32) >> 31) as u32) << 12;
    sign | ((word & 0x80) << 4) | ((word >> 20) & 0x7e0) | ((word >> 7) & 0x1e)
}

fn imm_u(word: u32) -> u32 {
    word & 0xffff_f000
}

fn imm_j(word: u32) -> u32 {
    let sign = (((word as i32) >> 31) as u32) << 20;
    sign | (word & 0xff000) | ((word >> 9) & 0x800) | ((word >> 20) & 0x7fe)
}

/// Decodes one word. Unknown or forbidden encodings give `Op::Illegal`.
pub fn decode(word: u32) -> Instruction {
    let (rd, rs1, rs2) = Instruction::fields(word);
    let funct3 = (word >> 12) & 7;
    let funct7 = word >> 25;
    let with = |op: Op, imm: u32| Instruction {
        op,
        rd,
        rs1,
        rs2,
        imm,
    };
    let op = match word & 0x7f {
        0x37 => return with(Op::Lui, imm_u(word)),
        0x17 => return with(Op::Auipc, imm_u(word)),
        0x6f => return with(Op::Jal, imm_j(word)),
        0x67 if funct3 == 0 => return with(Op::Jalr, imm_i(word)),
        0x63 => match funct3 {
            0 => Some(Op::Beq),
            1 => Some(Op::Bne),
            4 => Some(Op::Blt),
            5 => Some(Op::Bge),
            6 => Some(Op::Bltu),
            7 => Some(Op::Bgeu),
            _ => None,
        }
        .map(|op| with(op, imm_b(word))),
        0x03 => match funct3 {
            0 => Some(Op::Lb),
            1 => Some(Op::Lh),
            2 => Some(Op::Lw),
            4 => Some(Op::Lbu),
            5 => Some(Op::Lhu),
            _ => None,
        }
        .map(|op| with(op, imm_i(word))),
        0x23 => match funct3 {
            0 => Some(Op::Sb),
            1 => Some(Op::Sh),
            2 => Some(Op::Sw),
            _ => None,
        }
        .map(|op| with(op, imm_s(word))),
        0x13 => decode_op_imm(word, funct3, funct7).map(|(op, imm)| with(op, imm)),
        0x33 => decode_op(funct3, funct7).map(|op| with(op, 0)),
        0x73 if funct3 == 1 => Some(with(csr_op((word >> 20) as u16), word >> 20)),
        _ => None,
    };
    op.unwrap_or(Instruction::ILLEGAL)
}

fn decode_op_imm(word: u32, funct3: u32, funct7: u32) -> Option<(Op, u32)> {
    let shamt = (word >> 20) & 31;
    Some(match (funct3, funct7) {
        (0, _) => (Op::Addi, imm_i(word)),
        (2, _) => (Op::Slti, imm_i(word)),
        (3, _) => (Op::Sltiu, imm_i(word)),
        (4, _) => (Op::Xori, imm_i(word)),
        (6, _) => (Op::Ori, imm_i(word)),
        (7, _) => (Op::Andi, imm_i(word)),
        (1, 0x00) => (Op::Slli, shamt),
        (5, 0x00) => (Op::Srli, shamt),
        (5, 0x20) => (Op::Srai, shamt),
        _ => return None,
    })
}

fn decode_op(funct3: u32, funct7: u32) -> Option<Op> {
    Some(match (funct7, funct3) {
        (0x00, 0) => Op::Add,
        (0x20, 0) => Op::Sub,
        (0x00, 1) => Op::Sll,
        (0x00, 2) => Op::Slt,
        (0x00, 3) => Op::Sltu,
        (0x00, 4) => Op::Xor,
        (0x00, 5) => Op::Srl,
        (0x20, 5) => Op::Sra,
        (0x00, 6) => Op::Or,
        (0x00, 7) => Op::And,
        (0x01, 0) => Op::Mul,
        (0x01, 1) => Op::Mulh,
        (0x01, 2) => Op::Mulhsu,
        (0x01, 3) => Op::Mulhu,
        (0x01, 4) => Op::Div,
        (0x01, 5) => Op::Divu,
        (0x01, 6) => Op::Rem,
        (0x01, 7) => Op::Remu,
        _ => return None,
    })
}

fn csr_op(number: u16) -> Op {
    match number {
        csr::ORACLE => Op::OracleCsr,
        csr::BLAKE2S_ROUND => Op::Blake2sRound,
        csr::U256_OP => Op::U256Op,
        csr::CYCLE => Op::Abort,
        _ => Op::Illegal,
    }
}
