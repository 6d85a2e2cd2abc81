//! A tiny RV32IM assembler: one encoder per instruction format, and the mnemonics built on
//! them. Registers are plain numbers (x0..x31); immediates are the values the ISA adds,
//! not the raw fields.

const OP: u32 = 0x33;
const OP_IMM: u32 = 0x13;
const LOAD: u32 = 0x03;
const STORE: u32 = 0x23;
const BRANCH: u32 = 0x63;
const SYSTEM: u32 = 0x73;

/// `jal x0, 0`: the end loop.
pub const END_LOOP: u32 = 0x0000_006f;
/// `csrrw x0, cycle, x0`: the guest-abort word and the ROM padding.
pub const ABORT: u32 = 0xc000_1073;

fn reg(r: u8) -> u32 {
    assert!(r < 32, "register x{r} does not exist");
    r as u32
}

pub fn r_type(opcode: u32, rd: u8, funct3: u32, rs1: u8, rs2: u8, funct7: u32) -> u32 {
    funct7 << 25 | reg(rs2) << 20 | reg(rs1) << 15 | funct3 << 12 | reg(rd) << 7 | opcode
}

pub fn i_type(opcode: u32, rd: u8, funct3: u32, rs1: u8, imm: i32) -> u32 {
    assert!(
        (-2048..2048).contains(&imm),
        "I immediate {imm} out of range"
    );
    ((imm as u32) & 0xfff) << 20 | reg(rs1) << 15 | funct3 << 12 | reg(rd) << 7 | opcode
}

pub fn s_type(opcode: u32, funct3: u32, rs1: u8, rs2: u8, imm: i32) -> u32 {
    assert!(
        (-2048..2048).contains(&imm),
        "S immediate {imm} out of range"
    );
    let imm = imm as u32;
    (imm >> 5 & 0x7f) << 25
        | reg(rs2) << 20
        | reg(rs1) << 15
        | funct3 << 12
        | (imm & 0x1f) << 7
        | opcode
}

pub fn b_type(opcode: u32, funct3: u32, rs1: u8, rs2: u8, offset: i32) -> u32 {
    assert!(
        (-4096..4096).contains(&offset) && offset % 2 == 0,
        "B offset {offset} not encodable"
    );
    let imm = offset as u32;
    (imm >> 12 & 1) << 31
        | (imm >> 5 & 0x3f) << 25
        | reg(rs2) << 20
        | reg(rs1) << 15
        | funct3 << 12
        | (imm >> 1 & 0xf) << 8
        | (imm >> 11 & 1) << 7
        | opcode
}

/// U format: `upper` is the 20-bit field (the value is `upper << 12`).
pub fn u_type(opcode: u32, rd: u8, upper: u32) -> u32 {
    assert!(upper < 1 << 20, "U immediate 0x{upper:x} out of range");
    upper << 12 | reg(rd) << 7 | opcode
}

pub fn j_type(opcode: u32, rd: u8, offset: i32) -> u32 {
    assert!(
        (-(1 << 20)..1 << 20).contains(&offset) && offset % 2 == 0,
        "J offset {offset} not encodable"
    );
    let imm = offset as u32;
    (imm >> 20 & 1) << 31
        | (imm >> 1 & 0x3ff) << 21
        | (imm >> 11 & 1) << 20
        | (imm >> 12 & 0xff) << 12
        | reg(rd) << 7
        | opcode
}

/// A register-register operation: `rd = rs1 op rs2`.
pub type RegOp = fn(u8, u8, u8) -> u32;
/// A register-immediate operation, load or jalr: `rd, rs1, imm`.
pub type ImmOp = fn(u8, u8, i32) -> u32;
/// A branch `rs1, rs2, offset`, or a store `src, base, imm` (as in `sw src, imm(base)`).
pub type PairOp = fn(u8, u8, i32) -> u32;

macro_rules! reg_ops {
    ($table:ident: $($name:ident = ($funct7:expr, $funct3:expr)),* $(,)?) => {
        $(pub fn $name(rd: u8, rs1: u8, rs2: u8) -> u32 {
            r_type(OP, rd, $funct3, rs1, rs2, $funct7)
        })*
        pub const $table: &[(&str, RegOp)] = &[$((stringify!($name), $name as RegOp)),*];
    };
}

