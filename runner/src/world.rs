//! Everything the host knows before a block runs: the pre-state (and its tree, account
//! preimages and code), the block environment and the raw transactions.
use crate::tree::HostTree;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;
use zkos_system::account::{Account, ACCOUNT_ENCODED_LEN};
use zkos_system::block::BlockEnv;
use zkos_system::chain::{BlockHashes, ChainState, VerifiedWindow, WindowSlot, WindowTree};
use zkos_system::executor::BlockOutcome;
use zkos_system::hash::{Blake2s, SoftwareBlake2s};
use zkos_system::output::{seal_block, SealedBlock};
use zkos_system::tree::{account_key, storage_key, Commitment};
use zkos_system::tree::{KeyRead, StateOracle};
use zkos_system::types::{keccak256, KECCAK_EMPTY};
use zkos_system::Fatal;
use zkos_system::{Address, B256, U256};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountState {
    pub balance: U256,
    pub nonce: u64,
    pub code: Vec<u8>,
    pub storage: BTreeMap<B256, U256>,
}

impl AccountState {
    pub fn properties(&self) -> Account {
        Account {
            nonce: self.nonce,
            balance: self.balance,
            code_hash: if self.code.is_empty() {
                KECCAK_EMPTY
            } else {
                keccak256(&self.code)
            },
            code_len: self.code.len() as u32,
        }
    }

    /// Nothing to store: an empty account with no non-zero slot.
    pub fn is_empty(&self) -> bool {
        self.properties().is_empty() && self.storage.values().all(U256::is_zero)
    }
}

pub type PreState = BTreeMap<Address, AccountState>;

pub struct World {
    pub pre: PreState,
    pub env: BlockEnv,
    /// The previous chain state's window of block hashes (the last 8192 blocks).
    pub block_hashes: BlockHashes,
    /// The previous block's number and timestamp.
    pub previous_number: u64,
    pub previous_timestamp: u64,
    pub transactions: Vec<Vec<u8>>,
    pub tree: HostTree,
    pub preimages: HashMap<B256, [u8; ACCOUNT_ENCODED_LEN]>,
    pub codes: HashMap<B256, Vec<u8>>,
    /// The window's tree for the window it was built from (the oracle answers many slots).
    window_tree: Mutex<Option<(u64, BlockHashes, WindowTree)>>,
}

