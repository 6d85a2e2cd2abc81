//! The compiled tier: RV32IM basic blocks translated to x86-64 (with dynasm), run in place
//! of the dispatch loop when no tracer needs the steps.
//!
//! The translation is bit-exact with the interpreter because the interpreter keeps every
//! hard case. Aborts, illegal words and control transfers to their own pc (the end loop)
//! end a block before them. Inside a block, every check the interpreter makes (an address
//! outside RAM or misaligned, the oracle's MMIO window, a misaligned jump target, refused
//! delegation arguments) leaves the block *before* the instruction with the exact pc and
//! cycle count, and the interpreter executes that one instruction: its fault, its MMIO
//! access or its halt are then the interpreter's own. Delegations and the oracle CSR are
//! called in line through helpers that share the interpreter's argument checks and
//! arithmetic.
//!
//! Eight guest registers live in host registers while compiled code runs, the rest in the
//! machine's register array; all are in the array whenever control leaves compiled code.
//! Each block checks the cycle bound on entry and adds its length to the counter (kept in
//! a host register); one that would cross the bound hands the rest to the interpreter.
//! Blocks jump to each other directly: a jump to a block not compiled yet leaves for the
//! driver until that block is compiled, and is then pointed at it (JALR looks its target
//! up in a table indexed by pc). Compiled code belongs to the program and is shared by all
//! its machines.

pub(crate) mod cache;
mod codegen;
mod writer;
mod x64;

use crate::delegation::DelegationRecord;
use crate::delegation::{blake2s, u256};
use crate::machine::blake2s_call;
use crate::machine::{JitStats, Registers};
use crate::memory::Memory;
use crate::oracle::{Oracle, OracleDevice};
use crate::tracer::NoTracer;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicU32, AtomicU8, AtomicUsize};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Why compiled code handed control back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Exit {
    /// No compiled block at `pc` yet.
    Miss = 0,
    /// The interpreter must execute the instruction at `pc`.
    Interpret = 1,
    /// The block at `pc` would cross the cycle bound.
    Bound = 2,
    /// The block at `pc` may write more words than the write log has room for.
    Flush = 3,
    /// The host's oracle panicked in the instruction at `pc` (see `Context::panic`).
    Panicked = 4,
}

/// What the driver finds at a pc.
pub(crate) enum Code {
    /// A compiled block at this host address.
    Compiled(usize),
    /// Nothing compiled: the pc has not been reached often enough to be worth it.
    Cold,
    /// No block can start here: the instruction is the interpreter's.
    Interpreted,
}

/// How often the driver reaches a pc before the block there is compiled by default. With
/// compiling at about 1.5 us a block, compiling every block at its first visit measured
/// best on the guest OS's ERC-20 block among 0 to 4 (whole process, cold: 16.3-16.9 ms
/// against 17.5-17.7 at 2, the best when a block took 1.7 us and a copy more); again at
/// about 1 us a block, among 0, 1, 2, 3, 5 and 10 (12.5-12.9 ms against 13.1-13.5 at 1).
pub(crate) const HOT: u8 = 0;

/// What compiled code reads and writes besides guest memory and registers. Its layout is
/// the generated code's: fields are addressed by their offsets.
#[repr(C)]
pub(crate) struct Context {
    pub regs: *mut u32,
    pub ram: *mut u8,
    /// The program's table of blocks (see [`ProgramCode::table`]) and the code buffer's
    /// first byte, which its offsets count from.
    pub table: *const u32,
    pub code: *const u8,
    pub cycle: u64,
    pub bound: u64,
    pub exit_pc: u32,
    pub exit_reason: u32,
    pub memory: *mut Memory,
    pub u256_ops: u64,
    pub blake2s_rounds: u64,
    /// Code that logs writes: the next free entry of the write log, and its end.
    pub log: *mut u32,
    pub log_end: *mut u32,
    /// The oracle device (an `OracleDevice<O>`) and the [`oracle_csr`] for its `O`:
    /// compiled code is shared by machines whose oracles differ.
    pub device: *mut (),
    pub oracle_csr: usize,
    /// The oracle's upcoming words (see [`Oracle::upcoming`]) from `upcoming_from` to
    /// `upcoming_end`; compiled code reads them at `upcoming` and moves it on. Empty for an
    /// oracle that has none.
    pub upcoming: *const u32,
    pub upcoming_end: *const u32,
    pub upcoming_from: *const u32,
    /// The delegation helpers, called through here so that compiled code holds no
    /// absolute address outside its buffer (a code cache can then put it in another
    /// process's buffer).
    pub u256_helper: usize,
    pub blake2s_helper: usize,
    /// A panic of the host's oracle, carried past compiled code to the driver.
    pub panic: Option<Box<dyn std::any::Any + Send>>,
}

