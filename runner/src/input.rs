//! STATE.json (the state tests' `pre` format) and BLOCK.json (`{"env": {...},
//! "transactions": ["0x..", ...]}` with the state tests' `env` names plus `chainId` and
//! `blockHashes`). Errors name the file and the field.
use crate::world::{AccountState, PreState};
use serde::de::{self, Deserializer};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use zkos_guest_os::protocol::{MAX_TRANSACTIONS, MAX_TRANSACTION_LEN};
use zkos_system::block::{BlockEnv, BLOCK_HASH_WINDOW};
use zkos_system::spec::Spec;
use zkos_system::state::MAX_CODE_LEN;
use zkos_system::{Address, B256, U256};

#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct InputError {
    pub file: String,
    pub message: String,
}

/// Hex bytes `0x...` (an even number of digits).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HexBytes(pub Vec<u8>);

/// A number: `0x` hex or decimal digits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quantity(pub U256);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HexAddress(pub Address);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct HexB256(pub B256);

pub fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .ok_or_else(|| format!("{text:?} is not a 0x-prefixed hex string"))?;
    hex::decode(digits).map_err(|error| format!("{text:?} is not valid hex: {error}"))
}

fn fixed_hex<const N: usize>(text: &str, what: &str) -> Result<[u8; N], String> {
    let bytes = decode_hex(text)?;
    let len = bytes.len();
    bytes
        .try_into()
        .map_err(|_| format!("{what} {text:?} has {len} bytes, expected {N}"))
}

fn parse_quantity(text: &str) -> Result<U256, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some("") => Ok(U256::ZERO),
        Some(digits) => U256::from_str_radix(digits, 16),
        None => U256::from_str_radix(text, 10),
    };
    parsed.map_err(|error| format!("{text:?} is not a number: {error}"))
}

macro_rules! from_string {
    ($type:ty, $parse:expr) => {
        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $parse(&text).map_err(de::Error::custom)
            }
        }
    };
}

from_string!(HexBytes, |text: &str| decode_hex(text).map(HexBytes));
from_string!(Quantity, |text: &str| parse_quantity(text).map(Quantity));
from_string!(HexAddress, |text: &str| fixed_hex::<20>(text, "address")
    .map(HexAddress));
from_string!(HexB256, |text: &str| fixed_hex::<32>(text, "32-byte value")
    .map(HexB256));

