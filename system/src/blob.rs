//! EIP-4844 blob gas: constants, and the blob base fee from the excess blob gas.

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

/// `factor * e ** (numerator / denominator)` by its Taylor expansion, as EIP-4844 defines it.
pub fn fake_exponential(factor: u64, numerator: u64, denominator: u64) -> u128 {
    let (factor, numerator, denominator) = (factor as u128, numerator as u128, denominator as u128);
    let mut i = 1u128;
    let mut output = 0u128;
    let mut accumulator = factor * denominator;
    while accumulator > 0 {
        output += accumulator;
        accumulator = accumulator * numerator / (denominator * i);
        i += 1;
    }
    output / denominator
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
}
