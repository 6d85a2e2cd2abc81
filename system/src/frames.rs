//! The frame loop: runs an execution environment's frames on an explicit stack, doing
//! the work every environment shares (depth limit, value transfer, snapshots, creation
//! address and collision rules, code deployment).
use crate::account::Account;
use crate::block::{BlockEnv, TxEnv};
use crate::ee::{
    CallRequest, CreateRequest, CreateScheme, ExecutionEnvironment, Frame, FrameInput, FrameResult,
    FrameStep, Halt, Host, Resume, Status, MAX_CALL_DEPTH,
};
use crate::l1_messenger::{self, L1_MESSENGER};
use crate::native::{self, NativeMeter};
use crate::rlp;
use crate::set_code;
use crate::spec::Spec;
use crate::state::{Log, SlotValue, State, Transfer};
use crate::types::{address_from_hash, keccak256, Address, B256, U256};
use crate::Fatal;
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;

/// The state plus the environments a frame sees: what implements [`Host`].
pub struct Context<'s, 'a> {
    pub state: &'s mut State<'a>,
    pub block: &'s BlockEnv,
    pub tx: &'s TxEnv,
    pub native: &'s mut NativeMeter,
}

struct ActiveFrame {
    frame: Box<dyn Frame>,
    snapshot: usize,
    created: Option<Address>,
}

enum Entered {
    Frame(ActiveFrame),
    Done(Resume),
}

/// Runs a transaction's root frame and everything it calls; returns the root's result.
pub fn run_root(
    ctx: &mut Context<'_, '_>,
    ee: &dyn ExecutionEnvironment,
    root: FrameStep,
) -> Result<Resume, Fatal> {
    let mut stack: Vec<ActiveFrame> = Vec::new();
    let mut step = root;
    let mut resume = None;
    loop {
        let depth = stack.len();
        let entered = match step {
            FrameStep::Call(request) => Some(enter_call(ctx, ee, request, depth)?),
            FrameStep::Create(request) => Some(enter_create(ctx, ee, request, depth)?),
            FrameStep::Return(result) => {
                let finished = stack.pop().expect("a frame returned, so one is running");
                let done = leave_frame(ctx, finished, result)?;
                if stack.is_empty() {
                    return Ok(done);
                }
                resume = Some(done);
                None
            }
        };
        match entered {
            Some(Entered::Frame(frame)) => stack.push(frame),
            Some(Entered::Done(done)) if stack.is_empty() => return Ok(done),
            Some(Entered::Done(done)) => resume = Some(done),
            None => {}
        }
        let top = stack.last_mut().expect("a frame is running");
        step = top.frame.run(ctx, resume.take())?;
    }
}

fn enter_call(
    ctx: &mut Context<'_, '_>,
    ee: &dyn ExecutionEnvironment,
    request: CallRequest,
    depth: usize,
) -> Result<Entered, Fatal> {
    let fail = |halt| {
        Ok(Entered::Done(Resume::Call(FrameResult::early(
            Status::Halt(halt),
            request.gas_limit,
        ))))
    };
    if depth > MAX_CALL_DEPTH {
        return fail(Halt::CallDepthExceeded);
    }
    let snapshot = ctx.state.snapshot();
    if request.transfers_value() {
        match ctx
            .state
            .transfer(&request.caller, &request.target, request.value)?
        {
            Transfer::Done => {}
            Transfer::InsufficientBalance => return fail(Halt::InsufficientBalance),
            Transfer::Overflow => return Ok(Entered::Done(Resume::Call(overflowed()))),
        }
    }
    if request.code_address == L1_MESSENGER {
        let result = l1_messenger::call(ctx, &request)?;
        if !result.is_success() {
            ctx.state.revert_to(snapshot);
        }
        return Ok(Entered::Done(Resume::Call(result)));
    }
    if let Some(result) = ee.run_precompile(
        &request.code_address,
        &request.input,
        request.gas_limit,
        ctx,
    ) {
        if !result.is_success() {
            ctx.state.revert_to(snapshot);
        }
        return Ok(Entered::Done(Resume::Call(result)));
    }
    let code = code_to_run(ctx, &request.code_address)?;
    if code.is_empty() {
        let result = FrameResult::early(Status::Success, request.gas_limit);
        return Ok(Entered::Done(Resume::Call(result)));
    }
    let frame = ee.new_frame(FrameInput::Call(request), code, depth);
    Ok(Entered::Frame(ActiveFrame {
        frame,
        snapshot,
        created: None,
    }))
}