reg_ops!(RV32I_REG_OPS:
    add = (0x00, 0), sub = (0x20, 0), sll = (0x00, 1), slt = (0x00, 2), sltu = (0x00, 3),
    xor = (0x00, 4), srl = (0x00, 5), sra = (0x20, 5), or = (0x00, 6), and = (0x00, 7),
);
reg_ops!(M_OPS:
    mul = (0x01, 0), mulh = (0x01, 1), mulhsu = (0x01, 2), mulhu = (0x01, 3),
    div = (0x01, 4), divu = (0x01, 5), rem = (0x01, 6), remu = (0x01, 7),
);

macro_rules! imm_ops {
    ($table:ident, $opcode:expr; $($name:ident = $funct3:expr),* $(,)?) => {
        $(pub fn $name(rd: u8, rs1: u8, imm: i32) -> u32 {
            i_type($opcode, rd, $funct3, rs1, imm)
        })*
        pub const $table: &[(&str, ImmOp)] = &[$((stringify!($name), $name as ImmOp)),*];
    };
}

imm_ops!(ALU_IMM_OPS, OP_IMM;
    addi = 0, slti = 2, sltiu = 3, xori = 4, ori = 6, andi = 7,
);
imm_ops!(LOAD_OPS, LOAD; lb = 0, lh = 1, lw = 2, lbu = 4, lhu = 5);

macro_rules! shift_ops {
    ($($name:ident = ($funct7:expr, $funct3:expr)),* $(,)?) => {
        $(pub fn $name(rd: u8, rs1: u8, shamt: i32) -> u32 {
            assert!((0..32).contains(&shamt), "shift amount {shamt} out of range");
            r_type(OP_IMM, rd, $funct3, rs1, shamt as u8, $funct7)
        })*
        pub const SHIFT_IMM_OPS: &[(&str, ImmOp)] = &[$((stringify!($name), $name as ImmOp)),*];
    };
}

shift_ops!(slli = (0x00, 1), srli = (0x00, 5), srai = (0x20, 5));

macro_rules! pair_ops {
    ($table:ident, $encode:ident, $opcode:expr; $($name:ident = $funct3:expr),* $(,)?) => {
        $(pub fn $name(rs1: u8, rs2: u8, imm: i32) -> u32 {
            $encode($opcode, $funct3, rs1, rs2, imm)
        })*
        pub const $table: &[(&str, PairOp)] = &[$((stringify!($name), $name as PairOp)),*];
    };
}

pair_ops!(BRANCH_OPS, b_type, BRANCH; beq = 0, bne = 1, blt = 4, bge = 5, bltu = 6, bgeu = 7);

macro_rules! store_ops {
    ($($name:ident = $funct3:expr),* $(,)?) => {
        $(pub fn $name(src: u8, base: u8, imm: i32) -> u32 {
            s_type(STORE, $funct3, base, src, imm)
        })*
        pub const STORE_OPS: &[(&str, PairOp)] = &[$((stringify!($name), $name as PairOp)),*];
    };
}

store_ops!(sb = 0, sh = 1, sw = 2);

pub fn lui(rd: u8, upper: u32) -> u32 {
    u_type(0x37, rd, upper)
}

pub fn auipc(rd: u8, upper: u32) -> u32 {
    u_type(0x17, rd, upper)
}

pub fn jal(rd: u8, offset: i32) -> u32 {
    j_type(0x6f, rd, offset)
}

pub fn jalr(rd: u8, rs1: u8, imm: i32) -> u32 {
    i_type(0x67, rd, 0, rs1, imm)
}

/// A CSR instruction of any Zicsr form: funct3 1..3 register forms, 5..7 immediate forms
/// (`rs1` is then the 5-bit immediate).
pub fn csr_op(funct3: u32, rd: u8, csr: u16, rs1: u8) -> u32 {
    (csr as u32) << 20 | reg(rs1) << 15 | funct3 << 12 | reg(rd) << 7 | SYSTEM
}

pub fn csrrw(rd: u8, csr: u16, rs1: u8) -> u32 {
    csr_op(1, rd, csr, rs1)
}

/// `rd = value` in exactly two instructions (`lui` then `addi`), so layouts stay fixed.
pub fn li(rd: u8, value: u32) -> [u32; 2] {
    let low = ((value & 0xfff) as i32) << 20 >> 20;
    let upper = value.wrapping_sub(low as u32) >> 12;
    [lui(rd, upper), addi(rd, rd, low)]
}

/// Stores `words` at `address` using `scratch` for values and `pointer` for the address.
pub fn store_words(pointer: u8, scratch: u8, address: u32, words: &[u32]) -> Vec<u32> {
    let mut code = li(pointer, address).to_vec();
    for (i, &word) in words.iter().enumerate() {
        code.extend(li(scratch, word));
        code.push(sw(scratch, pointer, 4 * i as i32));
    }
    code
}
