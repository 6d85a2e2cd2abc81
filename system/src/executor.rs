//! Executes the transactions of a block: validation, fees (EIP-1559), the frame loop,
//! refunds and receipts.
use crate::blob::{self, BlobSchedule};
use crate::block::{BlockEnv, TxEnv};
use crate::chain::{ChainState, VerifiedWindow};
use crate::deposit::{self, Deposit, PriorityOps};
use crate::ee::{
    CallKind, CallRequest, CreateRequest, CreateScheme, ExecutionEnvironment, FrameStep, Resume,
};
use crate::frames::{run_root, Context};
use crate::hash::Blake2s;
use crate::native::{Budget, NativeMeter};
use crate::receipt::{InvalidTx, Outcome, Receipt};
use crate::set_code;
use crate::spec::Spec;
use crate::state::{State, StateDiff};
use crate::tree::{Commitment, StateOracle};
use crate::tx::{self, AccessListItem, DecodeError, Recovered, Transaction, TxType};
use crate::types::{Address, U256};
use crate::Fatal;
use alloc::vec::Vec;

pub mod gas {
    pub const TX_BASE: u64 = 21_000;
    pub const TX_CREATE: u64 = 32_000;
    pub const TX_DATA_ZERO: u64 = 4;
    pub const TX_DATA_NON_ZERO: u64 = 16;
    pub const ACCESS_LIST_ADDRESS: u64 = 2_400;
    pub const ACCESS_LIST_STORAGE_KEY: u64 = 1_900;
    pub const INIT_CODE_WORD: u64 = 2;
    /// EIP-3860.
    pub const MAX_INIT_CODE_SIZE: usize = 2 * 24_576;
    /// EIP-3529: refunds are capped at a fifth of the gas used.
    pub const MAX_REFUND_QUOTIENT: u64 = 5;
    /// EIP-7623 (Prague): a transaction pays at least this per calldata token.
    pub const TOTAL_COST_FLOOR_PER_TOKEN: u64 = 10;
    /// EIP-7623: a non-zero calldata byte counts as this many tokens, a zero byte as one.
    pub const TOKENS_PER_NON_ZERO_BYTE: u64 = 4;
    /// EIP-7825 (Osaka): no transaction may ask for more gas.
    pub const TX_GAS_LIMIT_CAP: u64 = 1 << 24;

    /// The L1 messenger's `sendToL1`: a fixed part for the message's leaf and its share of
    /// the root, a part per byte (L1 receives the bytes), and its log as LOG3 prices it.
    pub const L1_MESSAGE_BASE: u64 = 5_000;
    pub const L1_MESSAGE_PER_BYTE: u64 = 16;
    pub const LOG_BASE: u64 = 375;
    pub const LOG_TOPIC: u64 = 375;
    pub const LOG_DATA_BYTE: u64 = 8;
    /// The messenger's `withdraw`: a 56-byte message and the burn.
    pub const WITHDRAW: u64 = 10_000;

    pub fn send_to_l1(message_len: usize) -> u64 {
        let len = message_len as u64;
        L1_MESSAGE_BASE
            + L1_MESSAGE_PER_BYTE * len
            + LOG_BASE
            + 3 * LOG_TOPIC
            + LOG_DATA_BYTE * (64 + len.div_ceil(32) * 32)
    }
}

/// Intrinsic gas of a transaction (calldata, creation, EIP-3860 init code, access list,
/// EIP-7702 authorizations).
pub fn intrinsic_gas(tx: &Transaction) -> u64 {
    intrinsic_gas_of(&tx.data, tx.to.is_none(), &tx.access_list)
        + set_code::PER_EMPTY_ACCOUNT_COST * tx.authorization_list.len() as u64
}

