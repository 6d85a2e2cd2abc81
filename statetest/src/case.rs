//! One case of a state test: its pre-state, block and signed transaction, run through
//! the guest OS with the EVM, and checked as clients check it (validity, logs hash,
//! post-state root).
use crate::model::{Env, Indexes, PostEntry, StateTest, TransactionJson};
use crate::run::{run_world, Target};
use crate::transaction::{AccessListEntry, Fees, UnsignedTx, CHAIN_ID};
use crate::trie::{logs_hash, state_root};
use std::fmt::Write;
use std::sync::Arc;
use zkos_runner::input::decode_hex;
use zkos_runner::world::{AccountState, PreState, World};
use zkos_system::block::{BlockEnv, BLOCK_HASH_WINDOW};
use zkos_system::receipt::Outcome;
use zkos_system::types::keccak256;
use zkos_system::{B256, U256};

/// One entry of a test's `post` list for one fork.
#[derive(Clone)]
pub struct Case {
    /// The test file, as given or found.
    pub file: String,
    pub name: String,
    pub fork: String,
    /// Position in the fork's `post` list.
    pub position: usize,
    pub test: Arc<StateTest>,
}

impl Case {
    pub fn entry(&self) -> &PostEntry {
        &self.test.post[&self.fork][self.position]
    }

    pub fn indexes(&self) -> Indexes {
        self.entry().indexes
    }

    /// `file: name [fork] data=D gas=G value=V`.
    pub fn id(&self) -> String {
        let i = self.indexes();
        format!(
            "{}: {} [{}] data={} gas={} value={}",
            self.file, self.name, self.fork, i.data, i.gas, i.value
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail(String),
    Skip(String),
}

/// What a run produced, in the terms a state test checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    pub valid: bool,
    pub state_root: B256,
    pub logs_hash: B256,
    pub post: PreState,
}

fn u64_of(value: U256, what: &str) -> Result<u64, String> {
    u64::try_from(value).map_err(|_| format!("{what} {value} does not fit in 64 bits"))
}

fn parse_slot(text: &str) -> Result<B256, String> {
    let digits = text
        .strip_prefix("0x")
        .ok_or_else(|| format!("storage key {text:?} is not hex"))?;
    let value = U256::from_str_radix(digits, 16)
        .map_err(|error| format!("storage key {text:?}: {error}"))?;
    Ok(value.to_be_bytes::<32>())
}

pub fn pre_state(test: &StateTest) -> Result<PreState, String> {
    let mut pre = PreState::new();
    for (address, account) in &test.pre {
        let mut storage = std::collections::BTreeMap::new();
        for (slot, value) in &account.storage {
            if !value.0.is_zero() {
                storage.insert(parse_slot(slot)?, value.0);
            }
        }
        let state = AccountState {
            balance: account.balance.0,
            nonce: u64_of(account.nonce.0, "nonce")?,
            code: account.code.0.clone(),
            storage,
        };
        pre.insert(address.0, state);
    }
    Ok(pre)
}

/// BLOCKHASH in state tests: keccak256 of the block number's decimal string.
fn block_hashes(number: u64) -> [B256; BLOCK_HASH_WINDOW] {
    core::array::from_fn(|i| {
        let back = (BLOCK_HASH_WINDOW - i) as u64;
        match number.checked_sub(back) {
            Some(n) => keccak256(n.to_string().as_bytes()),
            None => [0; 32],
        }
    })
}

pub fn block_env(env: &Env) -> Result<BlockEnv, String> {
    let number = u64_of(env.current_number.0, "currentNumber")?;
    let prevrandao = match (&env.current_random, &env.current_difficulty) {
        (Some(random), _) => random.0,
        (None, Some(difficulty)) => difficulty.0.to_be_bytes::<32>(),
        (None, None) => [0; 32],
    };
    Ok(BlockEnv {
        chain_id: CHAIN_ID,
        number,
        timestamp: u64_of(env.current_timestamp.0, "currentTimestamp")?,
        coinbase: env.current_coinbase.0,
        gas_limit: u64_of(env.current_gas_limit.0, "currentGasLimit")?,
        base_fee: env.current_base_fee.map_or(U256::ZERO, |fee| fee.0),
        prevrandao,
        excess_blob_gas: u64_of(
            env.current_excess_blob_gas.map_or(U256::ZERO, |gas| gas.0),
            "currentExcessBlobGas",
        )?,
        block_hashes: block_hashes(number),
    })
}

pub fn unsigned_tx(tx: &TransactionJson, indexes: Indexes) -> Result<UnsignedTx, String> {
    let pick = |len: usize, index: usize, what: &str| {
        (index < len)
            .then_some(index)
            .ok_or_else(|| format!("{what} index {index} out of range"))
    };
    let data = &tx.data[pick(tx.data.len(), indexes.data, "data")?].0;
    let gas_limit = tx.gas_limit[pick(tx.gas_limit.len(), indexes.gas, "gas")?]
        .0
        .clone()?;
    let value = tx.value[pick(tx.value.len(), indexes.value, "value")?]
        .0
        .clone()?;
    let fees = match (
        &tx.gas_price,
        &tx.max_fee_per_gas,
        &tx.max_priority_fee_per_gas,
    ) {
        (Some(price), _, _) => Fees::GasPrice(price.0.clone()?),
        (None, Some(max_fee), Some(priority)) => Fees::Dynamic {
            max_fee: max_fee.0.clone()?,
            max_priority_fee: priority.0.clone()?,
        },
        _ => return Err("the transaction has neither a gas price nor fee caps".into()),
    };
    let access_list = tx
        .access_lists
        .as_ref()
        .and_then(|lists| lists.get(indexes.data).cloned().flatten())
        .map(|list| {
            list.into_iter()
                .map(|item| AccessListEntry {
                    address: item.address.0,
                    storage_keys: item.storage_keys.iter().map(|key| key.0).collect(),
                })
                .collect()
        });
    let to = match tx.to.as_str() {
        "" => None,
        text => Some(
            decode_hex(text)?
                .try_into()
                .map_err(|_| format!("`to` {text:?} is not an address"))?,
        ),
    };
    let blob = match &tx.blob_versioned_hashes {
        Some(hashes) => {
            let max_fee = tx
                .max_fee_per_blob_gas
                .as_ref()
                .map_or(Ok(U256::ZERO), |fee| fee.0.clone())?;
            Some((max_fee, hashes.iter().map(|hash| hash.0).collect()))
        }
        None => None,
    };
    let access_list = match (&fees, access_list) {
        (Fees::Dynamic { .. }, None) => Some(Vec::new()),
        (_, list) => list,
    };
    Ok(UnsignedTx {
        nonce: tx.nonce.0.clone()?,
        fees,
        gas_limit,
        to,
        value,
        data: data.clone(),
        access_list,
        blob,
    })
}

/// The raw transaction: signed by us; the test's own bytes only when ours cannot be
/// built (transactions the test makes invalid on purpose).
pub fn raw_transaction(case: &Case) -> Result<Vec<u8>, String> {
    let tx = &case.test.transaction;
    let signed = unsigned_tx(tx, case.indexes()).and_then(|unsigned| {
        unsigned
            .sign(&tx.secret_key.0)
            .map_err(|error| error.to_string())
    });
    match (signed, &case.entry().txbytes) {
        (Ok(raw), _) => Ok(raw),
        (Err(_), Some(bytes)) => Ok(bytes.0.clone()),
        (Err(error), None) => Err(error),
    }
}

pub fn observe(world: &World, target: Target) -> Result<Observed, String> {
    let run = run_world(world, target)?;
    let receipt = run
        .outcome
        .receipts
        .first()
        .ok_or("the guest produced no receipt")?;
    let valid = !matches!(receipt.outcome, Outcome::Invalid(_));
    let post = world.post_state(&run.outcome);
    Ok(Observed {
        valid,
        state_root: state_root(&post),
        logs_hash: logs_hash(&receipt.logs),
        post,
    })
}

/// Runs a case and returns what it observed beside the verdict.
pub fn judge_case(case: &Case, target: Target) -> (Verdict, Option<Observed>) {
    match try_run(case, target) {
        Ok((verdict, observed)) => (verdict, Some(observed)),
        Err(error) => (Verdict::Fail(error), None),
    }
}

fn try_run(case: &Case, target: Target) -> Result<(Verdict, Observed), String> {
    let pre = pre_state(&case.test)?;
    let env = block_env(&case.test.env)?;
    let raw = raw_transaction(case)?;
    let world = World::new(pre, env, vec![raw]);
    let observed = observe(&world, target)?;
    let verdict = judge(case.entry(), &world.pre, &observed);
    Ok((verdict, observed))
}

fn judge(expected: &PostEntry, pre: &PreState, observed: &Observed) -> Verdict {
    let mut problems = String::new();
    match (&expected.expect_exception, observed.valid) {
        (Some(exception), true) => {
            let _ = write!(
                problems,
                "expected an invalid transaction ({exception}), ours was valid; "
            );
        }
        (None, false) => problems.push_str("expected a valid transaction, ours was invalid; "),
        _ => {}
    }
    if expected.logs.0 != observed.logs_hash {
        let _ = write!(
            problems,
            "logs hash expected 0x{} got 0x{}; ",
            hex::encode(expected.logs.0),
            hex::encode(observed.logs_hash)
        );
    }
    if expected.hash.0 != observed.state_root {
        let _ = write!(
            problems,
            "state root expected 0x{} got 0x{}; changed accounts: {}",
            hex::encode(expected.hash.0),
            hex::encode(observed.state_root),
            describe_changes(pre, &observed.post)
        );
    }
    if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(problems.trim_end_matches("; ").to_string())
    }
}