/// The code a call to `address` runs: its own, or from Prague (EIP-7702) the code of the
/// account its designator names, one level deep (that account is warmed; a precompile
/// there runs as its empty code).
fn code_to_run(ctx: &mut Context<'_, '_>, address: &Address) -> Result<Rc<[u8]>, Fatal> {
    let code = ctx.load_code(address)?;
    if !ctx.block.spec.enables(Spec::Prague) {
        return Ok(code);
    }
    match set_code::delegated_address(&code) {
        Some(delegate) => {
            ctx.state.warm_account(&delegate);
            ctx.load_code(&delegate)
        }
        None => Ok(code),
    }
}

fn enter_create(
    ctx: &mut Context<'_, '_>,
    ee: &dyn ExecutionEnvironment,
    request: CreateRequest,
    depth: usize,
) -> Result<Entered, Fatal> {
    let fail = |halt, gas_left| {
        let result = FrameResult::early(Status::Halt(halt), gas_left);
        Ok(Entered::Done(Resume::Create {
            result,
            address: None,
        }))
    };
    if depth > MAX_CALL_DEPTH {
        return fail(Halt::CallDepthExceeded, request.gas_limit);
    }
    let caller = ctx.state.account(&request.caller)?;
    if caller.balance < request.value {
        return fail(Halt::InsufficientBalance, request.gas_limit);
    }
    if caller.nonce == u64::MAX {
        return fail(Halt::NonceOverflow, request.gas_limit);
    }
    let address = create_address(
        &request.caller,
        caller.nonce,
        &request.scheme,
        &request.init_code,
    );
    ctx.state
        .update_account(&request.caller, |account| account.nonce += 1)?;
    ctx.state.warm_account(&address);
    let target = ctx.state.account(&address)?;
    if target.nonce != 0 || target.has_code() {
        return fail(Halt::CreateCollision, 0);
    }
    let snapshot = ctx.state.snapshot();
    ctx.state
        .update_account(&address, |account| account.nonce = 1)?;
    match ctx
        .state
        .transfer(&request.caller, &address, request.value)?
    {
        Transfer::Done => {}
        Transfer::InsufficientBalance => {
            return Err(Fatal::new(
                "a creation's value was checked and then not payable",
            ))
        }
        Transfer::Overflow => {
            ctx.state.revert_to(snapshot);
            return Ok(Entered::Done(Resume::Create {
                result: overflowed(),
                address: None,
            }));
        }
    }
    ctx.state.mark_created(&address);
    if request.init_code.is_empty() {
        let result = FrameResult::early(Status::Success, request.gas_limit);
        let active = ActiveFrame {
            frame: Box::new(Finished),
            snapshot,
            created: Some(address),
        };
        return leave_frame(ctx, active, result).map(Entered::Done);
    }
    let code: Rc<[u8]> = Rc::from(&request.init_code[..]);
    let frame = ee.new_frame(FrameInput::Create { request, address }, code, depth);
    Ok(Entered::Frame(ActiveFrame {
        frame,
        snapshot,
        created: Some(address),
    }))
}

/// A value transfer the recipient cannot hold: a halt that consumes the frame's gas.
fn overflowed() -> FrameResult {
    FrameResult::early(Status::Halt(Halt::BalanceOverflow), 0)
}

/// A placeholder frame for creations that have no init code to run.
struct Finished;

impl Frame for Finished {
    fn run(&mut self, _host: &mut dyn Host, _resume: Option<Resume>) -> Result<FrameStep, Fatal> {
        Err(Fatal::new("a finished frame was resumed"))
    }
}

fn leave_frame(
    ctx: &mut Context<'_, '_>,
    frame: ActiveFrame,
    mut result: FrameResult,
) -> Result<Resume, Fatal> {
    if result.is_success() {
        if let Some(address) = frame.created {
            ctx.state
                .deploy_code(&address, core::mem::take(&mut result.output))?;
        }
    } else {
        ctx.state.revert_to(frame.snapshot);
    }
    Ok(match frame.created {
        None => Resume::Call(result),
        Some(address) => {
            let address = result.is_success().then_some(address);
            Resume::Create { result, address }
        }
    })
}

