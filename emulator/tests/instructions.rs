//! Every RV32IM instruction and every machine rule of SPEC section 1, with expected values
//! worked out by hand from the RISC-V specification (not computed by the emulator's code).
mod common;

use common::asm::*;
use common::{registers_after, run, run_with, RAM};
use zkos_emulator::{Disassembly, FaultKind, StreamOracle};

const MIN: u32 = 0x8000_0000;
const MAX: u32 = 0x7fff_ffff;
const NEG1: u32 = 0xffff_ffff;

/// `rd = a op b` through x1, x2 -> x3.
fn reg_result(op: RegOp, a: u32, b: u32) -> u32 {
    let mut code = li(1, a).to_vec();
    code.extend(li(2, b));
    code.push(op(3, 1, 2));
    registers_after(&code)[3]
}

/// `rd = a op imm` through x1 -> x3.
fn imm_result(op: ImmOp, a: u32, imm: i32) -> u32 {
    let mut code = li(1, a).to_vec();
    code.push(op(3, 1, imm));
    registers_after(&code)[3]
}

fn check_reg_vectors(name: &str, op: RegOp, vectors: &[(u32, u32, u32)]) {
    for &(a, b, expected) in vectors {
        let got = reg_result(op, a, b);
        assert_eq!(
            got, expected,
            "{name} 0x{a:08x}, 0x{b:08x}: got 0x{got:08x}, want 0x{expected:08x}"
        );
    }
}

fn check_imm_vectors(name: &str, op: ImmOp, vectors: &[(u32, i32, u32)]) {
    for &(a, imm, expected) in vectors {
        let got = imm_result(op, a, imm);
        assert_eq!(
            got, expected,
            "{name} 0x{a:08x}, {imm}: got 0x{got:08x}, want 0x{expected:08x}"
        );
    }
}

#[test]
fn assembler_matches_known_encodings() {
    // Words as the GNU assembler emits them.
    assert_eq!(addi(1, 0, 1), 0x0010_0093);
    assert_eq!(lw(10, 2, 4), 0x0041_2503);
    assert_eq!(sw(10, 2, 8), 0x00a1_2423);
    assert_eq!(beq(0, 0, -4), 0xfe00_0ee3);
    assert_eq!(jal(1, 8), 0x0080_00ef);
    assert_eq!(jal(0, 0), END_LOOP);
    assert_eq!(lui(1, 0x12345), 0x1234_50b7);
    assert_eq!(srai(5, 6, 3), 0x4033_5293);
    assert_eq!(csrrw(0, 0xc00, 0), ABORT);
    assert_eq!(Disassembly(lw(10, 2, -4)).to_string(), "lw a0, -4(sp)");
    assert_eq!(Disassembly(sb(5, 1, 3)).to_string(), "sb t0, 3(ra)");
}

#[test]
fn add_sub_wrap() {
    check_reg_vectors(
        "add",
        add,
        &[(1, 2, 3), (NEG1, 1, 0), (MAX, 1, MIN), (MIN, MIN, 0)],
    );
    check_reg_vectors(
        "sub",
        sub,
        &[(5, 3, 2), (0, 1, NEG1), (MIN, 1, MAX), (3, 5, 0xffff_fffe)],
    );
}

#[test]
fn register_shifts_use_the_low_five_bits_of_rs2() {
    check_reg_vectors(
        "sll",
        sll,
        &[
            (1, 33, 2),
            (1, 31, MIN),
            (NEG1, 32, NEG1),
            (0x1234_5678, 0xffff_ffe4, 0x2345_6780),
        ],
    );
    check_reg_vectors(
        "srl",
        srl,
        &[
            (MIN, 33, 0x4000_0000),
            (MIN, 31, 1),
            (0xf000_0000, 68, 0x0f00_0000),
            (NEG1, 32, NEG1),
        ],
    );
    check_reg_vectors(
        "sra",
        sra,
        &[
            (MIN, 33, 0xc000_0000),
            (MIN, 31, NEG1),
            (0x7fff_fff0, 36, 0x07ff_ffff),
            (MIN, 32, MIN),
        ],
    );
}

#[test]
fn immediate_shifts() {
    check_imm_vectors(
        "slli",
        slli,
        &[(1, 31, MIN), (0x8000_0001, 1, 2), (7, 0, 7)],
    );
    check_imm_vectors(
        "srli",
        srli,
        &[(MIN, 31, 1), (NEG1, 4, 0x0fff_ffff), (7, 0, 7)],
    );
    check_imm_vectors(
        "srai",
        srai,
        &[(MIN, 31, NEG1), (MIN, 1, 0xc000_0000), (MAX, 30, 1)],
    );
}

#[test]
fn signed_and_unsigned_comparisons_differ() {
    check_reg_vectors(
        "slt",
        slt,
        &[(NEG1, 1, 1), (1, NEG1, 0), (MIN, MAX, 1), (5, 5, 0)],
    );
    check_reg_vectors(
        "sltu",
        sltu,
        &[
            (NEG1, 1, 0),
            (1, NEG1, 1),
            (MIN, MAX, 0),
            (0, 1, 1),
            (5, 5, 0),
        ],
    );
}

#[test]
fn bitwise_operations() {
    let (a, b) = (0xff00_ff00, 0x0ff0_0ff0);
    check_reg_vectors("xor", xor, &[(a, b, 0xf0f0_f0f0)]);
    check_reg_vectors("or", or, &[(a, b, 0xfff0_fff0)]);
    check_reg_vectors("and", and, &[(a, b, 0x0f00_0f00)]);
}