/// What an oracle CSR instruction does, for [`oracle_csr`]: read a word (rd is not x0),
/// hand rs1's value to the host (rs1 is not x0), or both.
pub(crate) const ORACLE_READS: u32 = 1;
pub(crate) const ORACLE_WRITES: u32 = 2;

/// The oracle CSR called from compiled code, as the interpreter executes it: the word read
/// (0 if none) in the low half; bit 32 set if the host panicked (the payload is in the
/// context).
pub(crate) extern "sysv64" fn oracle_csr<O: Oracle>(
    context: &mut Context,
    value: u32,
    access: u32,
) -> u64 {
    // SAFETY: `Jit::run` set `device` to the `OracleDevice<O>` this function was chosen for,
    // borrowed mutably for the run.
    let device = unsafe { &mut *context.device.cast::<OracleDevice<O>>() };
    close_window(context, device);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let word = if access & ORACLE_READS != 0 {
            device.read()
        } else {
            0
        };
        if access & ORACLE_WRITES != 0 {
            device.write(value);
        }
        word
    }));
    open_window(context, device);
    match result {
        Ok(word) => word as u64,
        Err(payload) => {
            context.panic = Some(payload);
            1 << 32
        }
    }
}

/// Points the context's window of upcoming oracle words at the device's.
fn open_window<O: Oracle>(context: &mut Context, device: &OracleDevice<O>) {
    let words = device.host.upcoming().as_ptr_range();
    context.upcoming_from = words.start;
    context.upcoming = words.start;
    context.upcoming_end = words.end;
}

/// Counts the words compiled code took from the context's window as read, and empties the
/// window (the device's words may move once it is used).
fn close_window<O: Oracle>(context: &mut Context, device: &mut OracleDevice<O>) {
    // SAFETY: compiled code moves `upcoming` only forward from `upcoming_from`, and no
    // further than `upcoming_end`, in the device's words as `open_window` found them.
    let read = unsafe { context.upcoming.offset_from(context.upcoming_from) } as usize;
    device.consume(read);
    context.upcoming_from = std::ptr::null();
    context.upcoming = std::ptr::null();
    context.upcoming_end = std::ptr::null();
}

/// Executable memory: one mapping, filled front to back, never moved (blocks jump to each
/// other by address).
struct CodeBuffer {
    base: *mut u8,
    size: usize,
    used: usize,
    /// The runtime's code, until it is written at the buffer's start, with the first block
    /// compiled: code taken from a cache brings its own, and a buffer that maps a cache
    /// file's code never has its first huge page made and zeroed.
    runtime: Option<Vec<u8>>,
    /// The jumps waiting for the block at each ROM word index (see `Compiler::links`).
    waiting: Waiting,
    compiler: codegen::Compiler,
}

/// Jumps waiting for blocks: for each ROM word index, a list of the addresses of their
/// displacements (a run adds a few thousand; one allocation holds them all).
#[derive(Default)]
struct Waiting {
    /// The first of each index's list, in `sites`.
    first: HashMap<u32, u32, BuildHasherDefault<IndexHasher>>,
    /// A displacement's address, and the next of its list (`u32::MAX`: none).
    sites: Vec<(usize, u32)>,
}

