//! Transaction receipts and the reasons a transaction is skipped.
use crate::state::{L2ToL1Message, Log};
use crate::types::Address;
use alloc::vec::Vec;

/// Why a transaction was not included. The block goes on without it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum InvalidTx {
    Malformed = 1,
    UnsupportedType = 2,
    BadSignature = 3,
    ChainIdMismatch = 4,
    NonceTooLow = 5,
    NonceTooHigh = 6,
    NonceOverflow = 7,
    IntrinsicGasTooLow = 8,
    GasLimitExceedsBlock = 9,
    InitCodeTooLarge = 10,
    FeeCapBelowBaseFee = 11,
    PriorityFeeAboveFeeCap = 12,
    InsufficientFunds = 13,
    SenderHasCode = 14,
    /// EIP-4844: a versioned hash without the KZG version byte.
    BlobHashVersion = 15,
    /// EIP-4844/7691/7594: no blobs, or more than one transaction may carry.
    BlobCount = 16,
    /// EIP-4844: max fee per blob gas below the blob base fee.
    BlobFeeCapBelowBaseFee = 17,
    /// The block's blob gas would exceed its fork's maximum.
    BlockBlobGasExceeded = 18,
    /// EIP-7623: the gas limit does not cover the calldata floor.
    GasBelowCalldataFloor = 19,
    /// EIP-7825 (Osaka): the gas limit is above the per-transaction cap.
    GasLimitAboveCap = 20,
    /// EIP-7702: a set-code transaction without authorizations.
    EmptyAuthorizationList = 21,
    /// A blob or set-code transaction without a recipient.
    CreationNotAllowed = 22,
    /// A transaction type the block's fork does not have yet.
    TypeNotActive = 23,
    /// What is left of the block's native resources (cycles and heap) cannot cover the
    /// transaction's whole budget, which its gas limit sets (`crate::native`).
    BlockNativeExhausted = 24,
}

impl InvalidTx {
    pub const ALL: [InvalidTx; 24] = [
        InvalidTx::Malformed,
        InvalidTx::UnsupportedType,
        InvalidTx::BadSignature,
        InvalidTx::ChainIdMismatch,
        InvalidTx::NonceTooLow,
        InvalidTx::NonceTooHigh,
        InvalidTx::NonceOverflow,
        InvalidTx::IntrinsicGasTooLow,
        InvalidTx::GasLimitExceedsBlock,
        InvalidTx::InitCodeTooLarge,
        InvalidTx::FeeCapBelowBaseFee,
        InvalidTx::PriorityFeeAboveFeeCap,
        InvalidTx::InsufficientFunds,
        InvalidTx::SenderHasCode,
        InvalidTx::BlobHashVersion,
        InvalidTx::BlobCount,
        InvalidTx::BlobFeeCapBelowBaseFee,
        InvalidTx::BlockBlobGasExceeded,
        InvalidTx::GasBelowCalldataFloor,
        InvalidTx::GasLimitAboveCap,
        InvalidTx::EmptyAuthorizationList,
        InvalidTx::CreationNotAllowed,
        InvalidTx::TypeNotActive,
        InvalidTx::BlockNativeExhausted,
    ];

    pub fn name(self) -> &'static str {
        match self {
            InvalidTx::Malformed => "malformed transaction",
            InvalidTx::UnsupportedType => "unsupported transaction type",
            InvalidTx::BadSignature => "invalid signature",
            InvalidTx::ChainIdMismatch => "chain id mismatch",
            InvalidTx::NonceTooLow => "nonce too low",
            InvalidTx::NonceTooHigh => "nonce too high",
            InvalidTx::NonceOverflow => "nonce overflow",
            InvalidTx::IntrinsicGasTooLow => "intrinsic gas too low",
            InvalidTx::GasLimitExceedsBlock => "gas limit exceeds the block's remaining gas",
            InvalidTx::InitCodeTooLarge => "init code too large",
            InvalidTx::FeeCapBelowBaseFee => "max fee per gas below base fee",
            InvalidTx::PriorityFeeAboveFeeCap => "priority fee above max fee",
            InvalidTx::InsufficientFunds => "insufficient funds for gas * price + value",
            InvalidTx::SenderHasCode => "sender has code (EIP-3607)",
            InvalidTx::BlobHashVersion => "blob versioned hash without the KZG version",
            InvalidTx::BlobCount => "blob count outside what a transaction may carry",
            InvalidTx::BlobFeeCapBelowBaseFee => "max fee per blob gas below blob base fee",
            InvalidTx::BlockBlobGasExceeded => "blob gas exceeds the block's remaining blob gas",
            InvalidTx::GasBelowCalldataFloor => "gas limit below the calldata floor (EIP-7623)",
            InvalidTx::GasLimitAboveCap => "gas limit above the transaction cap (EIP-7825)",
            InvalidTx::EmptyAuthorizationList => "empty authorization list (EIP-7702)",
            InvalidTx::CreationNotAllowed => "this transaction type cannot create a contract",
            InvalidTx::TypeNotActive => "transaction type not active in this fork",
            InvalidTx::BlockNativeExhausted => {
                "native budget exceeds the block's remaining native resources"
            }
        }
    }

    pub fn from_code(code: u8) -> Option<InvalidTx> {
        InvalidTx::ALL
            .into_iter()
            .find(|reason| *reason as u8 == code)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Executed and charged, but reverted or halted.
    Failure,
    Invalid(InvalidTx),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub outcome: Outcome,
    /// `None` when the signature could not be recovered.
    pub sender: Option<Address>,
    pub gas_used: u64,
    pub cumulative_gas_used: u64,
    pub contract_address: Option<Address>,
    pub logs: Vec<Log>,
    pub messages: Vec<L2ToL1Message>,
}

/// The block's L2→L1 messages in the order sent, each with its transaction's index.
pub fn block_messages(receipts: &[Receipt]) -> impl Iterator<Item = (u32, &L2ToL1Message)> {
    receipts.iter().enumerate().flat_map(|(index, receipt)| {
        receipt
            .messages
            .iter()
            .map(move |message| (index as u32, message))
    })
}