/// EIP-7623: the least gas a transaction with `data` uses under `spec` (zero before Prague).
pub fn calldata_floor(spec: Spec, data: &[u8]) -> u64 {
    if !spec.enables(Spec::Prague) {
        return 0;
    }
    let non_zeros = data.iter().filter(|&&b| b != 0).count() as u64;
    let tokens = data.len() as u64 + (gas::TOKENS_PER_NON_ZERO_BYTE - 1) * non_zeros;
    gas::TX_BASE + gas::TOTAL_COST_FLOOR_PER_TOKEN * tokens
}

fn intrinsic_gas_of(data: &[u8], creates: bool, access_list: &[AccessListItem]) -> u64 {
    let zeros = data.iter().filter(|&&b| b == 0).count() as u64;
    let non_zeros = data.len() as u64 - zeros;
    let mut total = gas::TX_BASE + zeros * gas::TX_DATA_ZERO + non_zeros * gas::TX_DATA_NON_ZERO;
    if creates {
        total += gas::TX_CREATE + gas::INIT_CODE_WORD * (data.len() as u64).div_ceil(32);
    }
    for item in access_list {
        total += gas::ACCESS_LIST_ADDRESS
            + gas::ACCESS_LIST_STORAGE_KEY * item.storage_keys.len() as u64;
    }
    total
}

/// The result of a whole block.
#[derive(Clone)]
pub struct BlockOutcome {
    pub receipts: Vec<Receipt>,
    pub diff: StateDiff,
    /// The block's published data ([`crate::pubdata`]); the block output commits to its
    /// keccak.
    pub pubdata: Vec<u8>,
    pub commitment: Commitment,
    pub priority_ops: PriorityOps,
}

pub struct BlockExecutor<'a> {
    block: &'a BlockEnv,
    ee: &'a dyn ExecutionEnvironment,
    state: State<'a>,
    cumulative_gas_used: u64,
    /// Native resources the block's transactions may still use (see [`crate::native`]).
    native_left: Budget,
    receipts: Vec<Receipt>,
    /// EIP-4844: blob gas of the block's transactions so far.
    blob_gas_used: u64,
    priority_ops: PriorityOps,
    /// Whether an L2 transaction has run: deposits must all come before the first.
    l2_seen: bool,
}

/// What the root frame of a transaction runs, signed or deposited.
struct Message<'t> {
    sender: Address,
    to: Option<Address>,
    value: U256,
    data: &'t [u8],
    gas_limit: u64,
    intrinsic_gas: u64,
    /// EIP-7623: the least gas it uses (zero for deposits).
    floor: u64,
    /// Refund earned before execution (EIP-7702 authorizations), kept even if it fails.
    prepaid_refund: u64,
}

/// A transaction that passed validation.
struct Valid {
    tx: Transaction,
    sender: Address,
    gas_price: U256,
    intrinsic_gas: u64,
    floor: u64,
    /// EIP-4844: the blob gas and its fee, burned.
    blob_gas: u64,
    blob_fee: U256,
}

impl<'a> BlockExecutor<'a> {
    pub fn new(
        block: &'a BlockEnv,
        previous: &ChainState,
        hasher: &'a dyn Blake2s,
        oracle: &'a mut dyn StateOracle,
        ee: &'a dyn ExecutionEnvironment,
    ) -> Self {
        let window = VerifiedWindow::new(previous.block_hashes, block.number);
        let mut state = State::new(hasher, oracle, previous.state, window, block.spec);
        state.set_always_warm(ee.precompile_addresses(block.spec));
        BlockExecutor {
            block,
            ee,
            state,
            cumulative_gas_used: 0,
            receipts: Vec::new(),
            blob_gas_used: 0,
            native_left: Budget::BLOCK,
            priority_ops: PriorityOps::default(),
            l2_seen: false,
        }
    }

