//! The [`Debuggee`] as gdbstub's target: registers, memory, resume, breakpoints, monitor.

use crate::{fault_signal, Debuggee, Event, Resume};
use gdbstub::common::Signal;
use gdbstub::conn::ConnectionExt;
use gdbstub::stub::run_blocking::{self, BlockingEventLoop, WaitForStopReasonError};
use gdbstub::stub::SingleThreadStopReason;
use gdbstub::target::ext::base::singlethread::{
    SingleThreadBase, SingleThreadResume, SingleThreadResumeOps, SingleThreadSingleStep,
    SingleThreadSingleStepOps,
};
use gdbstub::target::ext::base::BaseOps;
use gdbstub::target::ext::breakpoints::{
    Breakpoints, BreakpointsOps, SwBreakpoint, SwBreakpointOps,
};
use gdbstub::target::ext::monitor_cmd::{outputln, ConsoleOutput, MonitorCmd, MonitorCmdOps};
use gdbstub::target::{Target, TargetError, TargetResult};
use gdbstub_arch::riscv::reg::RiscvCoreRegs;
use gdbstub_arch::riscv::Riscv32;
use std::marker::PhantomData;
use std::net::TcpStream;
use zkos_emulator::{CpuState, Oracle};
use zkos_linker::{ADDRESS_SPACE_SIZE, ROM_END};

/// EFAULT, what GDB is told for memory it may not read or write.
const BAD_ADDRESS: u8 = 14;

pub struct EventLoop<O>(PhantomData<O>);

impl<O: Oracle> BlockingEventLoop for EventLoop<O> {
    type Target = Debuggee<O>;
    type Connection = TcpStream;
    type StopReason = SingleThreadStopReason<u32>;

    #[allow(clippy::type_complexity)]
    fn wait_for_stop_reason(
        target: &mut Debuggee<O>,
        conn: &mut TcpStream,
    ) -> Result<run_blocking::Event<Self::StopReason>, WaitForStopReasonError<String, std::io::Error>>
    {
        let event = target.run(|| conn.peek().map_or(true, |byte| byte.is_some()));
        target.record_stop(&event);
        let reason = match event {
            Event::IncomingData => {
                let byte = conn.read().map_err(WaitForStopReasonError::Connection)?;
                return Ok(run_blocking::Event::IncomingData(byte));
            }
            Event::DoneStep => SingleThreadStopReason::DoneStep,
            Event::EndLoop => SingleThreadStopReason::Signal(Signal::SIGTRAP),
            Event::Breakpoint => SingleThreadStopReason::SwBreak(()),
            Event::Exited => SingleThreadStopReason::Exited(0),
            Event::Fault(error) => SingleThreadStopReason::Signal(fault_signal(&error.fault.kind)),
            Event::CycleLimit => SingleThreadStopReason::Signal(Signal::SIGXCPU),
        };
        Ok(run_blocking::Event::TargetStopped(reason))
    }

    fn on_interrupt(_: &mut Debuggee<O>) -> Result<Option<Self::StopReason>, String> {
        // The machine runs only inside `wait_for_stop_reason`: it is already paused.
        Ok(Some(SingleThreadStopReason::Signal(Signal::SIGINT)))
    }
}

impl<O: Oracle> Target for Debuggee<O> {
    type Arch = Riscv32;
    type Error = String;

    fn base_ops(&mut self) -> BaseOps<'_, Riscv32, String> {
        BaseOps::SingleThread(self)
    }

    fn support_breakpoints(&mut self) -> Option<BreakpointsOps<'_, Self>> {
        Some(self)
    }

    fn support_monitor_cmd(&mut self) -> Option<MonitorCmdOps<'_, Self>> {
        Some(self)
    }
}

impl<O: Oracle> SingleThreadBase for Debuggee<O> {
    fn read_registers(&mut self, regs: &mut RiscvCoreRegs<u32>) -> TargetResult<(), Self> {
        regs.x = self.machine.registers();
        regs.pc = self.machine.pc();
        Ok(())
    }