impl Waiting {
    /// Records the jumps `links` (see `Compiler::links`) of the block at `block` as waiting
    /// for their targets.
    fn add(&mut self, block: usize, links: impl IntoIterator<Item = (usize, u32)>) {
        for (offset, target) in links {
            let next = self.first.get(&target).copied().unwrap_or(u32::MAX);
            self.first.insert(target, self.sites.len() as u32);
            self.sites.push((block + offset, next));
        }
    }

    /// The sites waiting for `target`, no longer waiting.
    fn take(&mut self, target: u32) -> impl Iterator<Item = usize> + '_ {
        let first = self.first.remove(&target).unwrap_or(u32::MAX);
        Waiting::list(&self.sites, first)
    }

    /// Every waiting site, with its target.
    fn all(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.first.iter().flat_map(|(&target, &first)| {
            Waiting::list(&self.sites, first).map(move |site| (site, target))
        })
    }

    /// The sites of the list starting at `first`.
    fn list(sites: &[(usize, u32)], first: u32) -> impl Iterator<Item = usize> + '_ {
        let mut next = first;
        std::iter::from_fn(move || {
            let &(site, after) = sites.get(next as usize)?;
            next = after;
            Some(site)
        })
    }
}

/// Hashes a ROM word index with one multiplication (SipHash's cost showed in compile time).
#[derive(Default)]
struct IndexHasher(u64);

impl std::hash::Hasher for IndexHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ byte as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u32(&mut self, index: u32) {
        self.0 = (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

impl CodeBuffer {
    /// Reserved, not committed: the kernel backs the pages code is written to.
    const SIZE: usize = 256 << 20;

    fn new() -> Option<CodeBuffer> {
        // SAFETY: a fresh private anonymous mapping; nothing else refers to it.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                Self::SIZE,
                libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return None;
        }
        // SAFETY: advice on the mapping just made; only a hint (fewer page faults as code
        // is written).
        unsafe { libc::madvise(base, Self::SIZE, libc::MADV_HUGEPAGE) };
        Some(CodeBuffer {
            base: base.cast(),
            size: Self::SIZE,
            used: 0,
            runtime: None,
            waiting: Waiting::default(),
            compiler: codegen::Compiler::new(),
        })
    }

    /// Reserves the buffer's start for the runtime's `code` (assembled for that address),
    /// written there when first needed.
    fn reserve_runtime(&mut self, code: Vec<u8>) {
        // Blocks start 16-byte aligned.
        self.used = (code.len() + 15) & !15;
        self.runtime = Some(code);
    }

    /// Writes the runtime, if it is not written yet.
    fn write_runtime(&mut self) {
        if let Some(code) = self.runtime.take() {
            // SAFETY: the buffer's start, reserved for the runtime, where no code runs yet.
            unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), self.base, code.len()) };
        }
    }

    /// Maps `len` bytes of `file` from `offset` over the buffer's start, privately (see
    /// [`crate::mapping::map_file_over`]); false where the caller must copy.
    fn map_file(&mut self, file: &std::fs::File, offset: u64, len: usize) -> bool {
        let rwx = libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC;
        // SAFETY: the buffer's start, where no code runs yet; the buffer unmaps the whole
        // range on drop.
        let mapped =
            unsafe { crate::mapping::map_file_over(self.base, self.size, file, offset, len, rwx) };
        // Failing to put fresh pages back, the process stops as when an allocation fails.
        mapped.expect("the code buffer's start cannot be mapped back")
    }
}

impl CodeBuffer {
    /// Translates the block at `pc` of `code`'s program after the code already here; its
    /// address, and the block. Its jumps to blocks not compiled yet wait for them.
    fn compile(
        &mut self,
        pc: u32,
        word_at: impl Fn(u32) -> u32,
        code: &ProgramCode,
    ) -> Option<(usize, codegen::Block)> {
        self.write_runtime();
        let start = self.base.wrapping_add(self.used);
        // SAFETY: the room lies inside the mapping, past every block published so far, so
        // no compiled code runs there.
        let block = unsafe {
            self.compiler.compile_block(
                pc,
                word_at,
                |index| code.block(index),
                code.table.len(),
                code.logs_writes,
                &code.runtime,
                (start, self.size - self.used),
            )
        }?;
        let address = start as usize;
        self.used = (self.used + block.len + 15) & !15;
        self.waiting
            .add(address, self.compiler.links().iter().copied());
        Some((address, block))
    }

