//! Translation of one basic block to x86-64.
//!
//! Host registers while compiled code runs: rbp the [`Context`], rbx the guest register
//! array (`u32` each, x0 always 0), r12 guest memory, r13 the raw cycle count; eight guest
//! registers live in host registers ([`MAPPED`]), written back to the array whenever control
//! leaves compiled code (the exit stub, delegation calls). rax, rcx and rdx are scratch.

use super::writer::Writer;
use super::x64::{Access, Alu, Cond, Mem, Shift};
use super::{Context, Exit, INTERPRETED, ORACLE_READS, ORACLE_WRITES};
use crate::decode::{decode, Instruction, Op};
use core::mem::offset_of;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi};
use zkos_linker::{ADDRESS_SPACE_SIZE, ROM_END};

/// The entry trampoline: runs compiled code at the address given until it exits.
pub(crate) type EntryFn = unsafe extern "sysv64" fn(*mut Context, usize);

/// The longest block, in instructions.
const MAX_BLOCK: usize = 256;

const EXIT_PC: i32 = offset_of!(Context, exit_pc) as i32;
const EXIT_REASON: i32 = offset_of!(Context, exit_reason) as i32;
const CYCLE: i32 = offset_of!(Context, cycle) as i32;
const BOUND: i32 = offset_of!(Context, bound) as i32;
const TABLE: i32 = offset_of!(Context, table) as i32;
const CODE: i32 = offset_of!(Context, code) as i32;
const LOG: i32 = offset_of!(Context, log) as i32;
const LOG_END: i32 = offset_of!(Context, log_end) as i32;
const ORACLE_CSR: i32 = offset_of!(Context, oracle_csr) as i32;
const UPCOMING: i32 = offset_of!(Context, upcoming) as i32;
const UPCOMING_END: i32 = offset_of!(Context, upcoming_end) as i32;
const U256_HELPER: i32 = offset_of!(Context, u256_helper) as i32;
const BLAKE2S_HELPER: i32 = offset_of!(Context, blake2s_helper) as i32;
const U256_OPS: i32 = offset_of!(Context, u256_ops) as i32;

/// x86-64 register numbers.
const RAX: u8 = 0;
const RCX: u8 = 1;
const RDX: u8 = 2;
const RBX: u8 = 3;
const RBP: u8 = 5;
const RSI: u8 = 6;
const RDI: u8 = 7;
const R8: u8 = 8;
const R9: u8 = 9;
const R12: u8 = 12;
const R13: u8 = 13;

/// The guest registers kept in host registers, with their host register: the ones the
/// guest OS's instructions name most on `examples/erc20`'s block, counted per executed
/// instruction (sp 2.8 M, a2, a0, a1 1.7 M each, a4, a3 1.3 M, a6 0.84 M, a7 0.77 M; a5
/// 0.64 M and ra under 0.4 M stay in the array).
const MAPPED: [(u8, u8); 8] = [
    (2, 6),   // sp -> rsi
    (10, 7),  // a0 -> rdi
    (11, 8),  // a1 -> r8
    (12, 9),  // a2 -> r9
    (13, 10), // a3 -> r10
    (14, 11), // a4 -> r11
    (16, 14), // a6 -> r14
    (17, 15), // a7 -> r15
];

/// Where guest register `r` lives while compiled code runs.
#[derive(Clone, Copy)]
enum Home {
    /// x0.
    Zero,
    Host(u8),
    /// Its place in the register array.
    Array(Mem),
}

fn home(r: u8) -> Home {
    match (r, HOST_OF[r as usize & 31]) {
        (0, _) => Home::Zero,
        (_, NOT_MAPPED) => Home::Array(in_array(r)),
        (_, host) => Home::Host(host),
    }
}

/// [`MAPPED`] by guest register: its host register, or [`NOT_MAPPED`] (rax, never a home).
const HOST_OF: [u8; 32] = {
    let mut hosts = [NOT_MAPPED; 32];
    let mut i = 0;
    while i < MAPPED.len() {
        assert!(MAPPED[i].1 != NOT_MAPPED);
        hosts[MAPPED[i].0 as usize] = MAPPED[i].1;
        i += 1;
    }
    hosts
};
const NOT_MAPPED: u8 = RAX;

/// Whether a call may change host register `host` (System V: all but rbx, rbp, r12-r15).
fn caller_saved(host: u8) -> bool {
    !matches!(host, 3 | 5 | 12..=15)
}

/// Which mapped registers to move between host registers and the array: all of them
/// where control leaves compiled code; around a call to a helper, which reads and writes
/// only a0-a3 of the array, those the call may change.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mapped {
    All,
    ClobberedByCall,
}

impl Mapped {
    fn registers(self) -> impl Iterator<Item = (u8, u8)> {
        MAPPED
            .into_iter()
            .filter(move |&(_, host)| self == Mapped::All || caller_saved(host))
    }
}

/// Guest register `r`'s place in the register array (rbx).
fn in_array(r: u8) -> Mem {
    Mem::At(RBX, 4 * r as i32)
}

/// Writes mapped registers back to the array.
fn spill(ops: &mut Writer, which: Mapped) {
    for (guest, host) in which.registers() {
        ops.store(in_array(guest), host);
    }
}

/// Loads mapped registers from the array.
fn fill(ops: &mut Writer, which: Mapped) {
    for (guest, host) in which.registers() {
        ops.load(host, in_array(guest));
    }
}

