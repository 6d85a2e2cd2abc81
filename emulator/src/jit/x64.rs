//! The x86-64 instructions the code generator emits with registers, offsets and constants
//! chosen while it compiles, in their shortest encodings, written to the block in one
//! piece; jumps to labels get their displacements when the block is finished. dynasm
//! encodes such forms generically: a REX prefix always, 32-bit displacements and immediates
//! (`mov eax, [rbx + 0x3c]` took 7 bytes, 3 here), and byte by byte. The rare forms
//! (division, MULH, the entry trampoline) stay with dynasm.
//!
//! Operands are 32-bit unless a name says otherwise (`64`: 64-bit); registers are x86-64
//! numbers (0 rax to 15 r15).

use super::writer::Writer;
use dynasmrt::{DynamicLabel, DynasmApi};

/// Two-operand ALU operations, by their ModRM `/digit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Alu {
    Add = 0,
    Or = 1,
    /// Add with carry.
    Adc = 2,
    /// Subtract with borrow.
    Sbb = 3,
    And = 4,
    Sub = 5,
    Xor = 6,
    Cmp = 7,
}

/// Shifts, by their ModRM `/digit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shift {
    Shl = 4,
    Shr = 5,
    Sar = 7,
}

/// Conditions of a conditional jump, by their condition code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cond {
    Below = 0x2,
    AboveOrEqual = 0x3,
    Equal = 0x4,
    NotEqual = 0x5,
    BelowOrEqual = 0x6,
    Above = 0x7,
    Less = 0xc,
    GreaterOrEqual = 0xd,
}

/// A memory operand.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Mem {
    /// `[base + displacement]`.
    At(u8, i32),
    /// `[base + index * scale + displacement]` (`index` not rsp; `scale` 1, 2, 4 or 8).
    Indexed(u8, u8, u8, i32),
}

impl Mem {
    /// `[r12 + rax]`: guest memory (based at r12) at the guest address in eax.
    pub const GUEST: Mem = Mem::Indexed(12, 0, 1, 0);
}

/// An access to guest memory ([`Mem::GUEST`]): its size, and for loads under a word,
/// whether the value is sign-extended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    Byte { signed: bool },
    Half { signed: bool },
    Word,
}

/// One instruction's bytes (at most 15).
struct Encoding {
    bytes: [u8; 16],
    len: usize,
}

impl Encoding {
    #[inline(always)]
    fn new() -> Encoding {
        Encoding {
            bytes: [0; 16],
            len: 0,
        }
    }

    #[inline(always)]
    fn byte(&mut self, byte: u8) -> &mut Self {
        // Masked, the index needs no bounds check (no form is longer than 15 bytes).
        self.bytes[self.len & 15] = byte;
        self.len += 1;
        self
    }

    #[inline(always)]
    fn imm8(&mut self, value: i8) -> &mut Self {
        self.byte(value as u8)
    }

    #[inline(always)]
    fn imm32(&mut self, value: i32) -> &mut Self {
        for byte in value.to_le_bytes() {
            self.byte(byte);
        }
        self
    }

    /// The REX prefix, where one is needed: REX.W for a 64-bit operand (`wide`), and the
    /// high bits of the ModRM `reg`, the SIB index and the ModRM `rm` or SIB base registers
    /// from r8 up. (A byte store's source from spl to dil needs one too, and has it: guest
    /// memory's base is r12.)
    #[inline(always)]
    fn prefix(&mut self, wide: bool, reg: u8, index: u8, base: u8) -> &mut Self {
        let rex = 0x40 | (wide as u8) << 3 | (reg >> 3) << 2 | (index >> 3) << 1 | base >> 3;
        if rex != 0x40 {
            self.byte(rex);
        }
        self
    }

    /// [`Encoding::prefix`] for ModRM registers `reg` and `rm`, 32-bit.
    #[inline(always)]
    fn rex(&mut self, reg: u8, rm: u8) -> &mut Self {
        self.prefix(false, reg, 0, rm)
    }

    /// [`Encoding::prefix`] for `reg` against memory operand `mem`.
    #[inline(always)]
    fn rex_mem(&mut self, wide: bool, reg: u8, mem: Mem) -> &mut Self {
        match mem {
            Mem::At(base, _) => self.prefix(wide, reg, 0, base),
            Mem::Indexed(base, index, _, _) => self.prefix(wide, reg, index, base),
        }
    }

    /// ModRM for two registers.
    #[inline(always)]
    fn registers(&mut self, reg: u8, rm: u8) -> &mut Self {
        self.byte(0xc0 | (reg & 7) << 3 | rm & 7)
    }

