//! The machine: registers, memory, the decoded ROM and the dispatch loop.

use crate::decode::{decode, Instruction, Op};
use crate::delegation::{blake2s, u256, DelegationRecord};
use crate::fault::{Fault, FaultKind};
#[cfg(all(target_arch = "x86_64", unix))]
use crate::jit::{Code, CompiledCode, Exit, Guest, Jit};
use crate::memory::{AccessError, Memory};
use crate::oracle::{Oracle, OracleDevice};
use crate::program::Program;
use crate::tracer::{MemAccess, NoTracer, Step, Tracer};
use zkos_linker::{csr, ORACLE_MMIO_READ, ORACLE_MMIO_READS_SO_FAR, ORACLE_MMIO_WRITE, ROM_END};

/// Cycle counters (SPEC section 1 and 3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cycles {
    /// Instructions executed, delegation calls included.
    pub raw: u64,
    pub blake2s_rounds: u64,
    pub u256_ops: u64,
}

impl Cycles {
    /// The figure that tracks proving cost: `raw + 16 * rounds + 4 * u256 ops`.
    pub fn effective(&self) -> u64 {
        self.raw + 16 * self.blake2s_rounds + 4 * self.u256_ops
    }
}

/// Statistics of the compiled tier, for benchmarks and `zkos exec --jit`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JitStats {
    pub blocks: u64,
    pub instructions: u64,
    pub code_bytes: u64,
    pub compile_time: std::time::Duration,
    /// Entries into compiled code from the driver.
    pub entries: u64,
}

/// A finished run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOutcome {
    /// x10..x17 at the end loop.
    pub output: [u32; 8],
    pub cycles: Cycles,
    pub final_pc: u32,
    pub oracle_words_read: u64,
    /// The pc of the first access to the oracle MMIO window, if any (such runs are not provable).
    pub first_mmio_pc: Option<u32>,
}

/// A run that stopped on a fault, with the machine state at that point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError {
    pub fault: Fault,
    pub cycles: Cycles,
    pub registers: Box<[u32; 32]>,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (after {} cycles)", self.fault, self.cycles.raw)
    }
}

impl std::error::Error for RunError {}

/// Why [`Machine::run_until`] returned without a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The program reached its end loop.
    Halted,
    /// The cycle bound was reached first.
    Bound,
}

/// What a machine needs, besides its memory, to resume a run at a cycle: a run traced in
/// pieces restarts each piece from the state a first pass recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CpuState {
    pub registers: [u32; 32],
    pub pc: u32,
    pub cycles: Cycles,
    pub halted: bool,
}

/// Register file index where writes to x0 go, so x0 always reads 0 without a check.
const X0_SINK: u8 = 32;

/// Registers as a power-of-two array so masked indexing needs no bounds check.
type Registers = [u32; 64];

pub struct Machine {
    regs: Registers,
    pc: u32,
    cycles: Cycles,
    memory: Memory,
    /// One entry per word of the program's image, decoded the first time it executes.
    code: DecodedRom,
    record: DelegationRecord,
    first_mmio_pc: Option<u32>,
    halted: bool,
    /// The compiled tier, when enabled: runs without a tracer go through it.
    #[cfg(all(target_arch = "x86_64", unix))]
    jit: Option<Box<Jit>>,
    /// The program's compiled code, shared with its other machines.
    #[cfg(all(target_arch = "x86_64", unix))]
    compiled: CompiledCode,
}

fn writes_rd(op: Op) -> bool {
    !matches!(
        op,
        Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu | Op::Sb | Op::Sh | Op::Sw
    )
}

/// The instruction as the loop runs it: writes to x0 go to the sink register.
fn dispatch_form(i: Instruction) -> Instruction {
    if i.rd == 0 && writes_rd(i.op) {
        Instruction { rd: X0_SINK, ..i }
    } else {
        i
    }
}

