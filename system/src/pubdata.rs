//! The block's published data: what anyone needs to rebuild the state and the L2→L1 messages
//! from L1 alone. The guest builds it from what it verified, and the block output commits to
//! `keccak256(pubdata)`. `docs/pubdata.md` gives the encoding byte by byte.
//!
//! ```text
//! version (1) = 1
//! messages:  count (4) ‖ { tx_index (4) ‖ sender (20) ‖ len (4) ‖ data }
//! bytecodes: count (4) ‖ { len (4) ‖ code }
//! index_width (1)
//! existing keys: count (4) ‖ { leaf index (index_width) ‖ body }      ascending index
//! new keys:      count (4) ‖ { kind (1) ‖ address (20) ‖ [slot (32)] ‖ body }   ascending tree key
//! ```
//! Integers are big-endian. A body is an account's changed fields or a slot's new value, each
//! value as ZKsync compresses it: the difference from the old value or the small new value
//! when that is shorter than 32 bytes.
use crate::account::Account;
use crate::hash::Blake2s;
use crate::receipt::{block_messages, Receipt};
use crate::state::{AccountChange, SlotChange, StateDiff};
use crate::tree::{account_key, storage_key};
use crate::types::{Address, B256, KECCAK_EMPTY, U256};
use alloc::vec::Vec;

pub const VERSION: u8 = 1;

/// Kind byte of a new key.
pub const NEW_ACCOUNT: u8 = 0;
pub const NEW_SLOT: u8 = 1;

/// Bits of an account body's field mask.
pub const NONCE_CHANGED: u8 = 1;
pub const BALANCE_CHANGED: u8 = 2;
/// The code becomes bytecode `i` of this block's bytecodes (`i`: 4 bytes follow).
pub const CODE_PUBLISHED: u8 = 4;
/// The code becomes empty.
pub const CODE_CLEARED: u8 = 8;
const KNOWN_FIELDS: u8 = NONCE_CHANGED | BALANCE_CHANGED | CODE_PUBLISHED | CODE_CLEARED;

/// A value's new content relative to its old one. Encoded as one metadata byte
/// `(len << 3) | operation` and `len` big-endian bytes (`Full`: 32 bytes, `len` bits zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueUpdate {
    Full(U256),
    Add(U256),
    Sub(U256),
    Set(U256),
}

const OP_FULL: u8 = 0;
const OP_ADD: u8 = 1;
const OP_SUB: u8 = 2;
const OP_SET: u8 = 3;

fn byte_len(value: &U256) -> usize {
    value.bit_len().div_ceil(8)
}

impl ValueUpdate {
    /// The shortest encoding of `before -> after` (ties: set before a difference).
    pub fn between(before: U256, after: U256) -> ValueUpdate {
        let (delta, difference) = if after >= before {
            let delta = after - before;
            (delta, ValueUpdate::Add(delta))
        } else {
            let delta = before - after;
            (delta, ValueUpdate::Sub(delta))
        };
        let shortest = if byte_len(&delta) < byte_len(&after) {
            difference
        } else {
            ValueUpdate::Set(after)
        };
        if byte_len(&delta).min(byte_len(&after)) == 32 {
            ValueUpdate::Full(after)
        } else {
            shortest
        }
    }