#[test]
fn immediates_are_sign_extended() {
    check_imm_vectors(
        "addi",
        addi,
        &[
            (0, -1, NEG1),
            (5, 2047, 2052),
            (0, -2048, 0xffff_f800),
            (1, -1, 0),
        ],
    );
    check_imm_vectors("slti", slti, &[(NEG1, 0, 1), (0, -1, 0), (MIN, -2048, 1)]);
    // -1 as an SLTIU immediate is the largest unsigned number.
    check_imm_vectors(
        "sltiu",
        sltiu,
        &[
            (5, -1, 1),
            (NEG1, -1, 0),
            (0, 1, 1),
            (1, 1, 0),
            (MIN, -2048, 1),
        ],
    );
    check_imm_vectors("xori", xori, &[(0x1234_5678, -1, 0xedcb_a987)]);
    check_imm_vectors("ori", ori, &[(0, -2048, 0xffff_f800), (0x10, 1, 0x11)]);
    check_imm_vectors(
        "andi",
        andi,
        &[(NEG1, 0x7ff, 0x7ff), (0x1234_5678, -16, 0x1234_5670)],
    );
}

#[test]
fn multiplication_signs() {
    check_reg_vectors(
        "mul",
        mul,
        &[
            (NEG1, NEG1, 1),
            (MIN, 2, 0),
            (0x1234_5678, 0x10, 0x2345_6780),
            (7, 0xffff_fffd, 0xffff_ffeb),
        ],
    );
    check_reg_vectors(
        "mulh",
        mulh,
        &[
            (NEG1, NEG1, 0),
            (MIN, MIN, 0x4000_0000),
            (NEG1, 1, NEG1),
            (MAX, MAX, 0x3fff_ffff),
            (MIN, MAX, 0xc000_0000),
        ],
    );
    check_reg_vectors(
        "mulhsu",
        mulhsu,
        &[
            (NEG1, NEG1, NEG1),
            (1, NEG1, 0),
            (MIN, NEG1, MIN),
            (0xffff_fffe, MIN, NEG1),
            (MAX, NEG1, 0x7fff_fffe),
        ],
    );
    check_reg_vectors(
        "mulhu",
        mulhu,
        &[(NEG1, NEG1, 0xffff_fffe), (MIN, 2, 1), (NEG1, 1, 0)],
    );
}

#[test]
fn division_by_zero_and_overflow() {
    check_reg_vectors(
        "div",
        div,
        &[
            (7, 2, 3),
            (0xffff_fff9, 2, 0xffff_fffd),
            (7, 0xffff_fffe, 0xffff_fffd),
            (0xffff_fff9, 0xffff_fffe, 3),
            (1234, 0, NEG1),
            (0, 0, NEG1),
            (MIN, NEG1, MIN),
        ],
    );
    check_reg_vectors(
        "divu",
        divu,
        &[(7, 2, 3), (NEG1, 2, MAX), (1234, 0, NEG1), (MIN, NEG1, 0)],
    );
    check_reg_vectors(
        "rem",
        rem,
        &[
            (7, 2, 1),
            (0xffff_fff9, 2, NEG1),
            (7, 0xffff_fffe, 1),
            (0xffff_fff9, 0xffff_fffe, NEG1),
            (0xffff_fffb, 0, 0xffff_fffb),
            (MIN, NEG1, 0),
        ],
    );
    check_reg_vectors(
        "remu",
        remu,
        &[
            (7, 2, 1),
            (NEG1, 2, 1),
            (0xdead_beef, 0, 0xdead_beef),
            (5, NEG1, 5),
        ],
    );
}

#[test]
fn lui_and_auipc() {
    let regs = registers_after(&[
        lui(3, 0xfffff),
        lui(4, 0x12345),
        auipc(5, 1),
        auipc(6, 0xfffff),
    ]);
    assert_eq!(regs[3], 0xffff_f000);
    assert_eq!(regs[4], 0x1234_5000);
    assert_eq!(regs[5], 8 + 0x1000, "auipc at pc 8");
    assert_eq!(regs[6], 0xffff_f00c, "auipc at pc 12 with -0x1000");
}

#[test]
fn jal_links_and_jumps_both_ways() {
    let regs = registers_after(&[
        jal(1, 12),    // 0 -> 12, x1 = 4
        addi(7, 0, 7), // 4
        jal(0, 12),    // 8 -> 20
        jal(2, -8),    // 12 -> 4, x2 = 16
        addi(8, 0, 8), // 16: skipped
    ]);
    assert_eq!((regs[1], regs[2], regs[7], regs[8]), (4, 16, 7, 0));
}

#[test]
fn jalr_clears_bit_zero_and_links() {
    let regs = registers_after(&[
        addi(1, 0, 17), // 0
        jalr(3, 1, 0),  // 4: target 17 & !1 = 16, x3 = 8
        addi(5, 0, 1),  // 8: skipped
        addi(6, 0, 1),  // 12: skipped
        addi(7, 0, 1),  // 16
        addi(9, 0, 33), // 20
        jalr(9, 9, -5), // 24: target 28 from the old x9, x9 = 28
    ]);
    assert_eq!(
        (regs[3], regs[5], regs[6], regs[7], regs[9]),
        (8, 0, 0, 1, 28)
    );
}

