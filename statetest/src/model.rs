//! The state test file format (see `shared/ethtests/README.md`): one JSON object maps
//! test names to tests.
use serde::Deserialize;
use std::collections::BTreeMap;
use zkos_runner::input::{HexAddress, HexB256, HexBytes, Quantity};
use zkos_system::U256;

pub type TestFile = BTreeMap<String, StateTest>;

#[derive(Deserialize)]
pub struct StateTest {
    pub env: Env,
    pub pre: BTreeMap<HexAddress, PreAccount>,
    pub transaction: TransactionJson,
    pub post: BTreeMap<String, Vec<PostEntry>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Env {
    pub current_coinbase: HexAddress,
    pub current_gas_limit: Quantity,
    pub current_number: Quantity,
    pub current_timestamp: Quantity,
    #[serde(default)]
    pub current_random: Option<HexB256>,
    #[serde(default)]
    pub current_difficulty: Option<Quantity>,
    #[serde(default)]
    pub current_base_fee: Option<Quantity>,
    #[serde(default)]
    pub current_excess_blob_gas: Option<Quantity>,
}

#[derive(Deserialize)]
pub struct PreAccount {
    #[serde(default)]
    pub balance: Quantity,
    #[serde(default)]
    pub nonce: Quantity,
    #[serde(default)]
    pub code: HexBytes,
    /// Slot (a hex number) -> value.
    #[serde(default)]
    pub storage: BTreeMap<String, Quantity>,
}

#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessListItemJson {
    pub address: HexAddress,
    pub storage_keys: Vec<HexB256>,
}

/// A transaction number kept as the test wrote it: some tests write values that do not
/// fit in 256 bits (`0x:bigint 0x1...`) to build invalid transactions.
#[derive(Clone, Debug)]
pub struct Lenient(pub Result<U256, String>);

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let digits = text.trim_start_matches("0x:bigint ");
        let parsed = match digits.strip_prefix("0x") {
            Some("") => Ok(U256::ZERO),
            Some(hex) => U256::from_str_radix(hex, 16),
            None => U256::from_str_radix(digits, 10),
        };
        Ok(Lenient(
            parsed.map_err(|error| format!("{text:?}: {error}")),
        ))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionJson {
    pub data: Vec<HexBytes>,
    pub gas_limit: Vec<Lenient>,
    pub value: Vec<Lenient>,
    pub nonce: Lenient,
    /// `""` for a creation.
    pub to: String,
    pub secret_key: HexB256,
    #[serde(default)]
    pub gas_price: Option<Lenient>,
    #[serde(default)]
    pub max_fee_per_gas: Option<Lenient>,
    #[serde(default)]
    pub max_priority_fee_per_gas: Option<Lenient>,
    #[serde(default)]
    pub access_lists: Option<Vec<Option<Vec<AccessListItemJson>>>>,
    #[serde(default)]
    pub max_fee_per_blob_gas: Option<Lenient>,
    #[serde(default)]
    pub blob_versioned_hashes: Option<Vec<HexB256>>,
}

#[derive(Clone, Copy, Deserialize)]
pub struct Indexes {
    pub data: usize,
    pub gas: usize,
    pub value: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostEntry {
    pub indexes: Indexes,
    pub hash: HexB256,
    pub logs: HexB256,
    #[serde(default)]
    pub txbytes: Option<HexBytes>,
    #[serde(default)]
    pub expect_exception: Option<String>,
    /// The expected post-state, account by account (newer fillers write it).
    #[serde(default)]
    pub state: Option<BTreeMap<HexAddress, PreAccount>>,
}