    /// The new value, or `None` when the update leaves `[0, 2^256)`.
    pub fn apply(&self, before: U256) -> Option<U256> {
        match *self {
            ValueUpdate::Full(value) | ValueUpdate::Set(value) => Some(value),
            ValueUpdate::Add(delta) => before.checked_add(delta),
            ValueUpdate::Sub(delta) => before.checked_sub(delta),
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        let (op, value) = match *self {
            ValueUpdate::Full(value) => (OP_FULL, value),
            ValueUpdate::Add(value) => (OP_ADD, value),
            ValueUpdate::Sub(value) => (OP_SUB, value),
            ValueUpdate::Set(value) => (OP_SET, value),
        };
        let bytes = value.to_be_bytes::<32>();
        if op == OP_FULL {
            out.push(OP_FULL);
            out.extend_from_slice(&bytes);
        } else {
            let len = byte_len(&value);
            out.push(((len as u8) << 3) | op);
            out.extend_from_slice(&bytes[32 - len..]);
        }
    }
}

/// An account's changed fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccountUpdate {
    pub nonce: Option<ValueUpdate>,
    pub balance: Option<ValueUpdate>,
    pub code: Option<CodeUpdate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeUpdate {
    /// Index into the block's bytecodes.
    Published(u32),
    Cleared,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    Account(AccountUpdate),
    Slot(ValueUpdate),
}

impl Body {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Body::Slot(update) => update.write(out),
            Body::Account(account) => {
                let mut mask = 0;
                for (present, bit) in [
                    (account.nonce.is_some(), NONCE_CHANGED),
                    (account.balance.is_some(), BALANCE_CHANGED),
                    (
                        matches!(account.code, Some(CodeUpdate::Published(_))),
                        CODE_PUBLISHED,
                    ),
                    (account.code == Some(CodeUpdate::Cleared), CODE_CLEARED),
                ] {
                    if present {
                        mask |= bit;
                    }
                }
                out.push(mask);
                for update in [account.nonce, account.balance].into_iter().flatten() {
                    update.write(out);
                }
                if let Some(CodeUpdate::Published(index)) = account.code {
                    out.extend_from_slice(&index.to_be_bytes());
                }
            }
        }
    }
}

/// What a tree key is the hash of: how pubdata names a key the block adds to the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preimage {
    Account(Address),
    Slot(Address, B256),
}

impl Preimage {
    pub fn tree_key(&self, hasher: &dyn Blake2s) -> B256 {
        match self {
            Preimage::Account(address) => account_key(hasher, address),
            Preimage::Slot(address, slot) => storage_key(hasher, address, slot),
        }
    }

