//! One case of a state test: its pre-state, block and signed transaction, run through
//! the guest OS with the EVM, and checked as clients check it (validity, logs hash,
//! post-state root).
use crate::exception::{self, Agreement};
use crate::model::{Env, Indexes, PostEntry, PreAccount, StateTest, TransactionJson};
use crate::run::{run_world, Target};
use crate::transaction::{AccessListEntry, Fees, UnsignedTx, CHAIN_ID};
use crate::trie::{logs_hash, state_root};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;
use zkos_runner::input::decode_hex;
use zkos_runner::input::HexAddress;
use zkos_runner::native::GuestRun;
use zkos_runner::world::{AccountState, PreState, World};
use zkos_system::block::{BlockEnv, BLOCK_HASH_WINDOW};
use zkos_system::output::hash_to_words;
use zkos_system::receipt::{InvalidTx, Outcome};
use zkos_system::spec::Spec;
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
    /// Why the transaction was invalid, when it was (`None`: it was executed).
    pub invalid: Option<InvalidTx>,
    /// The proof's public input (the guest's 8 output words).
    pub public_input: [u32; 8],
    /// Whether that public input commits to the host tree of the expected post-state:
    /// `None` when the expected post-state is not known (no `state` and a root mismatch).
    pub commits_to_expected: Option<bool>,
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
    accounts(&test.pre)
}