    /// ModRM (with SIB and displacement as needed) for `reg` against `mem`.
    #[inline(always)]
    fn memory(&mut self, reg: u8, mem: Mem) -> &mut Self {
        let reg = (reg & 7) << 3;
        let (base, sib, displacement) = match mem {
            // rsp and r12 as a base need a SIB byte (with no index).
            Mem::At(base, displacement) => (base, (base & 7 == 4).then_some(0x24), displacement),
            Mem::Indexed(base, index, scale, displacement) => {
                let scale = scale.trailing_zeros() as u8;
                (
                    base,
                    Some(scale << 6 | (index & 7) << 3 | base & 7),
                    displacement,
                )
            }
        };
        // rbp and r13 have no form without a displacement.
        let short = i8::try_from(displacement).ok();
        let mode = match short {
            Some(0) if base & 7 != 5 => 0b00,
            Some(_) => 0b01,
            None => 0b10,
        };
        let rm = if sib.is_some() { 0b100 } else { base & 7 };
        self.byte(mode << 6 | reg | rm);
        if let Some(sib) = sib {
            self.byte(sib);
        }
        match (mode, short) {
            (0b01, Some(short)) => self.imm8(short),
            (0b10, _) => self.imm32(displacement),
            _ => self,
        }
    }
}

impl Writer {
    #[inline(always)]
    fn emit(&mut self, encoding: &Encoding) {
        self.put_instruction(&encoding.bytes, encoding.len);
    }

    /// `mov dst, src`.
    #[inline]
    pub fn mov(&mut self, dst: u8, src: u8) {
        self.mov_sized(false, dst, src);
    }

    /// `mov dst, src`, 64-bit.
    #[inline]
    pub fn mov64(&mut self, dst: u8, src: u8) {
        self.mov_sized(true, dst, src);
    }

    #[inline(always)]
    fn mov_sized(&mut self, wide: bool, dst: u8, src: u8) {
        let mut e = Encoding::new();
        e.prefix(wide, src, 0, dst).byte(0x89).registers(src, dst);
        self.emit(&e);
    }

    /// `mov dst, imm`.
    #[inline]
    pub fn mov_imm(&mut self, dst: u8, imm: i32) {
        let mut e = Encoding::new();
        e.rex(0, dst).byte(0xb8 | dst & 7).imm32(imm);
        self.emit(&e);
    }

    /// `mov dst, DWORD [mem]`.
    #[inline]
    pub fn load(&mut self, dst: u8, mem: Mem) {
        self.load_sized(false, dst, mem);
    }

    /// `mov dst, QWORD [mem]`.
    #[inline]
    pub fn load64(&mut self, dst: u8, mem: Mem) {
        self.load_sized(true, dst, mem);
    }

    #[inline(always)]
    fn load_sized(&mut self, wide: bool, dst: u8, mem: Mem) {
        let mut e = Encoding::new();
        e.rex_mem(wide, dst, mem).byte(0x8b).memory(dst, mem);
        self.emit(&e);
    }

    /// `mov DWORD [mem], src`.
    #[inline]
    pub fn store(&mut self, mem: Mem, src: u8) {
        self.store_sized(false, mem, src);
    }

    /// `mov QWORD [mem], src`.
    #[inline]
    pub fn store64(&mut self, mem: Mem, src: u8) {
        self.store_sized(true, mem, src);
    }

    #[inline(always)]
    fn store_sized(&mut self, wide: bool, mem: Mem, src: u8) {
        let mut e = Encoding::new();
        e.rex_mem(wide, src, mem).byte(0x89).memory(src, mem);
        self.emit(&e);
    }

    /// `mov DWORD [mem], imm`.
    #[inline]
    pub fn store_imm(&mut self, mem: Mem, imm: i32) {
        let mut e = Encoding::new();
        e.rex_mem(false, 0, mem)
            .byte(0xc7)
            .memory(0, mem)
            .imm32(imm);
        self.emit(&e);
    }

    /// `dst` = the value `access` loads from guest memory at eax.
    #[inline]
    pub fn load_guest(&mut self, access: Access, dst: u8) {
        let mut e = Encoding::new();
        e.rex_mem(false, dst, Mem::GUEST);
        match access {
            Access::Byte { signed } => e.byte(0x0f).byte(if signed { 0xbe } else { 0xb6 }),
            Access::Half { signed } => e.byte(0x0f).byte(if signed { 0xbf } else { 0xb7 }),
            Access::Word => e.byte(0x8b),
        };
        e.memory(dst, Mem::GUEST);
        self.emit(&e);
    }

    /// Stores the low byte, half-word or all of `src` to guest memory at eax.
    #[inline]
    pub fn store_guest(&mut self, access: Access, src: u8) {
        let mut e = Encoding::new();
        if let Access::Half { .. } = access {
            e.byte(0x66);
        }
        let byte = matches!(access, Access::Byte { .. });
        e.rex_mem(false, src, Mem::GUEST)
            .byte(if byte { 0x88 } else { 0x89 })
            .memory(src, Mem::GUEST);
        self.emit(&e);
    }