    pub fn kind(&self) -> KeyKind {
        match self {
            Preimage::Account(_) => KeyKind::Account,
            Preimage::Slot(..) => KeyKind::Slot,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedMessage {
    pub tx_index: u32,
    pub sender: Address,
    pub data: Vec<u8>,
}

/// Decoded pubdata. Each entry keeps the offset where it starts, for error messages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pubdata {
    pub messages: Vec<PublishedMessage>,
    pub bytecodes: Vec<Vec<u8>>,
    pub existing: Vec<(usize, u64, Body)>,
    pub new: Vec<(usize, Preimage, Body)>,
}

fn account_update(before: &Account, after: &Account, codes: &[(B256, Vec<u8>)]) -> AccountUpdate {
    let changed = |b: U256, a: U256| (a != b).then(|| ValueUpdate::between(b, a));
    let code = if before.has_same_code(after) {
        None
    } else if after.code_len == 0 {
        Some(CodeUpdate::Cleared)
    } else {
        let index = codes
            .binary_search_by(|(hash, _)| hash.cmp(&after.code_hash))
            .expect("changed code is code deployed in the block");
        Some(CodeUpdate::Published(index as u32))
    };
    AccountUpdate {
        nonce: changed(U256::from(before.nonce), U256::from(after.nonce)),
        balance: changed(before.balance, after.balance),
        code,
    }
}

fn write_u32(out: &mut Vec<u8>, value: usize) {
    out.extend_from_slice(&(value as u32).to_be_bytes());
}

/// The pubdata of a block with this state diff and these receipts (their messages).
pub fn encode(diff: &StateDiff, receipts: &[Receipt]) -> Vec<u8> {
    let mut out = Vec::new();
    out.push(VERSION);
    write_u32(&mut out, block_messages(receipts).count());
    for (tx_index, message) in block_messages(receipts) {
        write_u32(&mut out, tx_index as usize);
        out.extend_from_slice(&message.sender);
        write_u32(&mut out, message.data.len());
        out.extend_from_slice(&message.data);
    }
    write_u32(&mut out, diff.codes.len());
    for (_, code) in &diff.codes {
        write_u32(&mut out, code.len());
        out.extend_from_slice(code);
    }
    let (existing, new) = entries(diff);
    let width = index_width(existing.iter().map(|(index, _)| *index).max());
    out.push(width as u8);
    write_u32(&mut out, existing.len());
    for (index, body) in &existing {
        out.extend_from_slice(&index.to_be_bytes()[8 - width..]);
        body.write(&mut out);
    }
    write_u32(&mut out, new.len());
    for (_, key, body) in &new {
        match key {
            Preimage::Account(address) => {
                out.push(NEW_ACCOUNT);
                out.extend_from_slice(address);
            }
            Preimage::Slot(address, slot) => {
                out.push(NEW_SLOT);
                out.extend_from_slice(address);
                out.extend_from_slice(slot);
            }
        }
        body.write(&mut out);
    }
    out
}

type Existing = Vec<(u64, Body)>;
type New = Vec<(B256, Preimage, Body)>;

/// The diff's keys split into existing ones (ascending index) and new ones (ascending key).
fn entries(diff: &StateDiff) -> (Existing, New) {
    let mut existing = Vec::new();
    let mut new = Vec::new();
    for AccountChange { address, change } in &diff.accounts {
        let body = Body::Account(account_update(&change.before, &change.after, &diff.codes));
        match change.leaf {
            Some(index) => existing.push((index, body)),
            None => new.push((change.key, Preimage::Account(*address), body)),
        }
    }
    for SlotChange {
        address,
        slot,
        change,
    } in &diff.storage
    {
        let body = Body::Slot(ValueUpdate::between(change.before, change.after));
        match change.leaf {
            Some(index) => existing.push((index, body)),
            None => new.push((change.key, Preimage::Slot(*address, *slot), body)),
        }
    }
    existing.sort_unstable_by_key(|(index, _)| *index);
    new.sort_unstable_by_key(|entry| entry.0);
    (existing, new)
}

/// Bytes per leaf index: the fewest that hold the largest (1 when there is none).
fn index_width(largest: Option<u64>) -> usize {
    largest.map_or(1, |index| {
        ((64 - index.leading_zeros() as usize).div_ceil(8)).max(1)
    })
}

/// What is wrong with pubdata, and at which byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
    pub reason: &'static str,
}

/// Whether a leaf of the state before the block holds an account or a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    Account,
    Slot,
}

struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    fn fail<T>(&self, at: usize, reason: &'static str) -> Result<T, DecodeError> {
        Err(DecodeError { offset: at, reason })
    }

    fn take(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let rest = &self.bytes[self.offset..];
        if rest.len() < len {
            return self.fail(self.offset, what);
        }
        self.offset += len;
        Ok(&rest[..len])
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        Ok(self.take(N, what)?.try_into().unwrap())
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        Ok(self.take(1, what)?[0])
    }

    fn u32(&mut self, what: &'static str) -> Result<usize, DecodeError> {
        Ok(u32::from_be_bytes(self.array(what)?) as usize)
    }

    /// A count of entries, each at least `min_len` bytes: refused when the rest cannot hold
    /// them (bounds what a corrupt count can allocate).
    fn count(&mut self, min_len: usize, what: &'static str) -> Result<usize, DecodeError> {
        let at = self.offset;
        let count = self.u32(what)?;
        if count.saturating_mul(min_len) > self.bytes.len() - self.offset {
            return self.fail(at, what);
        }
        Ok(count)
    }

    fn value(&mut self) -> Result<ValueUpdate, DecodeError> {
        let at = self.offset;
        let meta = self.u8("truncated value")?;
        let (op, len) = (meta & 7, (meta >> 3) as usize);
        if op == OP_FULL {
            if len != 0 {
                return self.fail(at, "a full value with a length");
            }
            return Ok(ValueUpdate::Full(U256::from_be_slice(
                self.take(32, "truncated value")?,
            )));
        }
        let bytes = self.take(len, "truncated value")?;
        if bytes.first() == Some(&0) {
            return self.fail(at, "a value with a leading zero byte");
        }
        let value = U256::from_be_slice(bytes);
        match op {
            OP_ADD => Ok(ValueUpdate::Add(value)),
            OP_SUB => Ok(ValueUpdate::Sub(value)),
            OP_SET => Ok(ValueUpdate::Set(value)),
            _ => self.fail(at, "unknown value operation"),
        }
    }

    fn body(&mut self, kind: KeyKind, bytecodes: usize) -> Result<Body, DecodeError> {
        if kind == KeyKind::Slot {
            return Ok(Body::Slot(self.value()?));
        }
        let at = self.offset;
        let mask = self.u8("truncated account")?;
        if mask == 0 || mask & !KNOWN_FIELDS != 0 {
            return self.fail(at, "an account with no or unknown fields");
        }
        if mask & CODE_PUBLISHED != 0 && mask & CODE_CLEARED != 0 {
            return self.fail(at, "an account whose code is both set and cleared");
        }
        let nonce = (mask & NONCE_CHANGED != 0)
            .then(|| self.value())
            .transpose()?;
        let balance = (mask & BALANCE_CHANGED != 0)
            .then(|| self.value())
            .transpose()?;
        let code = if mask & CODE_PUBLISHED != 0 {
            let at = self.offset;
            let index = u32::from_be_bytes(self.array("truncated code index")?);
            if index as usize >= bytecodes {
                return self.fail(at, "a code index past the block's bytecodes");
            }
            Some(CodeUpdate::Published(index))
        } else {
            (mask & CODE_CLEARED != 0).then_some(CodeUpdate::Cleared)
        };
        Ok(Body::Account(AccountUpdate {
            nonce,
            balance,
            code,
        }))
    }
}

/// Decodes pubdata. `kind_of` says what the leaf at an index of the previous state holds
/// (`None`: no such leaf, or a guard); `hasher` derives new keys to check their order.
pub fn decode(
    bytes: &[u8],
    hasher: &dyn Blake2s,
    kind_of: &dyn Fn(u64) -> Option<KeyKind>,
) -> Result<Pubdata, DecodeError> {
    let mut r = Reader { bytes, offset: 0 };
    if r.u8("empty pubdata")? != VERSION {
        return r.fail(0, "unknown pubdata version");
    }
    let mut pubdata = Pubdata::default();
    for _ in 0..r.count(28, "truncated message count")? {
        let tx_index = r.u32("truncated message")? as u32;
        let sender = r.array("truncated message")?;
        let len = r.u32("truncated message")?;
        let data = r.take(len, "truncated message data")?.to_vec();
        pubdata.messages.push(PublishedMessage {
            tx_index,
            sender,
            data,
        });
    }
    let bytecodes = r.count(4, "truncated bytecode count")?;
    for _ in 0..bytecodes {
        let at = r.offset;
        let len = r.u32("truncated bytecode")?;
        if len == 0 {
            return r.fail(at, "an empty bytecode");
        }
        pubdata
            .bytecodes
            .push(r.take(len, "truncated bytecode")?.to_vec());
    }
    let at = r.offset;
    let width = r.u8("truncated index width")? as usize;
    if !(1..=4).contains(&width) {
        return r.fail(at, "index width outside 1..=4");
    }
    let mut last_index = None;
    for _ in 0..r.count(width + 1, "truncated existing-key count")? {
        let at = r.offset;
        let mut index_bytes = [0u8; 8];
        index_bytes[8 - width..].copy_from_slice(r.take(width, "truncated leaf index")?);
        let index = u64::from_be_bytes(index_bytes);
        if last_index.is_some_and(|last| index <= last) {
            return r.fail(at, "leaf indexes not ascending");
        }
        last_index = Some(index);
        let Some(kind) = kind_of(index) else {
            return r.fail(at, "a leaf index the state does not hold");
        };
        let body = r.body(kind, bytecodes)?;
        pubdata.existing.push((at, index, body));
    }
    let mut last_key: Option<B256> = None;
    for _ in 0..r.count(22, "truncated new-key count")? {
        let at = r.offset;
        let key = match r.u8("truncated new key")? {
            NEW_ACCOUNT => Preimage::Account(r.array("truncated new key")?),
            NEW_SLOT => {
                Preimage::Slot(r.array("truncated new key")?, r.array("truncated new key")?)
            }
            _ => return r.fail(at, "unknown new-key kind"),
        };
        let tree_key = key.tree_key(hasher);
        if last_key.is_some_and(|last| tree_key <= last) {
            return r.fail(at, "new keys not ascending");
        }
        last_key = Some(tree_key);
        let body = r.body(key.kind(), bytecodes)?;
        pubdata.new.push((at, key, body));
    }
    if r.offset != bytes.len() {
        return r.fail(r.offset, "bytes after the last entry");
    }
    Ok(pubdata)
}