    /// Points the jumps waiting for the block at ROM word `index` at it, at `address`.
    fn link(&mut self, index: u32, address: usize) {
        for site in self.waiting.take(index) {
            let displacement = (address as isize - (site as isize + 4)) as i32;
            // SAFETY: `site` is a 4-byte aligned displacement of a jump in the mapping (see
            // `Compiler::links`); one atomic store changes it, so code running there
            // on another thread jumps to either target, both valid.
            unsafe { AtomicU32::from_ptr(site as *mut u32) }.store(displacement as u32, Release);
        }
    }
}

impl Drop for CodeBuffer {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, no longer referenced.
        unsafe { libc::munmap(self.base.cast(), self.size) };
    }
}

/// The table's mark for a ROM word where no block can start.
pub(crate) const INTERPRETED: u32 = 1;

/// Compiled code of one program, shared by every machine that runs it, on any thread:
/// blocks are only ever added, and a block's address is published in the table after its
/// code is written.
pub(crate) struct ProgramCode {
    /// Appends go one at a time.
    buffer: Mutex<CodeBuffer>,
    /// Where the compiled block starting at each ROM word of the code image lies, as its
    /// offset from the code buffer's first byte; 0 for none yet, [`INTERPRETED`] where
    /// none can start (the first instruction is the interpreter's). Compiled code reads it
    /// (the context's `table`). Four bytes a word, not a host address's eight: the pages
    /// a run touches of it are about half as many (113 against 202 of the guest OS's).
    table: Box<[AtomicU32]>,
    /// The code buffer's first byte (it never moves).
    base: usize,
    /// Blocks in the table.
    blocks: AtomicUsize,
    /// How often drivers reached each ROM word without a block there.
    heat: Box<[AtomicU8]>,
    /// Whether the code logs the addresses it writes.
    logs_writes: bool,
    entry: codegen::EntryFn,
    /// The runtime's pieces, by address.
    runtime: codegen::Runtime,
}

// SAFETY: the buffer's pointer is only written through under its mutex, and only at bytes
// no table entry points to yet; everything else is atomics or immutable.
unsafe impl Send for CodeBuffer {}

impl ProgramCode {
    /// Code for a program whose code image (see `Program::code_image`) has `rom_words`
    /// words, logging the addresses it writes or not; None where executable memory cannot
    /// be mapped.
    pub fn new(rom_words: usize, logs_writes: bool) -> Option<ProgramCode> {
        let mut buffer = CodeBuffer::new()?;
        let (code, runtime) = codegen::runtime();
        let base = buffer.base as usize;
        let runtime = runtime.at(base);
        buffer.reserve_runtime(code);
        // SAFETY: the entry trampoline, with the signature `EntryFn` names; it is written
        // before any block is (blocks are what runs call into).
        let entry = unsafe { std::mem::transmute::<usize, codegen::EntryFn>(runtime.entry) };
        Some(ProgramCode {
            buffer: Mutex::new(buffer),
            table: zeroed_atomics(rom_words),
            base,
            blocks: AtomicUsize::new(0),
            heat: zeroed_atomics(rom_words),
            logs_writes,
            entry,
            runtime,
        })
    }
}

impl ProgramCode {
    /// Blocks compiled or taken from a code cache.
    pub fn blocks(&self) -> usize {
        self.blocks.load(Relaxed)
    }

    /// The address of the block compiled at ROM word `index`, if any.
    fn block(&self, index: usize) -> Option<usize> {
        match self.entry(index) {
            Code::Compiled(address) => Some(address),
            _ => None,
        }
    }

