//! Native resources: the guest work and heap a transaction may cause, by a cost model
//! rather than by the emulator's counters, so the decision is the same natively and on
//! RISC-V.
//!
//! A transaction's budget comes from its gas limit: `NATIVE_PER_GAS` cycles and
//! `HEAP_PER_GAS` heap bytes per unit, plus a fixed part. Gas pays for ordinary work at
//! the base rates, counted on the gas the transaction uses. The work and memory gas
//! under-prices are charged by the execution environment's model before they happen (see
//! `zkos_ee_evm::native`). A transaction whose charges pass its budget fails like out of
//! gas: its state changes are reverted and it pays all its gas. A block admits a
//! transaction only while what the block has left covers that transaction's whole
//! budget, so no block of any gas limit passes the prover's cycle limit or the guest's
//! heap. Blocks with `native_limits` off (Ethereum conformance runs) skip all of this.
//! `docs/limits.md` has the model, its constants and the measurements behind them.

/// Cycles a transaction may use per unit of its gas limit.
pub const NATIVE_PER_GAS: u64 = 1_000;

/// Cycles per gas that execution without a model charge stays under: the highest
/// measured ratio of uncharged work (ecrecover, 188 effective cycles per gas) with margin.
pub const BASE_PER_GAS: u64 = 250;

/// The work of a transaction outside its execution (decoding, signature recovery,
/// validation, fee settlement, receipt and pubdata): measured about 700 k for a transfer.
pub const TX_FIXED: u64 = 1_500_000;

/// The prover's limit on one block's cycles.
pub const PROVER_CYCLE_LIMIT: u64 = 1 << 36;

/// What the block's transactions may use: the prover's limit less a reserve for the work
/// outside them (the block's start, state root, commitments and pubdata, measured 2.3 M
/// for a block plus a per-key share that gas pays for).
pub const BLOCK_NATIVE_LIMIT: u64 = PROVER_CYCLE_LIMIT - (1 << 32);

/// Heap bytes a transaction may use per unit of its gas limit.
pub const HEAP_PER_GAS: u64 = 20;

/// Heap bytes per gas above a transfer's 21,000 that allocations without a model charge
/// stay under (state and its journal, transient storage, logs, return data): the highest
/// measured is TSTORE of new slots, 5.0.
pub const BASE_HEAP_PER_GAS: u64 = 8;

/// The gas of a plain transfer, whose heap [`TX_HEAP_FIXED`] covers.
const TRANSFER_GAS: u64 = 21_000;

/// Heap of a transaction outside its execution: its receipt, its account and journal
/// entries, its share of pubdata. Its bytes are paid by [`BASE_HEAP_PER_GAS`] of its
/// intrinsic gas above a transfer's (at least 4 gas per byte of calldata).
pub const TX_HEAP_FIXED: u64 = 16 << 10;

/// What the block's transactions may use of the guest heap (960 MiB): the rest is the
/// block's own (the oracle's answers, the state tree's paths, pubdata, receipts).
pub const BLOCK_HEAP_LIMIT: u64 = 768 << 20;

/// One Keccak-f[1600] permutation in software, with the reads of its 136-byte block
/// (measured about 17,000 cycles per block of a KECCAK256 and of a code load with the sha3
/// crate; zkos-keccak's interleaved permutation takes about 13,000, and the charge is left
/// as it was, so that limits stay the same on both targets).
pub const KECCAK_BLOCK: u64 = 19_000;

/// Cycles of keccak256 over `len` bytes: one permutation per 136-byte block of the padded
/// input.
pub fn keccak(len: u64) -> u64 {
    KECCAK_BLOCK.saturating_mul(len / 136 + 1)
}

/// What loading `len` bytes of code costs: the oracle's words and the keccak that checks
/// them against the code hash, and on the heap the code, its padded copy and its jump
/// table. Gas under-prices it: a cold call pays 2,600 gas for up to 24 KiB (and up to
/// 1 MiB of a genesis's code).
pub fn code_load(len: u64) -> Budget {
    Budget {
        cycles: keccak(len),
        heap: len.saturating_mul(3),
    }
}

/// Cycles and heap bytes: a transaction's whole budget ([`Budget::of`] its gas limit), a
/// block's, or what some work costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub cycles: u64,
    pub heap: u64,
}

impl Budget {
    const NOTHING: Budget = Budget { cycles: 0, heap: 0 };