    /// Validates and executes one raw transaction and records its receipt. `recovered` is
    /// [`tx::decode_and_recover`] of a signed `raw` if the caller has it already (the
    /// native run recovers a block's senders ahead, in parallel); otherwise it is computed
    /// here. Never inlined: the profiler accounts cycles per transaction by this function's
    /// invocations.
    #[inline(never)]
    pub fn execute_transaction(
        &mut self,
        raw: &[u8],
        recovered: Option<Recovered>,
    ) -> Result<&Receipt, Fatal> {
        let receipt = if deposit::is_deposit(raw) {
            self.execute_deposit(raw)?
        } else {
            self.l2_seen = true;
            let recovered = recovered.unwrap_or_else(|| tx::decode_and_recover(raw));
            self.execute_signed(recovered)?
        };
        self.receipts.push(receipt);
        Ok(self.receipts.last().unwrap())
    }

    fn execute_signed(&mut self, recovered: Recovered) -> Result<Receipt, Fatal> {
        Ok(match self.validate(recovered)? {
            Ok(valid) => self.execute_valid(valid)?,
            Err((reason, sender)) => Receipt {
                outcome: Outcome::Invalid(reason),
                sender,
                gas_used: 0,
                cumulative_gas_used: self.cumulative_gas_used,
                contract_address: None,
                logs: Vec::new(),
                messages: Vec::new(),
            },
        })
    }

    /// The block's outcome, and the window of block hashes for sealing it.
    pub fn finish(self) -> Result<(BlockOutcome, VerifiedWindow), Fatal> {
        let (commitment, diff, window) = self.state.finish()?;
        let pubdata = crate::pubdata::encode(&diff, &self.receipts);
        let outcome = BlockOutcome {
            receipts: self.receipts,
            diff,
            pubdata,
            commitment,
            priority_ops: self.priority_ops,
        };
        Ok((outcome, window))
    }

    /// A deposit: checked for its place and shape (a malformed or misplaced one makes the
    /// block unprovable, as L1 expects exactly its queue), folded into the rolling hash,
    /// `mint` credited, then executed without fees.
    fn execute_deposit(&mut self, raw: &[u8]) -> Result<Receipt, Fatal> {
        if self.l2_seen {
            return Err(Fatal::new(
                "a deposit after an L2 transaction: deposits come first in a block",
            ));
        }
        let deposit =
            deposit::decode(raw).map_err(|_| Fatal::new("malformed deposit transaction"))?;
        if deposit.is_system_tx {
            return Err(Fatal::new("deposit: system transactions are not accepted"));
        }
        if deposit.gas_limit > self.block.gas_limit - self.cumulative_gas_used {
            return Err(Fatal::new("deposit gas exceeds the block's remaining gas"));
        }
        if !self.admits(deposit.gas_limit) {
            return Err(Fatal::new(
                "deposit beyond what is left of the block's native resources",
            ));
        }
        self.priority_ops.fold(&deposit.hash);
        let Deposit { from, to, mint, .. } = deposit;
        self.state.begin_transaction();
        self.state.credit(&from, mint)?;
        self.warm_up(&from, to.as_ref(), &[]);
        if to.is_some() {
            self.state
                .update_account(&from, |account| account.nonce += 1)?;
        }
        let intrinsic_gas = intrinsic_gas_of(&deposit.data, to.is_none(), &[]);
        let (succeeded, gas_used, contract_address) = if deposit.gas_limit < intrinsic_gas {
            self.spend(&self.meter(deposit.gas_limit), deposit.gas_limit);
            (false, deposit.gas_limit, None)
        } else {
            let tx_env = TxEnv {
                origin: from,
                gas_price: U256::ZERO,
                blob_hashes: Vec::new(),
            };
            let message = Message {
                sender: from,
                to,
                value: deposit.value,
                data: &deposit.data,
                gas_limit: deposit.gas_limit,
                intrinsic_gas,
                floor: 0,
                prepaid_refund: 0,
            };
            self.run_message(&message, &tx_env)?
        };
        self.end_transaction(from, succeeded, gas_used, contract_address)
    }

