//! Builds and signs a case's transaction as its test describes it (legacy without
//! EIP-155, EIP-2930, EIP-1559 or EIP-4844), giving the raw EIP-2718 bytes.
use k256::ecdsa::SigningKey;
use zkos_system::rlp::{encode_bytes, encode_list, encode_u256, encode_u64};
use zkos_system::{Address, B256, U256};

pub const CHAIN_ID: u64 = 1;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessListEntry {
    pub address: Address,
    pub storage_keys: Vec<B256>,
}

/// The fee fields decide the type: a gas price is legacy (or EIP-2930 with an access
/// list), fee caps are EIP-1559, and blob hashes EIP-4844.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fees {
    GasPrice(U256),
    Dynamic {
        max_fee: U256,
        max_priority_fee: U256,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsignedTx {
    pub nonce: U256,
    pub fees: Fees,
    pub gas_limit: U256,
    pub to: Option<Address>,
    pub value: U256,
    pub data: Vec<u8>,
    pub access_list: Option<Vec<AccessListEntry>>,
    /// EIP-4844: `(max_fee_per_blob_gas, versioned hashes)`.
    pub blob: Option<(U256, Vec<B256>)>,
}

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("the secret key is not a valid secp256k1 scalar")]
    BadKey,
    #[error("a blob transaction needs fee caps and a recipient")]
    BadBlobTx,
}

fn encode_access_list(out: &mut Vec<u8>, list: &[AccessListEntry]) {
    let mut items = Vec::new();
    for entry in list {
        let mut item = Vec::new();
        encode_bytes(&mut item, &entry.address);
        let mut keys = Vec::new();
        for key in &entry.storage_keys {
            encode_bytes(&mut keys, key);
        }
        item.extend(encode_list(&keys));
        items.extend(encode_list(&item));
    }
    out.extend(encode_list(&items));
}

fn encode_hashes(out: &mut Vec<u8>, hashes: &[B256]) {
    let mut items = Vec::new();
    for hash in hashes {
        encode_bytes(&mut items, hash);
    }
    out.extend(encode_list(&items));
}

impl UnsignedTx {
    /// The EIP-2718 type byte (`None` for legacy).
    fn tx_type(&self) -> Option<u8> {
        match (&self.fees, &self.blob, &self.access_list) {
            (_, Some(_), _) => Some(3),
            (Fees::Dynamic { .. }, None, _) => Some(2),
            (Fees::GasPrice(_), None, Some(_)) => Some(1),
            (Fees::GasPrice(_), None, None) => None,
        }
    }

    /// The fields before the signature, RLP-encoded one after another.
    fn payload(&self) -> Result<Vec<u8>, SignError> {
        let mut out = Vec::new();
        let tx_type = self.tx_type();
        if tx_type.is_some() {
            encode_u64(&mut out, CHAIN_ID);
        }
        encode_u256(&mut out, self.nonce);
        match &self.fees {
            Fees::GasPrice(price) => encode_u256(&mut out, *price),
            Fees::Dynamic {
                max_fee,
                max_priority_fee,
            } => {
                encode_u256(&mut out, *max_priority_fee);
                encode_u256(&mut out, *max_fee);
            }
        }
        encode_u256(&mut out, self.gas_limit);
        match &self.to {
            Some(to) => encode_bytes(&mut out, to),
            None if tx_type == Some(3) => return Err(SignError::BadBlobTx),
            None => encode_bytes(&mut out, &[]),
        }
        encode_u256(&mut out, self.value);
        encode_bytes(&mut out, &self.data);
        if tx_type.is_some() {
            encode_access_list(&mut out, self.access_list.as_deref().unwrap_or(&[]));
        }
        if let Some((max_fee_per_blob_gas, hashes)) = &self.blob {
            if !matches!(self.fees, Fees::Dynamic { .. }) {
                return Err(SignError::BadBlobTx);
            }
            encode_u256(&mut out, *max_fee_per_blob_gas);
            encode_hashes(&mut out, hashes);
        }
        Ok(out)
    }

    fn with_type(&self, list: Vec<u8>) -> Vec<u8> {
        match self.tx_type() {
            Some(tx_type) => core::iter::once(tx_type).chain(list).collect(),
            None => list,
        }
    }

    /// Signs with `secret_key` and returns the raw transaction.
    pub fn sign(&self, secret_key: &B256) -> Result<Vec<u8>, SignError> {
        let key = SigningKey::from_bytes(secret_key.into()).map_err(|_| SignError::BadKey)?;
        let payload = self.payload()?;
        let signing_hash = zkos_system::types::keccak256(&self.with_type(encode_list(&payload)));
        let (signature, recovery) = key
            .sign_prehash_recoverable(&signing_hash)
            .map_err(|_| SignError::BadKey)?;
        let (r, s) = signature.split_bytes();
        let mut signed = payload;
        let parity = recovery.is_y_odd() as u64;
        match self.tx_type() {
            Some(_) => encode_u64(&mut signed, parity),
            None => encode_u64(&mut signed, 27 + parity),
        }
        encode_u256(&mut signed, U256::from_be_slice(&r));
        encode_u256(&mut signed, U256::from_be_slice(&s));
        Ok(self.with_type(encode_list(&signed)))
    }
}