    pub fn of(gas_limit: u64) -> Budget {
        Budget {
            cycles: gas_limit
                .saturating_mul(NATIVE_PER_GAS)
                .saturating_add(TX_FIXED),
            heap: gas_limit
                .saturating_mul(HEAP_PER_GAS)
                .saturating_add(TX_HEAP_FIXED),
        }
    }

    /// What a whole block's transactions may use.
    pub const BLOCK: Budget = Budget {
        cycles: BLOCK_NATIVE_LIMIT,
        heap: BLOCK_HEAP_LIMIT,
    };

    /// Whether `self` covers `other` in both resources.
    pub fn covers(&self, other: &Budget) -> bool {
        self.cycles >= other.cycles && self.heap >= other.heap
    }

    /// `self` less `used`, never below zero.
    pub fn less(&self, used: &Budget) -> Budget {
        Budget {
            cycles: self.cycles.saturating_sub(used.cycles),
            heap: self.heap.saturating_sub(used.heap),
        }
    }
}

/// The model charges of one transaction's execution, against what is left of its budget
/// once the base rates of its whole gas limit are set aside.
#[derive(Clone, Debug)]
pub struct NativeMeter {
    limit: Budget,
    charged: Budget,
}

impl NativeMeter {
    /// The meter of a transaction with `gas_limit`.
    pub fn new(gas_limit: u64) -> Self {
        NativeMeter {
            limit: Budget {
                cycles: gas_limit.saturating_mul(NATIVE_PER_GAS - BASE_PER_GAS),
                heap: gas_limit.saturating_mul(HEAP_PER_GAS - BASE_HEAP_PER_GAS),
            },
            charged: Budget::NOTHING,
        }
    }

    /// A meter that never runs out (blocks without native limits).
    pub fn unlimited() -> Self {
        NativeMeter {
            limit: Budget {
                cycles: u64::MAX,
                heap: u64::MAX,
            },
            charged: Budget::NOTHING,
        }
    }

    /// Charges `cycles`; `false` once the charges pass the limit (and from then on).
    pub fn charge(&mut self, cycles: u64) -> bool {
        self.charged.cycles = self.charged.cycles.saturating_add(cycles);
        !self.exhausted()
    }

    /// Charges `bytes` of heap; `false` once the charges pass the limit.
    pub fn charge_heap(&mut self, bytes: u64) -> bool {
        self.charged.heap = self.charged.heap.saturating_add(bytes);
        !self.exhausted()
    }

    /// The heap bytes left to charge.
    pub fn heap_left(&self) -> u64 {
        self.limit.heap.saturating_sub(self.charged.heap)
    }

    pub fn exhausted(&self) -> bool {
        !self.limit.covers(&self.charged)
    }

    /// What the transaction used by the model, once it used `gas_used` in all.
    pub fn used(&self, gas_used: u64) -> Budget {
        Budget {
            cycles: gas_used
                .saturating_mul(BASE_PER_GAS)
                .saturating_add(self.charged.cycles.min(self.limit.cycles))
                .saturating_add(TX_FIXED),
            heap: gas_used
                .saturating_sub(TRANSFER_GAS)
                .saturating_mul(BASE_HEAP_PER_GAS)
                .saturating_add(self.charged.heap.min(self.limit.heap))
                .saturating_add(TX_HEAP_FIXED),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_transaction_can_use_never_passes_its_budget() {
        let gas_limit = 1_000_000;
        let mut meter = NativeMeter::new(gas_limit);
        assert!(meter.charge(gas_limit * (NATIVE_PER_GAS - BASE_PER_GAS)));
        assert!(!meter.charge(1), "one cycle past the limit");
        assert!(!meter.charge(0), "and from then on");
        let used = meter.used(gas_limit);
        assert_eq!(used.cycles, Budget::of(gas_limit).cycles);
        assert!(Budget::of(gas_limit).covers(&used));
    }

    #[test]
    fn heap_is_limited_apart_from_cycles() {
        let gas_limit = 100_000;
        let mut meter = NativeMeter::new(gas_limit);
        assert!(meter.charge_heap(gas_limit * (HEAP_PER_GAS - BASE_HEAP_PER_GAS)));
        assert!(meter.charge(1));
        assert!(!meter.charge_heap(1));
        assert!(NativeMeter::unlimited().charge_heap(u64::MAX));
    }
}
