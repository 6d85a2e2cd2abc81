//! The RISC-V run: the guest OS built for riscv32im, in the emulator, its oracle the
//! same server as the native run's.
use crate::native::{finish_run, GuestFault, GuestRun};
use crate::server::OracleServer;
use crate::world::World;
use std::sync::OnceLock;
use std::time::Instant;
use zkos_emulator::{Cycles, Machine, NoTracer, Oracle, Program, RunError, Tracer};
use zkos_guest_os::protocol::OracleTransport;
use zkos_guest_rt::heap::HEAP_SYMBOL;
use zkos_linker::HEAP_START;

/// The guest OS program (built from source by zkos-guests), loaded once.
pub fn os_program() -> &'static Program {
    static PROGRAM: OnceLock<Program> = OnceLock::new();
    PROGRAM.get_or_init(|| Program::from_elf(zkos_guests::OS).expect("the guest OS ELF loads"))
}

pub struct RiscvRun {
    pub run: GuestRun,
    pub cycles: Cycles,
    /// Bytes of the guest heap the run used at its peak.
    pub heap_used: u32,
}

/// How a guest run in the emulator ended: its output words, cycles and heap peak.
pub struct RiscvExit {
    pub output: [u32; 8],
    pub cycles: Cycles,
    pub heap_used: u32,
}

/// Where the guest OS keeps its allocator's peak address (`zkos_guest_rt::heap`).
fn heap_peak_address() -> u32 {
    static ADDRESS: OnceLock<u32> = OnceLock::new();
    *ADDRESS.get_or_init(|| {
        zkos_emulator::program::elf_symbol(zkos_guests::OS, HEAP_SYMBOL)
            .expect("the guest OS has its allocator's symbol")
    })
}

/// Connects any transport to the emulator's oracle device and keeps console text.
struct DeviceAdapter<'t, T: OracleTransport> {
    transport: &'t mut T,
    console: Vec<u8>,
}

impl<T: OracleTransport> Oracle for DeviceAdapter<'_, T> {
    fn read_word(&mut self) -> u32 {
        self.transport.read_word()
    }

    fn write_word(&mut self, word: u32) {
        self.transport.write_word(word)
    }

    fn console(&mut self, text: &[u8]) {
        self.console.extend_from_slice(text);
    }
}

/// The oracle server on `world` as the emulator's oracle, the guest's console text printed
/// on stderr: for a caller that drives the guest OS machine itself (`zkos debug`).
pub fn block_oracle(world: &World) -> impl Oracle + '_ {
    ServerOracle(OracleServer::new(world))
}

struct ServerOracle<'w>(OracleServer<'w>);

impl Oracle for ServerOracle<'_> {
    fn read_word(&mut self) -> u32 {
        self.0.read_word()
    }

    fn write_word(&mut self, word: u32) {
        self.0.write_word(word)
    }
}

fn emulator_fault(error: RunError, console: &[u8]) -> GuestFault {
    let console = String::from_utf8_lossy(console);
    if console.is_empty() {
        GuestFault::Emulator(error.to_string())
    } else {
        GuestFault::Emulator(format!("{error}; guest said: {}", console.trim_end()))
    }
}

/// Runs the guest OS in the emulator over any transport.
pub fn run_guest_riscv<T: OracleTransport>(
    transport: &mut T,
    max_cycles: u64,
) -> Result<RiscvExit, GuestFault> {
    run_guest_riscv_traced(transport, &mut NoTracer, max_cycles)
}

/// Runs the guest OS in the emulator over any transport, every step reported to `tracer`
/// (the profiler and the trace exporter ride on this).
pub fn run_guest_riscv_traced<T: OracleTransport, Tr: Tracer>(
    transport: &mut T,
    tracer: &mut Tr,
    max_cycles: u64,
) -> Result<RiscvExit, GuestFault> {
    let mut adapter = DeviceAdapter {
        transport,
        console: Vec::new(),
    };
    let result = Machine::new(os_program()).and_then(|mut machine| {
        if !Tr::ENABLED {
            // The compiled tier where the host has it; both tiers end alike.
            machine.enable_jit();
        }
        let outcome = machine.run_traced(&mut adapter, tracer, max_cycles)?;
        let [peak] = machine.memory().read_words::<1>(heap_peak_address());
        Ok(RiscvExit {
            output: outcome.output,
            cycles: outcome.cycles,
            heap_used: peak.saturating_sub(HEAP_START),
        })
    });
    result.map_err(|error| emulator_fault(error, &adapter.console))
}

/// The RISC-V run of a block, answered by the oracle server from `world`.
pub fn run_riscv(world: &World, max_cycles: u64) -> Result<RiscvRun, GuestFault> {
    run_riscv_traced(world, &mut NoTracer, max_cycles)
}

/// The RISC-V run of a block with a tracer attached.
pub fn run_riscv_traced<Tr: Tracer>(
    world: &World,
    tracer: &mut Tr,
    max_cycles: u64,
) -> Result<RiscvRun, GuestFault> {
    run_with_server(world, tracer, max_cycles, None)
}

/// The prover's RISC-V run of a block: the guest is told not to report, and its outcome
/// is `reporting`'s (the native run's, say), whose public input it must reproduce.
pub fn run_riscv_silent(
    world: &World,
    max_cycles: u64,
    reporting: &GuestRun,
) -> Result<RiscvRun, GuestFault> {
    run_riscv_silent_traced(world, &mut NoTracer, max_cycles, reporting)
}

/// [`run_riscv_silent`] with a tracer attached.
pub fn run_riscv_silent_traced<Tr: Tracer>(
    world: &World,
    tracer: &mut Tr,
    max_cycles: u64,
    reporting: &GuestRun,
) -> Result<RiscvRun, GuestFault> {
    run_with_server(world, tracer, max_cycles, Some(reporting))
}

/// The run with the guest reporting, or, given a `reporting` run to take the outcome
/// from, silent.
fn run_with_server<Tr: Tracer>(
    world: &World,
    tracer: &mut Tr,
    max_cycles: u64,
    reporting: Option<&GuestRun>,
) -> Result<RiscvRun, GuestFault> {
    let mut server = match reporting {
        Some(_) => OracleServer::silent(world),
        None => OracleServer::new(world),
    };
    let start = Instant::now();
    let exit = run_guest_riscv_traced(&mut server, tracer, max_cycles)?;
    let run = finish_run(server, exit.output, start.elapsed(), reporting)?;
    Ok(RiscvRun {
        run,
        cycles: exit.cycles,
        heap_used: exit.heap_used,
    })
}
