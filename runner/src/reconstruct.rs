//! Rebuilding the state from a genesis and the blocks' pubdata alone, as anyone reading L1
//! can: each block's state diff is decoded ([`zkos_system::pubdata`]) and applied to a full
//! state tree, whose root and next free leaf must then equal the chain's.
use crate::tree::HostTree;
use crate::world::{state_tree, AccountState, PreState};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use zkos_system::account::Account;
use zkos_system::hash::SoftwareBlake2s;
use zkos_system::pubdata::{self, apply_account, Body, Preimage, Pubdata, ValueUpdate};
use zkos_system::tree::{account_key, storage_key, Commitment};
use zkos_system::types::{keccak256, KECCAK_EMPTY};
use zkos_system::{Address, B256, U256};

/// Pubdata that cannot be applied: the block, the byte where its fault starts, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReconstructError {
    pub block: u64,
    pub offset: usize,
    pub reason: String,
}

impl fmt::Display for ReconstructError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "block {}: pubdata byte {}: {}",
            self.block, self.offset, self.reason
        )
    }
}

/// The state rebuilt so far.
#[derive(Clone)]
pub struct Reconstruction {
    pub blocks: usize,
    pub tree: HostTree,
    pub post: PreState,
    preimages: HashMap<B256, Preimage>,
}

impl Reconstruction {
    pub fn from_genesis(genesis: PreState) -> Self {
        let hasher = SoftwareBlake2s;
        let mut preimages = HashMap::new();
        for (address, state) in &genesis {
            preimages.insert(account_key(&hasher, address), Preimage::Account(*address));
            for slot in state.storage.keys() {
                preimages.insert(
                    storage_key(&hasher, address, slot),
                    Preimage::Slot(*address, *slot),
                );
            }
        }
        let tree = state_tree(&genesis);
        let mut post = genesis;
        post.retain(|_, state| !state.is_empty());
        Reconstruction {
            blocks: 0,
            tree,
            post,
            preimages,
        }
    }

    pub fn commitment(&self) -> Commitment {
        self.tree.commitment()
    }

    /// Applies block `number`'s pubdata and returns it decoded; on error the state is left
    /// as it was.
    pub fn apply(&mut self, number: u64, bytes: &[u8]) -> Result<Pubdata, ReconstructError> {
        let fail = |offset: usize, reason: &str| ReconstructError {
            block: number,
            offset,
            reason: reason.to_owned(),
        };
        let hasher = SoftwareBlake2s;
        let kind_of = |index: u64| {
            let key = self.tree.key_at(index)?;
            Some(self.preimages.get(&key)?.kind())
        };
        let decoded: Pubdata = pubdata::decode(bytes, &hasher, &kind_of)
            .map_err(|error| fail(error.offset, error.reason))?;
        let bytecodes: Vec<(B256, u32)> = decoded
            .bytecodes
            .iter()
            .map(|code| (keccak256(code), code.len() as u32))
            .collect();
        if bytecodes.windows(2).any(|pair| pair[0].0 >= pair[1].0) {
            return Err(fail(0, "bytecodes not in ascending order of their keccak"));
        }
        // The accounts this block changes, as they end; merged into `post` only on success.
        let mut touched = Touched {
            post: &self.post,
            changed: BTreeMap::new(),
        };
        let mut writes = BTreeMap::new();
        let mut new_preimages = Vec::new();
        for (offset, index, body) in &decoded.existing {
            let key = self.tree.key_at(*index).expect("decode checked the index");
            let preimage = self.preimages[&key];
            let value = apply_body(&mut touched, preimage, body, &bytecodes, &decoded.bytecodes)
                .map_err(|reason| fail(*offset, reason))?;
            writes.insert(key, value);
        }
        for (offset, preimage, body) in &decoded.new {
            let tree_key = preimage.tree_key(&hasher);
            if self.tree.get(&tree_key).is_some() {
                return Err(fail(*offset, "a new key that the tree already holds"));
            }
            let value = apply_body(
                &mut touched,
                *preimage,
                body,
                &bytecodes,
                &decoded.bytecodes,
            )
            .map_err(|reason| fail(*offset, reason))?;
            if value == [0; 32] {
                return Err(fail(*offset, "a new key set to zero"));
            }
            writes.insert(tree_key, value);
            new_preimages.push((tree_key, *preimage));
        }
        for (address, state) in touched.changed {
            if state.is_empty() {
                self.post.remove(&address);
            } else {
                self.post.insert(address, state);
            }
        }
        self.tree.apply(&writes);
        self.preimages.extend(new_preimages);
        self.blocks += 1;
        Ok(decoded)
    }
}

/// The accounts a block changes, over the state before it.
struct Touched<'a> {
    post: &'a PreState,
    changed: BTreeMap<Address, AccountState>,
}

impl Touched<'_> {
    fn account(&mut self, address: Address) -> &mut AccountState {
        let post = self.post;
        self.changed
            .entry(address)
            .or_insert_with(|| post.get(&address).cloned().unwrap_or_default())
    }
}

/// The guest writes each change in one way only (the changed fields, each value in its
/// shortest encoding), so any other encoding is corrupt.
const NOT_SHORTEST: &str = "an unchanged field, or a change not in its shortest encoding";

/// Applies one entry to the post-state and returns the key's new leaf value.
fn apply_body(
    touched: &mut Touched,
    preimage: Preimage,
    body: &Body,
    bytecodes: &[(B256, u32)],
    codes: &[Vec<u8>],
) -> Result<B256, &'static str> {
    match (preimage, body) {
        (Preimage::Account(address), Body::Account(update)) => {
            let state = touched.account(address);
            let before = state.properties();
            let after: Account = apply_account(&before, update, bytecodes)
                .ok_or("an account field leaves its range")?;
            let code_changed = !before.has_same_code(&after);
            let field = |update: Option<ValueUpdate>, before: U256, after: U256| match update {
                None => true,
                Some(update) => before != after && update == ValueUpdate::between(before, after),
            };
            if !field(
                update.nonce,
                U256::from(before.nonce),
                U256::from(after.nonce),
            ) || !field(update.balance, before.balance, after.balance)
                || update.code.is_some() != code_changed
            {
                return Err(NOT_SHORTEST);
            }
            state.nonce = after.nonce;
            state.balance = after.balance;
            if let Some(pubdata::CodeUpdate::Published(index)) = update.code {
                state.code = codes[index as usize].clone();
            } else if after.code_hash == KECCAK_EMPTY {
                state.code.clear();
            }
            Ok(after.leaf_value(&SoftwareBlake2s))
        }
        (Preimage::Slot(address, slot), Body::Slot(update)) => {
            let storage = &mut touched.account(address).storage;
            let before = storage.get(&slot).copied().unwrap_or(U256::ZERO);
            let after = update
                .apply(before)
                .ok_or("a slot value leaves its range")?;
            if after == before {
                return Err("a slot change that changes nothing");
            }
            if *update != ValueUpdate::between(before, after) {
                return Err(NOT_SHORTEST);
            }
            if after.is_zero() {
                storage.remove(&slot);
            } else {
                storage.insert(slot, after);
            }
            Ok(after.to_be_bytes::<32>())
        }
        _ => Err("an entry of the wrong kind for its key"),
    }
}