/// Runs `branch` on x1 = a, x2 = b both as a forward and as a backward branch and
/// returns whether it was taken in each.
fn branch_taken(branch: PairOp, a: u32, b: u32) -> (bool, bool) {
    let mut forward = li(1, a).to_vec();
    forward.extend(li(2, b));
    let mut backward = forward.clone();
    forward.extend([
        branch(1, 2, 12), // 16 -> 28
        addi(5, 0, 1),    // 20: not taken
        END_LOOP,         // 24
        addi(6, 0, 1),    // 28: taken
    ]);
    backward.extend([
        jal(0, 12),       // 16 -> 28
        addi(6, 0, 1),    // 20: taken
        END_LOOP,         // 24
        branch(1, 2, -8), // 28 -> 20
        addi(5, 0, 1),    // 32: not taken
    ]);
    let taken = |code: &[u32]| {
        let regs = registers_after(code);
        assert_ne!(regs[5], regs[6], "exactly one path runs");
        regs[6] == 1
    };
    (taken(&forward), taken(&backward))
}

#[test]
fn branches_taken_and_not_taken_in_both_directions() {
    let cases: &[(&str, PairOp, u32, u32, bool)] = &[
        ("beq", beq, 5, 5, true),
        ("beq", beq, 5, 6, false),
        ("bne", bne, 5, 6, true),
        ("bne", bne, 5, 5, false),
        ("blt", blt, NEG1, 1, true),
        ("blt", blt, 1, NEG1, false),
        ("blt", blt, 5, 5, false),
        ("bge", bge, 1, NEG1, true),
        ("bge", bge, 5, 5, true),
        ("bge", bge, NEG1, 1, false),
        ("bltu", bltu, 1, NEG1, true),
        ("bltu", bltu, NEG1, 1, false),
        ("bltu", bltu, 5, 5, false),
        ("bgeu", bgeu, NEG1, 1, true),
        ("bgeu", bgeu, 5, 5, true),
        ("bgeu", bgeu, 1, NEG1, false),
    ];
    for &(name, branch, a, b, expected) in cases {
        assert_eq!(
            branch_taken(branch, a, b),
            (expected, expected),
            "{name} 0x{a:08x}, 0x{b:08x}"
        );
    }
}

/// The word 0x80f17f01 at RAM, then `load rd, offset(x1)` with x1 = RAM.
fn load_result(load: ImmOp, offset: i32) -> u32 {
    let mut code = store_words(1, 2, RAM, &[0x80f1_7f01]);
    code.push(load(3, 1, offset));
    registers_after(&code)[3]
}

#[test]
fn loads_sign_or_zero_extend() {
    // Bytes at RAM: 01 7f f1 80.
    let cases: &[(&str, ImmOp, i32, u32)] = &[
        ("lb", lb, 0, 0x01),
        ("lb", lb, 1, 0x7f),
        ("lb", lb, 2, 0xffff_fff1),
        ("lb", lb, 3, 0xffff_ff80),
        ("lbu", lbu, 2, 0xf1),
        ("lbu", lbu, 3, 0x80),
        ("lh", lh, 0, 0x7f01),
        ("lh", lh, 2, 0xffff_80f1),
        ("lhu", lhu, 2, 0x80f1),
        ("lw", lw, 0, 0x80f1_7f01),
    ];
    for &(name, load, offset, expected) in cases {
        assert_eq!(load_result(load, offset), expected, "{name} at +{offset}");
    }
}

#[test]
fn loads_with_negative_offsets_and_from_rom() {
    let mut code = store_words(1, 2, RAM, &[0xcafe_f00d]);
    code.extend(li(4, RAM + 4));
    code.push(lw(5, 4, -4));
    code.push(lw(6, 0, 0)); // the first instruction word
    code.push(lbu(7, 0, 3));
    let regs = registers_after(&code);
    assert_eq!(regs[5], 0xcafe_f00d);
    assert_eq!(regs[6], code[0]);
    assert_eq!(regs[7], code[0] >> 24);
}

#[test]
fn narrow_stores_merge_into_the_word() {
    let mut code = store_words(1, 2, RAM, &[0x1122_3344]);
    code.extend(li(2, 0x1234_56ee));
    code.push(sb(2, 1, 1));
    code.extend(li(2, 0x9999_beef));
    code.push(sh(2, 1, 2));
    code.push(lw(3, 1, 0));
    code.extend(li(2, 0x1ff));
    code.push(sb(2, 1, 4)); // only the low byte is stored
    code.push(lw(4, 1, 4));
    let regs = registers_after(&code);
    assert_eq!(regs[3], 0xbeef_ee44);
    assert_eq!(regs[4], 0xff);
}

#[test]
fn writes_to_x0_are_discarded() {
    let mut code = store_words(1, 2, RAM, &[0xdead_beef]);
    code.extend([
        addi(0, 0, 5),
        lui(0, 0x12345),
        lw(0, 1, 0),
        mul(0, 1, 1),
        jal(0, 4),
        add(3, 0, 0),
        addi(4, 0, 0),
    ]);
    let regs = registers_after(&code);
    assert_eq!((regs[0], regs[3], regs[4]), (0, 0, 0));
}

/// Asserts a run of `code` faults with `kind` at `pc` (word taken from the code) and
/// `address`, and that the message names the kind, the pc and the disassembly.
fn assert_fault(code: &[u32], kind: FaultKind, pc: u32, address: Option<u32>) {
    let finished = run(code);
    let fault = &finished.error().fault;
    let word = code.get(pc as usize / 4).copied().unwrap_or(ABORT);
    assert_eq!(fault.kind, kind, "{fault}");
    assert_eq!(
        (fault.pc, fault.word, fault.address),
        (pc, word, address),
        "{fault}"
    );
    let text = fault.to_string();
    assert!(text.contains(&kind.to_string()), "{text}");
    assert!(text.contains(&format!("pc 0x{pc:08x}")), "{text}");
    assert!(text.contains(&Disassembly(word).to_string()), "{text}");
    if let Some(address) = address {
        assert!(text.contains(&format!("0x{address:08x}")), "{text}");
    }
}

