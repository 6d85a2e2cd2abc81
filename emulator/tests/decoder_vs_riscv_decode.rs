//! Our decoder against the riscv-decode crate, an independent decoder. riscv-decode
//! targets RV64 as well (6-bit shift amounts, `*W` ops), so the comparison keeps to what
//! RV32IM allows; where the two differ on purpose (RV64-only encodings, FENCE, ECALL and
//! the CSR forms this machine forbids) the test says so explicitly.
use proptest::prelude::*;
use riscv_decode::{decode as reference, Instruction as R};
use zkos_emulator::{decode, Op};

/// Op, rd, rs1, rs2, and the immediate as riscv-decode reports it (raw bits, unsigned).
fn reference_view(word: u32) -> Option<(Op, u32, u32, u32, u32)> {
    // riscv-decode reads a word whose low two bits are not 0b11 as a 16-bit compressed
    // instruction (the C extension); RV32IM has none, so every such word is illegal here.
    if word & 0b11 != 0b11 {
        return None;
    }
    Some(match reference(word).ok()? {
        R::Lui(t) => (Op::Lui, t.rd(), 0, 0, t.imm()),
        R::Auipc(t) => (Op::Auipc, t.rd(), 0, 0, t.imm()),
        R::Jal(t) => (Op::Jal, t.rd(), 0, 0, t.imm()),
        // riscv-decode ignores JALR's funct3; the ISA reserves every value but 0.
        R::Jalr(t) if (word >> 12) & 7 == 0 => (Op::Jalr, t.rd(), t.rs1(), 0, t.imm()),
        R::Beq(t) => (Op::Beq, 0, t.rs1(), t.rs2(), t.imm()),
        R::Bne(t) => (Op::Bne, 0, t.rs1(), t.rs2(), t.imm()),
        R::Blt(t) => (Op::Blt, 0, t.rs1(), t.rs2(), t.imm()),
        R::Bge(t) => (Op::Bge, 0, t.rs1(), t.rs2(), t.imm()),
        R::Bltu(t) => (Op::Bltu, 0, t.rs1(), t.rs2(), t.imm()),
        R::Bgeu(t) => (Op::Bgeu, 0, t.rs1(), t.rs2(), t.imm()),
        R::Lb(t) => (Op::Lb, t.rd(), t.rs1(), 0, t.imm()),
        R::Lh(t) => (Op::Lh, t.rd(), t.rs1(), 0, t.imm()),
        R::Lw(t) => (Op::Lw, t.rd(), t.rs1(), 0, t.imm()),
        R::Lbu(t) => (Op::Lbu, t.rd(), t.rs1(), 0, t.imm()),
        R::Lhu(t) => (Op::Lhu, t.rd(), t.rs1(), 0, t.imm()),
        R::Sb(t) => (Op::Sb, 0, t.rs1(), t.rs2(), t.imm()),
        R::Sh(t) => (Op::Sh, 0, t.rs1(), t.rs2(), t.imm()),
        R::Sw(t) => (Op::Sw, 0, t.rs1(), t.rs2(), t.imm()),
        R::Addi(t) => (Op::Addi, t.rd(), t.rs1(), 0, t.imm()),
        R::Slti(t) => (Op::Slti, t.rd(), t.rs1(), 0, t.imm()),
        R::Sltiu(t) => (Op::Sltiu, t.rd(), t.rs1(), 0, t.imm()),
        R::Xori(t) => (Op::Xori, t.rd(), t.rs1(), 0, t.imm()),
        R::Ori(t) => (Op::Ori, t.rd(), t.rs1(), 0, t.imm()),
        R::Andi(t) => (Op::Andi, t.rd(), t.rs1(), 0, t.imm()),
        R::Slli(t) if t.shamt() < 32 => (Op::Slli, t.rd(), t.rs1(), 0, t.shamt()),
        R::Srli(t) if t.shamt() < 32 => (Op::Srli, t.rd(), t.rs1(), 0, t.shamt()),
        R::Srai(t) if t.shamt() < 32 => (Op::Srai, t.rd(), t.rs1(), 0, t.shamt()),
        R::Add(t) => (Op::Add, t.rd(), t.rs1(), t.rs2(), 0),
        R::Sub(t) => (Op::Sub, t.rd(), t.rs1(), t.rs2(), 0),
        R::Sll(t) => (Op::Sll, t.rd(), t.rs1(), t.rs2(), 0),
        R::Slt(t) => (Op::Slt, t.rd(), t.rs1(), t.rs2(), 0),
        R::Sltu(t) => (Op::Sltu, t.rd(), t.rs1(), t.rs2(), 0),
        R::Xor(t) => (Op::Xor, t.rd(), t.rs1(), t.rs2(), 0),
        R::Srl(t) => (Op::Srl, t.rd(), t.rs1(), t.rs2(), 0),
        R::Sra(t) => (Op::Sra, t.rd(), t.rs1(), t.rs2(), 0),
        R::Or(t) => (Op::Or, t.rd(), t.rs1(), t.rs2(), 0),
        R::And(t) => (Op::And, t.rd(), t.rs1(), t.rs2(), 0),
        R::Mul(t) => (Op::Mul, t.rd(), t.rs1(), t.rs2(), 0),
        R::Mulh(t) => (Op::Mulh, t.rd(), t.rs1(), t.rs2(), 0),
        R::Mulhsu(t) => (Op::Mulhsu, t.rd(), t.rs1(), t.rs2(), 0),
        R::Mulhu(t) => (Op::Mulhu, t.rd(), t.rs1(), t.rs2(), 0),
        R::Div(t) => (Op::Div, t.rd(), t.rs1(), t.rs2(), 0),
        R::Divu(t) => (Op::Divu, t.rd(), t.rs1(), t.rs2(), 0),
        R::Rem(t) => (Op::Rem, t.rd(), t.rs1(), t.rs2(), 0),
        R::Remu(t) => (Op::Remu, t.rd(), t.rs1(), t.rs2(), 0),
        R::Csrrw(t) => {
            let op = match t.csr() {
                0x7c0 => Op::OracleCsr,
                0x7c7 => Op::Blake2sRound,
                0x7ca => Op::U256Op,
                0xc00 => Op::Abort,
                _ => Op::Illegal,
            };
            (op, t.rd(), t.rs1(), 0, t.csr())
        }
        // FENCE, ECALL, EBREAK, MRET, WFI, the other CSR forms, RV64 and A/F/D encodings:
        // all illegal on this machine.
        _ => return None,
    })
}

