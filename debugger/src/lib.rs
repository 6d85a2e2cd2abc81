//! A GDB remote-protocol stub on the emulator: GDB (`gdb-multiarch`, with the program's ELF
//! for symbols) reads registers and memory, writes RAM, sets software breakpoints, steps and
//! continues a [`Machine`].
//!
//! Nothing here touches the dispatch loop: a step is a run bounded to one more cycle, and a
//! breakpoint is the machine's trap ([`Machine::set_trap`]), an instruction turned illegal
//! so the run stops in front of it. A plain run pays for none of this.
//!
//! Stops as GDB sees them: a breakpoint or a step is SIGTRAP; the end loop is SIGTRAP too, at
//! the self-loop, so the output registers x10..x17 can still be read; continuing from there
//! ends the session as "exited normally". A fault is SIGILL, SIGSEGV, SIGBUS, SIGABRT or
//! SIGXCPU (cycle budget), its reason printed on stderr and by `monitor stop`.

mod target;

use gdbstub::common::Signal;
use gdbstub::stub::{DisconnectReason, GdbStub};
use std::net::TcpStream;
use zkos_emulator::{FaultKind, Machine, NoTracer, Oracle, OracleDevice, RunError, Stop};

/// The program being debugged: the machine, its oracle and the breakpoints set.
pub struct Debuggee<O: Oracle> {
    machine: Machine,
    device: OracleDevice<O>,
    breakpoints: std::collections::BTreeSet<u32>,
    max_cycles: u64,
    resume: Resume,
    /// What the last stop was, for `monitor stop`.
    last_stop: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Resume {
    Continue,
    Step,
}

/// Why the machine stopped running.
#[derive(Debug)]
enum Event {
    DoneStep,
    Breakpoint,
    /// The end loop, first reached.
    EndLoop,
    /// Resumed after the end loop: nothing more to run.
    Exited,
    Fault(RunError),
    /// The cycle budget is used up.
    CycleLimit,
    /// GDB sent something (an interrupt) while the machine ran.
    IncomingData,
}

/// How a session ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    Detached,
    Exited,
    Killed,
}

/// Cycles run between looks at the connection (for GDB's interrupt): about 10 ms.
const CYCLES_BETWEEN_POLLS: u64 = 1 << 20;