/// An account after `update`; `bytecodes` are the keccak and length of the block's
/// bytecodes. `None` when a value leaves its range.
pub fn apply_account(
    before: &Account,
    update: &AccountUpdate,
    bytecodes: &[(B256, u32)],
) -> Option<Account> {
    let mut account = *before;
    if let Some(nonce) = update.nonce {
        account.nonce = u64::try_from(nonce.apply(U256::from(before.nonce))?).ok()?;
    }
    if let Some(balance) = update.balance {
        account.balance = balance.apply(before.balance)?;
    }
    match update.code {
        Some(CodeUpdate::Published(index)) => {
            (account.code_hash, account.code_len) = bytecodes[index as usize];
        }
        Some(CodeUpdate::Cleared) => {
            account.code_hash = KECCAK_EMPTY;
            account.code_len = 0;
        }
        None => {}
    }
    Some(account)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn encoded(before: U256, after: U256) -> Vec<u8> {
        let mut out = Vec::new();
        let update = ValueUpdate::between(before, after);
        assert_eq!(update.apply(before), Some(after));
        update.write(&mut out);
        out
    }

    #[test]
    fn values_take_their_shortest_encoding() {
        let n = U256::from;
        assert_eq!(encoded(n(0), n(0)), [0x03]);
        assert_eq!(
            encoded(n(5), n(6)),
            [0x0b, 0x06],
            "a tie goes to the new value"
        );
        assert_eq!(encoded(n(0x1234_5678), n(0x1234_5679)), [0x09, 0x01]);
        assert_eq!(encoded(U256::MAX, U256::MAX - n(1)), [0x0a, 0x01]);
        assert_eq!(encoded(U256::MAX, n(0)), [0x03]);
        assert_eq!(encoded(n(0x0100), n(0x01_0000)), [0x11, 0xff, 0x00]);
        assert_eq!(encoded(n(0x01_0000), n(5)), [0x0b, 0x05]);
        let mut full = vec![0x00];
        full.extend([0xff; 32]);
        assert_eq!(encoded(n(0), U256::MAX), full);
        assert_eq!(
            encoded(n(1) << 255, (n(1) << 255) + n(0xabcd)),
            [0x11, 0xab, 0xcd]
        );
    }

    #[test]
    fn index_width_is_the_fewest_bytes() {
        assert_eq!(index_width(None), 1);
        assert_eq!(index_width(Some(255)), 1);
        assert_eq!(index_width(Some(256)), 2);
        assert_eq!(index_width(Some(u32::MAX as u64)), 4);
    }
}