    /// The table's entry for ROM word `index` (below the table's length): a block's
    /// address, none yet ([`Code::Cold`]), or none possible.
    fn entry(&self, index: usize) -> Code {
        match self.table[index].load(Acquire) {
            0 => Code::Cold,
            INTERPRETED => Code::Interpreted,
            offset => Code::Compiled(self.base + offset as usize),
        }
    }

    /// Publishes the block at `address` (in the code buffer, its code written) as the one
    /// at ROM word `index`.
    fn publish(&self, index: usize, address: usize) {
        self.table[index].store((address - self.base) as u32, Release);
    }
}

/// A program's compiled code as it can outlive the process: the bytes of the code buffer
/// (the runtime, then the blocks) and where each block starts. Compiled code holds no
/// absolute address outside its buffer (helpers are called through the context, and jumps
/// between blocks are relative), so it runs at any buffer's base.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct CodeImage {
    pub code: Vec<u8>,
    pub blocks: Blocks,
    /// Jumps still waiting for their blocks: (offset of the displacement in the code, ROM
    /// word index of the target).
    pub links: Links,
}

/// See [`CodeImage::links`].
pub(crate) type Links = Vec<(u32, u32)>;

/// (ROM word index, offset in the code) of every compiled block.
pub(crate) type Blocks = Vec<(u32, u32)>;

impl ProgramCode {
    pub fn export(&self) -> CodeImage {
        let mut buffer = self.buffer.lock().unwrap_or_else(|p| p.into_inner());
        buffer.write_runtime();
        // SAFETY: the first `used` bytes of the mapping are written code.
        let code = unsafe { std::slice::from_raw_parts(buffer.base, buffer.used) }.to_vec();
        let base = buffer.base as usize;
        let blocks = (0..self.table.len())
            .filter_map(|index| match self.entry(index) {
                Code::Compiled(address) => Some((index as u32, (address - base) as u32)),
                _ => None,
            })
            .collect();
        let links = buffer
            .waiting
            .all()
            .map(|(site, target)| ((site - base) as u32, target))
            .collect();
        CodeImage {
            code,
            blocks,
            links,
        }
    }

    /// Takes the blocks of `code` (a code buffer's bytes, as [`ProgramCode::export`] gave
    /// them) and its waiting jumps, when nothing was compiled here yet and `code` starts
    /// with this build's runtime; false (nothing changed) otherwise. With the `file` that
    /// holds `code` from a page-aligned offset, the file is mapped in rather than copied.
    pub fn import(
        &self,
        code: &[u8],
        blocks: &[(u32, u32)],
        links: &[(u32, u32)],
        file: Option<(&std::fs::File, u64)>,
    ) -> bool {
        let mut buffer = self.buffer.lock().unwrap_or_else(|p| p.into_inner());
        let runtime = buffer.used;
        // Only before anything is compiled is the runtime still unwritten.
        let ours = buffer.runtime.as_deref();
        let fits = code.len() <= buffer.size
            && ours.is_some_and(|ours| code.get(..ours.len()) == Some(ours))
            && blocks.iter().all(|&(index, offset)| {
                (index as usize) < self.table.len()
                    && (runtime..code.len()).contains(&(offset as usize))
            })
            && links.iter().all(|&(offset, target)| {
                (target as usize) < self.table.len()
                    && offset.is_multiple_of(4)
                    && (runtime..code.len().saturating_sub(3)).contains(&(offset as usize))
            });
        if !fits {
            return false;
        }
        if !file.is_some_and(|(file, offset)| buffer.map_file(file, offset, code.len())) {
            // SAFETY: the buffer's start, where no code runs yet.
            unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), buffer.base, code.len()) };
        }
        buffer.runtime = None;
        buffer.used = (code.len() + 15) & !15;
        let base = buffer.base as usize;
        for &(index, offset) in blocks {
            self.publish(index as usize, base + offset as usize);
        }
        self.blocks.store(blocks.len(), Relaxed);
        buffer.waiting.add(
            base,
            links
                .iter()
                .map(|&(offset, target)| (offset as usize, target)),
        );
        true
    }
}

