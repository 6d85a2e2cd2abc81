//! One EVM frame: its code, stack, memory and gas, the dispatch loop, and how it
//! suspends for a sub-call or creation and resumes with the result.
use crate::analysis::AnalyzedCode;
use crate::cursor::Cursor;
use crate::gas;
use crate::instructions;
use crate::keccak_cache::KeccakCache;
use crate::memory::Memory;
use crate::native;
use crate::opcode::EOF_MAGIC;
use crate::pool::FramePool;
use crate::stack::{Stack, StackBuffer};
use alloc::rc::Rc;
use alloc::vec::Vec;
use zkos_system::ee::{Frame, FrameInput, FrameResult, FrameStep, Halt, Host, Resume, Status};
use zkos_system::{Address, Fatal, U256};

pub const OUT_OF_GAS: &str = "out of gas";
/// The transaction's native resources cannot pay for the work (see `crate::native`).
pub const OUT_OF_NATIVE: &str = "out of native resources";
pub const STACK_UNDERFLOW: &str = "stack underflow";
pub const STACK_OVERFLOW: &str = "stack overflow";
pub const INVALID_JUMP: &str = "invalid jump destination";
pub const INVALID_OPCODE: &str = "invalid opcode";
pub const STATIC_STATE_CHANGE: &str = "state change in a static call";
pub const RETURN_DATA_OUT_OF_BOUNDS: &str = "return data out of bounds";
pub const INIT_CODE_TOO_LARGE: &str = "init code larger than 49152 bytes (EIP-3860)";
pub const CODE_TOO_LARGE: &str = "code larger than 24576 bytes (EIP-170)";
pub const CODE_STARTS_WITH_EF: &str = "code starting with 0xEF (EIP-3541)";

/// Offsets and lengths above this cannot be paid for with any gas limit (the memory
/// cost of 2^32 bytes is above 2^44 gas), so they halt out of gas.
const MAX_OFFSET: u64 = u32::MAX as u64;

pub fn to_usize(value: U256) -> Option<usize> {
    let limbs = value.as_limbs();
    if limbs[1] != 0 || limbs[2] != 0 || limbs[3] != 0 || limbs[0] > MAX_OFFSET {
        return None;
    }
    Some(limbs[0] as usize)
}

/// The gas of a frame and the refund counter of it and its successful children.
pub struct Gas {
    /// The frame's copy of [`Cursor::gas`], up to date as `Interpreter::ip` is.
    pub remaining: u64,
    pub refund: i64,
}

impl Gas {
    /// Charges `cost`; `false` when it is more than what remains, and the frame must then
    /// halt (which consumes all its gas, so what is left here no longer matters).
    #[inline(always)]
    pub fn charge(&mut self, cost: u64) -> bool {
        gas::charge(&mut self.remaining, cost)
    }
}

/// Who runs the frame and on what.
pub struct CallContext {
    /// ADDRESS: the account whose storage and balance the code works on.
    pub address: Address,
    pub caller: Address,
    pub value: U256,
    pub input: Vec<u8>,
    pub is_static: bool,
    pub is_create: bool,
    pub depth: usize,
}

/// How the frame ended, once it has.
enum Exit {
    Success,
    Revert,
    Halt(&'static str),
    Suspend(FrameStep),
    Fatal(Fatal),
}

pub struct Interpreter {
    /// Never replaced: `ip` points into it.
    code: Rc<AnalyzedCode>,
    /// The frame's copy of [`Cursor::ip`] (see there), up to date whenever the dispatch
    /// loop runs an instruction that does not get the cursor, or is not running.
    ip: *const u8,
    /// A view of `stack_buffer`, up to date as `ip` is: while the loop runs, the cursor
    /// holds it.
    pub(crate) stack: Stack,
    stack_buffer: StackBuffer,
    pub memory: Memory,
    pub gas: Gas,
    pub context: CallContext,
    /// RETURNDATA of the last sub-call.
    pub return_data: Vec<u8>,
    /// RETURN / REVERT data of this frame.
    pub output: Vec<u8>,
    /// Where a suspended CALL writes its result: (offset, length) in memory.
    pending_return: (usize, usize),
    /// Heap the frame may still charge for memory while it runs (the host's heap left
    /// when it last started or resumed), and what it charged since.
    heap_allowance: u64,
    heap_charged: u64,
    running: bool,
    exit: Option<Exit>,
    pub keccak_cache: KeccakCache,
    /// Where the stack and memory go when the frame is dropped.
    pool: Rc<FramePool>,
}

impl Drop for Interpreter {
    fn drop(&mut self) {
        let stack = core::mem::take(&mut self.stack_buffer);
        let memory = core::mem::take(&mut self.memory);
        self.pool.give_back(stack, memory);
    }
}

impl Interpreter {
    pub fn new(
        input: FrameInput,
        code: Rc<AnalyzedCode>,
        depth: usize,
        pool: Rc<FramePool>,
    ) -> Self {
        let (context, gas_limit) = match input {
            FrameInput::Call(request) => {
                let context = CallContext {
                    address: request.target,
                    caller: request.caller,
                    value: request.value,
                    input: request.input,
                    is_static: request.is_static,
                    is_create: false,
                    depth,
                };
                (context, request.gas_limit)
            }
            FrameInput::Create { request, address } => {
                let context = CallContext {
                    address,
                    caller: request.caller,
                    value: request.value,
                    input: Vec::new(),
                    is_static: false,
                    is_create: true,
                    depth,
                };
                (context, request.gas_limit)
            }
        };
        let (mut stack_buffer, memory) = pool.take();
        Interpreter {
            ip: code.padded().as_ptr(),
            code,
            stack: Stack::over(&mut stack_buffer),
            stack_buffer,
            memory,
            gas: Gas {
                remaining: gas_limit,
                refund: 0,
            },
            context,
            return_data: Vec::new(),
            output: Vec::new(),
            pending_return: (0, 0),
            heap_allowance: 0,
            heap_charged: 0,
            running: true,
            exit: None,
            keccak_cache: KeccakCache::default(),
            pool,
        }
    }