/// Where the runtime's pieces start, as offsets in its code or, once it is in a buffer,
/// as addresses.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Runtime {
    /// The entry trampoline ([`EntryFn`]).
    pub entry: usize,
    /// Leaves compiled code, the exit pc and reason already in the context.
    pub exit: usize,
    /// Leaves for the interpreter to execute instruction edx of the block at pc eax with
    /// ecx instructions (whose cycles were counted): the block's shared slow-path tail
    /// jumps here.
    pub interpret: usize,
    /// Leaves for the driver to find the block at pc eax (a jump to a block not compiled
    /// yet).
    pub miss: usize,
}

impl Runtime {
    /// The runtime placed at `base`.
    pub fn at(self, base: usize) -> Runtime {
        Runtime {
            entry: base + self.entry,
            exit: base + self.exit,
            interpret: base + self.interpret,
            miss: base + self.miss,
        }
    }
}

/// The runtime (entry trampoline and exits), position-independent code; where its pieces
/// start.
pub(crate) fn runtime() -> (Vec<u8>, Runtime) {
    let mut code = vec![0u8; 512];
    let mut ops = Writer::new();
    // SAFETY: `code` is ours, and nothing reads it until the writer is done.
    unsafe { ops.begin(code.as_mut_ptr(), code.len()) };
    let regs = offset_of!(Context, regs) as i32;
    let ram = offset_of!(Context, ram) as i32;
    let entry = ops.offset().0;
    // Six pushes and eight bytes keep calls from compiled code 16-byte aligned.
    dynasm!(ops
        ; .arch x64
        ; push rbp
        ; push rbx
        ; push r12
        ; push r13
        ; push r14
        ; push r15
        ; sub rsp, 8
        ; mov rbp, rdi
        ; mov rax, rsi
        ; mov rbx, QWORD [rbp + regs]
        ; mov r12, QWORD [rbp + ram]
        ; mov r13, QWORD [rbp + CYCLE]
    );
    fill(&mut ops, Mapped::All);
    dynasm!(ops ; .arch x64 ; jmp rax);
    let (miss, reason) = (ops.offset().0, Exit::Miss as i32);
    let exit = ops.new_dynamic_label();
    dynasm!(ops
        ; .arch x64
        ; mov DWORD [rbp + EXIT_PC], eax
        ; mov DWORD [rbp + EXIT_REASON], reason
        ; jmp =>exit
    );
    let (interpret, reason) = (ops.offset().0, Exit::Interpret as i32);
    dynasm!(ops
        ; .arch x64
        ; lea eax, [rax + rdx * 4]
        ; sub r13, rcx
        ; add r13, rdx
        ; mov DWORD [rbp + EXIT_PC], eax
        ; mov DWORD [rbp + EXIT_REASON], reason
        ; =>exit
    );
    let exit = ops.offset().0;
    spill(&mut ops, Mapped::All);
    dynasm!(ops
        ; .arch x64
        ; mov QWORD [rbp + CYCLE], r13
        ; add rsp, 8
        ; pop r15
        ; pop r14
        ; pop r13
        ; pop r12
        ; pop rbx
        ; pop rbp
        ; ret
    );
    let len = ops
        .finish()
        .expect("the runtime fits and has no unresolved labels");
    code.truncate(len);
    let runtime = Runtime {
        entry,
        exit,
        interpret,
        miss,
    };
    (code, runtime)
}

/// A block translated into the code buffer.
pub(crate) struct Block {
    /// Its length in bytes.
    pub len: usize,
    pub instructions: usize,
}

/// Translates blocks, keeping its working storage from one block to the next.
pub(crate) struct Compiler {
    writer: Writer,
    instructions: Vec<(u32, Instruction)>,
    slow: Vec<SlowPath>,
    links: Vec<(usize, u32)>,
}

/// An exit before an instruction, emitted after the block: its label, the instruction's
/// index (the block's length for the exits its entry checks take, before its cycles are
/// counted), pc, and why (mostly for the interpreter to execute the instruction).
type SlowPath = (DynamicLabel, i32, u32, Exit);

/// The carry chains of U256 operations.
#[derive(Clone, Copy)]
enum Chain {
    Add,
    Sub,
    Copy,
    Negate,
}

/// How an instruction takes part in a block.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Executed in line; the block goes on after it.
    Straight,
    /// Executed in line; the block ends with it.
    Last,
    /// Left to the interpreter; the block ends before it.
    Interpreter,
}

fn role(inst: &Instruction, pc: u32) -> Role {
    let target_ok = |target: u32| target & 3 == 0 && target != pc;
    match inst.op {
        Op::Jal | Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu => {
            if target_ok(pc.wrapping_add(inst.imm)) {
                Role::Last
            } else {
                Role::Interpreter
            }
        }
        Op::Jalr => Role::Last,
        Op::Abort | Op::Illegal | Op::Undecoded => Role::Interpreter,
        _ => Role::Straight,
    }
}

/// The instructions of the block at `pc`, each with its address, and whether the last one
/// ends it (else the block falls through to the next word).
fn scan(
    pc: u32,
    word_at: impl Fn(u32) -> u32,
    rom_words: usize,
    instructions: &mut Vec<(u32, Instruction)>,
) -> bool {
    instructions.clear();
    let mut pc = pc;
    while instructions.len() < MAX_BLOCK && ((pc >> 2) as usize) < rom_words {
        let inst = decode(word_at(pc));
        match role(&inst, pc) {
            Role::Interpreter => break,
            Role::Straight => instructions.push((pc, inst)),
            Role::Last => {
                instructions.push((pc, inst));
                return true;
            }
        }
        pc += 4;
    }
    false
}