impl Machine {
    /// A machine at pc 0 with the program in ROM and RAM zeroed.
    pub fn new(program: &Program) -> Result<Machine, RunError> {
        let map_failed = |what: &str, e: std::io::Error| RunError {
            fault: Fault {
                kind: FaultKind::Delegation(format!("cannot map {what}: {e}")),
                pc: 0,
                word: 0,
                address: None,
            },
            cycles: Cycles::default(),
            registers: Box::new([0; 32]),
        };
        let memory = Memory::with_rom_image(program.image())
            .map_err(|e| map_failed("1 GiB of guest memory", e))?;
        let code = DecodedRom::new(program.image().len() / 4)
            .map_err(|e| map_failed("the decoded ROM", e))?;
        Ok(Machine {
            regs: [0; 64],
            pc: 0,
            cycles: Cycles::default(),
            memory,
            code,
            record: DelegationRecord::default(),
            first_mmio_pc: None,
            halted: false,
            #[cfg(all(target_arch = "x86_64", unix))]
            jit: None,
            #[cfg(all(target_arch = "x86_64", unix))]
            compiled: program.compiled().clone(),
        })
    }

    /// Turns on the compiled tier for runs without a tracer; false where it is not
    /// available (hosts other than x86-64, or no executable memory).
    pub fn enable_jit(&mut self) -> bool {
        #[cfg(all(target_arch = "x86_64", unix))]
        return self.enable_jit_after(crate::jit::HOT);
        #[cfg(not(all(target_arch = "x86_64", unix)))]
        false
    }

    /// [`Machine::enable_jit`], compiling a block once its pc has been reached `executions`
    /// times (0: at once), not after the default count.
    pub fn enable_jit_after(&mut self, executions: u8) -> bool {
        #[cfg(not(all(target_arch = "x86_64", unix)))]
        let _ = executions;
        #[cfg(all(target_arch = "x86_64", unix))]
        if self.jit.is_none() {
            let code = self.compiled.clone();
            self.jit = Jit::new(code, self.code.len(), executions).map(Box::new);
        }
        self.jit_stats().is_some()
    }

    /// What the compiled tier has done, when it is enabled.
    pub fn jit_stats(&self) -> Option<JitStats> {
        #[cfg(all(target_arch = "x86_64", unix))]
        return self.jit.as_ref().map(|jit| jit.stats());
        #[cfg(not(all(target_arch = "x86_64", unix)))]
        None
    }

    pub fn pc(&self) -> u32 {
        self.pc
    }

    pub fn cycles(&self) -> Cycles {
        self.cycles
    }

    pub fn is_halted(&self) -> bool {
        self.halted
    }

    /// x0..x31.
    pub fn registers(&self) -> [u32; 32] {
        core::array::from_fn(|i| self.regs[i])
    }

    pub fn memory(&self) -> &Memory {
        &self.memory
    }

    /// RAM words written from outside the program, such as stores recorded in another run
    /// of the same program (`(byte address, word)`, word-aligned, bounds checked by the caller).
    pub fn write_ram_words(&mut self, words: &[(u32, u32)]) {
        for &(address, word) in words {
            self.memory.write_words(address, &[word]);
        }
    }

    pub fn cpu_state(&self) -> CpuState {
        CpuState {
            registers: self.registers(),
            pc: self.pc,
            cycles: self.cycles,
            halted: self.halted,
        }
    }

    /// Resumes from `state` with the memory as it is.
    pub fn set_cpu_state(&mut self, state: &CpuState) {
        self.regs[..32].copy_from_slice(&state.registers);
        self.pc = state.pc;
        self.cycles = state.cycles;
        self.halted = state.halted;
    }

    /// Makes the instruction at `pc` stop the run before it executes, as an illegal
    /// instruction does (a fault at `pc`, the machine left as it was): a debugger's
    /// software breakpoint, which costs the dispatch loop nothing. False when `pc` is not
    /// an instruction of the image.
    pub fn set_trap(&mut self, pc: u32) -> bool {
        // Compiled blocks would run through the trap: a trapped machine interprets.
        #[cfg(all(target_arch = "x86_64", unix))]
        {
            self.jit = None;
        }
        match self.code.get_mut((pc >> 2) as usize) {
            Some(inst) if pc & 3 == 0 => {
                inst.op = Op::Illegal;
                true
            }
            _ => false,
        }
    }

