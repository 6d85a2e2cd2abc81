//! EIP-4844 blob gas: constants, and the blob base fee from the excess blob gas.

use crate::U256;

pub const GAS_PER_BLOB: u64 = 1 << 17;
/// Cancun: at most 6 blobs (786,432 blob gas) per block, so per transaction.
pub const MAX_BLOBS_PER_BLOCK: usize = 6;
/// The first byte of a versioned hash of a KZG commitment.
pub const VERSIONED_HASH_VERSION_KZG: u8 = 0x01;
pub const MIN_BLOB_BASE_FEE: u64 = 1;
pub const BLOB_BASE_FEE_UPDATE_FRACTION: u64 = 3_338_477;

/// The blob base fee (BLOBBASEFEE, EIP-7516) for a block's excess blob gas.
pub fn blob_base_fee(excess_blob_gas: u64) -> u128 {
    fake_exponential(
        MIN_BLOB_BASE_FEE,
        excess_blob_gas,
        BLOB_BASE_FEE_UPDATE_FRACTION,
    )
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

    #[test]
    fn blob_base_fee_grows_like_e_to_the_excess() {
        assert_eq!(blob_base_fee(0), 1);
        assert_eq!(blob_base_fee(BLOB_BASE_FEE_UPDATE_FRACTION), 2);
        assert_eq!(blob_base_fee(10 * BLOB_BASE_FEE_UPDATE_FRACTION), 22_026);
    }

    #[test]
    fn huge_excess_saturates_quickly() {
        assert_eq!(blob_base_fee(u64::MAX), u128::MAX);
        assert_eq!(blob_base_fee(1 << 40), u128::MAX);
        // e^88 * 1 fits in u128; e^89 is about 4.5e38 > u128::MAX.
        assert!(blob_base_fee(88 * BLOB_BASE_FEE_UPDATE_FRACTION) < u128::MAX);
        assert_eq!(blob_base_fee(89 * BLOB_BASE_FEE_UPDATE_FRACTION), u128::MAX);
    }
}
