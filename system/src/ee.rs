//! The execution-environment interface. An environment (the EVM) runs one frame at a
//! time; a frame never calls another frame itself: it returns a [`FrameStep::Call`] or
//! [`FrameStep::Create`] to the system's frame loop and is resumed with the result, so
//! nesting depth never grows the host stack. The system does what every environment
//! shares: depth limit, value transfer, snapshots and reverts, address derivation,
//! collision checks and code deployment.
use crate::block::{BlockEnv, TxEnv};
use crate::spec::Spec;
use crate::state::{Log, SlotValue};
use crate::types::{Address, B256, U256};
use crate::{account::Account, Fatal};
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;

/// Maximum call depth (EVM: 1024).
pub const MAX_CALL_DEPTH: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    Call,
    CallCode,
    DelegateCall,
    StaticCall,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRequest {
    pub kind: CallKind,
    /// `msg.sender` of the new frame.
    pub caller: Address,
    /// The account whose storage and balance the frame works on (ADDRESS).
    pub target: Address,
    /// The account whose code runs.
    pub code_address: Address,
    /// `msg.value` of the new frame (for DELEGATECALL the parent's value, not moved).
    pub value: U256,
    pub input: Vec<u8>,
    pub gas_limit: u64,
    pub is_static: bool,
}

impl CallRequest {
    /// Whether `value` moves from `caller` to `target` (CALL and CALLCODE).
    pub fn transfers_value(&self) -> bool {
        matches!(self.kind, CallKind::Call | CallKind::CallCode)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateScheme {
    Create,
    Create2 { salt: B256 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateRequest {
    pub caller: Address,
    pub value: U256,
    pub init_code: Vec<u8>,
    pub gas_limit: u64,
    pub scheme: CreateScheme,
}

/// Why a frame ended without success or revert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Halt {
    CallDepthExceeded,
    InsufficientBalance,
    /// The value would lift the recipient's balance past 2^256 - 1 (revm's
    /// `OverflowPayment`): unlike a missing balance, the frame's gas is consumed.
    BalanceOverflow,
    CreateCollision,
    NonceOverflow,
    /// The account has code and no execution environment is installed that runs it.
    CodeNotSupported,
    /// A reason of the execution environment itself (out of gas, invalid opcode, ...).
    Exceptional(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Success,
    Revert,
    Halt(Halt),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameResult {
    pub status: Status,
    pub gas_left: u64,
    /// Refund counter change made by this frame and its successful children.
    pub gas_refund: i64,
    /// Return data, or for a successful creation the code to deploy (the environment has
    /// already checked and charged for it).
    pub output: Vec<u8>,
}

impl FrameResult {
    pub fn is_success(&self) -> bool {
        self.status == Status::Success
    }

    /// A frame that ended before running anything, giving back `gas_left`.
    pub fn early(status: Status, gas_left: u64) -> Self {
        FrameResult {
            status,
            gas_left,
            gas_refund: 0,
            output: Vec::new(),
        }
    }
}

/// What a frame asks the system to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameStep {
    Call(CallRequest),
    Create(CreateRequest),
    Return(FrameResult),
}

/// The result a suspended frame is resumed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resume {
    Call(FrameResult),
    /// `address` is the new account when the creation succeeded.
    Create {
        result: FrameResult,
        address: Option<Address>,
    },
}

/// How a frame was entered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameInput {
    Call(CallRequest),
    Create {
        request: CreateRequest,
        address: Address,
    },
}

/// One running frame of an execution environment.
pub trait Frame {
    /// Runs until the frame returns or needs a sub-frame. `resume` is `None` on the first
    /// call and the sub-frame's result afterwards.
    fn run(&mut self, host: &mut dyn Host, resume: Option<Resume>) -> Result<FrameStep, Fatal>;
}

pub trait ExecutionEnvironment {
    /// A frame that runs `code` (never empty) at call depth `depth` (0 for the transaction).
    fn new_frame(&self, input: FrameInput, code: Rc<[u8]>, depth: usize) -> Box<dyn Frame>;

    /// Runs a precompile when `address` is one; `None` when it is not.
    fn run_precompile(
        &self,
        address: &Address,
        input: &[u8],
        gas_limit: u64,
        host: &mut dyn Host,
    ) -> Option<FrameResult> {
        let _ = (address, input, gas_limit, host);
        None
    }

    /// Addresses warm from the start of every transaction (EIP-2929 precompiles).
    fn precompile_addresses(&self, spec: Spec) -> &[Address] {
        let _ = spec;
        &[]
    }
}

/// What a frame may see and change. Every state access may need the oracle, which may
/// lie: such failures are [`Fatal`].
pub trait Host {
    fn block(&self) -> &BlockEnv;
    fn tx(&self) -> &TxEnv;
    fn account(&mut self, address: &Address) -> Result<Account, Fatal>;
    fn code(&mut self, address: &Address) -> Result<Rc<[u8]>, Fatal>;
    /// EIP-7702 (from Prague): the account the code of `address` delegates to, if any.
    fn delegation(&mut self, address: &Address) -> Result<Option<Address>, Fatal>;
    /// Marks the account warm; returns whether it was cold.
    fn warm_account(&mut self, address: &Address) -> bool;
    /// Marks the slot warm; returns whether it was cold.
    fn warm_slot(&mut self, address: &Address, slot: &B256) -> bool;
    fn sload(&mut self, address: &Address, slot: &B256) -> Result<SlotValue, Fatal>;
    /// Writes a slot and returns the values before the write.
    fn sstore(&mut self, address: &Address, slot: &B256, value: U256) -> Result<SlotValue, Fatal>;
    fn tload(&mut self, address: &Address, slot: &B256) -> U256;
    fn tstore(&mut self, address: &Address, slot: &B256, value: U256);
    fn log(&mut self, log: Log);
    /// SELFDESTRUCT with EIP-6780 semantics: moves the balance to `beneficiary`, and
    /// deletes the account, at the end of the transaction, only if it was created in it.
    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> Result<(), Fatal>;
    /// BLOCKHASH: the hash of one of the 256 previous blocks, else zero.
    fn block_hash(&mut self, number: u64) -> Result<B256, Fatal>;
    /// Charges `cycles` of the cost model to the transaction's native resources (see
    /// [`crate::native`]); `false` when they cannot pay, and the transaction then fails.
    fn charge_native(&mut self, cycles: u64) -> bool;
    /// Charges `bytes` of guest heap to the transaction's native resources; `false` when
    /// they cannot pay, and the transaction then fails.
    fn charge_heap(&mut self, bytes: u64) -> bool;
    /// The heap bytes the transaction may still charge: a frame that grows its memory
    /// checks against this and charges what it grew when it stops.
    fn heap_left(&self) -> u64;
}

/// The environment of a system without an EVM: code cannot run, so a call into code
/// halts with [`Halt::CodeNotSupported`] and consumes its gas.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCodeEnvironment;

struct NoCodeFrame;

impl Frame for NoCodeFrame {
    fn run(&mut self, _host: &mut dyn Host, _resume: Option<Resume>) -> Result<FrameStep, Fatal> {
        Ok(FrameStep::Return(FrameResult::early(
            Status::Halt(Halt::CodeNotSupported),
            0,
        )))
    }
}

impl ExecutionEnvironment for NoCodeEnvironment {
    fn new_frame(&self, _input: FrameInput, _code: Rc<[u8]>, _depth: usize) -> Box<dyn Frame> {
        Box::new(NoCodeFrame)
    }
}
