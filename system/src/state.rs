//! The journaled state of a block: accounts, code, storage, transient storage, logs,
//! L2->L1 messages and access lists. Everything is loaded lazily from the
//! [`StateOracle`] and checked against the previous commitment by the [`VerifiedTree`].
//! Changes are journaled so that [`State::revert_to`] undoes exactly what happened
//! after a [`State::snapshot`].
use crate::account::Account;
use crate::chain::VerifiedWindow;
use crate::fast_map::{FastMap, FastSet};
use crate::hash::Blake2s;
use crate::history::{self, HISTORY_SERVE_WINDOW, HISTORY_STORAGE_ADDRESS};
use crate::set_code;
use crate::spec::Spec;
use crate::tree::{account_key, storage_key, Commitment, StateOracle, VerifiedTree};
use crate::types::{keccak256, Address, B256, KECCAK_EMPTY, U256};
use crate::Fatal;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::rc::Rc;
use alloc::vec::Vec;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log {
    pub address: Address,
    pub topics: Vec<B256>,
    pub data: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct L2ToL1Message {
    pub sender: Address,
    pub data: Vec<u8>,
}

/// A storage slot as SSTORE gas metering needs it (EIP-2200): the value at the start of
/// the transaction and the current one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotValue {
    pub original: U256,
    pub current: U256,
}

struct Cached<T> {
    key: B256,
    committed: T,
    current: T,
}

enum Entry {
    Account(Address, Account),
    Storage(Address, B256, U256),
    Transient(Address, B256, U256),
    WarmAccount(Address),
    WarmSlot(Address, B256),
    Log,
    Message,
    Created(Address),
    Destructed(Address),
}

/// One key whose value the block changed: its tree key, its leaf index when the key was
/// already in the tree (`None`: the block appends it), and its values before and after.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change<T> {
    pub key: B256,
    pub leaf: Option<u64>,
    pub before: T,
    pub after: T,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountChange {
    pub address: Address,
    pub change: Change<Account>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotChange {
    pub address: Address,
    pub slot: B256,
    pub change: Change<U256>,
}

/// What the block changed, compared with the previous state: accounts by address and slots
/// by (address, slot), ascending.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateDiff {
    pub accounts: Vec<AccountChange>,
    pub storage: Vec<SlotChange>,
    /// Code deployed in this block that a changed account holds at its end, by keccak hash
    /// (ascending).
    pub codes: Vec<(B256, Vec<u8>)>,
}

pub struct State<'a> {
    hasher: &'a dyn Blake2s,
    oracle: &'a mut dyn StateOracle,
    tree: VerifiedTree<'a>,
    window: VerifiedWindow,
    /// The block's fork (whether the EIP-2935 contract's storage is the window).
    spec: Spec,
    accounts: FastMap<Address, Cached<Account>>,
    storage: BTreeMap<(Address, B256), Cached<U256>>,
    codes: BTreeMap<B256, Rc<[u8]>>,
    deployed_codes: BTreeSet<B256>,
    tx_original_storage: BTreeMap<(Address, B256), U256>,
    transient: BTreeMap<(Address, B256), U256>,
    warm_accounts: FastSet<Address>,
    /// Warm in every transaction (EIP-2929's precompiles), sorted: never inserted into
    /// `warm_accounts` and never cooled by a revert.
    always_warm: Vec<Address>,
    warm_slots: BTreeSet<(Address, B256)>,
    logs: Vec<Log>,
    messages: Vec<L2ToL1Message>,
    created: BTreeSet<Address>,
    /// Accounts created in this transaction that ran SELFDESTRUCT (EIP-6780): deleted
    /// when the transaction ends.
    destructed: BTreeSet<Address>,
    journal: Vec<Entry>,
}

/// What [`State::transfer`] did.
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transfer {
    Done,
    InsufficientBalance,
    /// The recipient's balance would pass 2^256 - 1.
    Overflow,
}

