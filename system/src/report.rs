//! A byte encoding of a block's outcome (receipts, state diff, new commitment, deposits) that the
//! guest sends to the host through the oracle's write door. It is not part of the proof:
//! it lets the host show and compare what the guest did.
use crate::account::{Account, ACCOUNT_ENCODED_LEN};
use crate::deposit::PriorityOps;
use crate::executor::BlockOutcome;
use crate::receipt::{InvalidTx, Outcome, Receipt};
use crate::state::{AccountChange, Change, L2ToL1Message, Log, SlotChange, StateDiff};
use crate::tree::Commitment;
use crate::types::{Address, U256};
use alloc::vec::Vec;

pub fn encode(outcome: &BlockOutcome) -> Vec<u8> {
    let mut w = Writer(Vec::new());
    w.bytes(&outcome.commitment.root);
    w.u64(outcome.commitment.next_free);
    w.bytes(&outcome.priority_ops.rolling_hash);
    w.u64(outcome.priority_ops.count);
    w.u32(outcome.receipts.len() as u32);
    for receipt in &outcome.receipts {
        w.receipt(receipt);
    }
    let diff = &outcome.diff;
    w.u32(diff.accounts.len() as u32);
    for account in &diff.accounts {
        w.bytes(&account.address);
        w.change(&account.change, |w, value| w.bytes(&value.encode()));
    }
    w.u32(diff.storage.len() as u32);
    for slot in &diff.storage {
        w.bytes(&slot.address);
        w.bytes(&slot.slot);
        w.change(&slot.change, |w, value| w.bytes(&value.to_be_bytes::<32>()));
    }
    w.u32(diff.codes.len() as u32);
    for (hash, code) in &diff.codes {
        w.bytes(hash);
        w.var_bytes(code);
    }
    w.var_bytes(&outcome.pubdata);
    w.0
}

/// Decodes [`encode`]'s output; `None` if it is malformed.
pub fn decode(bytes: &[u8]) -> Option<BlockOutcome> {
    let mut r = Reader(bytes);
    let commitment = Commitment {
        root: r.array()?,
        next_free: r.u64()?,
    };
    let priority_ops = PriorityOps {
        rolling_hash: r.array()?,
        count: r.u64()?,
    };
    let receipts = r.list(Reader::receipt)?;
    let account = |r: &mut Reader| Some(Account::decode(&r.array::<ACCOUNT_ENCODED_LEN>()?));
    let accounts = r.list(|r| {
        Some(AccountChange {
            address: r.array()?,
            change: r.change(account)?,
        })
    })?;
    let slot_value = |r: &mut Reader| Some(U256::from_be_bytes(r.array::<32>()?));
    let storage = r.list(|r| {
        Some(SlotChange {
            address: r.array()?,
            slot: r.array()?,
            change: r.change(slot_value)?,
        })
    })?;
    let codes = r.list(|r| Some((r.array()?, r.var_bytes()?)))?;
    let pubdata = r.var_bytes()?;
    if !r.0.is_empty() {
        return None;
    }
    Some(BlockOutcome {
        receipts,
        diff: StateDiff {
            accounts,
            storage,
            codes,
        },
        pubdata,
        commitment,
        priority_ops,
    })
}

struct Writer(Vec<u8>);

impl Writer {
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
    fn u32(&mut self, value: u32) {
        self.bytes(&value.to_le_bytes());
    }
    fn u64(&mut self, value: u64) {
        self.bytes(&value.to_le_bytes());
    }
    fn var_bytes(&mut self, bytes: &[u8]) {
        self.u32(bytes.len() as u32);
        self.bytes(bytes);
    }
    fn change<T>(&mut self, change: &Change<T>, value: impl Fn(&mut Self, &T)) {
        self.bytes(&change.key);
        match change.leaf {
            Some(index) => {
                self.0.push(1);
                self.u64(index);
            }
            None => self.0.push(0),
        }
        value(self, &change.before);
        value(self, &change.after);
    }
    fn optional_address(&mut self, address: &Option<Address>) {
        match address {
            Some(address) => {
                self.0.push(1);
                self.bytes(address);
            }
            None => self.0.push(0),
        }
    }
    fn receipt(&mut self, receipt: &Receipt) {
        self.0.push(match receipt.outcome {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::Invalid(reason) => 0x80 | reason as u8,
        });
        self.optional_address(&receipt.sender);
        self.u64(receipt.gas_used);
        self.u64(receipt.cumulative_gas_used);
        self.optional_address(&receipt.contract_address);
        self.u32(receipt.logs.len() as u32);
        for log in &receipt.logs {
            self.bytes(&log.address);
            self.u32(log.topics.len() as u32);
            for topic in &log.topics {
                self.bytes(topic);
            }
            self.var_bytes(&log.data);
        }
        self.u32(receipt.messages.len() as u32);
        for message in &receipt.messages {
            self.bytes(&message.sender);
            self.var_bytes(&message.data);
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, len: usize) -> Option<&[u8]> {
        if self.0.len() < len {
            return None;
        }
        let (head, tail) = self.0.split_at(len);
        self.0 = tail;
        Some(head)
    }
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N).map(|bytes| bytes.try_into().unwrap())
    }
    fn u8(&mut self) -> Option<u8> {
        self.array::<1>().map(|[byte]| byte)
    }
    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }
    fn var_bytes(&mut self) -> Option<Vec<u8>> {
        let len = self.u32()? as usize;
        self.take(len).map(<[u8]>::to_vec)
    }
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let len = self.u32()? as usize;
        (0..len).map(|_| item(self)).collect()
    }
    fn change<T>(&mut self, value: impl Fn(&mut Self) -> Option<T>) -> Option<Change<T>> {
        let key = self.array()?;
        let leaf = match self.u8()? {
            0 => None,
            1 => Some(self.u64()?),
            _ => return None,
        };
        Some(Change {
            key,
            leaf,
            before: value(self)?,
            after: value(self)?,
        })
    }
    fn optional_address(&mut self) -> Option<Option<Address>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.array()?)),
            _ => None,
        }
    }
    fn receipt(&mut self) -> Option<Receipt> {
        let outcome = match self.u8()? {
            0 => Outcome::Success,
            1 => Outcome::Failure,
            code if code & 0x80 != 0 => Outcome::Invalid(InvalidTx::from_code(code & 0x7f)?),
            _ => return None,
        };
        Some(Receipt {
            outcome,
            sender: self.optional_address()?,
            gas_used: self.u64()?,
            cumulative_gas_used: self.u64()?,
            contract_address: self.optional_address()?,
            logs: self.list(|r| {
                Some(Log {
                    address: r.array()?,
                    topics: r.list(|r| r.array())?,
                    data: r.var_bytes()?,
                })
            })?,
            messages: self.list(|r| {
                Some(L2ToL1Message {
                    sender: r.array()?,
                    data: r.var_bytes()?,
                })
            })?,
        })
    }
}