#[test]
fn forbidden_and_unknown_encodings_are_illegal() {
    let words = [
        ("csrrs", csr_op(2, 1, 0x7c0, 0)),
        ("csrrc", csr_op(3, 1, 0x7c0, 0)),
        ("csrrwi", csr_op(5, 1, 0x7c0, 1)),
        ("csrrsi", csr_op(6, 1, 0x7c0, 1)),
        ("csrrci", csr_op(7, 1, 0x7c0, 1)),
        ("csrrw on mstatus", csrrw(1, 0x300, 0)),
        ("ecall", 0x0000_0073),
        ("ebreak", 0x0010_0073),
        ("fence", 0x0ff0_000f),
        ("fence.i", 0x0000_100f),
        ("mret", 0x3020_0073),
        ("wfi", 0x1050_0073),
        ("zero word", 0),
        ("all ones", NEG1),
        ("slli by 32", r_type(0x13, 1, 1, 1, 0, 1)),
        ("srai with funct7 0x21", r_type(0x13, 1, 5, 1, 1, 0x21)),
        ("add with funct7 0x02", r_type(0x33, 1, 0, 1, 2, 0x02)),
        ("ld", i_type(0x03, 1, 3, 2, 0)),
        ("lwu", i_type(0x03, 1, 6, 2, 0)),
        ("sd", s_type(0x23, 3, 2, 1, 0)),
        ("branch funct3 2", b_type(0x63, 2, 1, 2, 8)),
        ("jalr funct3 1", i_type(0x67, 1, 1, 2, 0)),
        ("amoadd.w", 0x0020_a0af),
        ("compressed c.nop pair", 0x0001_0001),
    ];
    for (name, word) in words {
        let code = [addi(1, 0, 1), addi(2, 0, 2), word];
        let finished = run(&code);
        let fault = &finished.error().fault;
        assert_eq!(fault.kind, FaultKind::IllegalInstruction, "{name}: {fault}");
        assert_fault(&code, FaultKind::IllegalInstruction, 8, None);
    }
}

#[test]
fn misaligned_loads_and_stores_fault() {
    let cases: [(u32, FaultKind, u32); 7] = [
        (lw(3, 1, 1), FaultKind::MisalignedLoad, RAM + 1),
        (lw(3, 1, 2), FaultKind::MisalignedLoad, RAM + 2),
        (lh(3, 1, 1), FaultKind::MisalignedLoad, RAM + 1),
        (lhu(3, 1, 3), FaultKind::MisalignedLoad, RAM + 3),
        (sw(3, 1, 2), FaultKind::MisalignedStore, RAM + 2),
        (sw(3, 1, 3), FaultKind::MisalignedStore, RAM + 3),
        (sh(3, 1, 1), FaultKind::MisalignedStore, RAM + 1),
    ];
    for (word, kind, address) in cases {
        let mut code = li(1, RAM).to_vec();
        code.push(word);
        assert_fault(&code, kind, 8, Some(address));
    }
    // Bytes have no alignment.
    let mut code = li(1, RAM).to_vec();
    code.extend([sb(1, 1, 3), lb(3, 1, 3), lbu(4, 1, 1)]);
    let regs = registers_after(&code);
    assert_eq!((regs[3], regs[4]), (0, 0));
}

#[test]
fn jumps_to_addresses_not_multiple_of_four_fault_and_do_not_link() {
    assert_fault(
        &[addi(5, 0, 5), jal(1, 2)],
        FaultKind::MisalignedJump,
        4,
        Some(6),
    );
    let finished = run(&[addi(5, 0, 5), jal(1, 2)]);
    assert_eq!(
        finished.error().registers[1],
        0,
        "a faulting jal writes no link"
    );
    assert_fault(
        &[addi(1, 0, 18), jalr(2, 1, 0)],
        FaultKind::MisalignedJump,
        4,
        Some(18),
    );
    assert_fault(
        &[addi(1, 0, 1), beq(1, 1, 6)],
        FaultKind::MisalignedJump,
        4,
        Some(10),
    );
    // A branch not taken never faults on its target.
    let regs = registers_after(&[addi(1, 0, 1), bne(1, 1, 6), addi(3, 0, 3)]);
    assert_eq!(regs[3], 3);
}

#[test]
fn stores_into_rom_fault() {
    assert_fault(
        &[addi(1, 0, 1), sw(1, 0, 0)],
        FaultKind::RomWrite,
        4,
        Some(0),
    );
    let mut code = li(1, RAM - 1).to_vec();
    code.push(sb(1, 1, 0));
    assert_fault(&code, FaultKind::RomWrite, 8, Some(RAM - 1));
    let mut code = li(1, RAM).to_vec();
    code.push(sb(1, 1, 0));
    registers_after(&code);
}

#[test]
fn accesses_at_or_above_one_gib_fault() {
    let top = zkos_linker::ADDRESS_SPACE_SIZE;
    let cases: [(u32, u32, FaultKind); 5] = [
        (top, lw(3, 1, 0), FaultKind::LoadOutOfBounds),
        (top, sw(3, 1, 0), FaultKind::StoreOutOfBounds),
        (top, lb(3, 1, 0), FaultKind::LoadOutOfBounds),
        (0xfffe_ffff, lbu(3, 1, 0), FaultKind::LoadOutOfBounds),
        (0xffff_000c, lw(3, 1, 0), FaultKind::LoadOutOfBounds),
    ];
    for (address, word, kind) in cases {
        let mut code = li(1, address).to_vec();
        code.push(word);
        assert_fault(&code, kind, 8, Some(address));
    }
    assert_fault(
        &[lw(3, 0, -4)],
        FaultKind::LoadOutOfBounds,
        0,
        Some(0xffff_fffc),
    );
    // The last word below 1 GiB is RAM.
    let mut code = li(1, top - 4).to_vec();
    code.extend([addi(2, 0, 9), sw(2, 1, 0), lw(3, 1, 0)]);
    assert_eq!(registers_after(&code)[3], 9);
}

