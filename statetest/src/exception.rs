//! The suite's names for why a transaction is invalid (`expectException`, the
//! `TransactionException` names of the execution-spec tests) against our `InvalidTx`.
use zkos_system::receipt::InvalidTx;

/// The suite's names that describe `reason`. Every name the suite uses for a transaction
/// rule we enforce is listed under the reason we give for it.
pub fn suite_names(reason: InvalidTx) -> &'static [&'static str] {
    use InvalidTx::*;
    match reason {
        Malformed => &[
            "ADDRESS_TOO_SHORT",
            "ADDRESS_TOO_LONG",
            "NONCE_TOO_BIG",
            "GASLIMIT_OVERFLOW",
            "VALUE_OVERFLOW",
            "GASPRICE_OVERFLOW",
            "PRIORITY_OVERFLOW",
            "TYPE_3_TX_WITH_FULL_BLOBS",
            "TYPE_4_INVALID_AUTHORIZATION_FORMAT",
            // Every `RLP_*` name too: see `is_rlp`.
        ],
        UnsupportedType => &["TYPE_NOT_SUPPORTED"],
        BadSignature => &[
            "INVALID_SIGNATURE_VRS",
            "EC_RECOVERY_FAIL",
            "RLP_INVALID_SIGNATURE_R",
            "RLP_INVALID_SIGNATURE_S",
        ],
        ChainIdMismatch => &["INVALID_CHAINID"],
        NonceTooLow => &["NONCE_MISMATCH_TOO_LOW"],
        NonceTooHigh => &["NONCE_MISMATCH_TOO_HIGH"],
        NonceOverflow => &["NONCE_IS_MAX", "NONCE_OVERFLOW", "NONCE_TOO_BIG"],
        IntrinsicGasTooLow => &["INTRINSIC_GAS_TOO_LOW"],
        GasLimitExceedsBlock => &["GAS_ALLOWANCE_EXCEEDED"],
        InitCodeTooLarge => &["INITCODE_SIZE_EXCEEDED"],
        FeeCapBelowBaseFee => &["INSUFFICIENT_MAX_FEE_PER_GAS"],
        PriorityFeeAboveFeeCap => &[
            "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS",
            "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2",
        ],
        InsufficientFunds => &[
            "INSUFFICIENT_ACCOUNT_FUNDS",
            "GASLIMIT_PRICE_PRODUCT_OVERFLOW",
        ],
        SenderHasCode => &["SENDER_NOT_EOA"],
        BlobHashVersion => &["TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH"],
        BlobCount => &["TYPE_3_TX_ZERO_BLOBS", "TYPE_3_TX_BLOB_COUNT_EXCEEDED"],
        BlobFeeCapBelowBaseFee => &["INSUFFICIENT_MAX_FEE_PER_BLOB_GAS"],
        // One transaction over the block's blob gas carries more blobs than a block holds.
        BlockBlobGasExceeded => &[
            "TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED",
            "TYPE_3_TX_BLOB_COUNT_EXCEEDED",
        ],
        // Before Prague's floor the suite names the same shortfall the intrinsic gas.
        GasBelowCalldataFloor => &[
            "INTRINSIC_GAS_BELOW_FLOOR_GAS_COST",
            "INTRINSIC_GAS_TOO_LOW",
        ],
        GasLimitAboveCap => &["GAS_LIMIT_EXCEEDS_MAXIMUM"],
        EmptyAuthorizationList => &["TYPE_4_EMPTY_AUTHORIZATION_LIST"],
        CreationNotAllowed => &["TYPE_3_TX_CONTRACT_CREATION", "TYPE_4_TX_CONTRACT_CREATION"],
        TypeNotActive => &[
            "TYPE_3_TX_PRE_FORK",
            "TYPE_3_TX_ZERO_BLOBS_PRE_FORK",
            "TYPE_4_TX_PRE_FORK",
            "TYPE_NOT_SUPPORTED",
        ],
        // Ethereum has no native resources: no state test expects this.
        BlockNativeExhausted => &[],
    }
}

fn is_rlp(name: &str) -> bool {
    name.starts_with("RLP_")
}

/// Whether our `reason` describes `name` (a suite name without its class prefix).
fn describes(reason: InvalidTx, name: &str) -> bool {
    suite_names(reason).contains(&name) || (reason == InvalidTx::Malformed && is_rlp(name))
}

/// Whether any of our reasons describes `name`.
fn known(name: &str) -> bool {
    InvalidTx::ALL.iter().any(|&reason| describes(reason, name))
}

/// How an `expectException` value (`Class.NAME|Class.NAME…`) compares with our reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Agreement {
    /// One of the expected names is ours.
    Same,
    /// The expected names are all ones we know, and none is ours.
    Different,
    /// Some expected name is outside what we enforce (a block rule, say): not compared.
    Unmapped,
}

pub fn compare(expected: &str, ours: InvalidTx) -> Agreement {
    let names: Vec<&str> = expected
        .split('|')
        .map(|name| name.trim().rsplit('.').next().unwrap_or(name))
        .collect();
    if names.iter().any(|name| describes(ours, name)) {
        Agreement::Same
    } else if names.iter().all(|name| known(name)) {
        Agreement::Different
    } else {
        Agreement::Unmapped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_name_is_the_same_reason() {
        assert_eq!(
            compare(
                "TransactionException.INSUFFICIENT_ACCOUNT_FUNDS|TransactionException.INTRINSIC_GAS_TOO_LOW",
                InvalidTx::IntrinsicGasTooLow
            ),
            Agreement::Same
        );
        assert_eq!(
            compare(
                "TransactionException.RLP_INVALID_VALUE",
                InvalidTx::Malformed
            ),
            Agreement::Same
        );
    }

    #[test]
    fn a_known_other_name_is_a_mismatch() {
        assert_eq!(
            compare(
                "TransactionException.INTRINSIC_GAS_TOO_LOW",
                InvalidTx::InsufficientFunds
            ),
            Agreement::Different
        );
        assert_eq!(
            compare(
                "TransactionException.TYPE_4_TX_CONTRACT_CREATION",
                InvalidTx::Malformed
            ),
            Agreement::Different
        );
    }

    #[test]
    fn an_unknown_name_is_not_compared() {
        assert_eq!(
            compare(
                "BlockException.INCORRECT_BLOB_GAS_USED",
                InvalidTx::BlobCount
            ),
            Agreement::Unmapped
        );
    }

    #[test]
    fn every_ethereum_reason_has_a_suite_name() {
        for reason in InvalidTx::ALL {
            let ethereum = reason != InvalidTx::BlockNativeExhausted;
            assert_eq!(!suite_names(reason).is_empty(), ethereum, "{reason:?}");
        }
    }
}