    /// Undoes [`Machine::set_trap`]: the instruction at `pc` is decoded from the image again.
    pub fn clear_trap(&mut self, pc: u32) {
        if let Some(inst) = self.code.get_mut((pc >> 2) as usize) {
            *inst = Instruction::UNDECODED;
        }
    }

    /// Runs to the end loop with at most `max_cycles` cycles and no tracer.
    pub fn run<O: Oracle>(&mut self, oracle: O, max_cycles: u64) -> Result<RunOutcome, RunError> {
        self.run_traced(oracle, &mut NoTracer, max_cycles)
    }

    /// Runs to the end loop, reporting every step to `tracer`.
    pub fn run_traced<O: Oracle, T: Tracer>(
        &mut self,
        oracle: O,
        tracer: &mut T,
        max_cycles: u64,
    ) -> Result<RunOutcome, RunError> {
        let mut device = OracleDevice::new(oracle);
        match self.run_until(&mut device, tracer, max_cycles)? {
            Stop::Halted => Ok(self.outcome(device.words_read)),
            Stop::Bound => Err(self.error(Fault {
                kind: FaultKind::CycleLimit(max_cycles),
                pc: self.pc,
                word: self.word_at(self.pc),
                address: None,
            })),
        }
    }

    /// The outcome as of now (meaningful once halted).
    pub fn outcome(&self, oracle_words_read: u64) -> RunOutcome {
        RunOutcome {
            output: core::array::from_fn(|i| self.regs[10 + i]),
            cycles: self.cycles,
            final_pc: self.pc,
            oracle_words_read,
            first_mmio_pc: self.first_mmio_pc,
        }
    }

    fn error(&self, fault: Fault) -> RunError {
        RunError {
            fault,
            cycles: self.cycles,
            registers: Box::new(self.registers()),
        }
    }

    /// The ROM word at `pc` (the padding word outside ROM, where nothing is fetched).
    fn word_at(&self, pc: u32) -> u32 {
        if pc < ROM_END {
            self.memory.word_at(pc)
        } else {
            zkos_linker::ROM_PADDING_WORD
        }
    }

    /// Executes until the end loop or until the raw cycle count reaches `bound`. A halted
    /// machine stays halted; calling again resumes where it stopped.
    pub fn run_until<O: Oracle, T: Tracer>(
        &mut self,
        device: &mut OracleDevice<O>,
        tracer: &mut T,
        bound: u64,
    ) -> Result<Stop, RunError> {
        if self.halted {
            return Ok(Stop::Halted);
        }
        match self.dispatch_tier(device, tracer, bound) {
            Ok(stop) => {
                self.halted = stop == Stop::Halted;
                Ok(stop)
            }
            Err((kind, address)) => {
                let pc = self.pc;
                Err(self.error(Fault {
                    kind,
                    pc,
                    word: self.word_at(pc),
                    address,
                }))
            }
        }
    }

    /// Keeps executing the end loop (already reached) up to `bound` cycles, as the trace's
    /// last chunk needs.
    pub fn spin_end_loop<T: Tracer>(&mut self, tracer: &mut T, bound: u64) {
        let word = self.word_at(self.pc);
        while self.cycles.raw < bound {
            if T::ENABLED {
                tracer.on_step(&self.plain_step(word, MemAccess::None));
            }
            self.cycles.raw += 1;
        }
    }