#[test]
fn oracle_mmio_window_reads_writes_and_counts() {
    let base = zkos_linker::ORACLE_MMIO_BASE;
    let mut code = li(1, base).to_vec(); // 0, 4
    code.extend([
        lw(10, 1, 0),        // 8: pop 0xaaaa0001
        lw(11, 1, 8),        // reads so far: 1
        csrrw(12, 0x7c0, 0), // pop 0xbbbb0002 through the CSR door
        lw(13, 1, 8),        // 2
        lw(14, 1, 0),        // exhausted: 0
        addi(2, 0, 0x77),
        sw(2, 1, 4), // hand 0x77 to the host
        END_LOOP,
    ]);
    let mut oracle = StreamOracle::new(vec![0xaaaa_0001, 0xbbbb_0002]);
    let finished = run_with(&code, &mut oracle, 1000);
    let outcome = finished.outcome();
    assert_eq!(outcome.output[..5], [0xaaaa_0001, 1, 0xbbbb_0002, 2, 0]);
    assert_eq!(outcome.first_mmio_pc, Some(8));
    assert_eq!(oracle.written, vec![0x77]);
}

#[test]
fn oracle_mmio_window_rejects_other_accesses() {
    let base = zkos_linker::ORACLE_MMIO_BASE;
    let cases: [(u32, u32); 9] = [
        (lb(3, 1, 0), base),
        (lhu(3, 1, 0), base),
        (lh(3, 1, 8), base + 8),
        (lw(3, 1, 1), base + 1),
        (sb(3, 1, 4), base + 4),
        (sh(3, 1, 4), base + 4),
        (sw(3, 1, 0), base),
        (lw(3, 1, 4), base + 4),
        (sw(3, 1, 8), base + 8),
    ];
    for (word, address) in cases {
        let mut code = li(1, base).to_vec();
        code.push(word);
        assert_fault(&code, FaultKind::BadMmioAccess, 8, Some(address));
    }
}

#[test]
fn oracle_csr_reads_only_with_a_destination_and_writes_only_with_a_source() {
    let code = [
        csrrw(0, 0x7c0, 0),  // consumes nothing
        csrrw(10, 0x7c0, 0), // 0x11
        addi(5, 0, 0x55),
        csrrw(0, 0x7c0, 5), // hands 0x55 over, reads nothing
        addi(6, 0, 0x66),
        csrrw(11, 0x7c0, 6), // reads 0x22 and hands 0x66 over
        csrrw(12, 0x7c0, 0), // exhausted: 0
        END_LOOP,
    ];
    let mut oracle = StreamOracle::new(vec![0x11, 0x22]);
    let finished = run_with(&code, &mut oracle, 1000);
    let outcome = finished.outcome();
    assert_eq!(outcome.output[..3], [0x11, 0x22, 0]);
    assert_eq!(outcome.oracle_words_read, 3);
    assert_eq!(outcome.first_mmio_pc, None);
    assert_eq!(oracle.written, vec![0x55, 0x66]);
}

#[test]
fn console_convention_goes_to_the_console() {
    let mut code = Vec::new();
    for word in [0xffff_ffff, 1, 3, u32::from_le_bytes(*b"hi!\0")] {
        code.extend(li(5, word));
        code.push(csrrw(0, 0x7c0, 5));
    }
    code.extend(li(5, 9));
    code.push(csrrw(0, 0x7c0, 5));
    code.push(END_LOOP);
    let mut oracle = StreamOracle::default();
    oracle.capture_console = true;
    run_with(&code, &mut oracle, 1000).outcome();
    assert_eq!(oracle.console_text, b"hi!");
    assert_eq!(oracle.written, vec![9]);
}

#[test]
fn guest_abort_is_reported() {
    let code = [addi(1, 0, 1), addi(2, 0, 2), ABORT];
    assert_fault(&code, FaultKind::GuestAbort, 8, None);
    let text = run(&code).error().fault.to_string();
    assert!(text.contains("csrrw zero, 0xc00, zero"), "{text}");
}

#[test]
fn fetch_past_the_image_reads_the_abort_padding() {
    let finished = run(&[addi(1, 0, 1), addi(2, 0, 2)]);
    let error = finished.error();
    assert_eq!(error.fault.kind, FaultKind::GuestAbort);
    assert_eq!((error.fault.pc, error.fault.word), (8, ABORT));
    assert_eq!(error.cycles.raw, 2);
    assert_eq!(error.registers[2], 2);
}

#[test]
fn fetch_from_ram_faults() {
    let mut code = li(1, RAM).to_vec();
    code.push(jalr(0, 1, 0));
    let finished = run(&code);
    let fault = &finished.error().fault;
    assert_eq!(fault.kind, FaultKind::FetchOutsideRom);
    assert_eq!((fault.pc, fault.address), (RAM, Some(RAM)));
    assert!(fault
        .to_string()
        .contains("instruction fetch outside ROM at pc 0x00200000"));
}

#[test]
fn cycle_limit_stops_the_run() {
    let code = [addi(1, 1, 1), jal(0, -4)];
    let finished = run_with(&code, &mut StreamOracle::default(), 100);
    let error = finished.error();
    assert_eq!(error.fault.kind, FaultKind::CycleLimit(100));
    assert_eq!(error.cycles.raw, 100);
    assert_eq!(error.registers[1], 50);
    assert!(error.to_string().contains("cycle limit of 100 reached"));
}

