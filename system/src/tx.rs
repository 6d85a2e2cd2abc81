//! Signed transactions as raw EIP-2718 bytes: legacy (with or without EIP-155),
//! EIP-2930 (type 1), EIP-1559 (type 2), EIP-4844 (type 3, blob) and EIP-7702 (type 4,
//! set code). Decoding, signing hash, sender recovery.
use crate::rlp::{self, decode_exact, Item, RlpError};
use crate::set_code::Authorization;
use crate::types::{address_from_hash, keccak256, Address, B256, U256};
use alloc::vec::Vec;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxType {
    Legacy,
    AccessList,
    DynamicFee,
    Blob,
    SetCode,
}

impl TxType {
    /// The EIP-2718 type byte; `None` for legacy transactions.
    pub fn type_byte(self) -> Option<u8> {
        match self {
            TxType::Legacy => None,
            TxType::AccessList => Some(1),
            TxType::DynamicFee => Some(2),
            TxType::Blob => Some(3),
            TxType::SetCode => Some(4),
        }
    }

    /// How many RLP fields the signed payload of a typed transaction has.
    fn field_count(self) -> usize {
        match self {
            TxType::Legacy => 9,
            TxType::AccessList => 11,
            TxType::DynamicFee => 12,
            TxType::Blob => 14,
            TxType::SetCode => 13,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessListItem {
    pub address: Address,
    pub storage_keys: Vec<B256>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transaction {
    pub tx_type: TxType,
    /// `None` only for a legacy transaction signed without EIP-155.
    pub chain_id: Option<u64>,
    pub nonce: u64,
    pub gas_limit: u64,
    /// For legacy and EIP-2930 transactions both fee fields are the gas price.
    pub max_fee_per_gas: U256,
    pub max_priority_fee_per_gas: U256,
    pub to: Option<Address>,
    pub value: U256,
    pub data: Vec<u8>,
    pub access_list: Vec<AccessListItem>,
    /// EIP-4844 (zero and empty for other types).
    pub max_fee_per_blob_gas: U256,
    pub blob_hashes: Vec<B256>,
    /// EIP-7702 (empty for other types).
    pub authorization_list: Vec<Authorization>,
    pub y_parity: bool,
    pub r: U256,
    pub s: U256,
    /// The hash that was signed.
    pub signing_hash: B256,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    Empty,
    Rlp(RlpError),
    UnsupportedType(u8),
    WrongFieldCount,
    BadV,
    BadStorageKey,
    /// A blob (EIP-4844) or set-code (EIP-7702) transaction cannot create a contract.
    CreationNotAllowed,
}

impl From<RlpError> for DecodeError {
    fn from(error: RlpError) -> Self {
        DecodeError::Rlp(error)
    }
}

/// secp256k1 group order n and n / 2 (EIP-2: s must be in the lower half).
const SECP256K1_N: U256 =
    ruint::uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256);
const SECP256K1_HALF_N: U256 =
    ruint::uint!(0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0_U256);

pub fn decode(raw: &[u8]) -> Result<Transaction, DecodeError> {
    let (&first, rest) = raw.split_first().ok_or(DecodeError::Empty)?;
    match first {
        0x01 => decode_typed(TxType::AccessList, rest),
        0x02 => decode_typed(TxType::DynamicFee, rest),
        0x03 => decode_typed(TxType::Blob, rest),
        0x04 => decode_typed(TxType::SetCode, rest),
        0xc0..=0xff => decode_legacy(raw),
        other => Err(DecodeError::UnsupportedType(other)),
    }
}

fn decode_legacy(raw: &[u8]) -> Result<Transaction, DecodeError> {
    let fields = decode_exact(raw)?.list()?;
    let [nonce, gas_price, gas_limit, to, value, data, v, r, s] = fields[..] else {
        return Err(DecodeError::WrongFieldCount);
    };
    let v = v.u64()?;
    let (chain_id, y_parity) = match v {
        27 | 28 => (None, v == 28),
        35.. => (Some((v - 35) / 2), (v - 35) % 2 == 1),
        _ => return Err(DecodeError::BadV),
    };
    let mut unsigned = concat_raw(&fields[..6]);
    if let Some(id) = chain_id {
        rlp::encode_u64(&mut unsigned, id);
        unsigned.extend_from_slice(&[0x80, 0x80]);
    }
    let gas_price = gas_price.u256()?;
    Ok(Transaction {
        tx_type: TxType::Legacy,
        chain_id,
        nonce: nonce.u64()?,
        gas_limit: gas_limit.u64()?,
        max_fee_per_gas: gas_price,
        max_priority_fee_per_gas: gas_price,
        to: to.optional_address()?,
        value: value.u256()?,
        data: data.bytes()?.to_vec(),
        access_list: Vec::new(),
        max_fee_per_blob_gas: U256::ZERO,
        blob_hashes: Vec::new(),
        authorization_list: Vec::new(),
        y_parity,
        r: r.u256()?,
        s: s.u256()?,
        signing_hash: keccak256(&rlp::encode_list(&unsigned)),
    })
}

fn decode_typed(tx_type: TxType, body: &[u8]) -> Result<Transaction, DecodeError> {
    let fields = decode_exact(body)?.list()?;
    let expected = tx_type.field_count();
    if fields.len() != expected {
        return Err(DecodeError::WrongFieldCount);
    }
    let (max_priority, max_fee, rest) = match tx_type {
        TxType::AccessList => {
            let price = fields[2].u256()?;
            (price, price, &fields[3..])
        }
        _ => (fields[2].u256()?, fields[3].u256()?, &fields[4..]),
    };
    let (gas_limit, to, value, data, access_list) = (rest[0], rest[1], rest[2], rest[3], rest[4]);
    let (max_fee_per_blob_gas, blob_hashes) = match tx_type {
        TxType::Blob => (rest[5].u256()?, decode_hashes(&rest[6])?),
        _ => (U256::ZERO, Vec::new()),
    };
    let authorization_list = match tx_type {
        TxType::SetCode => decode_authorizations(&rest[5])?,
        _ => Vec::new(),
    };
    let [y_parity, r, s] = fields[expected - 3..] else {
        return Err(DecodeError::WrongFieldCount);
    };
    let y_parity = match y_parity.u64()? {
        0 => false,
        1 => true,
        _ => return Err(DecodeError::BadV),
    };
    let to = to.optional_address()?;
    if matches!(tx_type, TxType::Blob | TxType::SetCode) && to.is_none() {
        return Err(DecodeError::CreationNotAllowed);
    }
    let type_byte = tx_type.type_byte().expect("a typed transaction");
    let mut signing_payload = alloc::vec![type_byte];
    signing_payload.extend_from_slice(&rlp::encode_list(&concat_raw(&fields[..expected - 3])));
    Ok(Transaction {
        tx_type,
        chain_id: Some(fields[0].u64()?),
        nonce: fields[1].u64()?,
        gas_limit: gas_limit.u64()?,
        max_fee_per_gas: max_fee,
        max_priority_fee_per_gas: max_priority,
        to,
        value: value.u256()?,
        data: data.bytes()?.to_vec(),
        access_list: decode_access_list(&access_list)?,
        max_fee_per_blob_gas,
        blob_hashes,
        authorization_list,
        y_parity,
        r: r.u256()?,
        s: s.u256()?,
        signing_hash: keccak256(&signing_payload),
    })
}

fn decode_hashes(item: &Item<'_>) -> Result<Vec<B256>, DecodeError> {
    item.list()?
        .iter()
        .map(|hash| {
            hash.bytes()?
                .try_into()
                .map_err(|_| DecodeError::BadStorageKey)
        })
        .collect()
}

fn decode_authorizations(item: &Item<'_>) -> Result<Vec<Authorization>, DecodeError> {
    item.list()?
        .iter()
        .map(|entry| {
            let [chain_id, address, nonce, y_parity, r, s] = entry.list()?[..] else {
                return Err(DecodeError::WrongFieldCount);
            };
            // EIP-7702 bounds each field (chain id 256 bits, nonce 64, y parity 8): a
            // value past its bound makes the transaction invalid. A y parity byte other
            // than 0 or 1 only makes the entry invalid (`Authorization::authority`).
            let y_parity = y_parity.u256()?;
            if y_parity > U256::from(u8::MAX) {
                return Err(DecodeError::BadV);
            }
            Ok(Authorization {
                chain_id: chain_id.u256()?,
                address: address.address()?,
                nonce: nonce.u64()?,
                y_parity,
                r: r.u256()?,
                s: s.u256()?,
            })
        })
        .collect()
}

fn concat_raw(items: &[Item<'_>]) -> Vec<u8> {
    items
        .iter()
        .flat_map(|item| item.raw.iter().copied())
        .collect()
}

fn decode_access_list(item: &Item<'_>) -> Result<Vec<AccessListItem>, DecodeError> {
    let mut list = Vec::new();
    for entry in item.list()? {
        let [address, keys] = entry.list()?[..] else {
            return Err(DecodeError::WrongFieldCount);
        };
        let storage_keys = keys
            .list()?
            .iter()
            .map(|key| {
                key.bytes()?
                    .try_into()
                    .map_err(|_| DecodeError::BadStorageKey)
            })
            .collect::<Result<Vec<B256>, DecodeError>>()?;
        list.push(AccessListItem {
            address: address.address()?,
            storage_keys,
        });
    }
    Ok(list)
}

/// A signed transaction decoded and its sender recovered (`None`: a bad signature): the
/// part of validation that reads no state, so a sequencer can do it for a whole block at
/// once, on all its cores (see the bootloader).
pub type Recovered = Result<(Transaction, Option<Address>), DecodeError>;

pub fn decode_and_recover(raw: &[u8]) -> Recovered {
    let tx = decode(raw)?;
    let sender = recover_sender(&tx);
    Ok((tx, sender))
}

/// Recovers the sender; `None` for an invalid signature (zero or out-of-range r or s,
/// high s (EIP-2), or no point).
pub fn recover_sender(tx: &Transaction) -> Option<Address> {
    recover_signer(&tx.signing_hash, tx.y_parity, tx.r, tx.s)
}

/// ecrecover for a 32-byte message hash.
pub fn recover_signer(hash: &B256, y_parity: bool, r: U256, s: U256) -> Option<Address> {
    if r.is_zero() || s.is_zero() || r >= SECP256K1_N || s > SECP256K1_HALF_N {
        return None;
    }
    let (r, s) = (r.to_be_bytes::<32>(), s.to_be_bytes::<32>());
    let key = zkos_secp256k1::recover(hash, &r, &s, y_parity as u8)?;
    Some(address_from_hash(&keccak256(&key)))
}