    /// `lea dst, [base + displacement]` (a 32-bit result of a 64-bit address).
    #[inline]
    pub fn lea(&mut self, dst: u8, base: u8, displacement: i32) {
        self.lea_sized(false, dst, base, displacement);
    }

    /// `lea dst, [base + displacement]` with a 64-bit result.
    #[inline]
    pub fn lea64(&mut self, dst: u8, base: u8, displacement: i32) {
        self.lea_sized(true, dst, base, displacement);
    }

    #[inline(always)]
    fn lea_sized(&mut self, wide: bool, dst: u8, base: u8, displacement: i32) {
        let mem = Mem::At(base, displacement);
        let mut e = Encoding::new();
        e.rex_mem(wide, dst, mem).byte(0x8d).memory(dst, mem);
        self.emit(&e);
    }

    /// `op dst, src`.
    #[inline]
    pub fn alu(&mut self, op: Alu, dst: u8, src: u8) {
        let mut e = Encoding::new();
        e.rex(src, dst)
            .byte((op as u8) << 3 | 1)
            .registers(src, dst);
        self.emit(&e);
    }

    /// `op dst, DWORD [mem]`.
    #[inline]
    pub fn alu_load(&mut self, op: Alu, dst: u8, mem: Mem) {
        self.alu_load_sized(false, op, dst, mem);
    }

    /// `op dst, QWORD [mem]`.
    #[inline]
    pub fn alu_load64(&mut self, op: Alu, dst: u8, mem: Mem) {
        self.alu_load_sized(true, op, dst, mem);
    }

    #[inline(always)]
    fn alu_load_sized(&mut self, wide: bool, op: Alu, dst: u8, mem: Mem) {
        let mut e = Encoding::new();
        e.rex_mem(wide, dst, mem)
            .byte((op as u8) << 3 | 3)
            .memory(dst, mem);
        self.emit(&e);
    }

    /// `op dst, imm`.
    #[inline]
    pub fn alu_imm(&mut self, op: Alu, dst: u8, imm: i32) {
        self.alu_imm_sized(false, op, dst, imm);
    }

    /// `op dst, imm`, 64-bit (`imm` sign-extended).
    #[inline]
    pub fn alu_imm64(&mut self, op: Alu, dst: u8, imm: i32) {
        self.alu_imm_sized(true, op, dst, imm);
    }

    #[inline(always)]
    fn alu_imm_sized(&mut self, wide: bool, op: Alu, dst: u8, imm: i32) {
        let mut e = Encoding::new();
        e.prefix(wide, 0, 0, dst);
        match i8::try_from(imm) {
            Ok(short) => e.byte(0x83).registers(op as u8, dst).imm8(short),
            // The accumulator's own form has no ModRM byte.
            Err(_) if dst == 0 => e.byte((op as u8) << 3 | 5).imm32(imm),
            Err(_) => e.byte(0x81).registers(op as u8, dst).imm32(imm),
        };
        self.emit(&e);
    }

    /// `op QWORD [mem], imm`.
    #[inline]
    pub fn alu_imm64_to(&mut self, op: Alu, mem: Mem, imm: i8) {
        let mut e = Encoding::new();
        e.rex_mem(true, 0, mem)
            .byte(0x83)
            .memory(op as u8, mem)
            .imm8(imm);
        self.emit(&e);
    }

    /// `test a, b`.
    #[inline]
    pub fn test(&mut self, a: u8, b: u8) {
        let mut e = Encoding::new();
        e.rex(b, a).byte(0x85).registers(b, a);
        self.emit(&e);
    }

    /// `test dst, imm`.
    #[inline]
    pub fn test_imm(&mut self, dst: u8, imm: i32) {
        let mut e = Encoding::new();
        if dst == 0 {
            e.byte(0xa9).imm32(imm);
        } else {
            e.rex(0, dst).byte(0xf7).registers(0, dst).imm32(imm);
        }
        self.emit(&e);
    }

    /// `bt src, bit` (32-bit, or 64-bit where `wide`): the carry flag = that bit.
    #[inline]
    pub fn bit_test(&mut self, wide: bool, src: u8, bit: u8) {
        let mut e = Encoding::new();
        e.prefix(wide, 0, 0, src)
            .byte(0x0f)
            .byte(0xba)
            .registers(4, src)
            .byte(bit);
        self.emit(&e);
    }

    /// `setcc dst` (the low byte of `dst`).
    #[inline]
    pub fn set_if(&mut self, cond: Cond, dst: u8) {
        let mut e = Encoding::new();
        byte_register_rex(&mut e, 0, dst)
            .byte(0x0f)
            .byte(0x90 | cond as u8)
            .registers(0, dst);
        self.emit(&e);
    }