    fn plain_step(&self, word: u32, mem: MemAccess) -> Step<'_> {
        let (_, rs1, rs2) = Instruction::fields(word);
        Step {
            cycle: self.cycles.raw,
            pc: self.pc,
            word,
            rs1_value: self.regs[rs1 as usize],
            rs2_value: self.regs[rs2 as usize],
            rd: 0,
            rd_old: 0,
            rd_new: 0,
            mem,
            oracle_word: 0,
            delegation: None,
        }
    }

    /// The compiled tier where it is enabled and the tracer needs no steps (or only the
    /// words written), else the dispatch loop.
    fn dispatch_tier<O: Oracle, T: Tracer>(
        &mut self,
        device: &mut OracleDevice<O>,
        tracer: &mut T,
        bound: u64,
    ) -> Result<Stop, (FaultKind, Option<u32>)> {
        #[cfg(all(target_arch = "x86_64", unix))]
        if !T::ENABLED || T::WRITES_ONLY {
            if let Some(mut jit) = self.jit.take() {
                let result = self.dispatch_compiled(&mut jit, device, tracer, bound);
                self.jit = Some(jit);
                return result;
            }
        }
        self.dispatch(device, tracer, bound)
    }

    /// Runs compiled blocks, and the interpreter for what they leave to it (see `jit`).
    #[cfg(all(target_arch = "x86_64", unix))]
    fn dispatch_compiled<O: Oracle, T: Tracer>(
        &mut self,
        jit: &mut Jit,
        device: &mut OracleDevice<O>,
        tracer: &mut T,
        bound: u64,
    ) -> Result<Stop, (FaultKind, Option<u32>)> {
        let Some(code) = jit.code(T::WRITES_ONLY) else {
            return self.dispatch(device, tracer, bound);
        };
        loop {
            if self.cycles.raw >= bound {
                return Ok(Stop::Bound);
            }
            let block = match jit.block_at(&code, self.pc, &self.memory) {
                Code::Compiled(block) => block,
                Code::Cold => {
                    // Not worth compiling yet: interpreted up to the next taken jump.
                    loop {
                        let from = self.pc;
                        if self.step(device, tracer)? == Stop::Halted {
                            return Ok(Stop::Halted);
                        }
                        if self.cycles.raw >= bound || self.pc != from.wrapping_add(4) {
                            break;
                        }
                    }
                    continue;
                }
                Code::Interpreted => {
                    if self.step(device, tracer)? == Stop::Halted {
                        return Ok(Stop::Halted);
                    }
                    continue;
                }
            };
            let stopped = jit.run(
                &code,
                block,
                Guest {
                    regs: &mut self.regs,
                    memory: &mut self.memory,
                    device,
                    cycle: self.cycles.raw,
                    bound,
                    pc: self.pc,
                },
            );
            if T::WRITES_ONLY {
                tracer.on_written(jit.written());
            }
            self.pc = stopped.pc;
            self.cycles.raw = stopped.cycle;
            self.cycles.u256_ops += stopped.u256_ops;
            self.cycles.blake2s_rounds += stopped.blake2s_rounds;
            let stop = match stopped.exit {
                Exit::Miss | Exit::Flush => continue,
                Exit::Panicked => unreachable!("Jit::run resumes the oracle's panic"),
                Exit::Interpret => self.step(device, tracer)?,
                // Fewer cycles remain than the block has: the interpreter runs them.
                Exit::Bound => self.dispatch(device, tracer, bound)?,
            };
            if stop == Stop::Halted {
                return Ok(Stop::Halted);
            }
        }
    }

    /// Executes one instruction in the interpreter.
    #[cfg(all(target_arch = "x86_64", unix))]
    fn step<O: Oracle, T: Tracer>(
        &mut self,
        device: &mut OracleDevice<O>,
        tracer: &mut T,
    ) -> Result<Stop, (FaultKind, Option<u32>)> {
        self.dispatch(device, tracer, self.cycles.raw + 1)
    }

    /// The dispatch loop. On a fault, `self.pc` is the faulting instruction.
    #[inline(always)]
    fn dispatch<O: Oracle, T: Tracer>(
        &mut self,
        device: &mut OracleDevice<O>,
        tracer: &mut T,
        bound: u64,
    ) -> Result<Stop, (FaultKind, Option<u32>)> {
        let mut pc = self.pc;
        let mut cycle = self.cycles.raw;
        let result = loop {
            if cycle >= bound {
                break Ok(Stop::Bound);
            }
            let Some(&inst) = self.code.get((pc >> 2) as usize) else {
                break Err(fetch_fault(pc));
            };
            let regs = &mut self.regs;
            let (rd, rs1v, rs2v) = (
                inst.rd as usize & 63,
                regs[inst.rs1 as usize & 31],
                regs[inst.rs2 as usize & 31],
            );
            let rd_old = if T::ENABLED { regs[rd] } else { 0 };
            let mut next = pc.wrapping_add(4);
            let mut mem = MemAccess::None;
            let mut oracle_word = 0;
            let mut delegated = false;
            macro_rules! jump {
                ($target:expr) => {{
                    let target: u32 = $target;
                    if target & 3 != 0 {
                        break Err((FaultKind::MisalignedJump, Some(target)));
                    }
                    next = target;
                }};
            }
            macro_rules! load {
                ($load:ident, $conv:expr) => {{
                    let address = rs1v.wrapping_add(inst.imm);
                    let value = match self.memory.$load(address) {
                        Ok(v) => $conv(v),
                        Err(e) => {
                            match mmio_load(
                                device,
                                address,
                                inst.op,
                                e,
                                &mut self.first_mmio_pc,
                                pc,
                            ) {
                                Ok(v) => {
                                    mem = MemAccess::Mmio { address };
                                    v
                                }
                                Err(f) => break Err(f),
                            }
                        }
                    };
                    if T::ENABLED && T::MEMORY && !matches!(mem, MemAccess::Mmio { .. }) {
                        mem = MemAccess::Load {
                            address,
                            word: self.memory.word_at(address),
                        };
                    }
                    self.regs[rd] = value;
                }};
            }
            macro_rules! store {
                ($store:ident, $value:expr, $mask:expr) => {{
                    let address = rs1v.wrapping_add(inst.imm);
                    let old_word =
                        if T::ENABLED && T::MEMORY && address < zkos_linker::ADDRESS_SPACE_SIZE {
                            self.memory.word_at(address)
                        } else {
                            0
                        };
                    match self.memory.$store(address, $value) {
                        Ok(()) => {
                            if T::ENABLED && T::MEMORY {
                                // The stored bits merged into the old word: reading the word
                                // back would stall on the byte or half-word just stored.
                                let shift = (address & 3) * 8;
                                let new_word =
                                    (old_word & !($mask << shift)) | (($value as u32) << shift);
                                mem = MemAccess::Store {
                                    address,
                                    old_word,
                                    new_word,
                                };
                            }
                        }
                        Err(e) => {
                            match mmio_store(
                                device,
                                address,
                                inst.op,
                                rs2v,
                                e,
                                &mut self.first_mmio_pc,
                                pc,
                            ) {
                                Ok(()) => mem = MemAccess::Mmio { address },
                                Err(f) => break Err(f),
                            }
                        }
                    }
                }};
            }
            match inst.op {
                Op::Undecoded => {
                    let word = self.memory.word_at(pc);
                    self.code[(pc >> 2) as usize] = dispatch_form(decode(word));
                    continue;
                }
                Op::Lui => regs[rd] = inst.imm,
                Op::Auipc => regs[rd] = pc.wrapping_add(inst.imm),
                // The link is written after the target check: a faulting jump retires nothing.
                Op::Jal => {
                    let link = next;
                    jump!(pc.wrapping_add(inst.imm));
                    regs[rd] = link;
                }
                Op::Jalr => {
                    let link = next;
                    jump!(rs1v.wrapping_add(inst.imm) & !1);
                    regs[rd] = link;
                }
                Op::Beq => {
                    if rs1v == rs2v {
                        jump!(pc.wrapping_add(inst.imm))
                    }
                }
                Op::Bne => {
                    if rs1v != rs2v {
                        jump!(pc.wrapping_add(inst.imm))
                    }
                }
                Op::Blt => {
                    if (rs1v as i32) < (rs2v as i32) {
                        jump!(pc.wrapping_add(inst.imm))
                    }
                }
                Op::Bge => {
                    if (rs1v as i32) >= (rs2v as i32) {
                        jump!(pc.wrapping_add(inst.imm))
                    }
                }
                Op::Bltu => {
                    if rs1v < rs2v {
                        jump!(pc.wrapping_add(inst.imm))
                    }
                }
                Op::Bgeu => {
                    if rs1v >= rs2v {
                        jump!(pc.wrapping_add(inst.imm))
                    }
                }
                Op::Lb => load!(load_u8, |v: u8| v as i8 as i32 as u32),
                Op::Lh => load!(load_u16, |v: u16| v as i16 as i32 as u32),
                Op::Lw => load!(load_u32, |v: u32| v),
                Op::Lbu => load!(load_u8, |v: u8| v as u32),
                Op::Lhu => load!(load_u16, |v: u16| v as u32),
                Op::Sb => store!(store_u8, rs2v as u8, 0xffu32),
                Op::Sh => store!(store_u16, rs2v as u16, 0xffffu32),
                Op::Sw => store!(store_u32, rs2v, u32::MAX),
                Op::Addi => regs[rd] = rs1v.wrapping_add(inst.imm),
                Op::Slti => regs[rd] = ((rs1v as i32) < (inst.imm as i32)) as u32,
                Op::Sltiu => regs[rd] = (rs1v < inst.imm) as u32,
                Op::Xori => regs[rd] = rs1v ^ inst.imm,
                Op::Ori => regs[rd] = rs1v | inst.imm,
                Op::Andi => regs[rd] = rs1v & inst.imm,
                Op::Slli => regs[rd] = rs1v << inst.imm,
                Op::Srli => regs[rd] = rs1v >> inst.imm,
                Op::Srai => regs[rd] = ((rs1v as i32) >> inst.imm) as u32,
                Op::Add => regs[rd] = rs1v.wrapping_add(rs2v),
                Op::Sub => regs[rd] = rs1v.wrapping_sub(rs2v),
                Op::Sll => regs[rd] = rs1v << (rs2v & 31),
                Op::Slt => regs[rd] = ((rs1v as i32) < (rs2v as i32)) as u32,
                Op::Sltu => regs[rd] = (rs1v < rs2v) as u32,
                Op::Xor => regs[rd] = rs1v ^ rs2v,
                Op::Srl => regs[rd] = rs1v >> (rs2v & 31),
                Op::Sra => regs[rd] = ((rs1v as i32) >> (rs2v & 31)) as u32,
                Op::Or => regs[rd] = rs1v | rs2v,
                Op::And => regs[rd] = rs1v & rs2v,
                Op::Mul => regs[rd] = rs1v.wrapping_mul(rs2v),
                Op::Mulh => regs[rd] = ((rs1v as i32 as i64 * rs2v as i32 as i64) >> 32) as u32,
                Op::Mulhsu => regs[rd] = ((rs1v as i32 as i64 * rs2v as i64) >> 32) as u32,
                Op::Mulhu => regs[rd] = ((rs1v as u64 * rs2v as u64) >> 32) as u32,
                Op::Div => regs[rd] = div_signed(rs1v, rs2v),
                Op::Divu => regs[rd] = rs1v.checked_div(rs2v).unwrap_or(u32::MAX),
                Op::Rem => regs[rd] = rem_signed(rs1v, rs2v),
                Op::Remu => regs[rd] = if rs2v == 0 { rs1v } else { rs1v % rs2v },
                Op::OracleCsr => {
                    let real_rd = (self.memory.word_at(pc) >> 7) & 31;
                    if real_rd != 0 {
                        oracle_word = device.read();
                    }
                    if inst.rs1 != 0 {
                        device.write(rs1v);
                    }
                    regs[rd] = oracle_word;
                }
                Op::Blake2sRound => {
                    let args = blake2s::check_arguments(regs[10], regs[11], regs[12], regs[13]);
                    match args {
                        Ok(call) => blake2s_call::<T>(
                            &mut self.memory,
                            &mut self.record,
                            &call,
                            [regs[10], regs[11], regs[12], regs[13]],
                        ),
                        Err(why) => break Err((FaultKind::Delegation(why), None)),
                    }
                    self.regs[rd] = 0;
                    self.cycles.blake2s_rounds += 1;
                    delegated = true;
                }
                Op::U256Op => {
                    match u256::check_arguments(regs[10], regs[11], regs[12]) {
                        Ok((operation, carry)) => {
                            let flag = u256_call::<T>(
                                &mut self.memory,
                                &mut self.record,
                                operation,
                                carry,
                                [regs[10], regs[11], regs[12]],
                            );
                            self.regs[12] = flag;
                        }
                        Err(why) => break Err((FaultKind::Delegation(why), None)),
                    }
                    self.regs[rd] = 0;
                    self.cycles.u256_ops += 1;
                    delegated = true;
                }
                Op::Abort => break Err((FaultKind::GuestAbort, None)),
                Op::Illegal => break Err((FaultKind::IllegalInstruction, None)),
            }
            if next == pc {
                // The end loop: Airbender does not count its first pass; the trace's filler
                // rows (see `spin_end_loop`) start here.
                self.pc = pc;
                self.cycles.raw = cycle;
                return Ok(Stop::Halted);
            }
            if T::ENABLED {
                let word = self.memory.word_at(pc);
                let (real_rd, _, _) = Instruction::fields(word);
                let writes = writes_rd(inst.op) && !delegated && real_rd != 0;
                tracer.on_step(&Step {
                    cycle,
                    pc,
                    word,
                    rs1_value: rs1v,
                    rs2_value: rs2v,
                    rd: if writes { real_rd } else { 0 },
                    rd_old: if writes { rd_old } else { 0 },
                    rd_new: if writes { self.regs[rd] } else { 0 },
                    mem,
                    oracle_word,
                    delegation: delegated.then_some(&self.record),
                });
            }
            cycle += 1;
            pc = next;
        };
        self.pc = pc;
        self.cycles.raw = cycle;
        result
    }
}

