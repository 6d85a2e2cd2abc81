//! Building signed transactions on the host (examples, tests, benchmarks): legacy, EIP-2930,
//! EIP-1559, EIP-4844 blob and EIP-7702 set-code transactions, and signed authorizations.
use k256::ecdsa::SigningKey;
use zkos_system::rlp::{encode_bytes, encode_list, encode_u256, encode_u64};
use zkos_system::set_code::Authorization;
use zkos_system::tx::TxType;
use zkos_system::types::{address_from_hash, keccak256};
use zkos_system::{Address, B256, U256};

#[derive(Clone, Debug)]
pub struct TxSpec {
    pub tx_type: TxType,
    /// For legacy transactions `None` signs without EIP-155.
    pub chain_id: Option<u64>,
    pub nonce: u64,
    pub gas_limit: u64,
    /// Gas price for legacy and EIP-2930 transactions.
    pub max_fee_per_gas: U256,
    pub max_priority_fee_per_gas: U256,
    pub to: Option<Address>,
    pub value: U256,
    pub data: Vec<u8>,
    pub access_list: Vec<(Address, Vec<B256>)>,
    /// EIP-4844 (type 3 only): the blob fee cap and the versioned hashes.
    pub max_fee_per_blob_gas: U256,
    pub blob_hashes: Vec<B256>,
    /// EIP-7702 (type 4 only): the authorizations, signed or not (see
    /// [`sign_authorization`]).
    pub authorization_list: Vec<Authorization>,
}

impl TxSpec {
    /// A plain EIP-1559 transfer.
    pub fn transfer(
        chain_id: u64,
        nonce: u64,
        to: Address,
        value: U256,
        max_fee: u64,
        tip: u64,
    ) -> TxSpec {
        TxSpec {
            tx_type: TxType::DynamicFee,
            chain_id: Some(chain_id),
            nonce,
            gas_limit: 21_000,
            max_fee_per_gas: U256::from(max_fee),
            max_priority_fee_per_gas: U256::from(tip),
            to: Some(to),
            value,
            data: Vec::new(),
            access_list: Vec::new(),
            max_fee_per_blob_gas: U256::ZERO,
            blob_hashes: Vec::new(),
            authorization_list: Vec::new(),
        }
    }

    /// `self` as an EIP-4844 blob transaction (type 3) with these versioned hashes and blob
    /// fee cap. `to: None` encodes a creation, which the decoder refuses.
    pub fn with_blobs(self, max_fee_per_blob_gas: U256, blob_hashes: Vec<B256>) -> TxSpec {
        TxSpec {
            tx_type: TxType::Blob,
            max_fee_per_blob_gas,
            blob_hashes,
            ..self
        }
    }

    /// `self` as an EIP-7702 set-code transaction (type 4) with these authorizations (an
    /// empty list encodes, the executor refuses it).
    pub fn with_authorizations(self, authorization_list: Vec<Authorization>) -> TxSpec {
        TxSpec {
            tx_type: TxType::SetCode,
            authorization_list,
            ..self
        }
    }
}

/// A versioned hash with the KZG version byte (0x01) and `seed` in the rest. The contents
/// do not matter to the execution layer: it never sees the blobs.
pub fn versioned_hash(seed: u8) -> B256 {
    let mut hash = [seed; 32];
    hash[0] = 0x01;
    hash
}

/// An EIP-7702 authorization of `address` for `chain_id` (0: any chain) at the authority's
/// `nonce`, signed by `key` (the authority).
pub fn sign_authorization(
    chain_id: u64,
    address: Address,
    nonce: u64,
    key: &SigningKey,
) -> Authorization {
    let mut authorization = Authorization {
        chain_id: U256::from(chain_id),
        address,
        nonce,
        y_parity: U256::ZERO,
        r: U256::ZERO,
        s: U256::ZERO,
    };
    let (signature, recovery) = key
        .sign_prehash_recoverable(&authorization.signing_hash())
        .expect("signing a 32-byte hash");
    authorization.y_parity = U256::from(recovery.is_y_odd() as u64);
    authorization.r = U256::from_be_slice(&signature.r().to_bytes());
    authorization.s = U256::from_be_slice(&signature.s().to_bytes());
    authorization
}

/// A deterministic key from a seed (keccak of the seed as the secret).
pub fn key_from_seed(seed: u64) -> SigningKey {
    let secret = keccak256(&seed.to_be_bytes());
    SigningKey::from_slice(&secret).expect("a keccak hash is a valid secp256k1 secret")
}

pub fn address_of(key: &SigningKey) -> Address {
    let point = key.verifying_key().to_encoded_point(false);
    address_from_hash(&keccak256(&point.as_bytes()[1..]))
}