impl<O: Oracle> Debuggee<O> {
    /// A machine about to run its first instruction, with `oracle` as its host.
    pub fn new(machine: Machine, oracle: O, max_cycles: u64) -> Self {
        Debuggee {
            machine,
            device: OracleDevice::new(oracle),
            breakpoints: Default::default(),
            max_cycles,
            resume: Resume::Continue,
            last_stop: "not started yet".into(),
        }
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    fn add_breakpoint(&mut self, pc: u32) -> bool {
        let set = self.machine.set_trap(pc);
        if set {
            self.breakpoints.insert(pc);
        }
        set
    }

    fn remove_breakpoint(&mut self, pc: u32) -> bool {
        self.machine.clear_trap(pc);
        self.breakpoints.remove(&pc)
    }

    /// Runs as the last resume asked, until a stop or until `incoming` says GDB sent data.
    fn run(&mut self, mut incoming: impl FnMut() -> bool) -> Event {
        if self.machine.is_halted() {
            return match self.resume {
                Resume::Step => Event::EndLoop,
                Resume::Continue => Event::Exited,
            };
        }
        let first = self.step_over_breakpoint();
        if self.resume == Resume::Step || !matches!(first, Ok(Stop::Bound)) {
            return self.event(first).unwrap_or(Event::DoneStep);
        }
        loop {
            let raw = self.machine.cycles().raw;
            let bound = raw
                .saturating_add(CYCLES_BETWEEN_POLLS)
                .min(self.max_cycles);
            let stop = self
                .machine
                .run_until(&mut self.device, &mut NoTracer, bound);
            if let Some(event) = self.event(stop) {
                return event;
            }
            if incoming() {
                return Event::IncomingData;
            }
        }
    }

    /// One instruction, the one at pc even when a breakpoint traps it.
    fn step_over_breakpoint(&mut self) -> Result<Stop, RunError> {
        let pc = self.machine.pc();
        let trapped = self.breakpoints.contains(&pc);
        if trapped {
            self.machine.clear_trap(pc);
        }
        let next = self.machine.cycles().raw + 1;
        let stop = self
            .machine
            .run_until(&mut self.device, &mut NoTracer, next);
        if trapped {
            self.machine.set_trap(pc);
        }
        stop
    }

    /// The event a bounded run ended with; `None` when it only reached its bound.
    fn event(&self, stop: Result<Stop, RunError>) -> Option<Event> {
        match stop {
            Ok(Stop::Halted) => Some(Event::EndLoop),
            Ok(Stop::Bound) if self.machine.cycles().raw >= self.max_cycles => {
                Some(Event::CycleLimit)
            }
            Ok(Stop::Bound) => None,
            Err(error) if self.is_breakpoint(&error) => Some(Event::Breakpoint),
            Err(error) => Some(Event::Fault(error)),
        }
    }

    fn is_breakpoint(&self, error: &RunError) -> bool {
        error.fault.kind == FaultKind::IllegalInstruction
            && self.breakpoints.contains(&error.fault.pc)
    }

    /// Notes the stop for `monitor stop` and says it on stderr when GDB alone would not
    /// tell why (the end loop, a fault).
    fn record_stop(&mut self, event: &Event) {
        let pc = self.machine.pc();
        self.last_stop = match event {
            Event::DoneStep => format!("stepped to pc 0x{pc:08x}"),
            Event::Breakpoint => format!("breakpoint at pc 0x{pc:08x}"),
            Event::EndLoop | Event::Exited => {
                let output = self.machine.registers()[10..18]
                    .iter()
                    .map(|word| format!("{word:08x}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                format!("end loop at pc 0x{pc:08x}; output x10..x17: {output}")
            }
            Event::Fault(error) => format!("guest fault: {error}"),
            Event::CycleLimit => format!(
                "cycle limit of {} reached at pc 0x{pc:08x} (see --max-cycles)",
                self.max_cycles
            ),
            Event::IncomingData => format!("interrupted at pc 0x{pc:08x}"),
        };
        if matches!(event, Event::EndLoop | Event::Fault(_) | Event::CycleLimit) {
            eprintln!("zkos debug: {}", self.last_stop);
        }
    }

    fn cycles_text(&self) -> String {
        let cycles = self.machine.cycles();
        format!(
            "cycles: raw {}, blake2s rounds {}, u256 ops {}, effective {}",
            cycles.raw,
            cycles.blake2s_rounds,
            cycles.u256_ops,
            cycles.effective()
        )
    }
}

/// The signal GDB is shown for a fault.
fn fault_signal(kind: &FaultKind) -> Signal {
    match kind {
        FaultKind::IllegalInstruction | FaultKind::Delegation(_) => Signal::SIGILL,
        FaultKind::GuestAbort => Signal::SIGABRT,
        FaultKind::MisalignedJump | FaultKind::MisalignedLoad | FaultKind::MisalignedStore => {
            Signal::SIGBUS
        }
        // run_until reports its bound as Stop::Bound, never as this fault.
        FaultKind::CycleLimit(_) => Signal::SIGXCPU,
        FaultKind::FetchOutsideRom
        | FaultKind::LoadOutOfBounds
        | FaultKind::StoreOutOfBounds
        | FaultKind::RomWrite
        | FaultKind::BadMmioAccess => Signal::SIGSEGV,
    }
}

/// Serves one GDB connection until GDB detaches or kills the program, or the program exits.
pub fn serve<O: Oracle>(
    debuggee: &mut Debuggee<O>,
    connection: TcpStream,
) -> Result<Ending, String> {
    let stub = GdbStub::new(connection);
    match stub.run_blocking::<target::EventLoop<O>>(debuggee) {
        Ok(DisconnectReason::Disconnect) => Ok(Ending::Detached),
        Ok(DisconnectReason::TargetExited(_)) | Ok(DisconnectReason::TargetTerminated(_)) => {
            Ok(Ending::Exited)
        }
        Ok(DisconnectReason::Kill) => Ok(Ending::Killed),
        Err(error) => Err(format!("the GDB session failed: {error}")),
    }
}