/// One decoded instruction per ROM word of the image, [`Op::Undecoded`] until first
/// executed. Fresh anonymous memory: the pages of code a run never executes are never
/// touched, and no run pays for clearing the table (a heap allocation this size is often
/// recycled and cleared by hand).
struct DecodedRom {
    map: Option<memmap2::MmapMut>,
    len: usize,
}

impl DecodedRom {
    fn new(len: usize) -> std::io::Result<DecodedRom> {
        const _: () = assert!(Op::Undecoded as u8 == 0 && size_of::<Instruction>() == 8);
        let map = match len {
            0 => None,
            _ => Some(memmap2::MmapMut::map_anon(len * size_of::<Instruction>())?),
        };
        Ok(DecodedRom { map, len })
    }
}

impl std::ops::Deref for DecodedRom {
    type Target = [Instruction];
    fn deref(&self) -> &[Instruction] {
        match &self.map {
            // SAFETY: the mapping holds `len` instructions' bytes, page-aligned; all-zero
            // bytes are Op::Undecoded with integer fields (no padding inside Instruction),
            // and every later write is a whole Instruction.
            Some(map) => unsafe { std::slice::from_raw_parts(map.as_ptr().cast(), self.len) },
            None => &[],
        }
    }
}

impl std::ops::DerefMut for DecodedRom {
    fn deref_mut(&mut self) -> &mut [Instruction] {
        match &mut self.map {
            // SAFETY: as in `deref`, borrowed mutably.
            Some(map) => unsafe {
                std::slice::from_raw_parts_mut(map.as_mut_ptr().cast(), self.len)
            },
            None => &mut [],
        }
    }
}