/// The bytes of the ROM words the block at word `index` of `rom` (an image) is compiled
/// from.
pub(crate) fn block_words(index: usize, rom: &[u8]) -> &[u8] {
    let word_at = |pc: u32| {
        let at = pc as usize;
        rom.get(at..at + 4).map_or(0, |word| {
            u32::from_le_bytes(word.try_into().expect("4 bytes"))
        })
    };
    let mut instructions = Vec::new();
    scan(
        (index as u32) << 2,
        word_at,
        rom.len() / 4,
        &mut instructions,
    );
    &rom[4 * index..4 * (index + instructions.len())]
}

impl Compiler {
    pub fn new() -> Compiler {
        Compiler {
            writer: Writer::new(),
            instructions: Vec::new(),
            slow: Vec::new(),
            links: Vec::new(),
        }
    }

    /// Translates the block starting at `pc` into the `room` bytes at `start`; None when
    /// its first instruction is the interpreter's or it does not fit.
    ///
    /// # Safety
    /// `start..start + room` must be writable, and nothing may run or read it until this
    /// returns.
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn compile_block(
        &mut self,
        pc: u32,
        word_at: impl Fn(u32) -> u32,
        compiled_at: impl Fn(usize) -> Option<usize>,
        rom_words: usize,
        logs_writes: bool,
        runtime: &Runtime,
        (start, room): (*mut u8, usize),
    ) -> Option<Block> {
        let ends = scan(pc, word_at, rom_words, &mut self.instructions);
        let instructions = &self.instructions;
        if instructions.is_empty() {
            return None;
        }
        let writes: usize = instructions
            .iter()
            .map(|(_, inst)| words_written(inst))
            .sum();
        // SAFETY: as the caller promised.
        unsafe { self.writer.begin(start, room) };
        self.slow.clear();
        self.links.clear();
        let mut block = BlockAssembler {
            ops: &mut self.writer,
            compiled_at: &compiled_at,
            rom_words,
            runtime,
            pc,
            length: instructions.len() as i32,
            slow: &mut self.slow,
            links: &mut self.links,
            logs_writes,
        };
        if logs_writes {
            block.check_log_room(pc, writes);
        }
        block.prologue(pc);
        for (index, &(pc, inst)) in instructions.iter().enumerate() {
            block.instruction(index as i32, pc, &inst);
        }
        if !ends {
            let (last_pc, _) = instructions[instructions.len() - 1];
            block.chain(last_pc + 4);
        }
        block.slow_paths();
        let len = self.writer.finish()?;
        Some(Block {
            len,
            instructions: instructions.len(),
        })
    }

    /// The jumps of the block just compiled that wait for blocks not compiled yet: where
    /// each jump's 32-bit displacement lies in the block (4-byte aligned, so that one store
    /// changes it atomically), and the ROM word index of its target. Until pointed at their
    /// blocks, they leave for the driver.
    pub fn links(&self) -> &[(usize, u32)] {
        &self.links
    }
}

struct BlockAssembler<'a> {
    ops: &'a mut Writer,
    /// The block compiled at a ROM word index, if any.
    compiled_at: &'a dyn Fn(usize) -> Option<usize>,
    rom_words: usize,
    runtime: &'a Runtime,
    /// The block's first pc.
    pc: u32,
    /// Instructions in the block: the cycles it adds.
    length: i32,
    slow: &'a mut Vec<SlowPath>,
    /// See [`Compiler::links`].
    links: &'a mut Vec<(usize, u32)>,
    /// Whether every RAM write is logged (see `Context::log`).
    logs_writes: bool,
}

/// The words an instruction writes to RAM (the most, for a store).
fn words_written(inst: &Instruction) -> usize {
    match inst.op {
        Op::Sb | Op::Sh | Op::Sw => 1,
        Op::U256Op => 8,
        Op::Blake2sRound => crate::delegation::blake2s::STATE_WORDS,
        _ => 0,
    }
}