/// Largest code the oracle may hand over (far above EIP-170; bounds what a lie can allocate).
/// A chain cannot deploy such code, so only a genesis could hold it: the host refuses one.
pub const MAX_CODE_LEN: u32 = 1 << 20;

impl<'a> State<'a> {
    pub fn new(
        hasher: &'a dyn Blake2s,
        oracle: &'a mut dyn StateOracle,
        commitment: Commitment,
        window: VerifiedWindow,
        spec: Spec,
    ) -> Self {
        State {
            hasher,
            oracle,
            tree: VerifiedTree::new(hasher, commitment),
            window,
            spec,
            accounts: FastMap::default(),
            storage: BTreeMap::new(),
            codes: BTreeMap::new(),
            deployed_codes: BTreeSet::new(),
            tx_original_storage: BTreeMap::new(),
            transient: BTreeMap::new(),
            warm_accounts: FastSet::default(),
            always_warm: Vec::new(),
            warm_slots: BTreeSet::new(),
            logs: Vec::new(),
            messages: Vec::new(),
            created: BTreeSet::new(),
            destructed: BTreeSet::new(),
            journal: Vec::new(),
        }
    }

    pub fn hasher(&self) -> &'a dyn Blake2s {
        self.hasher
    }

    /// BLOCKHASH, from the verified window.
    pub fn block_hash(&mut self, number: u64) -> Result<B256, Fatal> {
        self.window.block_hash(self.hasher, self.oracle, number)
    }

    fn read_tree(&mut self, key: &B256) -> Result<B256, Fatal> {
        let answer = self.oracle.read_key(key)?;
        self.tree.read(key, &answer)
    }

    fn load_account(&mut self, address: &Address) -> Result<&mut Cached<Account>, Fatal> {
        if !self.accounts.contains_key(address) {
            let key = account_key(self.hasher, address);
            let value = self.read_tree(&key)?;
            let account = self.account_from_leaf(&value)?;
            let cached = Cached {
                key,
                committed: account,
                current: account,
            };
            self.accounts.insert(*address, cached);
        }
        Ok(self.accounts.get_mut(address).unwrap())
    }

    fn account_from_leaf(&mut self, value: &B256) -> Result<Account, Fatal> {
        if *value == [0u8; 32] {
            return Ok(Account::EMPTY);
        }
        let preimage = self.oracle.account_preimage(value)?;
        if self.hasher.hash(&preimage) != *value {
            return Err(Fatal::new("account preimage does not match its leaf"));
        }
        let account = Account::decode(&preimage);
        if account.is_empty() {
            return Err(Fatal::new("empty account stored with a non-zero leaf"));
        }
        Ok(account)
    }

    pub fn account(&mut self, address: &Address) -> Result<Account, Fatal> {
        Ok(self.load_account(address)?.current)
    }

    pub fn set_account(&mut self, address: &Address, account: Account) -> Result<(), Fatal> {
        self.update_account(address, |current| *current = account)
    }

    /// Applies `change` to the account.
    pub fn update_account(
        &mut self,
        address: &Address,
        change: impl FnOnce(&mut Account),
    ) -> Result<(), Fatal> {
        let cached = self.load_account(address)?;
        let previous = cached.current;
        change(&mut cached.current);
        self.journal.push(Entry::Account(*address, previous));
        Ok(())
    }

    pub fn code(&mut self, address: &Address) -> Result<Rc<[u8]>, Fatal> {
        let code = self.code_paid_for(address, |_| true)?;
        Ok(code.unwrap_or_else(|| Rc::from(&[][..])))
    }

    /// The code of `address`. Before a load from the oracle (the code's first in the block)
    /// `pay` is asked with the code's length; `None`, and no load, when it refuses.
    pub fn code_paid_for(
        &mut self,
        address: &Address,
        pay: impl FnOnce(u64) -> bool,
    ) -> Result<Option<Rc<[u8]>>, Fatal> {
        let account = self.account(address)?;
        if !account.has_code() {
            return Ok(Some(Rc::from(&[][..])));
        }
        if let Some(code) = self.codes.get(&account.code_hash) {
            return Ok(Some(code.clone()));
        }
        if account.code_len > MAX_CODE_LEN {
            return Err(Fatal::new(
                "committed code is longer than the guest accepts",
            ));
        }
        if !pay(account.code_len as u64) {
            return Ok(None);
        }
        let code = self.oracle.bytecode(&account.code_hash, account.code_len)?;
        if code.len() != account.code_len as usize || keccak256(&code) != account.code_hash {
            return Err(Fatal::new("bytecode does not match its code hash"));
        }
        let code: Rc<[u8]> = Rc::from(code);
        self.codes.insert(account.code_hash, code.clone());
        Ok(Some(code))
    }

    /// EIP-7702 (from Prague; `None` before): the address the account's code delegates to,
    /// if that code is a designator.
    pub fn delegation(&mut self, spec: Spec, address: &Address) -> Result<Option<Address>, Fatal> {
        if !spec.enables(Spec::Prague)
            || self.account(address)?.code_len as usize != set_code::DESIGNATOR_LEN
        {
            return Ok(None);
        }
        Ok(set_code::delegated_address(&self.code(address)?))
    }

    /// Installs `code` as the code of `address` (a creation's result).
    pub fn deploy_code(&mut self, address: &Address, code: Vec<u8>) -> Result<(), Fatal> {
        let code_hash = if code.is_empty() {
            KECCAK_EMPTY
        } else {
            keccak256(&code)
        };
        let code_len = code.len() as u32;
        if !code.is_empty() {
            self.codes.insert(code_hash, Rc::from(code));
            self.deployed_codes.insert(code_hash);
        }
        self.update_account(address, |account| {
            account.code_hash = code_hash;
            account.code_len = code_len;
        })
    }

    /// Moves `value` between accounts, or changes nothing when `from` cannot pay or `to`
    /// cannot hold it (a balance is a 256-bit word).
    pub fn transfer(
        &mut self,
        from: &Address,
        to: &Address,
        value: U256,
    ) -> Result<Transfer, Fatal> {
        if value.is_zero() {
            return Ok(Transfer::Done);
        }
        let from_balance = self.account(from)?.balance;
        if from_balance < value {
            return Ok(Transfer::InsufficientBalance);
        }
        let to_balance = if from == to {
            from_balance - value
        } else {
            self.account(to)?.balance
        };
        let Some(to_balance) = to_balance.checked_add(value) else {
            return Ok(Transfer::Overflow);
        };
        self.update_account(from, |account| account.balance -= value)?;
        self.update_account(to, |account| account.balance = to_balance)?;
        Ok(Transfer::Done)
    }

    /// Adds `value` to a balance, or drops it whole where the balance cannot hold it (as
    /// revm does with fee refunds and tips): the value is burned rather than the block
    /// aborted, and only a genesis with absurd balances can get there.
    pub fn credit(&mut self, address: &Address, value: U256) -> Result<(), Fatal> {
        if value.is_zero() {
            return Ok(());
        }
        match self.account(address)?.balance.checked_add(value) {
            Some(balance) => self.update_account(address, |account| account.balance = balance),
            None => Ok(()),
        }
    }

    fn load_slot(&mut self, address: &Address, slot: &B256) -> Result<&mut Cached<U256>, Fatal> {
        let id = (*address, *slot);
        if !self.storage.contains_key(&id) {
            let key = storage_key(self.hasher, address, slot);
            let value = match self.history_block(address, slot)? {
                Some(served) => served,
                None => U256::from_be_bytes(self.read_tree(&key)?),
            };
            self.storage.insert(
                id,
                Cached {
                    key,
                    committed: value,
                    current: value,
                },
            );
        }
        Ok(self.storage.get_mut(&id).unwrap())
    }

    /// A slot of the EIP-2935 contract: the block hash the window serves for it (zero where
    /// Ethereum's ring holds nothing), instead of the state tree's value.
    fn history_block(&mut self, address: &Address, slot: &B256) -> Result<Option<U256>, Fatal> {
        if *address != HISTORY_STORAGE_ADDRESS
            || !history::serves_history(self.spec, &self.account(address)?.code_hash)
        {
            return Ok(None);
        }
        let hash = match history::block_of_slot(self.window.number(), slot) {
            Some(block) => {
                self.window
                    .recent_hash(self.hasher, self.oracle, block, HISTORY_SERVE_WINDOW)?
            }
            None => [0u8; 32],
        };
        Ok(Some(U256::from_be_bytes(hash)))
    }

    pub fn sload(&mut self, address: &Address, slot: &B256) -> Result<SlotValue, Fatal> {
        let current = self.load_slot(address, slot)?.current;
        let original = *self
            .tx_original_storage
            .get(&(*address, *slot))
            .unwrap_or(&current);
        Ok(SlotValue { original, current })
    }

    pub fn sstore(
        &mut self,
        address: &Address,
        slot: &B256,
        value: U256,
    ) -> Result<SlotValue, Fatal> {
        let before = self.sload(address, slot)?;
        self.tx_original_storage
            .entry((*address, *slot))
            .or_insert(before.original);
        self.load_slot(address, slot)?.current = value;
        self.journal
            .push(Entry::Storage(*address, *slot, before.current));
        Ok(before)
    }

    pub fn tload(&self, address: &Address, slot: &B256) -> U256 {
        self.transient
            .get(&(*address, *slot))
            .copied()
            .unwrap_or(U256::ZERO)
    }

    pub fn tstore(&mut self, address: &Address, slot: &B256, value: U256) {
        let previous = self
            .transient
            .insert((*address, *slot), value)
            .unwrap_or(U256::ZERO);
        self.journal
            .push(Entry::Transient(*address, *slot, previous));
    }

    /// Makes `addresses` warm in every transaction of the block.
    pub fn set_always_warm(&mut self, addresses: &[Address]) {
        self.always_warm = addresses.to_vec();
        self.always_warm.sort_unstable();
    }

    pub fn warm_account(&mut self, address: &Address) -> bool {
        if self.always_warm.binary_search(address).is_ok() {
            return false;
        }
        let was_cold = self.warm_accounts.insert(*address);
        if was_cold {
            self.journal.push(Entry::WarmAccount(*address));
        }
        was_cold
    }

    pub fn warm_slot(&mut self, address: &Address, slot: &B256) -> bool {
        let was_cold = self.warm_slots.insert((*address, *slot));
        if was_cold {
            self.journal.push(Entry::WarmSlot(*address, *slot));
        }
        was_cold
    }

    pub fn push_log(&mut self, log: Log) {
        self.logs.push(log);
        self.journal.push(Entry::Log);
    }

    pub fn push_message(&mut self, message: L2ToL1Message) {
        self.messages.push(message);
        self.journal.push(Entry::Message);
    }

    pub fn mark_created(&mut self, address: &Address) {
        if self.created.insert(*address) {
            self.journal.push(Entry::Created(*address));
        }
    }

    /// Schedules an account created in this transaction for deletion at its end.
    pub fn mark_destructed(&mut self, address: &Address) {
        if self.destructed.insert(*address) {
            self.journal.push(Entry::Destructed(*address));
        }
    }

    /// Deletes the accounts marked by [`State::mark_destructed`] (the end of a transaction).
    pub fn delete_destructed(&mut self) -> Result<(), Fatal> {
        for address in core::mem::take(&mut self.destructed) {
            self.delete_account(&address)?;
        }
        Ok(())
    }

    pub fn created_in_tx(&self, address: &Address) -> bool {
        self.created.contains(address)
    }

    /// Deletes an account created in this transaction: empty account, zeroed storage.
    pub fn delete_account(&mut self, address: &Address) -> Result<(), Fatal> {
        self.set_account(address, Account::EMPTY)?;
        let slots: Vec<B256> = self
            .storage
            .range((*address, [0u8; 32])..=(*address, [0xffu8; 32]))
            .filter(|(_, cached)| !cached.current.is_zero())
            .map(|((_, slot), _)| *slot)
            .collect();
        for slot in slots {
            self.sstore(address, &slot, U256::ZERO)?;
        }
        Ok(())
    }

    pub fn snapshot(&self) -> usize {
        self.journal.len()
    }

    /// Undoes every change made since `snapshot`.
    pub fn revert_to(&mut self, snapshot: usize) {
        while self.journal.len() > snapshot {
            match self.journal.pop().unwrap() {
                Entry::Account(address, previous) => {
                    self.accounts.get_mut(&address).unwrap().current = previous;
                }
                Entry::Storage(address, slot, previous) => {
                    self.storage.get_mut(&(address, slot)).unwrap().current = previous;
                }
                Entry::Transient(address, slot, previous) => {
                    self.transient.insert((address, slot), previous);
                }
                Entry::WarmAccount(address) => {
                    self.warm_accounts.remove(&address);
                }
                Entry::WarmSlot(address, slot) => {
                    self.warm_slots.remove(&(address, slot));
                }
                Entry::Log => {
                    self.logs.pop();
                }
                Entry::Message => {
                    self.messages.pop();
                }
                Entry::Created(address) => {
                    self.created.remove(&address);
                }
                Entry::Destructed(address) => {
                    self.destructed.remove(&address);
                }
            }
        }
    }

    /// Starts a transaction: access lists, transient storage, originals and the journal
    /// are per transaction.
    pub fn begin_transaction(&mut self) {
        self.journal.clear();
        self.tx_original_storage.clear();
        self.transient.clear();
        self.warm_accounts.clear();
        self.warm_slots.clear();
        self.created.clear();
        self.destructed.clear();
    }

    /// Ends a transaction and hands over its logs and messages.
    pub fn end_transaction(&mut self) -> (Vec<Log>, Vec<L2ToL1Message>) {
        self.journal.clear();
        (
            core::mem::take(&mut self.logs),
            core::mem::take(&mut self.messages),
        )
    }

    /// Computes the new commitment and the diff against the previous state, and hands back
    /// the window (the block's own hash is not known yet).
    pub fn finish(self) -> Result<(Commitment, StateDiff, VerifiedWindow), Fatal> {
        let mut writes = BTreeMap::new();
        let mut diff = StateDiff::default();
        // The diff lists accounts by address; sorting references moves far fewer bytes
        // than sorting the changes.
        let mut accounts: Vec<(&Address, &Cached<Account>)> = self.accounts.iter().collect();
        accounts.sort_unstable_by_key(|(address, _)| *address);
        for (address, cached) in accounts {
            if cached.current != cached.committed {
                writes.insert(cached.key, cached.current.leaf_value(self.hasher));
                diff.accounts.push(AccountChange {
                    address: *address,
                    change: self.change(cached),
                });
            }
        }
        for ((address, slot), cached) in &self.storage {
            if cached.current != cached.committed {
                writes.insert(cached.key, cached.current.to_be_bytes::<32>());
                diff.storage.push(SlotChange {
                    address: *address,
                    slot: *slot,
                    change: self.change(cached),
                });
            }
        }
        diff.codes = self.live_deployed_codes(&diff.accounts);
        let commitment = self.tree.apply(&writes, self.oracle)?;
        Ok((commitment, diff, self.window))
    }

    fn change<T: Copy>(&self, cached: &Cached<T>) -> Change<T> {
        Change {
            key: cached.key,
            leaf: self.tree.leaf_index(&cached.key),
            before: cached.committed,
            after: cached.current,
        }
    }

    fn live_deployed_codes(&self, changed: &[AccountChange]) -> Vec<(B256, Vec<u8>)> {
        let live: BTreeSet<B256> = changed
            .iter()
            .map(|account| account.change.after.code_hash)
            .filter(|hash| self.deployed_codes.contains(hash))
            .collect();
        live.into_iter()
            .map(|hash| (hash, self.codes[&hash].to_vec()))
            .collect()
    }
}