/// A test's `pre` or expected `state` as our state (zero slots left out).
fn accounts(accounts: &BTreeMap<HexAddress, PreAccount>) -> Result<PreState, String> {
    let mut pre = PreState::new();
    for (address, account) in accounts {
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

/// BLOCKHASH in state tests: keccak256 of the block number's decimal string, for the 256
/// blocks before `number` (oldest first).
fn block_hashes(number: u64) -> Vec<B256> {
    (number.saturating_sub(BLOCK_HASH_WINDOW as u64)..number)
        .map(|n| keccak256(n.to_string().as_bytes()))
        .collect()
}

pub fn block_env(env: &Env) -> Result<BlockEnv, String> {
    let number = u64_of(env.current_number.0, "currentNumber")?;
    let prevrandao = match (&env.current_random, &env.current_difficulty) {
        (Some(random), _) => random.0,
        (None, Some(difficulty)) => difficulty.0.to_be_bytes::<32>(),
        (None, None) => [0; 32],
    };
    Ok(BlockEnv {
        spec: Default::default(),
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
        native_limits: false,
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

/// The raw transaction: the test's own bytes when it gives them, else signed by us from
/// its fields.
pub fn raw_transaction(case: &Case) -> Result<Vec<u8>, String> {
    if let Some(bytes) = &case.entry().txbytes {
        return Ok(bytes.0.clone());
    }
    let tx = &case.test.transaction;
    unsigned_tx(tx, case.indexes()).and_then(|unsigned| {
        unsigned
            .sign(&tx.secret_key.0)
            .map_err(|error| error.to_string())
    })
}

/// Runs the world's block and reads it as a state test does; `expected_state` is the file's
/// post-state, if it gives one, for the commitment check.
pub fn observe(
    world: &World,
    target: Target,
    expected: &PostEntry,
    expected_state: Option<PreState>,
) -> Result<Observed, String> {
    let run = run_world(world, target)?;
    let receipt = run
        .outcome
        .receipts
        .first()
        .ok_or("the guest produced no receipt")?;
    let invalid = match receipt.outcome {
        Outcome::Invalid(reason) => Some(reason),
        _ => None,
    };
    let post = world.post_state(&run.outcome);
    let state_root = state_root(&post);
    let expected_post =
        expected_state.or_else(|| (expected.hash.0 == state_root).then(|| post.clone()));
    let commits_to_expected = match expected_post {
        Some(state) => Some(commits_to(world, &run, &state)?),
        None => None,
    };
    Ok(Observed {
        invalid,
        public_input: run.output,
        commits_to_expected,
        state_root,
        logs_hash: logs_hash(&receipt.logs),
        post,
    })
}

/// Whether the run's public input is the host's sealing of its block with the new state
/// commitment replaced by the host tree's commitment of `expected`: what the proof binds
/// is then that state.
fn commits_to(world: &World, run: &GuestRun, expected: &PreState) -> Result<bool, String> {
    let mut outcome = run.outcome.clone();
    outcome.commitment = world.commitment_of_state(expected);
    let sealed = world
        .seal(&outcome)
        .map_err(|fatal| format!("the host could not seal the block: {fatal}"))?;
    Ok(hash_to_words(&sealed.public_input) == run.output)
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
    let mut env = block_env(&case.test.env)?;
    env.spec = Spec::from_name(&case.fork).unwrap_or_default();
    let raw = raw_transaction(case)?;
    let recent = block_hashes(env.number);
    let world = World::new(pre, env, vec![raw])
        .with_recent_hashes(&recent)
        .ok_or("more block hashes than the window holds")?;
    let expected = case.entry();
    let expected_state = expected.state.as_ref().map(accounts).transpose();
    let observed = observe(
        &world,
        target,
        expected,
        expected_state.clone().ok().flatten(),
    )?;
    let verdict = judge(expected, expected_state, &world.pre, &observed);
    Ok((verdict, observed))
}

fn judge(
    expected: &PostEntry,
    expected_state: Result<Option<PreState>, String>,
    pre: &PreState,
    observed: &Observed,
) -> Verdict {
    let mut problems = String::new();
    match (&expected.expect_exception, observed.invalid) {
        (Some(exception), None) => {
            let _ = write!(
                problems,
                "expected an invalid transaction ({exception}), ours was valid; "
            );
        }
        (Some(exception), Some(ours)) => {
            if exception::compare(exception, ours) == Agreement::Different {
                let _ = write!(
                    problems,
                    "expected invalid for {exception}, ours was invalid for another reason: {} ({ours:?}); ",
                    ours.name()
                );
            }
        }
        (None, Some(ours)) => {
            let _ = write!(
                problems,
                "expected a valid transaction, ours was invalid: {}; ",
                ours.name()
            );
        }
        (None, None) => {}
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
            "state root expected 0x{} got 0x{}; ",
            hex::encode(expected.hash.0),
            hex::encode(observed.state_root),
        );
        match expected_state {
            Ok(Some(want)) => problems.push_str(&describe_differences(&want, &observed.post)),
            Err(error) => {
                let _ = write!(problems, "the expected post-state is unreadable: {error}");
            }
            Ok(None) => {
                let _ = write!(
                    problems,
                    "changed accounts (the file gives no post-state to compare with): {}",
                    describe_changes(pre, &observed.post)
                );
            }
        }
        problems.push_str("; ");
    }
    if observed.commits_to_expected == Some(false) {
        problems.push_str(
            "the proof's public input does not commit to the host tree of the expected post-state; ",
        );
    }
    if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(problems.trim_end_matches("; ").to_string())
    }
}

/// Every account and slot where our post-state differs from the expected one, or a word
/// that they agree account by account (so the difference is in the root's computation).
pub fn describe_differences(want: &PreState, ours: &PreState) -> String {
    let mut out = String::new();
    let addresses: std::collections::BTreeSet<_> = want.keys().chain(ours.keys()).collect();
    for address in addresses {
        let name = format!("0x{}", hex::encode(address));
        match (want.get(address), ours.get(address)) {
            (Some(want), None) => {
                let _ = write!(
                    out,
                    "\n  {name} should exist (nonce {}, balance {}), ours does not",
                    want.nonce, want.balance
                );
            }
            (None, Some(ours)) => {
                let _ = write!(
                    out,
                    "\n  {name} should not exist, ours has nonce {}, balance {}, {} code bytes, {} slots",
                    ours.nonce,
                    ours.balance,
                    ours.code.len(),
                    ours.storage.len()
                );
            }
            (Some(want), Some(ours)) if want != ours => {
                let _ = write!(out, "\n  {name}:");
                if want.nonce != ours.nonce {
                    let _ = write!(out, " nonce expected {} ours {};", want.nonce, ours.nonce);
                }
                if want.balance != ours.balance {
                    let _ = write!(
                        out,
                        " balance expected {} ours {};",
                        want.balance, ours.balance
                    );
                }
                if want.code != ours.code {
                    let _ = write!(
                        out,
                        " code expected {} bytes (keccak 0x{}) ours {} bytes (keccak 0x{});",
                        want.code.len(),
                        hex::encode(keccak256(&want.code)),
                        ours.code.len(),
                        hex::encode(keccak256(&ours.code))
                    );
                }
                let slots: std::collections::BTreeSet<_> =
                    want.storage.keys().chain(ours.storage.keys()).collect();
                for slot in slots {
                    let (expected, got) = (want.storage.get(slot), ours.storage.get(slot));
                    if expected != got {
                        let _ = write!(
                            out,
                            "\n    slot {:#x}: expected {} ours {}",
                            U256::from_be_bytes(*slot),
                            slot_value(expected),
                            slot_value(got)
                        );
                    }
                }
            }
            _ => {}
        }
    }
    if out.is_empty() {
        out.push_str("the post-states agree account by account, so the root computation differs");
    }
    out
}

/// A slot's value as the messages show it (an absent slot is zero).
fn slot_value(value: Option<&U256>) -> String {
    value.map_or("0".to_string(), |v| format!("{v:#x}"))
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
                let _ = write!(
                    out,
                    "\n    slot {:#x}: {} -> {}",
                    U256::from_be_bytes(*slot),
                    slot_value(old),
                    slot_value(new)
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod difference_tests {
    use super::*;

    fn account(nonce: u64, balance: u64, slots: &[(u8, u64)]) -> AccountState {
        AccountState {
            nonce,
            balance: U256::from(balance),
            code: Vec::new(),
            storage: slots
                .iter()
                .map(|&(slot, value)| ([slot; 32], U256::from(value)))
                .collect(),
        }
    }

    #[test]
    fn every_difference_is_named() {
        let want: PreState = [
            ([1; 20], account(1, 10, &[(7, 5)])),
            ([2; 20], account(0, 3, &[])),
        ]
        .into();
        let ours: PreState = [
            ([1; 20], account(2, 10, &[(7, 6), (8, 1)])),
            ([3; 20], account(0, 4, &[])),
        ]
        .into();
        let text = describe_differences(&want, &ours);
        let one = format!("0x{}", hex::encode([1u8; 20]));
        assert!(
            text.contains(&format!("{one}: nonce expected 1 ours 2;")),
            "{text}"
        );
        assert!(!text.contains("balance expected 10"), "{text}");
        assert!(
            text.contains(&format!(
                "slot {:#x}: expected 0x5 ours 0x6",
                U256::from_be_bytes([7; 32])
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "slot {:#x}: expected 0 ours 0x1",
                U256::from_be_bytes([8; 32])
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "0x{} should exist (nonce 0, balance 3)",
                hex::encode([2u8; 20])
            )),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "0x{} should not exist, ours has nonce 0, balance 4",
                hex::encode([3u8; 20])
            )),
            "{text}"
        );
    }

    #[test]
    fn equal_states_say_the_root_computation_differs() {
        let state: PreState = [([1; 20], account(1, 10, &[]))].into();
        assert!(describe_differences(&state, &state).contains("root computation differs"));
    }
}