/// The tree writes that turn the empty state into `accounts` (or apply a diff).
fn state_writes<'a>(
    accounts: impl Iterator<Item = (&'a Address, Account)>,
    storage: impl Iterator<Item = (&'a Address, &'a B256, &'a U256)>,
) -> BTreeMap<B256, B256> {
    let hasher = SoftwareBlake2s;
    let mut writes = BTreeMap::new();
    for (address, account) in accounts {
        writes.insert(account_key(&hasher, address), account.leaf_value(&hasher));
    }
    for (address, slot, value) in storage {
        writes.insert(
            storage_key(&hasher, address, slot),
            value.to_be_bytes::<32>(),
        );
    }
    writes
}

/// The state tree of `pre`, built from the empty tree as a genesis is.
pub fn state_tree(pre: &PreState) -> HostTree {
    let mut tree = HostTree::new();
    tree.apply(&state_writes(
        pre.iter()
            .map(|(address, state)| (address, state.properties())),
        pre.iter().flat_map(|(address, state)| {
            state
                .storage
                .iter()
                .map(move |(slot, value)| (address, slot, value))
        }),
    ));
    tree
}

fn diff_writes(outcome: &BlockOutcome) -> BTreeMap<B256, B256> {
    let diff = &outcome.diff;
    state_writes(
        diff.accounts
            .iter()
            .map(|account| (&account.address, account.change.after)),
        diff.storage
            .iter()
            .map(|slot| (&slot.address, &slot.slot, &slot.change.after)),
    )
}

impl World {
    pub fn new(pre: PreState, env: BlockEnv, transactions: Vec<Vec<u8>>) -> Self {
        let hasher = SoftwareBlake2s;
        let tree = state_tree(&pre);
        let mut preimages = HashMap::new();
        let mut codes = HashMap::new();
        for state in pre.values() {
            let account = state.properties();
            if !account.is_empty() {
                preimages.insert(hasher.hash(&account.encode()), account.encode());
            }
            if !state.code.is_empty() {
                codes.insert(account.code_hash, state.code.clone());
            }
        }
        World {
            previous_number: env.number.wrapping_sub(1),
            block_hashes: BlockHashes::empty(),
            pre,
            env,
            previous_timestamp: 0,
            transactions,
            tree,
            preimages,
            codes,
            window_tree: Mutex::new(None),
        }
    }

    /// The world of a block file run alone (`zkos run`): its `blockHashes` end the window.
    pub fn of_block_file(pre: PreState, block: crate::input::BlockFile) -> Option<Self> {
        World::new(pre, block.env, block.transactions).with_recent_hashes(&block.block_hashes)
    }

    /// The world of a lone block (`zkos run`, a state test) whose predecessor's window ends
    /// in the hashes `recent` (oldest first), zero before them; `None` for more hashes than
    /// the window holds.
    pub fn with_recent_hashes(mut self, recent: &[B256]) -> Option<Self> {
        self.block_hashes = BlockHashes::from_recent(recent)?;
        Some(self)
    }

    pub fn commitment(&self) -> Commitment {
        self.tree.commitment()
    }

    /// `f` of the previous chain state's window tree, built once for the window in force.
    fn with_window_tree<R>(&self, f: impl FnOnce(&WindowTree) -> R) -> R {
        let mut cached = self.window_tree.lock().expect("no panic while held");
        let (number, hashes) = (self.previous_number, &self.block_hashes);
        let fresh = matches!(&*cached, Some((n, h, _)) if (*n, h) == (number, hashes));
        if !fresh {
            let tree = hashes.tree(&SoftwareBlake2s, number);
            *cached = Some((number, hashes.clone(), tree));
        }
        f(&cached.as_ref().expect("just filled").2)
    }

    /// The oracle's answer for a slot of the previous chain state's window.
    pub fn window_slot(&self, slot: u64) -> WindowSlot {
        self.with_window_tree(|tree| tree.slot_proof(slot))
    }

    /// The chain state before the block: the pre-state's tree, the previous block's number
    /// and timestamp, and the window of block hashes the block was given. A lone block's
    /// predecessor is block `number - 1` at timestamp 0 (the state tests' convention).
    pub fn previous_chain_state(&self) -> ChainState {
        ChainState {
            state: self.commitment(),
            block_number: self.previous_number,
            last_timestamp: self.previous_timestamp,
            block_hashes: self.with_window_tree(WindowTree::root),
        }
    }

    /// The host's own sealing of the block the guest executed (the same code, its window
    /// slots answered from the host's copy).
    pub fn seal(&self, outcome: &BlockOutcome) -> Result<SealedBlock, Fatal> {
        let previous = self.previous_chain_state();
        let mut window = VerifiedWindow::new(previous.block_hashes, self.env.number);
        let mut slots = WindowSlots(self);
        seal_block(
            &SoftwareBlake2s,
            &previous,
            &mut window,
            &mut slots,
            &self.env,
            &self.transactions,
            outcome,
        )
    }

    /// The host's own computation of the commitment after `outcome`'s diff.
    pub fn commitment_after(&self, outcome: &BlockOutcome) -> Commitment {
        let mut tree = self.tree.clone();
        tree.apply(&diff_writes(outcome));
        tree.commitment()
    }

    /// The commitment the guest's tree must hold after this block if it ends in `post`
    /// (in the pre-state's format): the pre-state's tree with every account and slot of
    /// either state written, new keys appended in ascending order as the guest appends them.
    /// It depends on `post` alone, not on what a run reported.
    pub fn commitment_of_state(&self, post: &PreState) -> Commitment {
        const ZERO: U256 = U256::ZERO;
        let empty = AccountState::default();
        let addresses: BTreeSet<&Address> = self.pre.keys().chain(post.keys()).collect();
        let state_of = |address: &Address| post.get(address).unwrap_or(&empty);
        let slots = addresses.iter().flat_map(|&address| {
            let before = self.pre.get(address).map(|state| &state.storage);
            let after = &state_of(address).storage;
            let keys: BTreeSet<&B256> = before
                .into_iter()
                .flat_map(|s| s.keys())
                .chain(after.keys())
                .collect();
            keys.into_iter()
                .map(move |slot| (address, slot, after.get(slot).unwrap_or(&ZERO)))
        });
        let writes = state_writes(
            addresses
                .iter()
                .map(|&address| (address, state_of(address).properties())),
            slots,
        );
        let mut tree = self.tree.clone();
        tree.apply(&writes);
        tree.commitment()
    }

    /// The world of the next block of a chain: this block's post-state, its tree grown by the
    /// diff in the guest's order (so leaf indexes match), and the window after this block.
    pub fn successor(
        &self,
        outcome: &BlockOutcome,
        sealed: &SealedBlock,
        env: BlockEnv,
        transactions: Vec<Vec<u8>>,
    ) -> World {
        let hasher = SoftwareBlake2s;
        let mut tree = self.tree.clone();
        tree.apply(&diff_writes(outcome));
        let mut preimages = self.preimages.clone();
        for account in outcome.diff.accounts.iter().map(|a| a.change.after) {
            if !account.is_empty() {
                preimages.insert(hasher.hash(&account.encode()), account.encode());
            }
        }
        let mut codes = self.codes.clone();
        codes.extend(outcome.diff.codes.iter().cloned());
        let block_hashes = self.block_hashes.pushed(sealed.block_hash);
        World {
            block_hashes,
            pre: self.post_state(outcome),
            env,
            previous_number: self.env.number,
            previous_timestamp: self.env.timestamp,
            transactions,
            tree,
            preimages,
            codes,
            window_tree: Mutex::new(None),
        }
    }

    /// The post-state in the pre-state's format.
    pub fn post_state(&self, outcome: &BlockOutcome) -> PreState {
        let mut post = self.pre.clone();
        let new_codes: HashMap<&B256, &Vec<u8>> = outcome
            .diff
            .codes
            .iter()
            .map(|(hash, code)| (hash, code))
            .collect();
        for change in &outcome.diff.accounts {
            let (address, account) = (&change.address, change.change.after);
            let state = post.entry(*address).or_default();
            state.balance = account.balance;
            state.nonce = account.nonce;
            if account.code_hash != state.properties().code_hash {
                state.code = match account.code_hash {
                    KECCAK_EMPTY => Vec::new(),
                    hash => new_codes
                        .get(&hash)
                        .map(|code| code.to_vec())
                        .or_else(|| self.codes.get(&hash).cloned())
                        .unwrap_or_default(),
                };
            }
        }
        for change in &outcome.diff.storage {
            let (address, slot, value) = (&change.address, &change.slot, &change.change.after);
            let storage = &mut post.entry(*address).or_default().storage;
            if value.is_zero() {
                storage.remove(slot);
            } else {
                storage.insert(*slot, *value);
            }
        }
        post.retain(|_, state| !state.is_empty());
        post
    }
}

/// Answers only the window's slots: sealing reads nothing else.
struct WindowSlots<'w>(&'w World);

impl StateOracle for WindowSlots<'_> {
    fn read_key(&mut self, _: &B256) -> Result<KeyRead, Fatal> {
        Err(Fatal::new("sealing reads no state"))
    }

    fn leaf_path(&mut self, _: u64) -> Result<Vec<B256>, Fatal> {
        Err(Fatal::new("sealing reads no state"))
    }

    fn account_preimage(&mut self, _: &B256) -> Result<[u8; ACCOUNT_ENCODED_LEN], Fatal> {
        Err(Fatal::new("sealing reads no state"))
    }

    fn bytecode(&mut self, _: &B256, _: u32) -> Result<Vec<u8>, Fatal> {
        Err(Fatal::new("sealing reads no state"))
    }

    fn block_hash_slot(&mut self, slot: u32) -> Result<WindowSlot, Fatal> {
        Ok(self.0.window_slot(slot as u64))
    }
}