/// CREATE: `keccak(rlp([sender, nonce]))[12..]`; CREATE2:
/// `keccak(0xff ‖ sender ‖ salt ‖ keccak(init_code))[12..]`.
pub fn create_address(
    sender: &Address,
    nonce: u64,
    scheme: &CreateScheme,
    init_code: &[u8],
) -> Address {
    match scheme {
        CreateScheme::Create => {
            let mut payload = Vec::with_capacity(30);
            rlp::encode_bytes(&mut payload, sender);
            rlp::encode_u64(&mut payload, nonce);
            address_from_hash(&keccak256(&rlp::encode_list(&payload)))
        }
        CreateScheme::Create2 { salt } => {
            let mut preimage = Vec::with_capacity(85);
            preimage.push(0xff);
            preimage.extend_from_slice(sender);
            preimage.extend_from_slice(salt);
            preimage.extend_from_slice(&keccak256(init_code));
            address_from_hash(&keccak256(&preimage))
        }
    }
}

impl Context<'_, '_> {
    /// The code of `address`. Its first load in the block is charged to native resources
    /// before it happens; once they are used up the code is empty, and the transaction
    /// fails anyway.
    fn load_code(&mut self, address: &Address) -> Result<Rc<[u8]>, Fatal> {
        let meter = &mut *self.native;
        let code = self.state.code_paid_for(address, |len| {
            let cost = native::code_load(len);
            meter.charge(cost.cycles) && meter.charge_heap(cost.heap)
        })?;
        Ok(code.unwrap_or_else(|| Rc::from(&[][..])))
    }
}

impl Host for Context<'_, '_> {
    fn block(&self) -> &BlockEnv {
        self.block
    }

    fn tx(&self) -> &TxEnv {
        self.tx
    }

    fn account(&mut self, address: &Address) -> Result<Account, Fatal> {
        self.state.account(address)
    }

    fn code(&mut self, address: &Address) -> Result<Rc<[u8]>, Fatal> {
        self.load_code(address)
    }

    fn delegation(&mut self, address: &Address) -> Result<Option<Address>, Fatal> {
        self.state.delegation(self.block.spec, address)
    }

    fn warm_account(&mut self, address: &Address) -> bool {
        self.state.warm_account(address)
    }

    fn warm_slot(&mut self, address: &Address, slot: &B256) -> bool {
        self.state.warm_slot(address, slot)
    }

    fn sload(&mut self, address: &Address, slot: &B256) -> Result<SlotValue, Fatal> {
        self.state.sload(address, slot)
    }

    fn sstore(&mut self, address: &Address, slot: &B256, value: U256) -> Result<SlotValue, Fatal> {
        self.state.sstore(address, slot, value)
    }

    fn tload(&mut self, address: &Address, slot: &B256) -> U256 {
        self.state.tload(address, slot)
    }

    fn tstore(&mut self, address: &Address, slot: &B256, value: U256) {
        self.state.tstore(address, slot, value)
    }

    fn log(&mut self, log: Log) {
        self.state.push_log(log)
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, Fatal> {
        self.state.block_hash(number)
    }

    fn charge_native(&mut self, cycles: u64) -> bool {
        self.native.charge(cycles)
    }

    fn charge_heap(&mut self, bytes: u64) -> bool {
        self.native.charge_heap(bytes)
    }

    fn heap_left(&self) -> u64 {
        self.native.heap_left()
    }

    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> Result<(), Fatal> {
        let balance = self.state.account(address)?.balance;
        let created_here = self.state.created_in_tx(address);
        if address != beneficiary {
            // The whole balance leaves; where the beneficiary cannot hold it, it is burned
            // (revm wraps the beneficiary's balance there).
            self.state
                .update_account(address, |account| account.balance = U256::ZERO)?;
            self.state.credit(beneficiary, balance)?;
        } else if created_here {
            // EIP-6780: a contract created in this transaction that names itself burns its
            // balance at once (later reads in the transaction see zero).
            self.state
                .update_account(address, |account| account.balance = U256::ZERO)?;
        }
        if created_here {
            self.state.mark_destructed(address);
        }
        Ok(())
    }
}