/// Atomics whose all-zero value is their start: `AtomicU32`, `AtomicU8`.
/// From zeroed memory, which large tables get from the kernel untouched (a table per ROM
/// word written entry by entry cost a fresh run about 2 ms).
trait ZeroIsStart: Sized {}
impl ZeroIsStart for AtomicU32 {}
impl ZeroIsStart for AtomicU8 {}

fn zeroed_atomics<T: ZeroIsStart>(len: usize) -> Box<[T]> {
    if len == 0 {
        return Box::new([]);
    }
    let layout = std::alloc::Layout::array::<T>(len).expect("a table per ROM word fits");
    // SAFETY: the layout is a non-empty array of T; all-zero bytes are a valid T (0,
    // false), and the box frees the allocation with the same layout.
    unsafe {
        let table = std::alloc::alloc_zeroed(layout).cast::<T>();
        if table.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        Box::from_raw(std::ptr::slice_from_raw_parts_mut(table, len))
    }
}

impl std::fmt::Debug for ProgramCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProgramCode({} blocks)", self.blocks())
    }
}

/// Where a program keeps its compiled code: plain, and logging writes (made when a
/// machine first asks, then shared by every machine of the program and its clones).
pub(crate) type CompiledCode = Arc<[OnceLock<Option<Arc<ProgramCode>>>; 2]>;

/// A program's code, plain or logging writes, made when first asked for.
pub(crate) fn program_code(
    code: &CompiledCode,
    rom_words: usize,
    logs_writes: bool,
) -> Option<Arc<ProgramCode>> {
    code[logs_writes as usize]
        .get_or_init(|| ProgramCode::new(rom_words, logs_writes).map(Arc::new))
        .clone()
}

/// One machine's use of its program's compiled code.
pub(crate) struct Jit {
    code: CompiledCode,
    rom_words: usize,
    /// The heat at which this machine compiles a block.
    hot: u8,
    /// What this machine compiled and how often it entered compiled code (all but the
    /// compile time, kept in `compile_ticks`).
    stats: JitStats,
    /// Time stamp counter ticks spent compiling, and the clock and counter when the
    /// machine started using the tier, to convert them: reading the counter costs a
    /// fraction of reading the clock, which twice per block was 1.4 % of a cold run.
    compile_ticks: u64,
    started: (Instant, u64),
    /// Addresses written by code that logs them, not yet handed to the tracer.
    log: Vec<u32>,
}

/// The time stamp counter (constant-rate on the hosts the clock itself uses it on).
fn ticks() -> u64 {
    // SAFETY: RDTSC has no preconditions on x86-64.
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// Entries of the write log: a flush every few thousand stores.
const LOG_ENTRIES: usize = 1 << 14;

/// The guest side of a run handed to compiled code.
pub(crate) struct Guest<'a, O> {
    pub regs: &'a mut Registers,
    pub memory: &'a mut Memory,
    pub device: &'a mut OracleDevice<O>,
    pub cycle: u64,
    pub bound: u64,
    pub pc: u32,
}

/// Where compiled code stopped.
pub(crate) struct Stopped {
    pub exit: Exit,
    pub pc: u32,
    pub cycle: u64,
    pub u256_ops: u64,
    pub blake2s_rounds: u64,
}

impl Jit {
    /// Runs a program's code, compiling blocks once reached `hot` times; None where the
    /// host has no executable memory.
    pub fn new(code: CompiledCode, rom_words: usize, hot: u8) -> Option<Jit> {
        let jit = Jit {
            code,
            rom_words,
            hot,
            stats: JitStats::default(),
            compile_ticks: 0,
            started: (Instant::now(), ticks()),
            log: Vec::new(),
        };
        jit.code(false)?;
        Some(jit)
    }

    /// The program's code, plain or logging writes.
    pub fn code(&self, logs_writes: bool) -> Option<Arc<ProgramCode>> {
        program_code(&self.code, self.rom_words, logs_writes)
    }