    fn write_registers(&mut self, regs: &RiscvCoreRegs<u32>) -> TargetResult<(), Self> {
        let mut registers = regs.x;
        registers[0] = 0;
        let moved = regs.pc != self.machine.pc();
        self.machine.set_cpu_state(&CpuState {
            registers,
            pc: regs.pc,
            cycles: self.machine.cycles(),
            halted: self.machine.is_halted() && !moved,
        });
        Ok(())
    }

    /// ROM and RAM; not the oracle window, whose reads would consume the oracle's words.
    fn read_addrs(&mut self, start: u32, data: &mut [u8]) -> TargetResult<usize, Self> {
        if start >= ADDRESS_SPACE_SIZE {
            return Err(TargetError::Errno(BAD_ADDRESS));
        }
        let bytes = self.machine.memory().read_bytes(start, data.len());
        data[..bytes.len()].copy_from_slice(&bytes);
        Ok(bytes.len())
    }

    /// RAM only: the ROM is the program, read-only to the guest and to GDB alike.
    fn write_addrs(&mut self, start: u32, data: &[u8]) -> TargetResult<(), Self> {
        let end = u64::from(start) + data.len() as u64;
        if start < ROM_END || end > u64::from(ADDRESS_SPACE_SIZE) {
            return Err(TargetError::Errno(BAD_ADDRESS));
        }
        for (address, &byte) in (start..).zip(data) {
            let word = self.machine.memory().word_at(address);
            let shift = (address & 3) * 8;
            let merged = (word & !(0xff << shift)) | (u32::from(byte) << shift);
            self.machine.write_ram_words(&[(address & !3, merged)]);
        }
        Ok(())
    }

    fn support_resume(&mut self) -> Option<SingleThreadResumeOps<'_, Self>> {
        Some(self)
    }
}

impl<O: Oracle> SingleThreadResume for Debuggee<O> {
    /// The signal GDB passes back (after a fault stop) is ignored: the guest has no handlers.
    fn resume(&mut self, _signal: Option<Signal>) -> Result<(), String> {
        self.resume = Resume::Continue;
        Ok(())
    }

    fn support_single_step(&mut self) -> Option<SingleThreadSingleStepOps<'_, Self>> {
        Some(self)
    }
}

impl<O: Oracle> SingleThreadSingleStep for Debuggee<O> {
    fn step(&mut self, _signal: Option<Signal>) -> Result<(), String> {
        self.resume = Resume::Step;
        Ok(())
    }
}

impl<O: Oracle> Breakpoints for Debuggee<O> {
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }
}

impl<O: Oracle> SwBreakpoint for Debuggee<O> {
    fn add_sw_breakpoint(&mut self, address: u32, _kind: usize) -> TargetResult<bool, Self> {
        Ok(self.add_breakpoint(address))
    }

    fn remove_sw_breakpoint(&mut self, address: u32, _kind: usize) -> TargetResult<bool, Self> {
        Ok(self.remove_breakpoint(address))
    }
}

impl<O: Oracle> MonitorCmd for Debuggee<O> {
    fn handle_monitor_cmd(&mut self, cmd: &[u8], mut out: ConsoleOutput<'_>) -> Result<(), String> {
        match String::from_utf8_lossy(cmd).trim() {
            "cycles" => outputln!(out, "{}", self.cycles_text()),
            "stop" => outputln!(out, "{}", self.last_stop),
            _ => {
                outputln!(out, "monitor commands:");
                outputln!(
                    out,
                    "  cycles  raw, BLAKE2s rounds, U256 ops, effective = raw + 16 rounds + 4 ops"
                );
                outputln!(out, "  stop    why the guest last stopped (a fault's reason, the output at the end loop)");
            }
        }
        Ok(())
    }
}