/// The accounts and slots our post-state changed relative to the pre-state.
pub fn describe_changes(pre: &PreState, post: &PreState) -> String {
    let mut out = String::new();
    let empty = AccountState::default();
    let addresses: std::collections::BTreeSet<_> = pre.keys().chain(post.keys()).collect();
    for address in addresses {
        let before = pre.get(address).unwrap_or(&empty);
        let Some(after) = post.get(address) else {
            let _ = write!(out, "\n  0x{} deleted", hex::encode(address));
            continue;
        };
        if before == after {
            continue;
        }
        let _ = write!(
            out,
            "\n  0x{}: nonce {} -> {}, balance {} -> {}",
            hex::encode(address),
            before.nonce,
            after.nonce,
            before.balance,
            after.balance
        );
        if before.code != after.code {
            let _ = write!(
                out,
                ", code {} -> {} bytes",
                before.code.len(),
                after.code.len()
            );
        }
        let slots: std::collections::BTreeSet<_> =
            before.storage.keys().chain(after.storage.keys()).collect();
        for slot in slots {
            let (old, new) = (before.storage.get(slot), after.storage.get(slot));
            if old != new {
                let show =
                    |value: Option<&U256>| value.map_or("0".to_string(), |v| format!("{v:#x}"));
                let _ = write!(
                    out,
                    "\n    slot {:#x}: {} -> {}",
                    U256::from_be_bytes(*slot),
                    show(old),
                    show(new)
                );
            }
        }
    }
    out
}
