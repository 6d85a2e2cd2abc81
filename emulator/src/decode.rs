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

/// Which immediate an operation takes from its word.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Immediate {
    None,
    I,
    S,
    B,
    U,
    J,
    Shamt,
    /// The CSR number; the operation is the CSR's.
    Csr,
}

/// Decodes one word. Unknown or forbidden encodings give `Op::Illegal`.
///
/// One lookup in [`FORMS`] finds the operation and its immediate's format, so decoding
/// takes no branch on the word's fields (a decoder of nested matches mispredicted most of
/// them on real code, and decoding is a tenth of a short compiled run).
pub fn decode(word: u32) -> Instruction {
    let funct7 = FUNCT7_CLASS[(word >> 25) as usize] as u32;
    let (op, immediate) = FORMS[((word & 0x7f) | ((word >> 5) & 0x380) | (funct7 << 10)) as usize];
    if op == Op::Illegal && immediate != Immediate::Csr {
        return Instruction::ILLEGAL;
    }
    let (rd, rs1, rs2) = Instruction::fields(word);
    let op = match immediate {
        Immediate::Csr => csr_op((word >> 20) as u16),
        _ => op,
    };
    Instruction {
        op,
        rd,
        rs1,
        rs2,
        imm: IMMEDIATES[immediate as usize].gather(word),
    }
}

/// Where an immediate format's bits lie in the word: each format is the sign (bit 31)
/// repeated over some bits, OR'd with a few fields of the word shifted into place, so one
/// masked sum of the same six terms makes every format.
#[derive(Clone, Copy)]
struct Gather {
    /// The bits that repeat the sign.
    sign: u32,
    /// The bits taken from `word >> 20`, `word >> 7`, `word << 4`, `word` itself and
    /// `word >> 9`.
    from_20: u32,
    from_7: u32,
    from_shl_4: u32,
    in_place: u32,
    from_9: u32,
}

impl Gather {
    #[inline(always)]
    fn gather(&self, word: u32) -> u32 {
        let sign = ((word as i32) >> 31) as u32;
        (sign & self.sign)
            | ((word >> 20) & self.from_20)
            | ((word >> 7) & self.from_7)
            | ((word << 4) & self.from_shl_4)
            | (word & self.in_place)
            | ((word >> 9) & self.from_9)
    }
}

impl Gather {
    const NONE: Gather = Gather {
        sign: 0,
        from_20: 0,
        from_7: 0,
        from_shl_4: 0,
        in_place: 0,
        from_9: 0,
    };
}

/// The gathers of the formats, in [`Immediate`]'s order.
static IMMEDIATES: [Gather; 8] = [
    Gather::NONE,
    // I: imm[11:0] = word[31:20]
    Gather {
        sign: 0xffff_f000,
        from_20: 0xfff,
        ..Gather::NONE
    },
    // S: imm[11:5] = word[31:25], imm[4:0] = word[11:7]
    Gather {
        sign: 0xffff_f000,
        from_20: 0xfe0,
        from_7: 0x1f,
        ..Gather::NONE
    },
    // B: imm[12] = word[31], imm[11] = word[7], imm[10:5] = word[30:25], imm[4:1] = word[11:8]
    Gather {
        sign: 0xffff_f000,
        from_20: 0x7e0,
        from_7: 0x1e,
        from_shl_4: 0x800,
        ..Gather::NONE
    },
    // U: imm[31:12] = word[31:12]
    Gather {
        in_place: 0xffff_f000,
        ..Gather::NONE
    },
    // J: imm[20] = word[31], imm[19:12] = word[19:12], imm[11] = word[20], imm[10:1] = word[30:21]
    Gather {
        sign: 0xfff0_0000,
        from_20: 0x7fe,
        in_place: 0xff000,
        from_9: 0x800,
        ..Gather::NONE
    },
    // Shamt: word[24:20]
    Gather {
        from_20: 0x1f,
        ..Gather::NONE
    },
    // Csr: the CSR number, word[31:20]
    Gather {
        from_20: 0xfff,
        ..Gather::NONE
    },
];