    pub fn code(&self) -> &Rc<AnalyzedCode> {
        &self.code
    }

    /// The offset in the code of the next byte to run.
    pub(crate) fn pc(&self) -> usize {
        // SAFETY: both point into the padded code (see `Cursor::ip`).
        unsafe { self.ip.offset_from(self.code.padded().as_ptr()) as usize }
    }

    /// Hands the dispatch loop's registers to the frame, for an instruction that works on
    /// the frame; [`Self::load_cursor`] gives them back.
    #[inline(always)]
    pub(crate) fn save_cursor(&mut self, cursor: &Cursor) {
        self.ip = cursor.ip;
        self.gas.remaining = cursor.gas;
        self.stack = cursor.stack.share();
    }

    /// The dispatch loop's registers, from the frame.
    #[inline(always)]
    pub(crate) fn load_cursor(&self) -> Cursor {
        Cursor {
            ip: self.ip,
            gas: self.gas.remaining,
            stack: self.stack.share(),
        }
    }

    /// `false` once the frame has stopped: halted, returned, or suspended.
    #[inline(always)]
    pub(crate) fn is_running(&self) -> bool {
        self.running
    }

    // Cold and out of line: inlined into every instruction, dropping the old exit would
    // add register saves and stray code to their hot paths.
    #[cold]
    #[inline(never)]
    fn stop_with(&mut self, exit: Exit) {
        self.running = false;
        self.exit = Some(exit);
    }

    /// Ends the frame with an exceptional halt: all its gas is consumed.
    #[cold]
    #[inline(never)]
    pub fn halt(&mut self, reason: &'static str) {
        self.stop_with(Exit::Halt(reason));
    }

    pub fn fatal(&mut self, fatal: Fatal) {
        self.stop_with(Exit::Fatal(fatal));
    }

    pub fn succeed(&mut self) {
        self.stop_with(Exit::Success);
    }

    pub fn revert(&mut self) {
        self.stop_with(Exit::Revert);
    }

    /// Suspends the frame for a sub-call; its result lands at `ret` in memory.
    pub fn suspend_call(&mut self, step: FrameStep, ret: (usize, usize)) {
        self.pending_return = ret;
        self.stop_with(Exit::Suspend(step));
    }

    pub fn suspend_create(&mut self, step: FrameStep) {
        self.stop_with(Exit::Suspend(step));
    }

    /// Charges memory expansion to cover `len` bytes at `offset` (nothing when `len` is
    /// zero); `None` (after halting) when it cannot be paid.
    #[inline]
    pub fn memory_range(&mut self, offset: U256, len: U256) -> Option<(usize, usize)> {
        if len.is_zero() {
            return Some((0, 0));
        }
        let (Some(offset), Some(len)) = (to_usize(offset), to_usize(len)) else {
            self.halt(OUT_OF_GAS);
            return None;
        };
        self.expand_memory(offset, len).then_some((offset, len))
    }

    /// Charges and grows memory to cover `[offset, offset + len)`, `len > 0`.
    #[inline(always)]
    pub fn expand_memory(&mut self, offset: usize, len: usize) -> bool {
        let end = offset as u64 + len as u64;
        end <= self.memory.words() * 32 || self.grow_memory(end)
    }