impl Quantity {
    fn u64(self, field: &str) -> Result<u64, String> {
        u64::try_from(self.0).map_err(|_| format!("{field}: {} does not fit in 64 bits", self.0))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountJson {
    #[serde(default)]
    balance: Quantity,
    #[serde(default)]
    nonce: Quantity,
    #[serde(default)]
    code: HexBytes,
    #[serde(default)]
    storage: BTreeMap<Quantity32, Quantity>,
}

/// A storage key: a number up to 2^256 - 1, in hex or decimal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Quantity32(B256);
from_string!(Quantity32, |text: &str| parse_quantity(text)
    .map(|value| Quantity32(value.to_be_bytes::<32>())));

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EnvJson {
    current_coinbase: HexAddress,
    #[serde(default)]
    current_number: Option<Quantity>,
    #[serde(default)]
    current_timestamp: Option<Quantity>,
    current_gas_limit: Quantity,
    #[serde(default)]
    current_base_fee: Quantity,
    #[serde(default)]
    current_random: HexB256,
    #[serde(default)]
    current_excess_blob_gas: Quantity,
    #[serde(default = "default_chain_id")]
    chain_id: Quantity,
    #[serde(default)]
    block_hashes: Vec<HexB256>,
    /// The fork whose rules the block runs under (default Cancun).
    #[serde(default)]
    fork: Option<String>,
    /// Whether native resources bound the block (default true; false only to run a block
    /// by Ethereum's gas rules alone, as a state test does).
    #[serde(default = "default_native_limits")]
    native_limits: bool,
}

fn default_native_limits() -> bool {
    true
}

fn default_chain_id() -> Quantity {
    Quantity(U256::from(1))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockJson {
    env: EnvJson,
    transactions: Vec<HexBytes>,
}

fn read(path: &Path) -> Result<String, InputError> {
    std::fs::read_to_string(path).map_err(|error| InputError {
        file: path.display().to_string(),
        message: format!("cannot read: {error}"),
    })
}

fn parse_json<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, InputError> {
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let message = if path == "." {
            inner.to_string()
        } else {
            format!("field `{path}`: {inner}")
        };
        InputError {
            file: file.into(),
            message,
        }
    })
}

pub fn parse_state_str(file: &str, text: &str) -> Result<PreState, InputError> {
    let accounts: BTreeMap<HexAddress, AccountJson> = parse_json(file, text)?;
    accounts
        .into_iter()
        .map(|(HexAddress(address), account)| {
            let nonce = account.nonce.u64("nonce").map_err(|message| InputError {
                file: file.into(),
                message: format!("field `0x{}.nonce`: {message}", hex::encode(address)),
            })?;
            if account.code.0.len() > MAX_CODE_LEN as usize {
                return Err(InputError {
                    file: file.into(),
                    message: format!(
                        "field `0x{}.code`: {} bytes, at most {MAX_CODE_LEN} in one account (the guest's limit)",
                        hex::encode(address),
                        account.code.0.len()
                    ),
                });
            }
            let storage = account
                .storage
                .into_iter()
                .filter(|(_, value)| !value.0.is_zero())
                .map(|(Quantity32(slot), Quantity(value))| (slot, value))
                .collect();
            Ok((
                address,
                AccountState {
                    balance: account.balance.0,
                    nonce,
                    code: account.code.0,
                    storage,
                },
            ))
        })
        .collect()
}

pub fn parse_state(path: &Path) -> Result<PreState, InputError> {
    parse_state_str(&path.display().to_string(), &read(path)?)
}

/// A BLOCK.json as written: in a chain, the number and timestamp may be left out.
#[derive(Clone, Debug)]
pub struct BlockFile {
    pub env: BlockEnv,
    pub transactions: Vec<Vec<u8>>,
    pub number: Option<u64>,
    pub timestamp: Option<u64>,
    /// `env.blockHashes` (at most 256, oldest first): for a lone block, the newest hashes of
    /// the window of its predecessor; a chain block may not give them.
    pub block_hashes: Vec<B256>,
}

/// A single block: number and timestamp are required (and set in `env`).
pub fn parse_block_str(file: &str, text: &str) -> Result<BlockFile, InputError> {
    let mut block = parse_block_file(file, text)?;
    let missing = |field: &str| InputError {
        file: file.into(),
        message: format!("field `env.{field}`: missing"),
    };
    block.env.number = block.number.ok_or_else(|| missing("currentNumber"))?;
    block.env.timestamp = block.timestamp.ok_or_else(|| missing("currentTimestamp"))?;
    Ok(block)
}

/// A block of a chain (`zkos chain`): the window of block hashes comes from the chain, so
/// `blockHashes` is refused.
pub fn parse_chain_block(path: &Path) -> Result<BlockFile, InputError> {
    let file = path.display().to_string();
    let block = parse_block_file(&file, &read(path)?)?;
    if !block.block_hashes.is_empty() {
        return Err(InputError {
            file,
            message: "field `env.blockHashes`: not allowed in a chain (the chain commits to its own block hashes)".into(),
        });
    }
    Ok(block)
}

fn parse_block_file(file: &str, text: &str) -> Result<BlockFile, InputError> {
    let block: BlockJson = parse_json(file, text)?;
    let error = |message: String| InputError {
        file: file.into(),
        message: format!("field `env.{message}"),
    };
    let env = block.env;
    if env.block_hashes.len() > BLOCK_HASH_WINDOW {
        return Err(error(format!(
            "blockHashes`: {} hashes, at most {BLOCK_HASH_WINDOW}",
            env.block_hashes.len()
        )));
    }
    let u64_field = |name: &str, quantity: Quantity| {
        quantity
            .u64("")
            .map_err(|message| error(format!("{name}`{message}")))
    };
    let optional_u64 =
        |name: &str, quantity: Option<Quantity>| quantity.map(|q| u64_field(name, q)).transpose();
    let number = optional_u64("currentNumber", env.current_number)?;
    let timestamp = optional_u64("currentTimestamp", env.current_timestamp)?;
    let block_hashes = env.block_hashes.iter().map(|hash| hash.0).collect();
    let spec = match env.fork.as_deref() {
        None => Spec::default(),
        Some(name) => Spec::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Spec::ALL.iter().map(|spec| spec.name()).collect();
            error(format!(
                "fork`: unknown fork {name:?}; known forks: {}",
                known.join(", ")
            ))
        })?,
    };
    let env = BlockEnv {
        spec,
        chain_id: u64_field("chainId", env.chain_id)?,
        number: number.unwrap_or(0),
        timestamp: timestamp.unwrap_or(0),
        coinbase: env.current_coinbase.0,
        gas_limit: u64_field("currentGasLimit", env.current_gas_limit)?,
        base_fee: env.current_base_fee.0,
        prevrandao: env.current_random.0,
        excess_blob_gas: u64_field("currentExcessBlobGas", env.current_excess_blob_gas)?,
        native_limits: env.native_limits,
    };
    let transactions: Vec<Vec<u8>> = block.transactions.into_iter().map(|tx| tx.0).collect();
    check_protocol_limits(file, &transactions)?;
    Ok(BlockFile {
        env,
        transactions,
        number,
        timestamp,
        block_hashes,
    })
}

/// The protocol's limits on a block's transactions: a block beyond them has no proof (the
/// guest refuses it), so the host refuses it before running anything.
fn check_protocol_limits(file: &str, transactions: &[Vec<u8>]) -> Result<(), InputError> {
    let error = |message: String| InputError {
        file: file.into(),
        message,
    };
    if transactions.len() > MAX_TRANSACTIONS as usize {
        return Err(error(format!(
            "field `transactions`: {} transactions, at most {MAX_TRANSACTIONS} in a block",
            transactions.len()
        )));
    }
    for (index, tx) in transactions.iter().enumerate() {
        if tx.len() > MAX_TRANSACTION_LEN as usize {
            return Err(error(format!(
                "field `transactions[{index}]`: {} bytes, at most {MAX_TRANSACTION_LEN} in a transaction",
                tx.len()
            )));
        }
    }
    Ok(())
}

pub fn parse_block(path: &Path) -> Result<BlockFile, InputError> {
    parse_block_str(&path.display().to_string(), &read(path)?)
}