#[test]
fn run_ends_at_the_self_loop_with_x10_to_x17() {
    let mut code = Vec::new();
    for (i, r) in (10..18).enumerate() {
        code.push(addi(r, 0, 100 + i as i32));
    }
    code.push(END_LOOP);
    let finished = run(&code);
    let outcome = finished.outcome();
    assert_eq!(outcome.output, [100, 101, 102, 103, 104, 105, 106, 107]);
    assert_eq!(outcome.final_pc, 32);
    // The end loop's first pass is not counted (as in Airbender's simulator).
    assert_eq!(outcome.cycles.raw, 8);
    assert_eq!(outcome.cycles.effective(), 8);
}

const BLAKE: u16 = 0x7c7;
const U256: u16 = 0x7ca;

/// Sets x10..x13 and makes a delegation call at pc 32.
fn delegation_call(csr: u16, args: [u32; 4]) -> Vec<u32> {
    let mut code = Vec::new();
    for (r, value) in (10..14).zip(args) {
        code.extend(li(r, value));
    }
    code.push(csrrw(0, csr, 0));
    code.push(END_LOOP);
    code
}

fn assert_delegation_rejected(csr: u16, args: [u32; 4], why: &str) {
    let code = delegation_call(csr, args);
    let finished = run(&code);
    let fault = &finished.error().fault;
    match &fault.kind {
        FaultKind::Delegation(message) => assert!(
            message.contains(why),
            "{args:x?}: message {message:?} lacks {why:?}"
        ),
        other => panic!("{args:x?}: expected a delegation fault, got {other:?}"),
    }
    assert_fault(&code, fault.kind.clone(), 32, None);
    assert!(fault.to_string().contains("bad delegation call"));
}

#[test]
fn blake2s_delegation_checks_its_arguments() {
    let (state, message) = (RAM, RAM + 0x100);
    let ok = [state, message, 1, 0];
    let finished = run(&delegation_call(BLAKE, ok));
    assert_eq!(finished.outcome().cycles.blake2s_rounds, 1);
    let cases: [([u32; 4], &str); 9] = [
        (
            [0x1000, message, 1, 0],
            "x10 (state) = 0x00001000 is below RAM",
        ),
        (
            [state, 0x1000, 1, 0],
            "x11 (message) = 0x00001000 is below RAM",
        ),
        ([RAM + 0x40, message, 1, 0], "not 128-byte aligned"),
        ([state, message + 2, 1, 0], "not 4-byte aligned"),
        ([state, state, 1, 0], "same pointer"),
        ([state, message, 0, 0], "not a one-hot round mask"),
        ([state, message, 3, 0], "not a one-hot round mask"),
        ([state, message, 1 << 10, 0], "not a one-hot round mask"),
        ([state, message, 1, 8], "control bits other than 0..2"),
    ];
    for (args, why) in cases {
        assert_delegation_rejected(BLAKE, args, why);
    }
    assert_delegation_rejected(BLAKE, [state, 0x3fff_fffc, 1, 0], "past the end of RAM");
}

#[test]
fn u256_delegation_checks_its_arguments() {
    let (a, b) = (RAM, RAM + 0x20);
    let finished = run(&delegation_call(U256, [a, b, 1, 0]));
    assert_eq!(finished.outcome().cycles.u256_ops, 1);
    let cases: [([u32; 4], &str); 9] = [
        ([0x1000, b, 1, 0], "x10 (a) = 0x00001000 is below RAM"),
        ([a, 0x20, 1, 0], "x11 (b) = 0x00000020 is below RAM"),
        ([a + 4, b, 1, 0], "not 32-byte aligned"),
        ([a, b + 16, 1, 0], "not 32-byte aligned"),
        ([a, a, 1, 0], "same pointer"),
        ([a, b, 0, 0], "not one operation bit"),
        ([a, b, 3, 0], "not one operation bit"),
        ([a, b, 1 << 8, 0], "not one operation bit"),
        ([a, b, 1 << 6, 0], "not one operation bit"),
    ];
    for (args, why) in cases {
        assert_delegation_rejected(U256, args, why);
    }
}

mod u256_delegation {
    use super::*;
    use proptest::prelude::*;
    use ruint::aliases::{U256 as Uint, U512};

    const ADD: u32 = 1;
    const SUB: u32 = 2;
    const SUB_AND_NEGATE: u32 = 4;
    const MUL_LOW: u32 = 8;
    const MUL_HIGH: u32 = 16;
    const EQ: u32 = 32;
    const CARRY: u32 = 64;
    const MEMCOPY: u32 = 128;

    fn to_uint(words: &[u32; 8]) -> Uint {
        Uint::from_limbs(core::array::from_fn(|i| {
            words[2 * i] as u64 | (words[2 * i + 1] as u64) << 32
        }))
    }

    fn to_words(x: Uint) -> [u32; 8] {
        core::array::from_fn(|i| (x.as_limbs()[i / 2] >> (32 * (i % 2))) as u32)
    }