    /// The addresses logged since the last call.
    pub fn written(&self) -> &[u32] {
        &self.log
    }

    pub fn stats(&self) -> JitStats {
        let (clock, counter) = self.started;
        let seconds_per_tick =
            clock.elapsed().as_secs_f64() / ticks().wrapping_sub(counter).max(1) as f64;
        JitStats {
            compile_time: Duration::from_secs_f64(self.compile_ticks as f64 * seconds_per_tick),
            ..self.stats
        }
    }

    /// The compiled block at `pc` in `code`, compiled now if `pc` has become hot.
    pub fn block_at(&mut self, code: &ProgramCode, pc: u32, memory: &Memory) -> Code {
        let index = (pc >> 2) as usize;
        if pc & 3 != 0 || index >= code.table.len() {
            return Code::Interpreted;
        }
        if let found @ (Code::Compiled(_) | Code::Interpreted) = code.entry(index) {
            return found;
        }
        // Not read at all when blocks compile at their first visit: its pages stay untouched.
        if self.hot > 0 && code.heat[index].load(Relaxed) < self.hot {
            code.heat[index].fetch_add(1, Relaxed);
            return Code::Cold;
        }
        let mut buffer = code
            .buffer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Another machine may have compiled it while this one waited.
        if let found @ (Code::Compiled(_) | Code::Interpreted) = code.entry(index) {
            return found;
        }
        let started = ticks();
        let compiled = buffer.compile(pc, |pc| memory.word_at(pc), code);
        let address = compiled.map(|(address, block)| {
            perf_map_entry(address, block.len, pc);
            self.stats.blocks += 1;
            self.stats.instructions += block.instructions as u64;
            self.stats.code_bytes += block.len as u64;
            address
        });
        self.compile_ticks += ticks().wrapping_sub(started);
        match address {
            Some(address) => {
                code.publish(index, address);
                code.blocks.fetch_add(1, Relaxed);
                buffer.link(index as u32, address);
                Code::Compiled(address)
            }
            None => {
                code.table[index].store(INTERPRETED, Release);
                Code::Interpreted
            }
        }
    }

    /// Runs `code`'s block at `block` until it needs the driver.
    pub fn run<O: Oracle>(
        &mut self,
        code: &ProgramCode,
        block: usize,
        guest: Guest<'_, O>,
    ) -> Stopped {
        self.log.clear();
        let log: *mut u32 = if code.logs_writes {
            self.log.reserve(LOG_ENTRIES);
            self.log.as_mut_ptr()
        } else {
            std::ptr::null_mut()
        };
        let device: *mut OracleDevice<O> = guest.device;
        let mut context = Context {
            regs: guest.regs.as_mut_ptr(),
            ram: guest.memory.base_ptr(),
            table: code.table.as_ptr().cast(),
            code: code.base as *const u8,
            cycle: guest.cycle,
            bound: guest.bound,
            exit_pc: guest.pc,
            exit_reason: Exit::Miss as u32,
            memory: guest.memory,
            u256_ops: 0,
            blake2s_rounds: 0,
            log,
            log_end: log.wrapping_add(LOG_ENTRIES),
            device: device.cast(),
            oracle_csr: oracle_csr::<O> as *const () as usize,
            upcoming: std::ptr::null(),
            upcoming_end: std::ptr::null(),
            upcoming_from: std::ptr::null(),
            u256_helper: u256_delegation as *const () as usize,
            blake2s_helper: blake2s_delegation as *const () as usize,
            panic: None,
        };
        self.stats.entries += 1;
        // SAFETY: the device, borrowed mutably for the run, is reached only through the
        // context until compiled code returns.
        open_window(&mut context, unsafe { &*device });
        // SAFETY: `block` is compiled code from this buffer; the context's pointers are
        // valid for the call (the registers and memory are borrowed mutably for it), and
        // compiled code touches guest memory only at addresses checked to lie in it.
        unsafe { (code.entry)(&mut context, block) };
        // SAFETY: as for `open_window`; compiled code has returned.
        close_window(&mut context, unsafe { &mut *device });
        if code.logs_writes {
            // SAFETY: compiled code wrote the entries from the start of the reserved
            // capacity up to `context.log`, never past `log_end`.
            unsafe { self.log.set_len(context.log.offset_from(log) as usize) };
        }
        let exit = match context.exit_reason {
            0 => Exit::Miss,
            1 => Exit::Interpret,
            2 => Exit::Bound,
            3 => Exit::Flush,
            _ => Exit::Panicked,
        };
        if let Some(payload) = context.panic.take() {
            std::panic::resume_unwind(payload);
        }
        Stopped {
            exit,
            pc: context.exit_pc,
            cycle: context.cycle,
            u256_ops: context.u256_ops,
            blake2s_rounds: context.blake2s_rounds,
        }
    }
}