    #[allow(clippy::type_complexity)]
    fn validate(
        &mut self,
        recovered: Recovered,
    ) -> Result<Result<Valid, (InvalidTx, Option<Address>)>, Fatal> {
        let (tx, sender) = match recovered {
            Ok(decoded) => decoded,
            Err(DecodeError::UnsupportedType(_)) => {
                return Ok(Err((InvalidTx::UnsupportedType, None)))
            }
            Err(DecodeError::CreationNotAllowed) => {
                return Ok(Err((InvalidTx::CreationNotAllowed, None)))
            }
            Err(_) => return Ok(Err((InvalidTx::Malformed, None))),
        };
        let Some(sender) = sender else {
            return Ok(Err((InvalidTx::BadSignature, None)));
        };
        Ok(self
            .check(tx, sender)?
            .map_err(|reason| (reason, Some(sender))))
    }

    fn check(
        &mut self,
        tx: Transaction,
        sender: Address,
    ) -> Result<Result<Valid, InvalidTx>, Fatal> {
        let block = self.block;
        let spec = block.spec;
        if tx.tx_type == TxType::SetCode && !spec.enables(Spec::Prague) {
            return Ok(Err(InvalidTx::TypeNotActive));
        }
        if tx.chain_id.is_some_and(|id| id != block.chain_id) {
            return Ok(Err(InvalidTx::ChainIdMismatch));
        }
        if tx.to.is_none() && tx.data.len() > gas::MAX_INIT_CODE_SIZE {
            return Ok(Err(InvalidTx::InitCodeTooLarge));
        }
        if spec.enables(Spec::Osaka) && tx.gas_limit > gas::TX_GAS_LIMIT_CAP {
            return Ok(Err(InvalidTx::GasLimitAboveCap));
        }
        let intrinsic_gas = intrinsic_gas(&tx);
        if tx.gas_limit < intrinsic_gas {
            return Ok(Err(InvalidTx::IntrinsicGasTooLow));
        }
        let floor = calldata_floor(spec, &tx.data);
        if tx.gas_limit < floor {
            return Ok(Err(InvalidTx::GasBelowCalldataFloor));
        }
        if tx.tx_type == TxType::SetCode && tx.authorization_list.is_empty() {
            return Ok(Err(InvalidTx::EmptyAuthorizationList));
        }
        if tx.gas_limit > block.gas_limit - self.cumulative_gas_used {
            return Ok(Err(InvalidTx::GasLimitExceedsBlock));
        }
        if !self.admits(tx.gas_limit) {
            return Ok(Err(InvalidTx::BlockNativeExhausted));
        }
        if tx.max_fee_per_gas < block.base_fee {
            return Ok(Err(InvalidTx::FeeCapBelowBaseFee));
        }
        if tx.max_priority_fee_per_gas > tx.max_fee_per_gas {
            return Ok(Err(InvalidTx::PriorityFeeAboveFeeCap));
        }
        let blob_gas = blob_gas(&tx);
        let blob_base_fee = U256::from(blob::blob_base_fee(spec, block.excess_blob_gas));
        if tx.tx_type == TxType::Blob {
            if let Err(reason) = self.check_blobs(&tx, blob_gas, blob_base_fee) {
                return Ok(Err(reason));
            }
        }
        let account = self.state.account(&sender)?;
        if account.has_code() && !self.is_delegated(&sender)? {
            return Ok(Err(InvalidTx::SenderHasCode));
        }
        if tx.nonce < account.nonce {
            return Ok(Err(InvalidTx::NonceTooLow));
        }
        if tx.nonce > account.nonce {
            return Ok(Err(InvalidTx::NonceTooHigh));
        }
        if account.nonce == u64::MAX {
            return Ok(Err(InvalidTx::NonceOverflow));
        }
        let max_blob_fee = U256::from(blob_gas).checked_mul(tx.max_fee_per_blob_gas);
        let max_cost = U256::from(tx.gas_limit)
            .checked_mul(tx.max_fee_per_gas)
            .and_then(|fees| fees.checked_add(tx.value))
            .and_then(|cost| cost.checked_add(max_blob_fee?));
        if max_cost.is_none_or(|cost| account.balance < cost) {
            return Ok(Err(InvalidTx::InsufficientFunds));
        }
        let gas_price = tx
            .max_fee_per_gas
            .min(block.base_fee + tx.max_priority_fee_per_gas);
        Ok(Ok(Valid {
            tx,
            sender,
            gas_price,
            intrinsic_gas,
            floor,
            blob_gas,
            blob_fee: U256::from(blob_gas) * blob_base_fee,
        }))
    }