fn common_fields(spec: &TxSpec, out: &mut Vec<u8>) {
    encode_u64(out, spec.gas_limit);
    encode_bytes(out, spec.to.as_ref().map_or(&[][..], |to| &to[..]));
    encode_u256(out, spec.value);
    encode_bytes(out, &spec.data);
}

fn access_list(spec: &TxSpec, out: &mut Vec<u8>) {
    let mut items = Vec::new();
    for (address, keys) in &spec.access_list {
        let mut item = Vec::new();
        encode_bytes(&mut item, address);
        let mut key_list = Vec::new();
        for key in keys {
            encode_bytes(&mut key_list, key);
        }
        item.extend(encode_list(&key_list));
        items.extend(encode_list(&item));
    }
    out.extend(encode_list(&items));
}

fn blob_fields(spec: &TxSpec, out: &mut Vec<u8>) {
    encode_u256(out, spec.max_fee_per_blob_gas);
    let mut hashes = Vec::new();
    for hash in &spec.blob_hashes {
        encode_bytes(&mut hashes, hash);
    }
    out.extend(encode_list(&hashes));
}

/// `[[chain_id, address, nonce, y_parity, r, s], ...]`.
fn authorization_list(spec: &TxSpec, out: &mut Vec<u8>) {
    let mut items = Vec::new();
    for authorization in &spec.authorization_list {
        let mut item = Vec::new();
        encode_u256(&mut item, authorization.chain_id);
        encode_bytes(&mut item, &authorization.address);
        encode_u64(&mut item, authorization.nonce);
        encode_u256(&mut item, authorization.y_parity);
        encode_u256(&mut item, authorization.r);
        encode_u256(&mut item, authorization.s);
        items.extend(encode_list(&item));
    }
    out.extend(encode_list(&items));
}

/// The unsigned fields, RLP-encoded one after the other.
fn unsigned_fields(spec: &TxSpec) -> Vec<u8> {
    let mut out = Vec::new();
    if spec.tx_type != TxType::Legacy {
        encode_u64(
            &mut out,
            spec.chain_id.expect("typed transactions have a chain id"),
        );
    }
    encode_u64(&mut out, spec.nonce);
    // Types 2, 3 and 4 share EIP-1559's fee fields.
    if matches!(
        spec.tx_type,
        TxType::DynamicFee | TxType::Blob | TxType::SetCode
    ) {
        encode_u256(&mut out, spec.max_priority_fee_per_gas);
    }
    encode_u256(&mut out, spec.max_fee_per_gas);
    common_fields(spec, &mut out);
    if spec.tx_type != TxType::Legacy {
        access_list(spec, &mut out);
    }
    match spec.tx_type {
        TxType::Blob => blob_fields(spec, &mut out),
        TxType::SetCode => authorization_list(spec, &mut out),
        _ => {}
    }
    out
}

/// Signs `spec` and returns the raw EIP-2718 bytes.
pub fn sign(spec: &TxSpec, key: &SigningKey) -> Vec<u8> {
    let fields = unsigned_fields(spec);
    let mut signing_payload = Vec::new();
    signing_payload.extend(spec.tx_type.type_byte());
    let mut to_sign = fields.clone();
    if let (TxType::Legacy, Some(chain_id)) = (spec.tx_type, spec.chain_id) {
        encode_u64(&mut to_sign, chain_id);
        to_sign.extend([0x80, 0x80]);
    }
    signing_payload.extend(encode_list(&to_sign));
    let hash = keccak256(&signing_payload);
    let (signature, recovery) = key
        .sign_prehash_recoverable(&hash)
        .expect("signing a 32-byte hash");
    let parity = recovery.is_y_odd() as u64;
    let v = match (spec.tx_type, spec.chain_id) {
        (TxType::Legacy, Some(chain_id)) => chain_id * 2 + 35 + parity,
        (TxType::Legacy, None) => 27 + parity,
        _ => parity,
    };
    let r = U256::from_be_slice(&signature.r().to_bytes());
    let s = U256::from_be_slice(&signature.s().to_bytes());
    encode_signed(spec, v, r, s)
}

/// The raw transaction with the given signature values (`v` is the y parity for typed
/// transactions).
pub fn encode_signed(spec: &TxSpec, v: u64, r: U256, s: U256) -> Vec<u8> {
    let mut signed = unsigned_fields(spec);
    encode_u64(&mut signed, v);
    encode_u256(&mut signed, r);
    encode_u256(&mut signed, s);
    let mut raw = Vec::new();
    raw.extend(spec.tx_type.type_byte());
    raw.extend(encode_list(&signed));
    raw
}