    /// `movzx dst, src` from the low byte of `src`.
    #[inline]
    pub fn zero_extend_byte(&mut self, dst: u8, src: u8) {
        let mut e = Encoding::new();
        byte_register_rex(&mut e, dst, src)
            .byte(0x0f)
            .byte(0xb6)
            .registers(dst, src);
        self.emit(&e);
    }

    /// `op dst, amount`.
    #[inline]
    pub fn shift_imm(&mut self, op: Shift, dst: u8, amount: u8) {
        let mut e = Encoding::new();
        e.rex(0, dst)
            .byte(0xc1)
            .registers(op as u8, dst)
            .byte(amount);
        self.emit(&e);
    }

    /// `op dst, cl`.
    #[inline]
    pub fn shift_cl(&mut self, op: Shift, dst: u8) {
        let mut e = Encoding::new();
        e.rex(0, dst).byte(0xd3).registers(op as u8, dst);
        self.emit(&e);
    }

    /// `imul dst, src`.
    #[inline]
    pub fn imul(&mut self, dst: u8, src: u8) {
        let mut e = Encoding::new();
        e.rex(dst, src).byte(0x0f).byte(0xaf).registers(dst, src);
        self.emit(&e);
    }

    /// `imul dst, DWORD [mem]`.
    #[inline]
    pub fn imul_load(&mut self, dst: u8, mem: Mem) {
        let mut e = Encoding::new();
        e.rex_mem(false, dst, mem)
            .byte(0x0f)
            .byte(0xaf)
            .memory(dst, mem);
        self.emit(&e);
    }

    /// `jcc label`, or `jmp label` without a condition (32-bit displacements).
    #[inline]
    pub fn jump(&mut self, cond: Option<Cond>, label: DynamicLabel) {
        let mut e = Encoding::new();
        jump_opcode(&mut e, cond).imm32(0);
        self.emit(&e);
        self.refer(label);
    }

    /// `jcc target`, or `jmp target` without a condition: an absolute address.
    #[inline]
    pub fn jump_to(&mut self, cond: Option<Cond>, target: usize) {
        let mut e = Encoding::new();
        jump_opcode(&mut e, cond).imm32(0);
        self.emit(&e);
        self.refer_to(target);
    }

    /// `jmp` to `target`, an offset in the block before this point: two bytes when it is
    /// near.
    #[inline]
    pub fn jump_back(&mut self, target: usize) {
        let from = self.offset().0 as isize;
        let mut e = Encoding::new();
        match i8::try_from(target as isize - (from + 2)) {
            Ok(near) => e.byte(0xeb).imm8(near),
            Err(_) => e.byte(0xe9).imm32((target as isize - (from + 5)) as i32),
        };
        self.emit(&e);
    }

    /// `jmp target` to the address in 64-bit register `target`.
    #[inline]
    pub fn jump_register(&mut self, target: u8) {
        let mut e = Encoding::new();
        e.rex(0, target).byte(0xff).registers(4, target);
        self.emit(&e);
    }

    /// `call QWORD [mem]`.
    #[inline]
    pub fn call(&mut self, mem: Mem) {
        let mut e = Encoding::new();
        e.rex_mem(false, 0, mem).byte(0xff).memory(2, mem);
        self.emit(&e);
    }
}

/// The REX prefix for ModRM registers `reg` and `rm` where `rm` is named by its low byte:
/// spl to dil exist only with a prefix, the others as [`Encoding::rex`] says.
fn byte_register_rex(e: &mut Encoding, reg: u8, rm: u8) -> &mut Encoding {
    match rm {
        4..=7 => e.byte(0x40 | (reg >> 3) << 2),
        _ => e.rex(reg, rm),
    }
}

/// The opcode of a jump with a 32-bit displacement.
fn jump_opcode(e: &mut Encoding, cond: Option<Cond>) -> &mut Encoding {
    match cond {
        Some(cond) => e.byte(0x0f).byte(0x80 | cond as u8),
        None => e.byte(0xe9),
    }
}

