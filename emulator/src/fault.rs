//! Everything that can stop a run early, as values.

use crate::disasm::Disassembly;
use core::fmt;

/// Why a run stopped before reaching the end loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// An encoding this machine does not execute (SPEC section 1).
    IllegalInstruction,
    /// The guest executed `csrrw x0, cycle, x0`: it gave up on purpose.
    GuestAbort,
    /// A jump or taken branch to an address that is not a multiple of 4.
    MisalignedJump,
    MisalignedLoad,
    MisalignedStore,
    /// Instruction fetch outside ROM.
    FetchOutsideRom,
    /// Load from an address outside the 1 GiB address space and the oracle window.
    LoadOutOfBounds,
    /// Store outside the address space and the oracle window.
    StoreOutOfBounds,
    /// Store into ROM.
    RomWrite,
    /// A byte or half-word access, or a write to a read-only register, in the oracle window.
    BadMmioAccess,
    /// The run used up its cycle budget.
    CycleLimit(u64),
    /// A delegation call with arguments its circuit rejects.
    Delegation(String),
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultKind::IllegalInstruction => write!(f, "illegal instruction"),
            FaultKind::GuestAbort => write!(f, "guest abort (csrrw x0, cycle, x0)"),
            FaultKind::MisalignedJump => write!(f, "jump to a misaligned address"),
            FaultKind::MisalignedLoad => write!(f, "misaligned load"),
            FaultKind::MisalignedStore => write!(f, "misaligned store"),
            FaultKind::FetchOutsideRom => write!(f, "instruction fetch outside ROM"),
            FaultKind::LoadOutOfBounds => write!(f, "load outside the 1 GiB address space"),
            FaultKind::StoreOutOfBounds => write!(f, "store outside the 1 GiB address space"),
            FaultKind::RomWrite => write!(f, "store into ROM"),
            FaultKind::BadMmioAccess => write!(f, "bad access to the oracle MMIO window"),
            FaultKind::CycleLimit(limit) => write!(f, "cycle limit of {limit} reached"),
            FaultKind::Delegation(why) => write!(f, "bad delegation call: {why}"),
        }
    }
}

/// A fault with where it happened: pc, the instruction word, and the address involved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub pc: u32,
    pub word: u32,
    pub address: Option<u32>,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at pc 0x{:08x}", self.kind, self.pc)?;
        if self.kind != FaultKind::FetchOutsideRom {
            write!(f, ": 0x{:08x} `{}`", self.word, Disassembly(self.word))?;
        }
        if let Some(address) = self.address {
            write!(f, ", address 0x{address:08x}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Fault {}