/// `perf`'s map of this process's compiled code (`/tmp/perf-PID.map`), kept when the
/// environment sets `ZKOS_JIT_PERF_MAP`: `perf report` then names each block by its guest pc.
static PERF_MAP: LazyLock<Option<Mutex<std::fs::File>>> = LazyLock::new(|| {
    std::env::var_os("ZKOS_JIT_PERF_MAP")?;
    let path = format!("/tmp/perf-{}.map", std::process::id());
    std::fs::File::create(path).ok().map(Mutex::new)
});

fn perf_map_entry(address: usize, len: usize, pc: u32) {
    use std::io::Write;
    if let Some(map) = PERF_MAP.as_ref() {
        let mut map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let _ = writeln!(map, "{address:x} {len:x} guest_pc_{pc:08x}");
    }
}

/// The U256 delegation called from compiled code: 0 when done, 1 when the interpreter
/// must execute the call (its arguments are refused; nothing was changed).
extern "sysv64" fn u256_delegation(context: &mut Context) -> u32 {
    // SAFETY: the context's pointers are valid while compiled code runs (see `Jit::run`).
    let regs = unsafe { &mut *context.regs.cast::<Registers>() };
    let Ok((operation, carry)) = u256::check_arguments(regs[10], regs[11], regs[12]) else {
        return 1;
    };
    // The operands in place as the host's limbs (x86-64 is little-endian, as the guest).
    // SAFETY: both pointers were just checked to lie in RAM, 32-byte aligned; they are
    // distinct, and nothing else refers to guest memory while compiled code runs.
    let (a, b) = unsafe {
        (
            &mut *context.ram.add(regs[10] as usize).cast::<u256::Limbs>(),
            &*context.ram.add(regs[11] as usize).cast::<u256::Limbs>(),
        )
    };
    let (result, flag) = u256::apply_limbs(operation, carry, a, b);
    *a = result;
    regs[12] = flag;
    context.u256_ops += 1;
    log_writes(context, regs[10], u256::Words::default().len());
    0
}

/// Logs `words` consecutive words from `address` written by a delegation, when the code
/// logs writes (the block checked there is room).
fn log_writes(context: &mut Context, address: u32, words: usize) {
    if context.log.is_null() {
        return;
    }
    for i in 0..words {
        // SAFETY: the block made sure of room for its delegations' writes before it ran.
        unsafe {
            context.log.write(address + 4 * i as u32);
            context.log = context.log.add(1);
        }
    }
}

/// The BLAKE2s round called from compiled code, like [`u256_delegation`].
extern "sysv64" fn blake2s_delegation(context: &mut Context) -> u32 {
    // SAFETY: as in `u256_delegation`.
    let (regs, memory) = unsafe { (&mut *context.regs.cast::<Registers>(), &mut *context.memory) };
    let registers = [regs[10], regs[11], regs[12], regs[13]];
    let Ok(call) = blake2s::check_arguments(regs[10], regs[11], regs[12], regs[13]) else {
        return 1;
    };
    blake2s_call::<NoTracer>(memory, &mut DelegationRecord::default(), &call, registers);
    context.blake2s_rounds += 1;
    log_writes(context, call.state_ptr, blake2s::STATE_WORDS);
    0
}
