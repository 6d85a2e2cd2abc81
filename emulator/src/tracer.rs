//! The tracing hook. The machine is generic over a [`Tracer`]; with [`NoTracer`] every
//! piece of tracing code is behind `if T::ENABLED` on a constant and compiles away.

use crate::delegation::DelegationRecord;

/// The memory side of one cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemAccess {
    None,
    /// A load: the byte address and the aligned word that holds it (ROM or RAM).
    Load {
        address: u32,
        word: u32,
    },
    /// A store: the byte address and the aligned word before and after.
    Store {
        address: u32,
        old_word: u32,
        new_word: u32,
    },
    /// A load or store in the oracle MMIO window (not provable).
    Mmio {
        address: u32,
    },
}

/// What one executed instruction did, as a trace needs it.
#[derive(Clone, Copy, Debug)]
pub struct Step<'a> {
    /// The cycle number (0 for the first instruction).
    pub cycle: u64,
    pub pc: u32,
    pub word: u32,
    /// Values of the registers in bits 19:15 and 24:20 of the word, before execution.
    pub rs1_value: u32,
    pub rs2_value: u32,
    /// The register written (bits 11:7) and its value before and after; `rd` is 0 for
    /// instructions that write no register (stores, branches, delegations).
    pub rd: u8,
    pub rd_old: u32,
    pub rd_new: u32,
    pub mem: MemAccess,
    /// The oracle word read through CSR 0x7C0 this cycle, else 0.
    pub oracle_word: u32,
    /// The delegation call made this cycle.
    pub delegation: Option<&'a DelegationRecord>,
}

/// Receives every executed instruction.
pub trait Tracer {
    /// Whether the machine should build [`Step`]s at all.
    const ENABLED: bool = true;
    /// Whether steps need their memory side; without it `Step::mem` stays `None` (except
    /// for MMIO accesses) and loads and stores cost nothing extra.
    const MEMORY: bool = true;
    /// Whether the tracer needs no more than which RAM words are written and the steps
    /// that touch the oracle's MMIO window. Such runs may go through the compiled tier: it
    /// hands over the words its code writes in batches ([`Tracer::on_written`]), and the
    /// interpreter reports its own steps (the MMIO accesses among them) as usual.
    const WRITES_ONLY: bool = false;
    fn on_step(&mut self, step: &Step<'_>);
    /// Byte addresses written by compiled code, stores and delegation writes, in no
    /// particular order and possibly repeated (only for `WRITES_ONLY` tracers).
    fn on_written(&mut self, addresses: &[u32]) {
        let _ = addresses;
    }
}

/// The tracer for plain runs: costs nothing.
pub struct NoTracer;

impl Tracer for NoTracer {
    const ENABLED: bool = false;
    #[inline(always)]
    fn on_step(&mut self, _: &Step<'_>) {}
}

impl<T: Tracer + ?Sized> Tracer for &mut T {
    const ENABLED: bool = T::ENABLED;
    const MEMORY: bool = T::MEMORY;
    const WRITES_ONLY: bool = T::WRITES_ONLY;
    fn on_step(&mut self, step: &Step<'_>) {
        (**self).on_step(step)
    }
    fn on_written(&mut self, addresses: &[u32]) {
        (**self).on_written(addresses)
    }
}