    /// The operation as Airbender's simulator defines it, in `ruint` arithmetic.
    fn reference(op: u32, carry: bool, a: Uint, b: Uint) -> (Uint, bool) {
        let c = Uint::from(carry as u8);
        let twice = |(t, of0): (Uint, bool), f: fn(Uint, Uint) -> (Uint, bool)| {
            let (t, of1) = f(t, c);
            (t, of0 || of1)
        };
        match op {
            ADD => twice(a.overflowing_add(b), Uint::overflowing_add),
            SUB => twice(a.overflowing_sub(b), Uint::overflowing_sub),
            SUB_AND_NEGATE => twice(b.overflowing_sub(a), Uint::overflowing_sub),
            MUL_LOW | MUL_HIGH => {
                let wide: U512 = a.widening_mul(b);
                let limbs = wide.as_limbs();
                let low = Uint::from_limbs(limbs[..4].try_into().unwrap());
                let high = Uint::from_limbs(limbs[4..].try_into().unwrap());
                if op == MUL_LOW {
                    (low, high != Uint::ZERO)
                } else {
                    (high, false)
                }
            }
            EQ => (a, a == b),
            MEMCOPY => b.overflowing_add(c),
            _ => unreachable!(),
        }
    }

    /// Runs one call on `a` at RAM and `b` at RAM + 32; returns new a, the flag and b after.
    fn emulate(mask: u32, a: &[u32; 8], b: &[u32; 8]) -> ([u32; 8], u32, Vec<u8>) {
        let mut code = store_words(10, 5, RAM, a);
        code.extend(store_words(11, 5, RAM + 32, b));
        code.extend(li(12, mask));
        code.push(csrrw(0, U256, 0));
        code.push(addi(5, 12, 0));
        for r in (11..18).rev() {
            code.push(lw(r, 10, 4 * (r as i32 - 10)));
        }
        code.push(lw(10, 10, 0));
        code.push(END_LOOP);
        let finished = run(&code);
        let outcome = finished.outcome();
        assert_eq!(outcome.cycles.u256_ops, 1);
        let b_after = finished.machine.memory().read_bytes(RAM + 32, 32);
        (outcome.output, finished.registers()[5], b_after)
    }

    fn operand() -> impl Strategy<Value = [u32; 8]> {
        prop_oneof![
            4 => any::<[u32; 8]>(),
            1 => Just([0; 8]),
            1 => Just([NEG1; 8]),
            1 => Just([0, 0, 0, 0, 0, 0, 0, MIN]),
            1 => Just([1, 0, 0, 0, 0, 0, 0, 0]),
            1 => Just([NEG1, NEG1, NEG1, NEG1, 0, 0, 0, 0]),
            1 => (any::<u32>(), any::<u32>()).prop_map(|(l, h)| [l, h, 0, 0, 0, 0, 0, 0]),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn matches_ruint(
            op in prop::sample::select(vec![ADD, SUB, SUB_AND_NEGATE, MUL_LOW, MUL_HIGH, EQ, MEMCOPY]),
            carry in any::<bool>(),
            a in operand(),
            b in operand(),
            same in prop::bool::weighted(0.1),
        ) {
            let b = if same { a } else { b };
            let mask = op | if carry { CARRY } else { 0 };
            let (result, flag, b_after) = emulate(mask, &a, &b);
            let (expected, expected_flag) = reference(op, carry, to_uint(&a), to_uint(&b));
            prop_assert_eq!(result, to_words(expected), "result of mask 0x{:x}", mask);
            prop_assert_eq!(flag, expected_flag as u32, "flag of mask 0x{:x}", mask);
            prop_assert_eq!(b_after, common::to_bytes(&b), "b is read only");
        }
    }

    #[test]
    fn hand_checked_flags() {
        let max = [NEG1; 8];
        let one = [1, 0, 0, 0, 0, 0, 0, 0];
        let zero = [0; 8];
        assert_eq!(emulate(ADD, &max, &one).0, zero);
        assert_eq!(emulate(ADD, &max, &one).1, 1);
        assert_eq!(emulate(ADD | CARRY, &zero, &zero).0, one);
        assert_eq!(emulate(SUB, &zero, &one).0, max);
        assert_eq!(emulate(SUB, &zero, &one).1, 1);
        assert_eq!(emulate(SUB_AND_NEGATE, &one, &zero).0, max);
        assert_eq!(emulate(MUL_HIGH, &max, &max).0, {
            // (2^256 - 1)^2 = 2^512 - 2^257 + 1: high half 2^256 - 2.
            let mut w = max;
            w[0] = 0xffff_fffe;
            w
        });
        assert_eq!(emulate(MUL_LOW, &max, &max).0, one);
        assert_eq!(emulate(MUL_LOW, &max, &max).1, 1);
        assert_eq!(emulate(EQ, &one, &one).1, 1);
        assert_eq!(
            emulate(MEMCOPY | CARRY, &zero, &max),
            (zero, 1, common::to_bytes(&max))
        );
    }
}

mod blake2s_delegation {
    use super::*;
    use blake2::{Blake2s256, Digest};
    use proptest::prelude::*;

    /// BLAKE2s's IV (the SHA-256 initial hash values).
    const IV: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    const LAST: u32 = 1;
    const RIGHT: u32 = 2;
    const COMPRESSION: u32 = 4;
    const STATE: u32 = RAM;
    const MESSAGE: u32 = RAM + 0x80;
    /// Extended-state words the device must overwrite at round 0.
    const GARBAGE: u32 = 0x5a5a_1234;

    fn words_of(bytes: &[u8]) -> Vec<u32> {
        bytes
            .chunks(4)
            .map(|c| {
                let mut w = [0u8; 4];
                w[..c.len()].copy_from_slice(c);
                u32::from_le_bytes(w)
            })
            .collect()
    }