fn fetch_fault(pc: u32) -> (FaultKind, Option<u32>) {
    if pc < ROM_END {
        // Past the image the prover's ROM holds the padding word, the abort instruction.
        (FaultKind::GuestAbort, None)
    } else {
        (FaultKind::FetchOutsideRom, Some(pc))
    }
}

fn div_signed(a: u32, b: u32) -> u32 {
    match (a as i32, b as i32) {
        (_, 0) => u32::MAX,
        (a, b) => a.wrapping_div(b) as u32,
    }
}

fn rem_signed(a: u32, b: u32) -> u32 {
    match (a as i32, b as i32) {
        (a, 0) => a as u32,
        (a, b) => a.wrapping_rem(b) as u32,
    }
}

fn access_fault(
    error: AccessError,
    misaligned: FaultKind,
    out_of_bounds: FaultKind,
    address: u32,
) -> (FaultKind, Option<u32>) {
    let kind = match error {
        AccessError::Misaligned => misaligned,
        AccessError::OutOfBounds => out_of_bounds,
        AccessError::RomWrite => FaultKind::RomWrite,
    };
    (kind, Some(address))
}

fn in_mmio_window(address: u32) -> bool {
    (zkos_linker::ORACLE_MMIO_BASE..zkos_linker::ORACLE_MMIO_BASE + zkos_linker::ORACLE_MMIO_SIZE)
        .contains(&address)
}

