//! Native resources: the guest work a transaction may cause, by a cost model rather than
//! by the emulator's counter, so the decision is the same natively and on RISC-V.
//!
//! Each transaction may use `NATIVE_PER_GAS` cycles per unit of its gas limit. Gas pays
//! for ordinary execution at [`BASE_PER_GAS`], counted on the gas the transaction uses. The
//! work gas under-prices is charged by the execution environment's model before it
//! runs (see `zkos_ee_evm::native`). A transaction whose charges pass its limit fails like
//! out of gas: its state changes are reverted and it pays all its gas. A block admits a
//! transaction only while the block's remaining budget covers that transaction's whole
//! limit, so no block of any gas limit passes the prover's cycle limit. `docs/limits.md`
//! has the model, its constants and the measurements behind them.

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

/// What a transaction with `gas_limit` may use when the block has `block_left`: its own
/// limit, or what the block has left, whichever is less.
pub fn tx_budget(gas_limit: u64, block_left: u64) -> u64 {
    gas_limit
        .saturating_mul(NATIVE_PER_GAS)
        .saturating_add(TX_FIXED)
        .min(block_left)
}

/// Whether a transaction can start at all with `budget`: its fixed part and the base
/// rate of its intrinsic gas.
pub fn can_start(budget: u64, intrinsic_gas: u64) -> bool {
    budget
        >= intrinsic_gas
            .saturating_mul(BASE_PER_GAS)
            .saturating_add(TX_FIXED)
}

/// The gas execution may have out of `gas` when `budget` must pay for the transaction's
/// fixed part and `intrinsic_gas`: all of it unless the budget (a block nearly full)
/// pays for less at [`NATIVE_PER_GAS`].
pub fn execution_gas(gas: u64, intrinsic_gas: u64, budget: u64) -> u64 {
    let left = budget
        .saturating_sub(TX_FIXED)
        .saturating_sub(intrinsic_gas.saturating_mul(BASE_PER_GAS));
    gas.min(left / NATIVE_PER_GAS)
}

/// The model charges of one transaction's execution, against what is left of its budget
/// once the base rate of its gas is set aside.
#[derive(Clone, Debug)]
pub struct NativeMeter {
    limit: u64,
    charged: u64,
}

impl NativeMeter {
    /// The meter of an execution with `gas` (after [`execution_gas`]) out of `budget`.
    pub fn new(budget: u64, intrinsic_gas: u64, gas: u64) -> Self {
        let base = (intrinsic_gas.saturating_add(gas)).saturating_mul(BASE_PER_GAS);
        NativeMeter {
            limit: budget.saturating_sub(TX_FIXED).saturating_sub(base),
            charged: 0,
        }
    }

    /// Charges `cycles`; `false` once the charges pass the limit (and from then on).
    pub fn charge(&mut self, cycles: u64) -> bool {
        self.charged = self.charged.saturating_add(cycles);
        !self.exhausted()
    }

    pub fn exhausted(&self) -> bool {
        self.charged > self.limit
    }

    /// What the transaction used by the model, once it used `gas_used` in all.
    pub fn used(&self, gas_used: u64) -> u64 {
        gas_used
            .saturating_mul(BASE_PER_GAS)
            .saturating_add(self.charged.min(self.limit))
            .saturating_add(TX_FIXED)
    }
}