    /// EIP-4844 with the fork's blob schedule: 1..=max blobs, KZG versioned hashes, room in
    /// the block, and a blob fee cap that covers the blob base fee.
    fn check_blobs(
        &self,
        tx: &Transaction,
        blob_gas: u64,
        blob_base_fee: U256,
    ) -> Result<(), InvalidTx> {
        let spec = self.block.spec;
        let count = tx.blob_hashes.len() as u64;
        if count == 0 || count > blob::max_blobs_per_tx(spec) {
            return Err(InvalidTx::BlobCount);
        }
        if tx
            .blob_hashes
            .iter()
            .any(|hash| hash[0] != blob::VERSIONED_HASH_VERSION_KZG)
        {
            return Err(InvalidTx::BlobHashVersion);
        }
        if blob_gas > BlobSchedule::of(spec).max_blob_gas() - self.blob_gas_used {
            return Err(InvalidTx::BlockBlobGasExceeded);
        }
        if tx.max_fee_per_blob_gas < blob_base_fee {
            return Err(InvalidTx::BlobFeeCapBelowBaseFee);
        }
        Ok(())
    }

    /// EIP-7702 (from Prague): whether the account's code is a delegation designator.
    fn is_delegated(&mut self, address: &Address) -> Result<bool, Fatal> {
        Ok(self.state.delegation(self.block.spec, address)?.is_some())
    }

    fn execute_valid(&mut self, valid: Valid) -> Result<Receipt, Fatal> {
        let Valid {
            tx,
            sender,
            gas_price,
            intrinsic_gas,
            floor,
            blob_gas,
            blob_fee,
        } = valid;
        self.blob_gas_used += blob_gas;
        self.state.begin_transaction();
        self.warm_up(&sender, tx.to.as_ref(), &tx.access_list);
        let upfront = U256::from(tx.gas_limit) * gas_price + blob_fee;
        self.state
            .update_account(&sender, |account| account.balance -= upfront)?;
        if tx.to.is_some() {
            self.state
                .update_account(&sender, |account| account.nonce += 1)?;
        }
        let prepaid_refund = set_code::apply_authorizations(
            &mut self.state,
            self.block.chain_id,
            &tx.authorization_list,
        )?;
        let tx_env = TxEnv {
            origin: sender,
            gas_price,
            blob_hashes: tx.blob_hashes.clone(),
        };
        let message = Message {
            sender,
            to: tx.to,
            value: tx.value,
            data: &tx.data,
            gas_limit: tx.gas_limit,
            intrinsic_gas,
            floor,
            prepaid_refund,
        };
        let (succeeded, gas_used, contract_address) = self.run_message(&message, &tx_env)?;
        self.settle_fees(&sender, tx.gas_limit - gas_used, gas_used, gas_price)?;
        self.end_transaction(sender, succeeded, gas_used, contract_address)
    }

    /// Runs the root frame; returns whether it succeeded, the gas used after refunds (at
    /// least the calldata floor) and the created contract.
    fn run_message(
        &mut self,
        message: &Message<'_>,
        tx_env: &TxEnv,
    ) -> Result<(bool, u64, Option<Address>), Fatal> {
        let mut meter = self.meter(message.gas_limit);
        let snapshot = self.state.snapshot();
        let mut ctx = Context {
            state: &mut self.state,
            block: self.block,
            tx: tx_env,
            native: &mut meter,
        };
        let (result, contract_address) = match run_root(&mut ctx, self.ee, root_step(message))? {
            Resume::Call(result) => (result, None),
            Resume::Create { result, address } => (result, address),
        };
        let (succeeded, gas_used, contract_address) = if meter.exhausted() {
            self.state.revert_to(snapshot);
            (false, message.gas_limit, None)
        } else {
            let gas_spent = message.gas_limit - result.gas_left;
            let execution_refund = if result.is_success() {
                result.gas_refund.max(0) as u64
            } else {
                0
            };
            let refund = (execution_refund + message.prepaid_refund)
                .min(gas_spent / gas::MAX_REFUND_QUOTIENT);
            let gas_used = (gas_spent - refund).max(message.floor);
            (result.is_success(), gas_used, contract_address)
        };
        self.spend(&meter, gas_used);
        Ok((succeeded, gas_used, contract_address))
    }