#[cold]
fn mmio_load<O: Oracle>(
    device: &mut OracleDevice<O>,
    address: u32,
    op: Op,
    error: AccessError,
    first_mmio_pc: &mut Option<u32>,
    pc: u32,
) -> Result<u32, (FaultKind, Option<u32>)> {
    if !in_mmio_window(address) {
        return Err(access_fault(
            error,
            FaultKind::MisalignedLoad,
            FaultKind::LoadOutOfBounds,
            address,
        ));
    }
    first_mmio_pc.get_or_insert(pc);
    // Only whole-word accesses: the window lies above 1 GiB, so the memory reports a byte or
    // half-word access at a register's address as out of bounds, not as misaligned.
    match (address, op) {
        (ORACLE_MMIO_READ, Op::Lw) => Ok(device.read()),
        (ORACLE_MMIO_READS_SO_FAR, Op::Lw) => Ok(device.words_read as u32),
        _ => Err((FaultKind::BadMmioAccess, Some(address))),
    }
}

#[cold]
fn mmio_store<O: Oracle>(
    device: &mut OracleDevice<O>,
    address: u32,
    op: Op,
    value: u32,
    error: AccessError,
    first_mmio_pc: &mut Option<u32>,
    pc: u32,
) -> Result<(), (FaultKind, Option<u32>)> {
    if !in_mmio_window(address) {
        return Err(access_fault(
            error,
            FaultKind::MisalignedStore,
            FaultKind::StoreOutOfBounds,
            address,
        ));
    }
    first_mmio_pc.get_or_insert(pc);
    match (address, op) {
        (ORACLE_MMIO_WRITE, Op::Sw) => {
            device.write(value);
            Ok(())
        }
        _ => Err((FaultKind::BadMmioAccess, Some(address))),
    }
}