impl BlockAssembler<'_> {
    /// Leaves for the driver to empty the write log unless it has room for `entries` more.
    fn check_log_room(&mut self, pc: u32, entries: usize) {
        if entries == 0 {
            return;
        }
        // Out of line, before the cycles are counted: none is taken back.
        let flush = self.slow_label(self.length, pc, Exit::Flush);
        self.ops.load64(RAX, Mem::At(RBP, LOG_END));
        self.ops.alu_load64(Alu::Sub, RAX, Mem::At(RBP, LOG));
        self.ops.alu_imm64(Alu::Cmp, RAX, (4 * entries) as i32);
        self.ops.jump(Some(Cond::Below), flush);
    }

    /// Checks the cycle bound and counts the block's cycles.
    fn prologue(&mut self, pc: u32) {
        let length = self.length;
        // Out of line, before the cycles are counted: none is taken back.
        let bound = self.slow_label(length, pc, Exit::Bound);
        self.ops.lea64(RAX, R13, length);
        self.ops.alu_load64(Alu::Cmp, RAX, Mem::At(RBP, BOUND));
        self.ops.jump(Some(Cond::Above), bound);
        self.ops.mov64(R13, RAX);
    }

    /// Leaves compiled code with the guest at `pc` (the cycle count already right).
    fn exit(&mut self, pc: u32, why: Exit) {
        self.ops.store_imm(Mem::At(RBP, EXIT_PC), pc as i32);
        self.ops.store_imm(Mem::At(RBP, EXIT_REASON), why as i32);
        self.ops.jump_to(None, self.runtime.exit);
    }

    /// Goes on at the block for `target`: directly when it is compiled, else through a jump
    /// that leaves for the driver until the block is compiled and the jump pointed at it
    /// (see [`Compiler::links`]).
    fn chain(&mut self, target: u32) {
        let index = (target >> 2) as usize;
        if target & 3 != 0 || index >= self.rom_words {
            return self.exit(target, Exit::Miss);
        }
        if let Some(known) = self.known_block(target) {
            return self.ops.jump_to(None, known);
        }
        // A one-byte opcode, then the displacement on a 4-byte boundary.
        while !(self.ops.offset().0 + 1).is_multiple_of(4) {
            self.ops.put(&[0x90]);
        }
        // Until linked, it leaves for the driver (the block's cycles all counted).
        let unlinked = self.slow_label(self.length, target, Exit::Miss);
        let start = self.ops.offset().0;
        self.ops.jump(None, unlinked);
        debug_assert_eq!(self.ops.offset().0 - start, 5, "jmp rel32");
        self.links.push((start + 1, index as u32));
    }

    /// A label that leaves the block before instruction `index` at `pc`, for `why`
    /// (mostly for the interpreter to execute the instruction).
    fn slow_label(&mut self, index: i32, pc: u32, why: Exit) -> DynamicLabel {
        let label = self.ops.new_dynamic_label();
        self.slow.push((label, index, pc, why));
        label
    }

    /// The exits of [`BlockAssembler::slow_label`]. Those for the interpreter to execute an
    /// instruction (most of a block's exits, one per load or store) share a tail that hands
    /// the runtime the block, placed first so that they jump back to it: a short jump
    /// encoded at once, not a relocation to resolve.
    fn slow_paths(&mut self) {
        let interprets =
            |&(_, index, _, why): &SlowPath| why == Exit::Interpret && index < self.length;
        let tail = self.slow.iter().any(interprets).then(|| {
            let at = self.ops.offset().0;
            self.ops.mov_imm(RAX, self.pc as i32);
            self.ops.mov_imm(RCX, self.length);
            self.ops.jump_to(None, self.runtime.interpret);
            at
        });
        for i in 0..self.slow.len() {
            let (label, index, pc, why) = self.slow[i];
            let unexecuted = self.length - index;
            self.ops.bind(label);
            if let (Exit::Interpret, true, Some(tail)) = (why, unexecuted > 0, tail) {
                self.ops.mov_imm(RDX, index);
                self.ops.jump_back(tail);
                continue;
            }
            if why == Exit::Miss && unexecuted == 0 {
                self.ops.mov_imm(RAX, pc as i32);
                self.ops.jump_to(None, self.runtime.miss);
                continue;
            }
            if unexecuted != 0 {
                self.ops.alu_imm64(Alu::Sub, R13, unexecuted);
            }
            self.exit(pc, why);
        }
    }

    /// Host register `scratch` (32 bits) = guest register `r`.
    fn get(&mut self, scratch: u8, r: u8) {
        match home(r) {
            Home::Zero => self.ops.alu(Alu::Xor, scratch, scratch),
            Home::Host(host) => self.ops.mov(scratch, host),
            Home::Array(place) => self.ops.load(scratch, place),
        }
    }

    /// Guest register `r` = host register `scratch`; writes to x0 vanish.
    fn put(&mut self, r: u8, scratch: u8) {
        match home(r) {
            Home::Zero => {}
            Home::Host(host) => self.ops.mov(host, scratch),
            Home::Array(place) => self.ops.store(place, scratch),
        }
    }

    /// The host register to build rd's new value in: rd's own when it lives in one that
    /// `later` (an operand read after the first) is not, else eax.
    fn destination(&self, rd: u8, later: Option<u8>) -> u8 {
        match home(rd) {
            Home::Host(host) if later != Some(rd) => host,
            _ => RAX,
        }
    }

    /// Host register `dst` = guest register `r`, unless `dst` is where `r` lives.
    fn get_into(&mut self, dst: u8, r: u8) {
        if !matches!(home(r), Home::Host(host) if host == dst) {
            self.get(dst, r);
        }
    }

    /// Guest register `r` = the value built in `dst` (a no-op when `dst` is `r`'s own).
    fn put_built(&mut self, r: u8, dst: u8) {
        if dst == RAX {
            self.put(r, RAX);
        }
    }

    /// ADDI: one `lea` from a host register into another, else a two-operand add.
    fn add_immediate(&mut self, inst: &Instruction) {
        if inst.rd == 0 {
            return;
        }
        let imm = inst.imm as i32;
        let dst = self.destination(inst.rd, None);
        match home(inst.rs1) {
            Home::Host(source) if source != dst => self.ops.lea(dst, source, imm),
            _ => {
                self.get_into(dst, inst.rs1);
                if imm != 0 {
                    self.ops.alu_imm(Alu::Add, dst, imm);
                }
            }
        }
        self.put_built(inst.rd, dst);
    }

    /// MUL as one two-operand `imul` where rd has a host register.
    fn multiply(&mut self, inst: &Instruction) {
        if inst.rd == 0 {
            return;
        }
        let dst = self.destination(inst.rd, Some(inst.rs2));
        self.get_into(dst, inst.rs1);
        match home(inst.rs2) {
            Home::Zero => self.ops.alu(Alu::Xor, dst, dst),
            Home::Host(h) => self.ops.imul(dst, h),
            Home::Array(place) => self.ops.imul_load(dst, place),
        }
        self.put_built(inst.rd, dst);
    }

    /// Guest register `r` = `value`.
    fn put_constant(&mut self, r: u8, value: u32) {
        let value = value as i32;
        match home(r) {
            Home::Zero => {}
            Home::Host(host) => self.ops.mov_imm(host, value),
            Home::Array(place) => self.ops.store_imm(place, value),
        }
    }

    /// eax = rs1 + imm.
    fn address(&mut self, inst: &Instruction) {
        let imm = inst.imm as i32;
        match home(inst.rs1) {
            Home::Host(host) if imm != 0 => self.ops.lea(RAX, host, imm),
            _ => {
                self.get(RAX, inst.rs1);
                if imm != 0 {
                    self.ops.alu_imm(Alu::Add, RAX, imm);
                }
            }
        }
    }

    /// Leaves for the interpreter unless eax is inside the address space and aligned to
    /// `size` bytes: one test, as the space is 2^30 bytes.
    fn check_in_space(&mut self, size: i32, slow: DynamicLabel) {
        const _: () = assert!(ADDRESS_SPACE_SIZE == 1 << 30);
        let mask = (0xc000_0000u32 | (size as u32 - 1)) as i32;
        self.ops.test_imm(RAX, mask);
        self.ops.jump(Some(Cond::NotEqual), slow);
    }

    fn instruction(&mut self, index: i32, pc: u32, inst: &Instruction) {
        let (rd, imm) = (inst.rd, inst.imm as i32);
        let writes = rd != 0;
        // eax = rs1 op rs2 (ecx holds rs2), then rd = eax.
        macro_rules! binary {
            ($body:expr) => {{
                if writes {
                    self.get(RAX, inst.rs1);
                    self.get(RCX, inst.rs2);
                    $body;
                    self.put(rd, RAX);
                }
            }};
        }
        // eax = 1 if rs1 compares to rs2 (`$operand` None) or imm as `$cond` says, else 0;
        // then rd = eax.
        macro_rules! set_less {
            ($cond:expr, $operand:expr) => {{
                if writes {
                    self.get(RAX, inst.rs1);
                    match $operand {
                        Some(imm) => self.ops.alu_imm(Alu::Cmp, RAX, imm),
                        None => {
                            self.get(RCX, inst.rs2);
                            self.ops.alu(Alu::Cmp, RAX, RCX);
                        }
                    }
                    self.ops.set_if($cond, RDX);
                    self.ops.zero_extend_byte(RAX, RDX);
                    self.put(rd, RAX);
                }
            }};
        }
        // rd = rs1 op rs2 as one two-operand instruction, built in rd's host register
        // where it has one.
        macro_rules! two_operand {
            ($op:expr) => {{
                if writes {
                    let dst = self.destination(rd, Some(inst.rs2));
                    self.get_into(dst, inst.rs1);
                    match home(inst.rs2) {
                        Home::Zero => self.ops.alu_imm($op, dst, 0),
                        Home::Host(h) => self.ops.alu($op, dst, h),
                        Home::Array(place) => self.ops.alu_load($op, dst, place),
                    }
                    self.put_built(rd, dst);
                }
            }};
        }
        // rd = rs1 op imm likewise, `$emit` writing the op.
        macro_rules! two_operand_immediate {
            ($emit:ident, $op:expr, $imm:expr) => {{
                if writes {
                    let dst = self.destination(rd, None);
                    self.get_into(dst, inst.rs1);
                    self.ops.$emit($op, dst, $imm);
                    self.put_built(rd, dst);
                }
            }};
        }
        match inst.op {
            Op::Lui => self.put_constant(rd, inst.imm),
            Op::Auipc => self.put_constant(rd, pc.wrapping_add(inst.imm)),
            Op::Addi => self.add_immediate(inst),
            Op::Slti => set_less!(Cond::Less, Some(imm)),
            Op::Sltiu => set_less!(Cond::Below, Some(imm)),
            Op::Xori => two_operand_immediate!(alu_imm, Alu::Xor, imm),
            Op::Ori => two_operand_immediate!(alu_imm, Alu::Or, imm),
            Op::Andi => two_operand_immediate!(alu_imm, Alu::And, imm),
            Op::Slli => two_operand_immediate!(shift_imm, Shift::Shl, imm as u8),
            Op::Srli => two_operand_immediate!(shift_imm, Shift::Shr, imm as u8),
            Op::Srai => two_operand_immediate!(shift_imm, Shift::Sar, imm as u8),
            Op::Add => two_operand!(Alu::Add),
            Op::Sub => two_operand!(Alu::Sub),
            Op::Xor => two_operand!(Alu::Xor),
            Op::Or => two_operand!(Alu::Or),
            Op::And => two_operand!(Alu::And),
            Op::Sll => binary!(self.ops.shift_cl(Shift::Shl, RAX)),
            Op::Srl => binary!(self.ops.shift_cl(Shift::Shr, RAX)),
            Op::Sra => binary!(self.ops.shift_cl(Shift::Sar, RAX)),
            Op::Slt => set_less!(Cond::Less, None),
            Op::Sltu => set_less!(Cond::Below, None),
            Op::Mul => self.multiply(inst),
            Op::Mulh => binary!(
                dynasm!(self.ops ; .arch x64 ; movsxd rax, eax ; movsxd rcx, ecx ; imul rax, rcx ; shr rax, 32)
            ),
            Op::Mulhsu => binary!(
                dynasm!(self.ops ; .arch x64 ; movsxd rax, eax ; imul rax, rcx ; shr rax, 32)
            ),
            Op::Mulhu => binary!(dynasm!(self.ops ; .arch x64 ; imul rax, rcx ; shr rax, 32)),
            Op::Div | Op::Rem if writes => self.signed_division(inst),
            Op::Divu | Op::Remu if writes => self.unsigned_division(inst),
            Op::Div | Op::Rem | Op::Divu | Op::Remu => {}
            Op::Lb | Op::Lh | Op::Lw | Op::Lbu | Op::Lhu => self.load(index, pc, inst),
            Op::Sb | Op::Sh | Op::Sw => self.store(index, pc, inst),
            Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu => self.branch(pc, inst),
            Op::Jal => {
                self.put_constant(rd, pc.wrapping_add(4));
                self.chain(pc.wrapping_add(inst.imm));
            }
            Op::Jalr => self.jalr(index, pc, inst),
            Op::U256Op => self.u256(index, pc, inst),
            Op::Blake2sRound => self.delegation(index, pc, inst, BLAKE2S_HELPER),
            Op::OracleCsr => self.oracle(index, pc, inst),
            Op::Abort | Op::Illegal | Op::Undecoded => {
                unreachable!("the interpreter's instructions end a block before them")
            }
        }
    }

    /// DIV and REM: division by zero and `i32::MIN / -1` as RISC-V defines them.
    fn signed_division(&mut self, inst: &Instruction) {
        let remainder = inst.op == Op::Rem;
        let min = i32::MIN;
        let [by_zero, divide, done] = [(); 3].map(|_| self.ops.new_dynamic_label());
        self.get(RAX, inst.rs1);
        self.get(RCX, inst.rs2);
        dynasm!(self.ops
            ; .arch x64
            ; test ecx, ecx
            ; jz =>by_zero
            ; cmp ecx, -1
            ; jne =>divide
            ; cmp eax, min
            ; jne =>divide
            // i32::MIN / -1: the quotient wraps to i32::MIN, the remainder is 0.
        );
        if remainder {
            dynasm!(self.ops ; .arch x64 ; xor eax, eax);
        }
        dynasm!(self.ops
            ; .arch x64
            ; jmp =>done
            ; =>divide
            ; cdq
            ; idiv ecx
        );
        self.division_result(inst, remainder, by_zero, done);
    }

    /// The end of a division, after `div`/`idiv`: rd = the quotient (eax) or the remainder
    /// (edx); by zero, all ones or the dividend (still in eax).
    fn division_result(
        &mut self,
        inst: &Instruction,
        remainder: bool,
        by_zero: DynamicLabel,
        done: DynamicLabel,
    ) {
        if remainder {
            dynasm!(self.ops ; .arch x64 ; mov eax, edx);
        }
        dynasm!(self.ops ; .arch x64 ; jmp =>done ; =>by_zero);
        if !remainder {
            dynasm!(self.ops ; .arch x64 ; mov eax, -1);
        }
        dynasm!(self.ops ; .arch x64 ; =>done);
        self.put(inst.rd, RAX);
    }

    /// DIVU and REMU: by zero, the quotient is all ones and the remainder the dividend.
    fn unsigned_division(&mut self, inst: &Instruction) {
        let remainder = inst.op == Op::Remu;
        let [by_zero, done] = [(); 2].map(|_| self.ops.new_dynamic_label());
        self.get(RAX, inst.rs1);
        self.get(RCX, inst.rs2);
        dynasm!(self.ops
            ; .arch x64
            ; test ecx, ecx
            ; jz =>by_zero
            ; xor edx, edx
            ; div ecx
        );
        self.division_result(inst, remainder, by_zero, done);
    }

    /// A load from RAM or ROM; any other address (outside the address space, the oracle's
    /// MMIO window) or a misaligned one is the interpreter's.
    fn load(&mut self, index: i32, pc: u32, inst: &Instruction) {
        let slow = self.slow_label(index, pc, Exit::Interpret);
        let (size, access) = match inst.op {
            Op::Lb => (1, Access::Byte { signed: true }),
            Op::Lbu => (1, Access::Byte { signed: false }),
            Op::Lh => (2, Access::Half { signed: true }),
            Op::Lhu => (2, Access::Half { signed: false }),
            _ => (4, Access::Word),
        };
        self.address(inst);
        self.check_in_space(size, slow);
        if inst.rd == 0 {
            return;
        }
        // Straight into rd's host register where it has one.
        let dst = self.destination(inst.rd, None);
        let dst = if dst == RAX { RCX } else { dst };
        self.ops.load_guest(access, dst);
        if dst == RCX {
            self.put(inst.rd, RCX);
        }
    }

    /// A store to RAM; a store to ROM, outside the address space or misaligned is the
    /// interpreter's.
    fn store(&mut self, index: i32, pc: u32, inst: &Instruction) {
        let slow = self.slow_label(index, pc, Exit::Interpret);
        let (size, access) = match inst.op {
            Op::Sb => (1, Access::Byte { signed: false }),
            Op::Sh => (2, Access::Half { signed: false }),
            _ => (4, Access::Word),
        };
        self.address(inst);
        self.check_in_space(size, slow);
        self.ops.alu_imm(Alu::Cmp, RAX, ROM_END as i32);
        self.ops.jump(Some(Cond::Below), slow);
        // Straight from rs2's host register where it has one.
        let source = match home(inst.rs2) {
            Home::Host(host) => host,
            _ => {
                self.get(RCX, inst.rs2);
                RCX
            }
        };
        self.ops.store_guest(access, source);
        if self.logs_writes {
            self.ops.load64(RDX, Mem::At(RBP, LOG));
            self.ops.store(Mem::At(RDX, 0), RAX);
            self.ops.alu_imm64_to(Alu::Add, Mem::At(RBP, LOG), 4);
        }
    }

    fn branch(&mut self, pc: u32, inst: &Instruction) {
        // Compared where they live: a host register against a host register, the array or
        // zero.
        let left = match home(inst.rs1) {
            Home::Host(host) => host,
            _ => {
                self.get(RAX, inst.rs1);
                RAX
            }
        };
        match home(inst.rs2) {
            Home::Zero => self.ops.test(left, left),
            Home::Host(host) => self.ops.alu(Alu::Cmp, left, host),
            Home::Array(place) => self.ops.alu_load(Alu::Cmp, left, place),
        }
        let target = pc.wrapping_add(inst.imm);
        let taken = match inst.op {
            Op::Beq => Cond::Equal,
            Op::Bne => Cond::NotEqual,
            Op::Blt => Cond::Less,
            Op::Bge => Cond::GreaterOrEqual,
            Op::Bltu => Cond::Below,
            _ => Cond::AboveOrEqual,
        };
        // Straight to the target when it is known (this block, in a loop, or one compiled
        // before): a taken branch, not a taken branch to a jump.
        if let Some(known) = self.known_block(target) {
            self.ops.jump_to(Some(taken), known);
            return self.chain(pc.wrapping_add(4));
        }
        let label = self.ops.new_dynamic_label();
        self.ops.jump(Some(taken), label);
        self.chain(pc.wrapping_add(4));
        self.ops.bind(label);
        self.chain(target);
    }

    /// The address of the block for `target` when it is known now: this block, or one
    /// compiled before.
    fn known_block(&self, target: u32) -> Option<usize> {
        let index = (target >> 2) as usize;
        if target == self.pc {
            return Some(self.ops.address());
        }
        if target & 3 != 0 || index >= self.rom_words {
            return None;
        }
        (self.compiled_at)(index)
    }

    /// JALR: a misaligned target, or one equal to its own pc (an end loop), is the
    /// interpreter's; the link is written after the target is known.
    fn jalr(&mut self, index: i32, pc: u32, inst: &Instruction) {
        let slow = self.slow_label(index, pc, Exit::Interpret);
        self.address(inst);
        self.ops.alu_imm(Alu::And, RAX, -2);
        self.ops.test_imm(RAX, 3);
        self.ops.jump(Some(Cond::NotEqual), slow);
        self.ops.alu_imm(Alu::Cmp, RAX, pc as i32);
        self.ops.jump(Some(Cond::Equal), slow);
        self.put_constant(inst.rd, pc.wrapping_add(4));
        let miss = self.runtime.miss;
        self.ops.alu_imm(Alu::Cmp, RAX, (4 * self.rom_words) as i32);
        self.ops.jump_to(Some(Cond::AboveOrEqual), miss);
        // The table's entry for pc eax (4 bytes a word): the block's offset in the buffer.
        self.ops.load64(RDX, Mem::At(RBP, TABLE));
        self.ops.load(RCX, Mem::Indexed(RDX, RAX, 1, 0));
        self.ops.alu_imm(Alu::Cmp, RCX, INTERPRETED as i32);
        self.ops.jump_to(Some(Cond::BelowOrEqual), miss);
        self.ops.alu_load64(Alu::Add, RCX, Mem::At(RBP, CODE));
        self.ops.jump_register(RCX);
    }

    /// The oracle CSR through the context's `oracle_csr`: a word is read when rd is not x0,
    /// and rs1's value handed over when rs1 is not x0, as the interpreter does. A read
    /// alone takes the next of the context's upcoming words, while there are any.
    fn oracle(&mut self, index: i32, pc: u32, inst: &Instruction) {
        let panicked = self.slow_label(index, pc, Exit::Panicked);
        let reads = inst.rd != 0;
        let writes = inst.rs1 != 0;
        let done = self.ops.new_dynamic_label();
        if reads && !writes {
            let call = self.ops.new_dynamic_label();
            self.ops.load64(RCX, Mem::At(RBP, UPCOMING));
            self.ops
                .alu_load64(Alu::Cmp, RCX, Mem::At(RBP, UPCOMING_END));
            self.ops.jump(Some(Cond::AboveOrEqual), call);
            self.ops.load(RDX, Mem::At(RCX, 0));
            self.ops.alu_imm64(Alu::Add, RCX, 4);
            self.ops.store64(Mem::At(RBP, UPCOMING), RCX);
            self.ops.jump(None, done);
            self.ops.bind(call);
        }
        let access =
            (if reads { ORACLE_READS } else { 0 } | if writes { ORACLE_WRITES } else { 0 }) as i32;
        self.get(RAX, inst.rs1);
        spill(self.ops, Mapped::ClobberedByCall);
        self.ops.mov64(RDI, RBP);
        self.ops.mov(RSI, RAX);
        self.ops.mov_imm(RDX, access);
        self.ops.call(Mem::At(RBP, ORACLE_CSR));
        self.ops.mov64(RDX, RAX);
        fill(self.ops, Mapped::ClobberedByCall);
        // Bit 32 of the result: the oracle panicked.
        self.ops.bit_test(true, RDX, 32);
        self.ops.jump(Some(Cond::Below), panicked);
        self.ops.bind(done);
        if reads {
            self.put(inst.rd, RDX);
        }
    }

    /// A U256 operation. Additions, subtractions and copies (three in four calls of the
    /// guest OS) run in line as carry chains over the four 64-bit limbs in RAM, after the
    /// delegation's argument checks; the rest go to the helper, as do all in code that logs
    /// its writes. Refused arguments are the interpreter's.
    fn u256(&mut self, index: i32, pc: u32, inst: &Instruction) {
        use crate::delegation::u256::{ADD, CARRY_IN, MEMCOPY, OPERATIONS, SUB, SUB_AND_NEGATE};
        use zkos_linker::RAM_START;
        if self.logs_writes {
            return self.delegation(index, pc, inst, U256_HELPER);
        }
        // The arguments live in host registers: a0 (x10) in edi, a1 (x11) in r8d, a2 (x12)
        // in r9d (see `MAPPED`).
        const _: () = assert!(MAPPED[1].0 == 10 && MAPPED[2].0 == 11 && MAPPED[3].0 == 12);
        let slow = self.slow_label(index, pc, Exit::Interpret);
        let [add, sub, negate, copy, call, done] = [(); 6].map(|_| self.ops.new_dynamic_label());
        let (start, span) = (
            RAM_START as i32,
            (ADDRESS_SPACE_SIZE - 32 - RAM_START) as i32,
        );
        let others = !(OPERATIONS | CARRY_IN) as i32;
        // Both pointers 32-byte aligned in RAM, and distinct; no bit but the operations'
        // and the carry's in a2 (one operation is checked by the cases).
        for pointer in [RDI, R8] {
            self.ops.lea(RAX, pointer, -start);
            self.ops.alu_imm(Alu::Cmp, RAX, span);
            self.ops.jump(Some(Cond::Above), slow);
            self.ops.test_imm(pointer, 31);
            self.ops.jump(Some(Cond::NotEqual), slow);
        }
        self.ops.alu(Alu::Cmp, RDI, R8);
        self.ops.jump(Some(Cond::Equal), slow);
        self.ops.test_imm(R9, others);
        self.ops.jump(Some(Cond::NotEqual), slow);
        self.ops.mov(RAX, R9);
        self.ops.alu_imm(Alu::And, RAX, OPERATIONS as i32);
        for (operation, case) in [(ADD, add), (SUB, sub), (MEMCOPY, copy)] {
            self.ops.alu_imm(Alu::Cmp, RAX, operation as i32);
            self.ops.jump(Some(Cond::Equal), case);
        }
        self.ops.alu_imm(Alu::Cmp, RAX, SUB_AND_NEGATE as i32);
        self.ops.jump(Some(Cond::NotEqual), call);
        // a = b - a - borrow, a = b + carry, a = a - b - borrow, a = a + b + carry: the
        // carry or borrow in from a2's bit, limb by limb.
        let limb = |pointer: u8, offset: i32| Mem::Indexed(R12, pointer, 1, offset);
        for (case, chain) in [
            (negate, Chain::Negate),
            (copy, Chain::Copy),
            (sub, Chain::Sub),
            (add, Chain::Add),
        ] {
            self.ops.bind(case);
            self.ops
                .bit_test(false, R9, CARRY_IN.trailing_zeros() as u8);
            for offset in [0, 8, 16, 24] {
                let (a, b) = (limb(RDI, offset), limb(R8, offset));
                match chain {
                    Chain::Add => {
                        self.ops.load64(RAX, a);
                        self.ops.alu_load64(Alu::Adc, RAX, b);
                    }
                    Chain::Sub => {
                        self.ops.load64(RAX, a);
                        self.ops.alu_load64(Alu::Sbb, RAX, b);
                    }
                    Chain::Copy => {
                        self.ops.load64(RAX, b);
                        self.ops.alu_imm64(Alu::Adc, RAX, 0);
                    }
                    Chain::Negate => {
                        self.ops.load64(RAX, b);
                        self.ops.alu_load64(Alu::Sbb, RAX, a);
                    }
                }
                self.ops.store64(a, RAX);
            }
            if !matches!(chain, Chain::Add) {
                self.ops.jump(None, done);
            }
        }
        // a2 = the carry or borrow out; one more operation counted.
        self.ops.bind(done);
        self.ops.set_if(Cond::Below, RAX);
        self.ops.zero_extend_byte(R9, RAX);
        self.ops.alu_imm64_to(Alu::Add, Mem::At(RBP, U256_OPS), 1);
        let after = self.ops.new_dynamic_label();
        self.ops.jump(None, after);
        self.ops.bind(call);
        self.call_helper(slow, U256_HELPER);
        self.ops.bind(after);
        self.put_constant(inst.rd, 0);
    }

    /// A delegation call through the helper at `helper` in the context, which works on
    /// the register array; refused arguments are the interpreter's.
    fn delegation(&mut self, index: i32, pc: u32, inst: &Instruction, helper: i32) {
        let slow = self.slow_label(index, pc, Exit::Interpret);
        self.call_helper(slow, helper);
        self.put_constant(inst.rd, 0);
    }

    /// Calls the delegation helper at `helper` in the context; to `slow` if it refuses.
    fn call_helper(&mut self, slow: DynamicLabel, helper: i32) {
        spill(self.ops, Mapped::ClobberedByCall);
        self.ops.mov64(RDI, RBP);
        self.ops.call(Mem::At(RBP, helper));
        self.ops.mov(RDX, RAX);
        fill(self.ops, Mapped::ClobberedByCall);
        self.ops.test(RDX, RDX);
        self.ops.jump(Some(Cond::NotEqual), slow);
    }
}