#[cfg(test)]
// dynasm expands a dynamic register `Rd(n)` to `n.into()`, which is a no-op on our u8s.
#[allow(clippy::useless_conversion)]
mod tests {
    use super::*;
    use dynasmrt::x64::X64Relocation;
    use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi, VecAssembler};
    use iced_x86::{Decoder, DecoderOptions, Formatter, IntelFormatter};

    /// The instructions `bytes` hold at address `ip`, in Intel syntax (jump targets as
    /// addresses); fails on bytes that are no instruction.
    fn disassemble(bytes: &[u8], ip: usize) -> Vec<String> {
        let mut formatter = IntelFormatter::new();
        Decoder::with_ip(64, bytes, ip as u64, DecoderOptions::NONE)
            .iter()
            .map(|instruction| {
                assert!(!instruction.is_invalid(), "invalid: {bytes:02x?}");
                let mut text = String::new();
                formatter.format(&instruction, &mut text);
                text
            })
            .collect()
    }

    /// What `ours` writes, checked against what dynasm assembles for the same instruction
    /// (`reference`): both decode, by iced-x86, to the same instruction; ours is never
    /// longer. Returns our length.
    fn same(
        ours: impl FnOnce(&mut Writer),
        reference: impl FnOnce(&mut VecAssembler<X64Relocation>),
    ) -> usize {
        let mut memory = [0u8; 64];
        let base = memory.as_ptr() as usize;
        let mut writer = Writer::new();
        // SAFETY: `memory` is ours and nothing reads it meanwhile.
        unsafe { writer.begin(memory.as_mut_ptr(), memory.len()) };
        ours(&mut writer);
        let len = writer.finish().expect("fits");
        let mut assembler = VecAssembler::<X64Relocation>::new(base);
        reference(&mut assembler);
        let expected = assembler.finalize().expect("assembles");
        let (ours, theirs) = (
            disassemble(&memory[..len], base),
            disassemble(&expected, base),
        );
        assert_eq!(ours, theirs);
        assert!(len <= expected.len());
        len
    }

    const DISPLACEMENTS: [i32; 8] = [0, 4, 0x3c, 127, 128, -128, -129, 0x1234_5678];
    const IMMEDIATES: [i32; 8] = [0, 1, -1, 127, 128, -128, -129, i32::MIN];
    const BASES: [u8; 4] = [3, 5, 12, 13];
    const ALU_OPERATIONS: [Alu; 8] = [
        Alu::Add,
        Alu::Or,
        Alu::Adc,
        Alu::Sbb,
        Alu::And,
        Alu::Sub,
        Alu::Xor,
        Alu::Cmp,
    ];

    #[test]
    fn register_forms_are_dynasms() {
        for dst in 0..16u8 {
            for src in 0..16u8 {
                same(
                    |w| w.mov(dst, src),
                    |a| dynasm!(a ; .arch x64 ; mov Rd(dst), Rd(src)),
                );
                same(
                    |w| w.test(dst, src),
                    |a| dynasm!(a ; .arch x64 ; test Rd(dst), Rd(src)),
                );
                same(
                    |w| w.imul(dst, src),
                    |a| dynasm!(a ; .arch x64 ; imul Rd(dst), Rd(src)),
                );
                for op in ALU_OPERATIONS {
                    same(
                        |w| w.alu(op, dst, src),
                        |a| match op {
                            Alu::Add => dynasm!(a ; .arch x64 ; add Rd(dst), Rd(src)),
                            Alu::Or => dynasm!(a ; .arch x64 ; or Rd(dst), Rd(src)),
                            Alu::Adc => dynasm!(a ; .arch x64 ; adc Rd(dst), Rd(src)),
                            Alu::Sbb => dynasm!(a ; .arch x64 ; sbb Rd(dst), Rd(src)),
                            Alu::And => dynasm!(a ; .arch x64 ; and Rd(dst), Rd(src)),
                            Alu::Sub => dynasm!(a ; .arch x64 ; sub Rd(dst), Rd(src)),
                            Alu::Xor => dynasm!(a ; .arch x64 ; xor Rd(dst), Rd(src)),
                            Alu::Cmp => dynasm!(a ; .arch x64 ; cmp Rd(dst), Rd(src)),
                        },
                    );
                }
            }
        }
    }

    #[test]
    fn immediate_forms_are_dynasms() {
        for dst in 0..16u8 {
            for imm in IMMEDIATES {
                same(
                    |w| w.mov_imm(dst, imm),
                    |a| dynasm!(a ; .arch x64 ; mov Rd(dst), imm),
                );
                same(
                    |w| w.test_imm(dst, imm),
                    |a| dynasm!(a ; .arch x64 ; test Rd(dst), imm),
                );
                for op in ALU_OPERATIONS {
                    same(
                        |w| w.alu_imm(op, dst, imm),
                        |a| match op {
                            Alu::Add => dynasm!(a ; .arch x64 ; add Rd(dst), imm),
                            Alu::Or => dynasm!(a ; .arch x64 ; or Rd(dst), imm),
                            Alu::Adc => dynasm!(a ; .arch x64 ; adc Rd(dst), imm),
                            Alu::Sbb => dynasm!(a ; .arch x64 ; sbb Rd(dst), imm),
                            Alu::And => dynasm!(a ; .arch x64 ; and Rd(dst), imm),
                            Alu::Sub => dynasm!(a ; .arch x64 ; sub Rd(dst), imm),
                            Alu::Xor => dynasm!(a ; .arch x64 ; xor Rd(dst), imm),
                            Alu::Cmp => dynasm!(a ; .arch x64 ; cmp Rd(dst), imm),
                        },
                    );
                }
            }
            for amount in [0u8, 1, 5, 31] {
                let n = amount as i8;
                same(
                    |w| w.shift_imm(Shift::Shl, dst, amount),
                    |a| dynasm!(a ; .arch x64 ; shl Rd(dst), n),
                );
                same(
                    |w| w.shift_imm(Shift::Shr, dst, amount),
                    |a| dynasm!(a ; .arch x64 ; shr Rd(dst), n),
                );
                same(
                    |w| w.shift_imm(Shift::Sar, dst, amount),
                    |a| dynasm!(a ; .arch x64 ; sar Rd(dst), n),
                );
            }
        }
    }

    #[test]
    fn memory_forms_are_dynasms() {
        for reg in 0..16u8 {
            for base in BASES {
                for d in DISPLACEMENTS {
                    let mem = Mem::At(base, d);
                    same(
                        |w| w.load(reg, mem),
                        |a| dynasm!(a ; .arch x64 ; mov Rd(reg), DWORD [Rq(base) + d]),
                    );
                    same(
                        |w| w.store(mem, reg),
                        |a| dynasm!(a ; .arch x64 ; mov DWORD [Rq(base) + d], Rd(reg)),
                    );
                    same(
                        |w| w.lea(reg, base, d),
                        |a| dynasm!(a ; .arch x64 ; lea Rd(reg), [Rq(base) + d]),
                    );
                    same(
                        |w| w.imul_load(reg, mem),
                        |a| dynasm!(a ; .arch x64 ; imul Rd(reg), DWORD [Rq(base) + d]),
                    );
                    same(
                        |w| w.alu_load(Alu::Cmp, reg, mem),
                        |a| dynasm!(a ; .arch x64 ; cmp Rd(reg), DWORD [Rq(base) + d]),
                    );
                    same(
                        |w| w.alu_load(Alu::Sub, reg, mem),
                        |a| dynasm!(a ; .arch x64 ; sub Rd(reg), DWORD [Rq(base) + d]),
                    );
                    for imm in IMMEDIATES {
                        same(
                            |w| w.store_imm(mem, imm),
                            |a| dynasm!(a ; .arch x64 ; mov DWORD [Rq(base) + d], imm),
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn guest_memory_forms_are_dynasms() {
        for reg in 0..16u8 {
            let signed = true;
            same(
                |w| w.load_guest(Access::Byte { signed }, reg),
                |a| dynasm!(a ; .arch x64 ; movsx Rd(reg), BYTE [r12 + rax]),
            );
            same(
                |w| w.load_guest(Access::Byte { signed: false }, reg),
                |a| dynasm!(a ; .arch x64 ; movzx Rd(reg), BYTE [r12 + rax]),
            );
            same(
                |w| w.load_guest(Access::Half { signed }, reg),
                |a| dynasm!(a ; .arch x64 ; movsx Rd(reg), WORD [r12 + rax]),
            );
            same(
                |w| w.load_guest(Access::Half { signed: false }, reg),
                |a| dynasm!(a ; .arch x64 ; movzx Rd(reg), WORD [r12 + rax]),
            );
            same(
                |w| w.load_guest(Access::Word, reg),
                |a| dynasm!(a ; .arch x64 ; mov Rd(reg), DWORD [r12 + rax]),
            );
            same(
                |w| w.store_guest(Access::Byte { signed: false }, reg),
                |a| dynasm!(a ; .arch x64 ; mov BYTE [r12 + rax], Rb(reg)),
            );
            same(
                |w| w.store_guest(Access::Half { signed: false }, reg),
                |a| dynasm!(a ; .arch x64 ; mov WORD [r12 + rax], Rw(reg)),
            );
            same(
                |w| w.store_guest(Access::Word, reg),
                |a| dynasm!(a ; .arch x64 ; mov DWORD [r12 + rax], Rd(reg)),
            );
        }
    }

    #[test]
    fn wide_forms_are_dynasms() {
        for dst in 0..16u8 {
            for src in 0..16u8 {
                same(
                    |w| w.mov64(dst, src),
                    |a| dynasm!(a ; .arch x64 ; mov Rq(dst), Rq(src)),
                );
            }
            for base in BASES {
                for d in DISPLACEMENTS {
                    same(
                        |w| w.lea64(dst, base, d),
                        |a| dynasm!(a ; .arch x64 ; lea Rq(dst), [Rq(base) + d]),
                    );
                    same(
                        |w| w.alu_load64(Alu::Cmp, dst, Mem::At(base, d)),
                        |a| dynasm!(a ; .arch x64 ; cmp Rq(dst), QWORD [Rq(base) + d]),
                    );
                }
            }
            for imm in IMMEDIATES {
                same(
                    |w| w.alu_imm64(Alu::Sub, dst, imm),
                    |a| dynasm!(a ; .arch x64 ; sub Rq(dst), imm),
                );
                same(
                    |w| w.alu_imm64(Alu::Cmp, dst, imm),
                    |a| dynasm!(a ; .arch x64 ; cmp Rq(dst), imm),
                );
            }
            for base in BASES {
                for d in DISPLACEMENTS {
                    same(
                        |w| w.load64(dst, Mem::At(base, d)),
                        |a| dynasm!(a ; .arch x64 ; mov Rq(dst), QWORD [Rq(base) + d]),
                    );
                }
            }
            for base in [0u8, 2, 3, 12, 15] {
                for index in [0u8, 1, 9] {
                    same(
                        |w| w.load64(dst, Mem::Indexed(base, index, 2, 0)),
                        |a| dynasm!(a ; .arch x64 ; mov Rq(dst), QWORD [Rq(base) + Rq(index) * 2]),
                    );
                }
            }
            same(
                |w| w.jump_register(dst),
                |a| dynasm!(a ; .arch x64 ; jmp Rq(dst)),
            );
        }
    }

    /// `[base + index + displacement]` operands, as the U256 carry chains use them.
    #[test]
    fn indexed_forms_are_dynasms() {
        for reg in 0..16u8 {
            for base in [0u8, 3, 5, 12, 13, 15] {
                for index in [0u8, 7, 8, 13] {
                    for d in [0, 8, 24, -128, 0x1000] {
                        let mem = Mem::Indexed(base, index, 1, d);
                        same(
                            |w| w.load64(reg, mem),
                            |a| dynasm!(a ; .arch x64 ; mov Rq(reg), QWORD [Rq(base) + Rq(index) + d]),
                        );
                        same(
                            |w| w.store64(mem, reg),
                            |a| dynasm!(a ; .arch x64 ; mov QWORD [Rq(base) + Rq(index) + d], Rq(reg)),
                        );
                        same(
                            |w| w.alu_load64(Alu::Adc, reg, mem),
                            |a| dynasm!(a ; .arch x64 ; adc Rq(reg), QWORD [Rq(base) + Rq(index) + d]),
                        );
                        same(
                            |w| w.alu_load64(Alu::Sbb, reg, mem),
                            |a| dynasm!(a ; .arch x64 ; sbb Rq(reg), QWORD [Rq(base) + Rq(index) + d]),
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn call_and_bit_forms_are_dynasms() {
        for base in BASES {
            for d in DISPLACEMENTS {
                same(
                    |w| w.call(Mem::At(base, d)),
                    |a| dynasm!(a ; .arch x64 ; call QWORD [Rq(base) + d]),
                );
                same(
                    |w| w.alu_imm64_to(Alu::Add, Mem::At(base, d), 1),
                    |a| dynasm!(a ; .arch x64 ; add QWORD [Rq(base) + d], 1),
                );
            }
        }
        for src in 0..16u8 {
            for bit in [0u8, 6, 31] {
                let b = bit as i8;
                same(
                    |w| w.bit_test(false, src, bit),
                    |a| dynasm!(a ; .arch x64 ; bt Rd(src), b),
                );
            }
            same(
                |w| w.bit_test(true, src, 32),
                |a| dynasm!(a ; .arch x64 ; bt Rq(src), 32),
            );
            same(
                |w| w.alu_imm64(Alu::Adc, src, 0),
                |a| dynasm!(a ; .arch x64 ; adc Rq(src), 0),
            );
        }
    }

    #[test]
    fn flag_and_shift_forms_are_dynasms() {
        for dst in 0..16u8 {
            same(
                |w| w.shift_cl(Shift::Shl, dst),
                |a| dynasm!(a ; .arch x64 ; shl Rd(dst), cl),
            );
            same(
                |w| w.shift_cl(Shift::Shr, dst),
                |a| dynasm!(a ; .arch x64 ; shr Rd(dst), cl),
            );
            same(
                |w| w.shift_cl(Shift::Sar, dst),
                |a| dynasm!(a ; .arch x64 ; sar Rd(dst), cl),
            );
            same(
                |w| w.set_if(Cond::Less, dst),
                |a| dynasm!(a ; .arch x64 ; setl Rb(dst)),
            );
            same(
                |w| w.set_if(Cond::Below, dst),
                |a| dynasm!(a ; .arch x64 ; setb Rb(dst)),
            );
            for src in 0..16u8 {
                same(
                    |w| w.zero_extend_byte(dst, src),
                    |a| dynasm!(a ; .arch x64 ; movzx Rd(dst), Rb(src)),
                );
            }
        }
    }

    const CONDITIONS: [Option<Cond>; 9] = [
        None,
        Some(Cond::Below),
        Some(Cond::AboveOrEqual),
        Some(Cond::Equal),
        Some(Cond::NotEqual),
        Some(Cond::BelowOrEqual),
        Some(Cond::Above),
        Some(Cond::Less),
        Some(Cond::GreaterOrEqual),
    ];

    /// dynasm's jump to `label` (rel32) on `cond`.
    fn dynasm_jump(a: &mut VecAssembler<X64Relocation>, cond: Option<Cond>, label: DynamicLabel) {
        match cond {
            None => dynasm!(a ; .arch x64 ; jmp =>label),
            Some(Cond::Below) => dynasm!(a ; .arch x64 ; jb =>label),
            Some(Cond::AboveOrEqual) => dynasm!(a ; .arch x64 ; jae =>label),
            Some(Cond::Equal) => dynasm!(a ; .arch x64 ; je =>label),
            Some(Cond::NotEqual) => dynasm!(a ; .arch x64 ; jne =>label),
            Some(Cond::BelowOrEqual) => dynasm!(a ; .arch x64 ; jbe =>label),
            Some(Cond::Above) => dynasm!(a ; .arch x64 ; ja =>label),
            Some(Cond::Less) => dynasm!(a ; .arch x64 ; jl =>label),
            Some(Cond::GreaterOrEqual) => dynasm!(a ; .arch x64 ; jge =>label),
        }
    }

    /// Jumps to labels (forward and back) and to addresses go where dynasm's go.
    #[test]
    fn jumps_are_dynasms() {
        for cond in CONDITIONS {
            same(
                |w| {
                    let (back, forward) = (w.new_dynamic_label(), w.new_dynamic_label());
                    w.bind(back);
                    w.jump(cond, forward);
                    w.put(&[0x90, 0x90, 0x90]);
                    w.jump(cond, back);
                    w.bind(forward);
                },
                |a| {
                    let (back, forward) = (a.new_dynamic_label(), a.new_dynamic_label());
                    dynasm!(a ; .arch x64 ; =>back);
                    dynasm_jump(a, cond, forward);
                    dynasm!(a ; .arch x64 ; nop ; nop ; nop);
                    dynasm_jump(a, cond, back);
                    dynasm!(a ; .arch x64 ; =>forward);
                },
            );
            let mut memory = [0u8; 16];
            let base = memory.as_ptr() as usize;
            let target = base.wrapping_add(0x1234_5678);
            let mut writer = Writer::new();
            // SAFETY: `memory` is ours and nothing reads it meanwhile.
            unsafe { writer.begin(memory.as_mut_ptr(), memory.len()) };
            writer.jump_to(cond, target);
            let len = writer.finish().expect("fits");
            let jumps_to = format!("{target:X}h");
            let ours = disassemble(&memory[..len], base);
            assert!(ours[0].ends_with(&jumps_to), "{ours:?} to {jumps_to}");
        }
    }

    /// A jump to a label never placed refuses the block.
    #[test]
    fn a_jump_to_a_label_never_placed_is_refused() {
        let mut memory = [0u8; 16];
        let mut writer = Writer::new();
        // SAFETY: `memory` is ours and nothing reads it meanwhile.
        unsafe { writer.begin(memory.as_mut_ptr(), memory.len()) };
        let nowhere = writer.new_dynamic_label();
        writer.jump(Some(Cond::Equal), nowhere);
        assert_eq!(writer.finish(), None);
    }

    /// The forms the guest OS's blocks use most are the short ones.
    #[test]
    fn common_forms_are_short() {
        let mut memory = [0u8; 16];
        let mut writer = Writer::new();
        let mut length = |emit: &dyn Fn(&mut Writer)| {
            // SAFETY: `memory` is ours and nothing reads it meanwhile.
            unsafe { writer.begin(memory.as_mut_ptr(), memory.len()) };
            emit(&mut writer);
            writer.finish().expect("fits")
        };
        assert_eq!(length(&|w| w.load(0, Mem::At(3, 0x3c))), 3);
        assert_eq!(length(&|w| w.store(Mem::At(3, 0x3c), 0)), 3);
        assert_eq!(length(&|w| w.lea(0, 6, 0x570)), 6);
        assert_eq!(length(&|w| w.lea(11, 10, 0)), 3);
        assert_eq!(length(&|w| w.alu_imm(Alu::Add, 15, 4)), 4);
        assert_eq!(length(&|w| w.mov(0, 14)), 3);
    }
}