pub(crate) fn blake2s_call<T: Tracer>(
    memory: &mut Memory,
    record: &mut DelegationRecord,
    call: &blake2s::RoundCall,
    registers: [u32; 4],
) {
    let mut state: [u32; blake2s::STATE_WORDS] = memory.read_words(call.state_ptr);
    let message: [u32; blake2s::MESSAGE_WORDS] = memory.read_words(call.message_ptr);
    let before = state;
    blake2s::apply(call, &mut state, &message);
    memory.write_words(call.state_ptr, &state);
    if T::ENABLED {
        record.reset(csr::BLAKE2S_ROUND);
        record.registers.extend(registers.iter().map(|&r| (r, r)));
        record.reads.extend(
            message
                .iter()
                .enumerate()
                .map(|(i, &w)| (call.message_ptr + 4 * i as u32, w)),
        );
        record
            .writes
            .extend((0..state.len()).map(|i| (call.state_ptr + 4 * i as u32, before[i], state[i])));
    }
}

pub(crate) fn u256_call<T: Tracer>(
    memory: &mut Memory,
    record: &mut DelegationRecord,
    operation: u32,
    carry: bool,
    registers: [u32; 3],
) -> u32 {
    let (a_ptr, b_ptr) = (registers[0], registers[1]);
    if !T::ENABLED {
        // Nothing to record: the operands as the host's limbs, in place.
        let (a, b) = (memory.read_limbs(a_ptr), memory.read_limbs(b_ptr));
        let (result, flag) = u256::apply_limbs(operation, carry, &a, &b);
        memory.write_limbs(a_ptr, &result);
        return flag;
    }
    let a: u256::Words = memory.read_words(a_ptr);
    let b: u256::Words = memory.read_words(b_ptr);
    let (result, flag) = u256::apply(operation, carry, &a, &b);
    memory.write_words(a_ptr, &result);
    if T::ENABLED {
        record.reset(csr::U256_OP);
        record.registers.extend([
            (registers[0], registers[0]),
            (registers[1], registers[1]),
            (registers[2], flag),
        ]);
        record.reads.extend(
            b.iter()
                .enumerate()
                .map(|(i, &w)| (b_ptr + 4 * i as u32, w)),
        );
        record
            .writes
            .extend((0..8).map(|i| (a_ptr + 4 * i as u32, a[i], result[i])));
    }
    flag
}