    /// Runs ten rounds on the 24-word state and 16-word message; returns `h` afterwards.
    fn ten_rounds(state: &[u32; 24], message: &[u32; 16], control: u32) -> [u8; 32] {
        let mut code = store_words(10, 5, STATE, state);
        code.extend(store_words(11, 5, MESSAGE, message));
        for round in 0..10 {
            code.extend(li(12, 1 << round));
            code.extend(li(13, control | if round == 9 { LAST } else { 0 }));
            code.push(csrrw(0, BLAKE, 0));
        }
        for r in (11..18).rev() {
            code.push(lw(r, 10, 4 * (r as i32 - 10)));
        }
        code.push(lw(10, 10, 0));
        code.push(END_LOOP);
        let finished = run(&code);
        let outcome = finished.outcome();
        assert_eq!(outcome.cycles.blake2s_rounds, 10);
        common::to_bytes(&outcome.output).try_into().unwrap()
    }

    fn normal_mode_hash(data: &[u8]) -> [u8; 32] {
        let mut state = [GARBAGE; 24];
        state[..8].copy_from_slice(&IV);
        state[0] ^= 0x0101_0020; // digest length 32, no key, fanout 1, depth 1
        state[8 + 12] = IV[4] ^ data.len() as u32;
        state[8 + 14] = !IV[6];
        let mut message = [0; 16];
        let words = words_of(data);
        message[..words.len()].copy_from_slice(&words);
        ten_rounds(&state, &message, 0)
    }

    fn node_hash(node: &[u8; 32], sibling: &[u8; 32], control: u32) -> [u8; 32] {
        let mut state = [GARBAGE; 24];
        state[..8].copy_from_slice(&words_of(node));
        let mut message = [GARBAGE; 16];
        message[..8].copy_from_slice(&words_of(sibling));
        ten_rounds(&state, &message, control)
    }

    #[test]
    fn empty_message_matches_the_known_digest() {
        // BLAKE2s-256("") from RFC 7693's reference implementation.
        let expected = "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9";
        let got: String = normal_mode_hash(b"")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(got, expected);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn normal_mode_is_blake2s_of_one_block(data in prop::collection::vec(any::<u8>(), 0..=64)) {
            let expected: [u8; 32] = Blake2s256::digest(&data).into();
            prop_assert_eq!(normal_mode_hash(&data), expected);
        }

        #[test]
        fn compression_mode_hashes_left_then_right(left in any::<[u8; 32]>(), right in any::<[u8; 32]>()) {
            let expected: [u8; 32] = Blake2s256::digest([left, right].concat()).into();
            prop_assert_eq!(node_hash(&left, &right, COMPRESSION), expected, "h is the left node");
            prop_assert_eq!(node_hash(&right, &left, COMPRESSION | RIGHT), expected, "h is the right node");
        }
    }
}

/// The tracer's view of a store: the aligned word before and after, against the bytes of
/// the old word overwritten by the stored ones (and against memory after the run).
mod store_steps {
    use super::common::program;
    use super::*;
    use proptest::prelude::*;
    use zkos_emulator::{Machine, MemAccess, Step, Tracer};

    #[derive(Default)]
    struct Stores(Vec<(u32, u32, u32)>);

    impl Tracer for Stores {
        fn on_step(&mut self, step: &Step<'_>) {
            if let MemAccess::Store {
                address,
                old_word,
                new_word,
            } = step.mem
            {
                self.0.push((address, old_word, new_word));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn store_steps_carry_the_old_and_merged_word(
            width_log in 0u32..3,
            lane in 0u32..4,
            old in any::<u32>(),
            value in any::<u32>(),
        ) {
            let width = 1u32 << width_log;
            let offset = (lane * width) % 4;
            let base = RAM + 0x100;
            let mut code = li(1, base).to_vec();
            code.extend(li(2, old));
            code.push(sw(2, 1, 0));
            code.extend(li(3, value));
            code.push(STORE_OPS[width_log as usize].1(3, 1, offset as i32));
            code.push(END_LOOP);
            let mut machine = Machine::new(&program(&code)).unwrap();
            let mut stores = Stores::default();
            machine.run_traced(StreamOracle::new(vec![]), &mut stores, 1000).unwrap();
            let mut bytes = old.to_le_bytes();
            let at = offset as usize;
            bytes[at..at + width as usize].copy_from_slice(&value.to_le_bytes()[..width as usize]);
            let expected = u32::from_le_bytes(bytes);
            prop_assert_eq!(stores.0.len(), 2);
            prop_assert_eq!(stores.0[1], (base + offset, old, expected));
            prop_assert_eq!(machine.memory().word_at(base), expected);
        }
    }
}

/// A trap stops the run in front of its instruction, leaving the machine as it was;
/// cleared, the same instruction runs as before.
#[test]
fn a_trap_stops_before_its_instruction_and_clears() {
    let program = common::program(&[addi(5, 0, 7), addi(6, 5, 1), END_LOOP]);
    let mut machine = zkos_emulator::Machine::new(&program).unwrap();
    let mut device = zkos_emulator::OracleDevice::new(StreamOracle::default());
    let mut run = |machine: &mut zkos_emulator::Machine| {
        machine.run_until(&mut device, &mut zkos_emulator::NoTracer, 100)
    };
    assert!(machine.set_trap(4));
    assert!(!machine.set_trap(2), "not an instruction's address");
    assert!(!machine.set_trap(12), "past the image");
    let stopped = run(&mut machine).unwrap_err();
    assert_eq!(stopped.fault.kind, FaultKind::IllegalInstruction);
    assert_eq!((stopped.fault.pc, machine.pc()), (4, 4));
    assert_eq!((machine.registers()[5], machine.registers()[6]), (7, 0));
    assert_eq!(machine.cycles().raw, 1);
    machine.clear_trap(4);
    assert_eq!(run(&mut machine), Ok(zkos_emulator::Stop::Halted));
    assert_eq!(machine.registers()[6], 8);
    assert_eq!(machine.cycles().raw, 2);
}