/// The class of a funct7 value in [`FORMS`]' index: 0x00, 0x20, 0x01, or any other.
static FUNCT7_CLASS: [u8; 128] = {
    let mut classes = [3; 128];
    classes[0x00] = 0;
    classes[0x20] = 1;
    classes[0x01] = 2;
    classes
};

/// The operation and immediate format of every opcode (bits 6:0), funct3 (bits 9:7) and
/// funct7 class (bits 11:10).
static FORMS: [(Op, Immediate); 4096] = {
    let mut forms = [(Op::Illegal, Immediate::None); 4096];
    let mut index = 0;
    while index < forms.len() {
        let funct7 = [0x00, 0x20, 0x01, 0x7f][index >> 10];
        forms[index] = form(index as u32 & 0x7f, (index as u32 >> 7) & 7, funct7);
        index += 1;
    }
    forms
};

/// The operation and immediate format of an opcode, funct3 and funct7.
const fn form(opcode: u32, funct3: u32, funct7: u32) -> (Op, Immediate) {
    use Immediate::*;
    let illegal = (Op::Illegal, None);
    match opcode {
        0x37 => (Op::Lui, U),
        0x17 => (Op::Auipc, U),
        0x6f => (Op::Jal, J),
        0x67 if funct3 == 0 => (Op::Jalr, I),
        0x63 => match funct3 {
            0 => (Op::Beq, B),
            1 => (Op::Bne, B),
            4 => (Op::Blt, B),
            5 => (Op::Bge, B),
            6 => (Op::Bltu, B),
            7 => (Op::Bgeu, B),
            _ => illegal,
        },
        0x03 => match funct3 {
            0 => (Op::Lb, I),
            1 => (Op::Lh, I),
            2 => (Op::Lw, I),
            4 => (Op::Lbu, I),
            5 => (Op::Lhu, I),
            _ => illegal,
        },
        0x23 => match funct3 {
            0 => (Op::Sb, S),
            1 => (Op::Sh, S),
            2 => (Op::Sw, S),
            _ => illegal,
        },
        0x13 => match (funct3, funct7) {
            (0, _) => (Op::Addi, I),
            (2, _) => (Op::Slti, I),
            (3, _) => (Op::Sltiu, I),
            (4, _) => (Op::Xori, I),
            (6, _) => (Op::Ori, I),
            (7, _) => (Op::Andi, I),
            (1, 0x00) => (Op::Slli, Shamt),
            (5, 0x00) => (Op::Srli, Shamt),
            (5, 0x20) => (Op::Srai, Shamt),
            _ => illegal,
        },
        0x33 => match (funct7, funct3) {
            (0x00, 0) => (Op::Add, None),
            (0x20, 0) => (Op::Sub, None),
            (0x00, 1) => (Op::Sll, None),
            (0x00, 2) => (Op::Slt, None),
            (0x00, 3) => (Op::Sltu, None),
            (0x00, 4) => (Op::Xor, None),
            (0x00, 5) => (Op::Srl, None),
            (0x20, 5) => (Op::Sra, None),
            (0x00, 6) => (Op::Or, None),
            (0x00, 7) => (Op::And, None),
            (0x01, 0) => (Op::Mul, None),
            (0x01, 1) => (Op::Mulh, None),
            (0x01, 2) => (Op::Mulhsu, None),
            (0x01, 3) => (Op::Mulhu, None),
            (0x01, 4) => (Op::Div, None),
            (0x01, 5) => (Op::Divu, None),
            (0x01, 6) => (Op::Rem, None),
            (0x01, 7) => (Op::Remu, None),
            _ => illegal,
        },
        // CSRRW: the operation is its CSR's, found by `decode` (see `csr_op`).
        0x73 if funct3 == 1 => (Op::Illegal, Csr),
        _ => illegal,
    }
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
