//! The guest path every case goes through, the same as `zkos run`'s: the guest OS with
//! its default execution environment (the EVM), answered by the runner's oracle server,
//! natively or as the guest OS program in the emulator.
use zkos_runner::native::{run_native, GuestRun};
use zkos_runner::world::World;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Native,
    Riscv,
}

/// Cycle budget of one case in the emulator (the most a run may have).
pub const MAX_CYCLES: u64 = 1 << 36;

pub fn run_world(world: &World, target: Target) -> Result<GuestRun, String> {
    let run = match target {
        Target::Native => run_native(world),
        Target::Riscv => zkos_runner::riscv::run_riscv(world, MAX_CYCLES).map(|riscv| riscv.run),
    };
    run.map_err(|fault| format!("{target:?} run failed: {fault}"))
}
