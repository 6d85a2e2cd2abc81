//! L1→L2 priority transactions (deposits) in the OP Stack's deposit format, EIP-2718 type
//! `0x7E`: `0x7E ‖ rlp([sourceHash, from, to, mint, value, gas, isSystemTx, data])`. L1
//! authenticated them, so they carry no signature and no nonce; L1 bought their gas.
use crate::rlp::{self, decode_exact, RlpError};
use crate::types::{keccak256, Address, B256, U256};
use alloc::vec::Vec;

pub const DEPOSIT_TX_TYPE: u8 = 0x7e;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deposit {
    /// Identifies the L1 event the deposit comes from (unique per deposit).
    pub source_hash: B256,
    pub from: Address,
    /// `None` creates a contract.
    pub to: Option<Address>,
    /// Minted to `from` before execution; kept even if execution fails.
    pub mint: U256,
    pub value: U256,
    pub gas_limit: u64,
    pub is_system_tx: bool,
    pub data: Vec<u8>,
    /// keccak256 of the raw bytes: what the priority-operations rolling hash folds in.
    pub hash: B256,
}

pub fn is_deposit(raw: &[u8]) -> bool {
    raw.first() == Some(&DEPOSIT_TX_TYPE)
}

pub fn decode(raw: &[u8]) -> Result<Deposit, RlpError> {
    let body = raw
        .strip_prefix(&[DEPOSIT_TX_TYPE])
        .ok_or(RlpError::ExpectedList)?;
    let fields = decode_exact(body)?.list()?;
    let [source_hash, from, to, mint, value, gas, is_system_tx, data] = fields[..] else {
        return Err(RlpError::ExpectedList);
    };
    let is_system_tx = match is_system_tx.u64()? {
        0 => false,
        1 => true,
        _ => return Err(RlpError::IntegerTooLarge),
    };
    Ok(Deposit {
        source_hash: source_hash
            .bytes()?
            .try_into()
            .map_err(|_| RlpError::BadAddressLength)?,
        from: from.address()?,
        to: to.optional_address()?,
        mint: mint.u256()?,
        value: value.u256()?,
        gas_limit: gas.u64()?,
        is_system_tx,
        data: data.bytes()?.to_vec(),
        hash: keccak256(raw),
    })
}

impl Deposit {
    /// The raw bytes ([`decode`]'s inverse); `hash` is not read.
    pub fn encode(&self) -> Vec<u8> {
        let mut payload = Vec::new();
        rlp::encode_bytes(&mut payload, &self.source_hash);
        rlp::encode_bytes(&mut payload, &self.from);
        rlp::encode_bytes(&mut payload, self.to.as_ref().map_or(&[][..], |to| &to[..]));
        rlp::encode_u256(&mut payload, self.mint);
        rlp::encode_u256(&mut payload, self.value);
        rlp::encode_u64(&mut payload, self.gas_limit);
        rlp::encode_u64(&mut payload, self.is_system_tx as u64);
        rlp::encode_bytes(&mut payload, &self.data);
        let mut raw = alloc::vec![DEPOSIT_TX_TYPE];
        raw.extend_from_slice(&rlp::encode_list(&payload));
        raw
    }
}

/// The priority operations of a block: `hash = keccak256(hash ‖ deposit hash)` from zero,
/// in block order, and their count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PriorityOps {
    pub rolling_hash: B256,
    pub count: u64,
}

impl PriorityOps {
    pub fn fold(&mut self, deposit_hash: &B256) {
        let mut preimage = [0u8; 64];
        preimage[..32].copy_from_slice(&self.rolling_hash);
        preimage[32..].copy_from_slice(deposit_hash);
        self.rolling_hash = keccak256(&preimage);
        self.count += 1;
    }
}