    /// Whether what is left of the block's native resources covers the whole budget of a
    /// transaction with `gas_limit` (always, in a block without native limits).
    fn admits(&self, gas_limit: u64) -> bool {
        !self.block.native_limits || self.native_left.covers(&Budget::of(gas_limit))
    }

    fn meter(&self, gas_limit: u64) -> NativeMeter {
        if self.block.native_limits {
            NativeMeter::new(gas_limit)
        } else {
            NativeMeter::unlimited()
        }
    }

    /// Takes what a transaction used, by `meter` and its `gas_used`, from the block's
    /// native resources.
    fn spend(&mut self, meter: &NativeMeter, gas_used: u64) {
        self.native_left = self.native_left.less(&meter.used(gas_used));
    }

    fn end_transaction(
        &mut self,
        sender: Address,
        succeeded: bool,
        gas_used: u64,
        contract_address: Option<Address>,
    ) -> Result<Receipt, Fatal> {
        self.state.delete_destructed()?;
        let (logs, messages) = self.state.end_transaction();
        self.cumulative_gas_used += gas_used;
        Ok(Receipt {
            outcome: if succeeded {
                Outcome::Success
            } else {
                Outcome::Failure
            },
            sender: Some(sender),
            gas_used,
            cumulative_gas_used: self.cumulative_gas_used,
            contract_address,
            logs,
            messages,
        })
    }

    /// EIP-2929/2930/3651: sender, recipient, coinbase, precompiles and the access list
    /// start warm.
    fn warm_up(&mut self, sender: &Address, to: Option<&Address>, access_list: &[AccessListItem]) {
        self.state.warm_account(sender);
        if let Some(to) = to {
            self.state.warm_account(to);
        }
        self.state.warm_account(&self.block.coinbase);
        for item in access_list {
            self.state.warm_account(&item.address);
            for key in &item.storage_keys {
                self.state.warm_slot(&item.address, key);
            }
        }
    }

    /// Returns unused gas to the sender and pays the priority fee to the coinbase; the
    /// base fee part is burned.
    fn settle_fees(
        &mut self,
        sender: &Address,
        gas_left: u64,
        gas_used: u64,
        gas_price: U256,
    ) -> Result<(), Fatal> {
        self.state
            .credit(sender, U256::from(gas_left) * gas_price)?;
        let tip = gas_price - self.block.base_fee;
        self.state
            .credit(&self.block.coinbase, U256::from(gas_used) * tip)
    }
}

/// EIP-4844: the blob gas a transaction uses (zero for other types).
fn blob_gas(tx: &Transaction) -> u64 {
    tx.blob_hashes.len() as u64 * blob::GAS_PER_BLOB
}

fn root_step(message: &Message<'_>) -> FrameStep {
    let gas_limit = message.gas_limit - message.intrinsic_gas;
    match message.to {
        Some(to) => FrameStep::Call(CallRequest {
            kind: CallKind::Call,
            caller: message.sender,
            target: to,
            code_address: to,
            value: message.value,
            input: message.data.to_vec(),
            gas_limit,
            is_static: false,
        }),
        None => FrameStep::Create(CreateRequest {
            caller: message.sender,
            value: message.value,
            init_code: message.data.to_vec(),
            gas_limit,
            scheme: CreateScheme::Create,
        }),
    }
}