/// Our view with immediates cut to the raw bit width riscv-decode reports.
fn our_view(word: u32) -> Option<(Op, u32, u32, u32, u32)> {
    let i = decode(word);
    let raw_imm = match i.op {
        Op::Illegal => return None,
        Op::Lui | Op::Auipc => i.imm,
        Op::Jal => i.imm & 0x1f_fffe,
        Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu => i.imm & 0x1ffe,
        Op::Slli | Op::Srli | Op::Srai => i.imm,
        Op::Add
        | Op::Sub
        | Op::Sll
        | Op::Slt
        | Op::Sltu
        | Op::Xor
        | Op::Srl
        | Op::Sra
        | Op::Or
        | Op::And => 0,
        Op::Mul | Op::Mulh | Op::Mulhsu | Op::Mulhu | Op::Div | Op::Divu | Op::Rem | Op::Remu => 0,
        _ => i.imm & 0xfff,
    };
    let uses_rd = !matches!(
        i.op,
        Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu | Op::Sb | Op::Sh | Op::Sw
    );
    let uses_rs1 = !matches!(i.op, Op::Lui | Op::Auipc | Op::Jal);
    let uses_rs2 = matches!(
        i.op,
        Op::Beq
            | Op::Bne
            | Op::Blt
            | Op::Bge
            | Op::Bltu
            | Op::Bgeu
            | Op::Sb
            | Op::Sh
            | Op::Sw
            | Op::Add
            | Op::Sub
            | Op::Sll
            | Op::Slt
            | Op::Sltu
            | Op::Xor
            | Op::Srl
            | Op::Sra
            | Op::Or
            | Op::And
            | Op::Mul
            | Op::Mulh
            | Op::Mulhsu
            | Op::Mulhu
            | Op::Div
            | Op::Divu
            | Op::Rem
            | Op::Remu
    );
    Some((
        i.op,
        if uses_rd { i.rd as u32 } else { 0 },
        if uses_rs1 { i.rs1 as u32 } else { 0 },
        if uses_rs2 { i.rs2 as u32 } else { 0 },
        raw_imm,
    ))
}

fn agree(word: u32) -> Result<(), TestCaseError> {
    let ours = our_view(word);
    let theirs = reference_view(word).filter(|v| v.0 != Op::Illegal);
    prop_assert_eq!(ours, theirs, "word 0x{:08x}", word);
    Ok(())
}

const MAJOR_OPCODES: [u32; 10] = [0x37, 0x17, 0x6f, 0x67, 0x63, 0x03, 0x23, 0x13, 0x33, 0x73];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn agrees_on_words_with_rv32_major_opcodes(high in any::<u32>(), major in 0usize..10) {
        agree((high & !0x7f) | MAJOR_OPCODES[major])?;
    }

    #[test]
    fn agrees_on_arbitrary_words(word in any::<u32>()) {
        agree(word)?;
    }
}

#[test]
fn rv64_shift_amounts_are_illegal_here_but_not_for_riscv_decode() {
    let slli_by_48 = 0x03079793; // slli x15, x15, 0x30 on RV64
    assert!(reference(slli_by_48).is_ok());
    assert_eq!(decode(slli_by_48).op, Op::Illegal);
}

#[test]
fn jalr_with_nonzero_funct3_is_illegal_here_but_not_for_riscv_decode() {
    let reserved_jalr = 0x00411067;
    assert!(reference(reserved_jalr).is_ok());
    assert_eq!(decode(reserved_jalr).op, Op::Illegal);
}

#[test]
fn compressed_encodings_are_illegal_here_but_decoded_by_riscv_decode() {
    let c_lw = 0x0000_5854; // c.lw a3, 52(s0) in the low half, found by the proptest
    assert!(matches!(reference(c_lw), Ok(R::Lw(_))));
    assert_eq!(decode(c_lw).op, Op::Illegal);
    for low_bits in 0..3 {
        let word = 0x0000_0013 & !0b11 | low_bits; // addi x0, x0, 0 with its size bits broken
        assert_eq!(decode(word).op, Op::Illegal, "0x{word:08x}");
    }
}

#[test]
fn fence_and_ecall_are_illegal_here_but_decoded_by_riscv_decode() {
    for word in [0x0ff0000f, 0x00000073, 0x00100073, 0x30200073, 0x10500073] {
        assert_eq!(decode(word).op, Op::Illegal, "0x{word:08x}");
    }
    assert!(reference(0x0ff0000f).is_ok());
    assert!(reference(0x00000073).is_ok());
}
