//! The delegation circuits of SPEC section 3: argument checks, and the operations themselves
//! as pure functions over words. The machine moves the words in and out of memory.

pub use zkos_delegation::{blake2s, u256};

/// The register and memory traffic of one delegation call, in the order the delegation
/// witness records it: registers from x10 on, then indirect reads, then indirect writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DelegationRecord {
    /// The CSR number (0x7C7 or 0x7CA).
    pub csr: u16,
    /// `(read, write)` values of x10, x11, ... (4 registers for BLAKE2s, 3 for U256).
    pub registers: Vec<(u32, u32)>,
    /// `(address, value)` of each indirect read.
    pub reads: Vec<(u32, u32)>,
    /// `(address, old, new)` of each indirect write.
    pub writes: Vec<(u32, u32, u32)>,
}

impl DelegationRecord {
    pub(crate) fn reset(&mut self, csr: u16) {
        self.csr = csr;
        self.registers.clear();
        self.reads.clear();
        self.writes.clear();
    }
}