    /// The rare part of [`Self::expand_memory`], out of line: memory grows to `end`.
    #[inline(never)]
    fn grow_memory(&mut self, end: u64) -> bool {
        let current = self.memory.words();
        let words = end.div_ceil(32);
        let cost = gas::memory_cost(words) - gas::memory_cost(current);
        if !self.gas.charge(cost) {
            self.halt(OUT_OF_GAS);
            return false;
        }
        let heap = native::memory_heap(self.memory.capacity_growth(words as usize) as u64);
        self.heap_charged = self.heap_charged.saturating_add(heap);
        if self.heap_charged > self.heap_allowance {
            // Charged all the same when the frame stops, so the transaction fails.
            self.halt(OUT_OF_NATIVE);
            return false;
        }
        self.memory.grow(words as usize);
        true
    }

    fn resume(&mut self, resume: Resume) {
        let (result, pushed) = match resume {
            Resume::Call(mut result) => {
                let (offset, len) = self.pending_return;
                let copied = len.min(result.output.len());
                self.memory
                    .slice_mut(offset, copied)
                    .copy_from_slice(&result.output[..copied]);
                self.return_data = core::mem::take(&mut result.output);
                let flag = U256::from(result.is_success() as u8);
                (result, flag)
            }
            Resume::Create {
                mut result,
                address,
            } => {
                self.return_data = match result.status {
                    Status::Revert => core::mem::take(&mut result.output),
                    _ => Vec::new(),
                };
                let pushed = address.map_or(U256::ZERO, |address| U256::from_be_slice(&address));
                (result, pushed)
            }
        };
        self.gas.remaining += result.gas_left;
        if result.is_success() {
            self.gas.refund += result.gas_refund;
        }
        let pushed = self.stack.push(pushed);
        debug_assert!(pushed.is_ok(), "the call popped its arguments first");
        self.running = true;
    }

    /// The dispatch loop: each opcode's static gas, then its instruction.
    fn execute(&mut self, host: &mut dyn Host) {
        let table = instructions::table(host.block().spec);
        let code = Rc::clone(&self.code);
        let mut cursor = self.load_cursor();
        loop {
            let op = cursor.next_opcode();
            if !cursor.charge(table.static_gas[op] as u64) {
                self.halt(OUT_OF_GAS);
                break;
            }
            if !instructions::dispatch(op, self, host, table, &mut cursor, &code) {
                break;
            }
        }
        self.save_cursor(&cursor);
    }

    fn result(&mut self, exit: Exit) -> Result<FrameStep, Fatal> {
        let output = core::mem::take(&mut self.output);
        let result = match exit {
            Exit::Suspend(step) => return Ok(step),
            Exit::Fatal(fatal) => return Err(fatal),
            Exit::Success if self.context.is_create => {
                return Ok(FrameStep::Return(self.deploy(output)))
            }
            Exit::Success => FrameResult {
                status: Status::Success,
                gas_left: self.gas.remaining,
                gas_refund: self.gas.refund,
                output,
            },
            Exit::Revert => FrameResult {
                status: Status::Revert,
                gas_left: self.gas.remaining,
                gas_refund: 0,
                output,
            },
            Exit::Halt(reason) => halted(reason),
        };
        Ok(FrameStep::Return(result))
    }

    /// The end of a successful creation: the code rules and the deposit cost.
    fn deploy(&mut self, code: Vec<u8>) -> FrameResult {
        if code.len() > gas::MAX_CODE_SIZE {
            return halted(CODE_TOO_LARGE);
        }
        if code.first() == Some(&EOF_MAGIC) {
            return halted(CODE_STARTS_WITH_EF);
        }
        if !self.gas.charge(gas::CODE_DEPOSIT_BYTE * code.len() as u64) {
            return halted(OUT_OF_GAS);
        }
        FrameResult {
            status: Status::Success,
            gas_left: self.gas.remaining,
            gas_refund: self.gas.refund,
            output: code,
        }
    }
}

fn halted(reason: &'static str) -> FrameResult {
    FrameResult::early(Status::Halt(Halt::Exceptional(reason)), 0)
}

impl Frame for Interpreter {
    fn run(&mut self, host: &mut dyn Host, resume: Option<Resume>) -> Result<FrameStep, Fatal> {
        if let Some(resume) = resume {
            self.resume(resume);
        }
        self.heap_allowance = host.heap_left();
        self.heap_charged = 0;
        self.execute(host);
        // `false` (the transaction out of native resources) only after the frame halted.
        host.charge_heap(self.heap_charged);
        let exit = self.exit.take().expect("the loop stops only with an exit");
        self.result(exit)
    }
}
