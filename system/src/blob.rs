//! EIP-4844 blob gas: each fork's blob schedule (EIP-7691, EIP-7840), the blob base fee
//! from the excess blob gas, and the next block's excess (EIP-7918 from Osaka).

use crate::spec::Spec;
use crate::U256;

pub const GAS_PER_BLOB: u64 = 1 << 17;
/// The first byte of a versioned hash of a KZG commitment.
pub const VERSIONED_HASH_VERSION_KZG: u8 = 0x01;
pub const MIN_BLOB_BASE_FEE: u64 = 1;
/// EIP-7918: the execution gas a blob must at least cost, at the base fee.
pub const BLOB_BASE_COST: u64 = 1 << 13;
/// EIP-7594 (Osaka): at most 6 blobs in one transaction, whatever the block may hold.
pub const MAX_BLOBS_PER_TX_OSAKA: u64 = 6;

/// A fork's blob parameters (EIP-7840's `blobSchedule` entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlobSchedule {
    pub target: u64,
    pub max: u64,
    pub update_fraction: u64,
}

impl BlobSchedule {
    pub fn of(spec: Spec) -> BlobSchedule {
        match spec {
            Spec::Cancun => BlobSchedule {
                target: 3,
                max: 6,
                update_fraction: 3_338_477,
            },
            // EIP-7691; Osaka keeps Prague's schedule (its later BPO forks raise it).
            Spec::Prague | Spec::Osaka => BlobSchedule {
                target: 6,
                max: 9,
                update_fraction: 5_007_716,
            },
        }
    }

    /// The blob gas one block may use.
    pub fn max_blob_gas(self) -> u64 {
        self.max * GAS_PER_BLOB
    }

    pub fn target_blob_gas(self) -> u64 {
        self.target * GAS_PER_BLOB
    }
}

/// How many blobs one transaction may carry under `spec`.
pub fn max_blobs_per_tx(spec: Spec) -> u64 {
    let block_max = BlobSchedule::of(spec).max;
    if spec.enables(Spec::Osaka) {
        block_max.min(MAX_BLOBS_PER_TX_OSAKA)
    } else {
        block_max
    }
}

/// The blob base fee (BLOBBASEFEE, EIP-7516) for a block's excess blob gas under `spec`.
pub fn blob_base_fee(spec: Spec, excess_blob_gas: u64) -> u128 {
    fake_exponential(
        MIN_BLOB_BASE_FEE,
        excess_blob_gas,
        BlobSchedule::of(spec).update_fraction,
    )
}

/// The excess blob gas of the block after one with `parent_excess`, `parent_blob_gas_used`
/// and `parent_base_fee`, both under `spec`. From Osaka (EIP-7918), while blobs cost less
/// than `BLOB_BASE_COST` execution gas at the base fee, the excess only grows.
pub fn next_excess_blob_gas(
    spec: Spec,
    parent_excess: u64,
    parent_blob_gas_used: u64,
    parent_base_fee: U256,
) -> u64 {
    let schedule = BlobSchedule::of(spec);
    let total = parent_excess.saturating_add(parent_blob_gas_used);
    if total < schedule.target_blob_gas() {
        return 0;
    }
    if spec.enables(Spec::Osaka) {
        let execution_cost = U256::from(BLOB_BASE_COST) * parent_base_fee;
        let blob_cost = U256::from(GAS_PER_BLOB) * U256::from(blob_base_fee(spec, parent_excess));
        if execution_cost > blob_cost {
            let growth = parent_blob_gas_used as u128 * (schedule.max - schedule.target) as u128
                / schedule.max as u128;
            return parent_excess.saturating_add(growth as u64);
        }
    }
    total - schedule.target_blob_gas()
}

