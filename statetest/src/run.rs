//! The guest path every case goes through: the guest OS's `run_block` with the EVM,
//! answered by the runner's oracle server (natively), or the guest OS program in the
//! emulator (RISC-V).
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;
use zkos_ee_evm::EvmEnvironment;
use zkos_runner::native::{finish_run, GuestFault, GuestRun};
use zkos_runner::server::OracleServer;
use zkos_runner::world::World;
use zkos_system::hash::SoftwareBlake2s;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Native,
    Riscv,
}

/// Cycle budget of one case in the emulator.
pub const MAX_CYCLES: u64 = 1 << 36;

fn run_native(world: &World) -> Result<GuestRun, GuestFault> {
    let mut server = OracleServer::new(world);
    let environment = EvmEnvironment::new();
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        zkos_guest_os::run_block(&mut server, &SoftwareBlake2s, &environment)
    }));
    let output = match result {
        Ok(Ok(output)) => output,
        Ok(Err(fatal)) => return Err(GuestFault::Abort(fatal.to_string())),
        Err(_) => return Err(GuestFault::Panic("the guest panicked".into())),
    };
    finish_run(server, output, start.elapsed())
}

pub fn run_world(world: &World, target: Target) -> Result<GuestRun, String> {
    let run = match target {
        Target::Native => run_native(world),
        Target::Riscv => zkos_runner::riscv::run_riscv(world, MAX_CYCLES).map(|riscv| riscv.run),
    };
    run.map_err(|fault| format!("{target:?} run failed: {fault}"))
}
