//! The machine: registers, memory, the decoded ROM, and the choice of tier that runs it
//! (the interpreter, or the compiled tier where it is enabled).

mod decoded;
mod interpreter;

use crate::decode::Instruction;
use crate::delegation::DelegationRecord;
use crate::fault::{Fault, FaultKind};
#[cfg(all(target_arch = "x86_64", unix))]
use crate::jit::{Code, CompiledCode, Exit, Guest, Jit};
use crate::memory::Memory;
use crate::oracle::{Oracle, OracleDevice};
use crate::program::Program;
use crate::tracer::{MemAccess, NoTracer, Step, Tracer};
use decoded::DecodedRom;
pub(crate) use interpreter::blake2s_call;
use interpreter::Trap;
use zkos_linker::ROM_END;

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

/// The register file, indexed by any byte without a bounds check: x0..x31, then
/// [`decoded::X0_SINK`] where writes to x0 go, then nothing.
pub(crate) type Registers = [u32; 256];

pub struct Machine {
    regs: Registers,
    pc: u32,
    cycles: Cycles,
    memory: Memory,
    /// One entry per word of the program's image, decoded a run at a time when control first
    /// reaches it.
    code: DecodedRom,
    record: DelegationRecord,
    first_mmio_pc: Option<u32>,
    halted: bool,
    /// The compiled tier, when enabled: runs without a tracer go through it.
    #[cfg(all(target_arch = "x86_64", unix))]
    jit: Option<Box<Jit>>,
    /// The program's compiled code, shared with its other machines, and the words of ROM
    /// it covers (the program's code image).
    #[cfg(all(target_arch = "x86_64", unix))]
    compiled: (CompiledCode, usize),
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
        let memory = Memory::with_rom_image(program.image(), program.image_file())
            .map_err(|e| map_failed("1 GiB of guest memory", e))?;
        let code = DecodedRom::new(program.image().len() / 4)
            .map_err(|e| map_failed("the decoded ROM", e))?;
        Ok(Machine {
            regs: [0; 256],
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
            compiled: (program.compiled().clone(), program.code_image().len() / 4),
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
            let (code, words) = self.compiled.clone();
            self.jit = Jit::new(code, words, executions).map(Box::new);
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
        pc & 3 == 0 && self.code.set_trap((pc >> 2) as usize, &self.memory)
    }

    /// Undoes [`Machine::set_trap`]: the instruction at `pc` is decoded from the image again.
    pub fn clear_trap(&mut self, pc: u32) {
        if pc & 3 == 0 {
            self.code.clear_trap((pc >> 2) as usize, &self.memory);
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
    ) -> Result<Stop, Trap> {
        #[cfg(all(target_arch = "x86_64", unix))]
        if !T::ENABLED || T::WRITES_ONLY {
            if let Some(mut jit) = self.jit.take() {
                let result = self.dispatch_compiled(&mut jit, device, tracer, bound);
                self.jit = Some(jit);
                return result;
            }
        }
        self.interpret::<false, O, T>(device, tracer, bound)
    }

    /// Runs compiled blocks, and the interpreter for what they leave to it (see `jit`).
    #[cfg(all(target_arch = "x86_64", unix))]
    fn dispatch_compiled<O: Oracle, T: Tracer>(
        &mut self,
        jit: &mut Jit,
        device: &mut OracleDevice<O>,
        tracer: &mut T,
        bound: u64,
    ) -> Result<Stop, Trap> {
        let Some(code) = jit.code(T::WRITES_ONLY) else {
            return self.interpret::<false, O, T>(device, tracer, bound);
        };
        loop {
            if self.cycles.raw >= bound {
                return Ok(Stop::Bound);
            }
            let block = match jit.block_at(&code, self.pc, &self.memory) {
                Code::Compiled(block) => block,
                Code::Cold => {
                    // Not worth compiling yet: interpreted up to the next taken jump.
                    if self.interpret::<true, O, T>(device, tracer, bound)? == Stop::Halted {
                        return Ok(Stop::Halted);
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
                Exit::Bound => self.interpret::<false, O, T>(device, tracer, bound)?,
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
    ) -> Result<Stop, Trap> {
        self.interpret::<false, O, T>(device, tracer, self.cycles.raw + 1)
    }
}