/// `factor * e ** (numerator / denominator)` by its Taylor expansion, as EIP-4844 defines it,
/// saturating at `u128::MAX`. The excess blob gas comes from outside the guest, so the loop
/// must stay short for any value: in 256-bit arithmetic a growing term overflows within a
/// few hundred steps, and from there the result is saturated anyway.
pub fn fake_exponential(factor: u64, numerator: u64, denominator: u64) -> u128 {
    let (factor, numerator, denominator) = (
        U256::from(factor),
        U256::from(numerator),
        U256::from(denominator),
    );
    let mut i = U256::from(1u64);
    let mut output = U256::ZERO;
    let mut accumulator = factor * denominator;
    while !accumulator.is_zero() {
        let Some(sum) = output.checked_add(accumulator) else {
            return u128::MAX;
        };
        output = sum;
        let Some(product) = accumulator.checked_mul(numerator) else {
            return u128::MAX;
        };
        accumulator = product / (denominator * i);
        i += U256::from(1u64);
    }
    u128::try_from(output / denominator).unwrap_or(u128::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANCUN_FRACTION: u64 = 3_338_477;

    #[test]
    fn blob_base_fee_grows_like_e_to_the_excess() {
        assert_eq!(blob_base_fee(Spec::Cancun, 0), 1);
        assert_eq!(blob_base_fee(Spec::Cancun, CANCUN_FRACTION), 2);
        assert_eq!(blob_base_fee(Spec::Cancun, 10 * CANCUN_FRACTION), 22_026);
        assert_eq!(blob_base_fee(Spec::Prague, 5_007_716), 2);
        assert_eq!(blob_base_fee(Spec::Prague, CANCUN_FRACTION), 1);
    }

    #[test]
    fn huge_excess_saturates_quickly() {
        assert_eq!(blob_base_fee(Spec::Cancun, u64::MAX), u128::MAX);
        assert_eq!(blob_base_fee(Spec::Cancun, 1 << 40), u128::MAX);
        // e^88 * 1 fits in u128; e^89 is about 4.5e38 > u128::MAX.
        assert!(blob_base_fee(Spec::Cancun, 88 * CANCUN_FRACTION) < u128::MAX);
        assert_eq!(blob_base_fee(Spec::Cancun, 89 * CANCUN_FRACTION), u128::MAX);
    }

    #[test]
    fn blob_limits_per_fork() {
        assert_eq!(max_blobs_per_tx(Spec::Cancun), 6);
        assert_eq!(max_blobs_per_tx(Spec::Prague), 9);
        assert_eq!(max_blobs_per_tx(Spec::Osaka), 6);
        assert_eq!(BlobSchedule::of(Spec::Prague).max_blob_gas(), 9 * 131_072);
    }

    #[test]
    fn excess_blob_gas_follows_the_target_and_eip_7918() {
        let target = 6 * GAS_PER_BLOB;
        // Below the target the excess is gone; above, it carries over.
        assert_eq!(
            next_excess_blob_gas(Spec::Prague, 0, target - 1, U256::ZERO),
            0
        );
        assert_eq!(
            next_excess_blob_gas(Spec::Prague, 10, target, U256::from(1_000_000_000u64)),
            10
        );
        // Osaka with an expensive base fee: blobs must cost BLOB_BASE_COST gas, so the excess
        // grows by used * (max - target) / max = 9 blobs * 3 / 9 = 3 blobs.
        let used = 9 * GAS_PER_BLOB;
        let dear = U256::from(1_000_000_000u64);
        assert_eq!(
            next_excess_blob_gas(Spec::Osaka, 0, used, dear),
            3 * GAS_PER_BLOB
        );
        assert_eq!(
            next_excess_blob_gas(Spec::Prague, 0, used, dear),
            3 * GAS_PER_BLOB
        );
        // Seven blobs on an excess of five: Osaka grows it by 7 * 3 / 9 blobs' gas when
        // the base fee is dear, and subtracts the target (12 - 6 blobs) when it is cheap.
        let seven = 7 * GAS_PER_BLOB;
        assert_eq!(
            next_excess_blob_gas(Spec::Osaka, 5 * GAS_PER_BLOB, seven, dear),
            655_360 + 305_834
        );
        assert_eq!(
            next_excess_blob_gas(Spec::Osaka, 5 * GAS_PER_BLOB, seven, U256::from(1u64)),
            6 * GAS_PER_BLOB
        );
        assert_eq!(
            next_excess_blob_gas(Spec::Prague, 5 * GAS_PER_BLOB, seven, dear),
            6 * GAS_PER_BLOB
        );
    }
}
