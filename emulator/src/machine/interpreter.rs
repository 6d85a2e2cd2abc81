//! The interpreter: the decoded ROM's entries executed one after another.
//!
//! Inside a run (see [`super::decoded`]) the loop only moves its offset into the table: an
//! instruction's pc follows from that offset, and its cycle from the offset and an origin
//! that only jumps move ([`Position`]), so neither is counted per instruction, and the
//! cycle bound is checked only where control jumps, against the span of the run it lands
//! in. A run that would cross the bound executes in stepping mode instead, one instruction
//! per check, as does a single-step call.
//!
//! The dispatch is one table jump shared by every instruction, and on irregular code it
//! mispredicts often: an instruction often followed by one of its kind (a load, a store,
//! ADDI, an ALU operation) runs the next one of that kind in its own loop (`again!`),
//! where a branch of its own predicts the runs of them.

use super::decoded::{writes_rd, Entry};
use super::{Machine, Registers, Stop};
use crate::decode::{Instruction, Op};
use crate::delegation::{blake2s, u256, DelegationRecord};
use crate::fault::FaultKind;
use crate::memory::{AccessError, Memory};
use crate::oracle::{Oracle, OracleDevice};
use crate::tracer::{MemAccess, Step, Tracer};
use zkos_linker::{csr, ORACLE_MMIO_READ, ORACLE_MMIO_READS_SO_FAR, ORACLE_MMIO_WRITE, ROM_END};

/// A fault as the interpreter finds it: its kind and the address involved; the machine adds
/// the pc and the instruction word.
pub(super) type Trap = (FaultKind, Option<u32>);

/// How a call of [`Machine::exec`] ended; the position is the next instruction.
enum Flow {
    /// Control jumped (a jump or a taken branch).
    Jumped,
    /// Execution goes on in order: after one instruction in stepping mode, or a run
    /// decoded (then nothing executed).
    Next,
    /// Interpretation ends with the machine at `pc` and `cycle`.
    Stop {
        result: Result<Stop, Trap>,
        pc: u32,
        cycle: u64,
    },
}

/// Bytes of the table per entry (one 4-byte word of the image).
const ENTRY: usize = size_of::<Entry>();

/// The pc of the entry at byte offset `at` of the table.
#[inline(always)]
fn pc_at(at: usize) -> u32 {
    (at / (ENTRY / 4)) as u32
}

/// The table's byte offset of the entry for `pc` (a multiple of 4).
#[inline(always)]
fn at_pc(pc: u32) -> usize {
    pc as usize * (ENTRY / 4)
}

/// A position in the interpreter: the entry at byte offset `at` of the table, and the cycle
/// count kept as `origin` (in sixteenths of a cycle, less `at`), so that the cycle of the
/// entry at `at` is `(origin + at) / 16`: straight-line code counts no cycles, and only
/// jumps move the origin.
#[derive(Clone, Copy)]
struct Position {
    at: usize,
    origin: u64,
}

impl Position {
    fn new(pc: u32, cycle: u64) -> Position {
        let at = at_pc(pc);
        Position {
            at,
            origin: (cycle * ENTRY as u64).wrapping_sub(at as u64),
        }
    }

    /// The cycle of the entry at `at`, in sixteenths.
    #[inline(always)]
    fn now(&self) -> u64 {
        self.origin.wrapping_add(self.at as u64)
    }

    #[inline(always)]
    fn cycle(&self) -> u64 {
        self.now() / ENTRY as u64
    }
}

impl Machine {
    /// Interprets until the end loop, a fault, or the raw cycle count reaching `bound`;
    /// with `ONE_RUN`, also after the first jump or taken branch (returning [`Stop::Bound`]).
    /// On a fault, `self.pc` is the faulting instruction.
    #[inline(always)]
    pub(super) fn interpret<const ONE_RUN: bool, O: Oracle, T: Tracer>(
        &mut self,
        device: &mut OracleDevice<O>,
        tracer: &mut T,
        bound: u64,
    ) -> Result<Stop, Trap> {
        if self.cycles.raw >= bound {
            return Ok(Stop::Bound);
        }
        if self.pc & 3 != 0 || (self.pc >> 2) as usize >= self.code.len() {
            return Err(fetch_fault(self.pc));
        }
        // From here on the position is always an entry of the table: it only moves to the
        // next entry after one that is not the word past the image, or to a checked target.
        let mut position = Position::new(self.pc, self.cycles.raw);
        let scaled_bound = bound.saturating_mul(ENTRY as u64);
        let (result, pc, cycle) = loop {
            let now = position.now();
            if now >= scaled_bound {
                break (Ok(Stop::Bound), pc_at(position.at), position.cycle());
            }
            // An undecoded entry (span 0) goes the fast way: its arm decodes the run first.
            let span = self.code.entry_at(position.at).span as u64;
            let flow = if now + span <= scaled_bound {
                self.exec::<false, ONE_RUN, O, T>(&mut position, bound, device, tracer)
            } else {
                self.exec::<true, ONE_RUN, O, T>(&mut position, bound, device, tracer)
            };
            match flow {
                Flow::Jumped if ONE_RUN => {
                    break (Ok(Stop::Bound), pc_at(position.at), position.cycle());
                }
                Flow::Jumped | Flow::Next => {}
                Flow::Stop { result, pc, cycle } => break (result, pc, cycle),
            }
        };
        self.pc = pc;
        self.cycles.raw = cycle;
        result
    }

    /// Executes from `position` while every run it jumps into ends before `bound`, or with
    /// `STEP` one instruction; with `ONE_RUN` it returns after the first jump or taken
    /// branch. On return `position` is the next instruction (the stopping one on
    /// [`Flow::Stop`]).
    #[inline(always)]
    fn exec<const STEP: bool, const ONE_RUN: bool, O: Oracle, T: Tracer>(
        &mut self,
        position: &mut Position,
        bound: u64,
        device: &mut OracleDevice<O>,
        tracer: &mut T,
    ) -> Flow {
        let base = self.code.as_ptr();
        let len = self.code.len();
        let scaled_bound = bound.saturating_mul(ENTRY as u64);
        let Position { mut at, mut origin } = *position;
        'exec: loop {
            // SAFETY: `at` is the offset of an entry of the table: see `interpret`.
            let mut entry = unsafe { *base.byte_add(at) };
            let mut inst = entry.inst;
            let (mut rd, mut rs1v, mut rs2v, mut rd_old) = operands(&self.regs, &inst);
            let regs = &mut self.regs;
            let mut mem = MemAccess::None;
            let mut oracle_word = 0;
            let mut delegated = false;
            macro_rules! cycle {
                () => {
                    Position { at, origin }.cycle()
                };
            }
            macro_rules! leave {
                ($flow:expr) => {{
                    *position = Position { at, origin };
                    return $flow;
                }};
            }
            macro_rules! stop {
                ($result:expr) => {{
                    let (pc, cycle) = (pc_at(at), cycle!());
                    leave!(Flow::Stop {
                        result: $result,
                        pc,
                        cycle,
                    })
                }};
            }
            macro_rules! report {
                () => {
                    if T::ENABLED {
                        let rd_new = self.regs[rd];
                        let delegation = delegated.then_some(&self.record);
                        let step = step(&entry, rs1v, rs2v, rd_old, rd_new, delegation);
                        tracer.on_step(&Step {
                            cycle: cycle!(),
                            pc: pc_at(at),
                            mem,
                            oracle_word,
                            ..step
                        });
                    }
                };
            }
            macro_rules! next {
                () => {{
                    report!();
                    // Not the word past the image (its entry stops), so the next entry is
                    // inside the table.
                    at += ENTRY;
                    if STEP {
                        leave!(Flow::Next);
                    }
                    continue;
                }};
            }
            // Jumps to the entry at `$target` (an entry of the image), which executes the
            // cycle after this instruction; stays in this loop if the run there ends
            // before the bound.
            macro_rules! go {
                ($target:expr) => {{
                    let target: usize = $target;
                    let next = origin.wrapping_add(at as u64) + ENTRY as u64;
                    origin = next.wrapping_sub(target as u64);
                    at = target;
                    // SAFETY: `target` is the offset of an entry of the table.
                    let span = unsafe { (*base.byte_add(at)).span } as u64;
                    if STEP || ONE_RUN || next + span > scaled_bound {
                        leave!(Flow::Jumped);
                    }
                    continue;
                }};
            }
            // JAL or a taken branch (whose `rd` is the sink): `inst.imm` is the target's
            // offset in the table, or odd for a target that needs the checks of `jump!`.
            macro_rules! direct {
                () => {{
                    let link = pc_at(at).wrapping_add(4);
                    if inst.imm & 1 != 0 {
                        jump!(inst.imm & !1, link)
                    }
                    self.regs[rd] = link;
                    report!();
                    go!(inst.imm as usize)
                }};
            }
            macro_rules! branch {
                ($taken:expr) => {{
                    if $taken {
                        direct!()
                    }
                    next!()
                }};
            }
            // The link is written after the target check: a faulting jump retires nothing.
            macro_rules! jump {
                ($target:expr, $link:expr) => {{
                    let target: u32 = $target;
                    if target & 3 != 0 {
                        stop!(Err((FaultKind::MisalignedJump, Some(target))));
                    }
                    self.regs[rd] = $link;
                    if target == pc_at(at) {
                        // The end loop: Airbender does not count its first pass; the
                        // trace's filler rows (see `spin_end_loop`) start here.
                        stop!(Ok(Stop::Halted));
                    }
                    report!();
                    if (target >> 2) as usize >= len {
                        let cycle = cycle!() + 1;
                        let result = match cycle >= bound {
                            true => Ok(Stop::Bound),
                            false => Err(fetch_fault(target)),
                        };
                        let pc = target;
                        leave!(Flow::Stop { result, pc, cycle });
                    }
                    go!(at_pc(target))
                }};
            }
            macro_rules! load {
                ($load:ident, $conv:expr) => {{
                    let address = rs1v.wrapping_add(inst.imm);
                    let value = match self.memory.$load(address) {
                        Ok(v) => $conv(v),
                        Err(e) => {
                            let pc = pc_at(at);
                            match mmio_load(
                                device,
                                address,
                                inst.op,
                                e,
                                &mut self.first_mmio_pc,
                                pc,
                            ) {
                                Ok(v) => {
                                    mem = MemAccess::Mmio { address };
                                    v
                                }
                                Err(trap) => stop!(Err(trap)),
                            }
                        }
                    };
                    if T::ENABLED && T::MEMORY && !matches!(mem, MemAccess::Mmio { .. }) {
                        mem = MemAccess::Load {
                            address,
                            word: self.memory.word_at(address),
                        };
                    }
                    self.regs[rd] = value;
                }};
            }
            macro_rules! store {
                ($store:ident, $value:expr, $mask:expr) => {{
                    let address = rs1v.wrapping_add(inst.imm);
                    let old_word =
                        if T::ENABLED && T::MEMORY && address < zkos_linker::ADDRESS_SPACE_SIZE {
                            self.memory.word_at(address)
                        } else {
                            0
                        };
                    match self.memory.$store(address, $value) {
                        Ok(()) => {
                            if T::ENABLED && T::MEMORY {
                                // The stored bits merged into the old word: reading the word
                                // back would stall on the byte or half-word just stored.
                                let shift = (address & 3) * 8;
                                let new_word =
                                    (old_word & !($mask << shift)) | (($value as u32) << shift);
                                mem = MemAccess::Store {
                                    address,
                                    old_word,
                                    new_word,
                                };
                            }
                        }
                        Err(e) => {
                            let pc = pc_at(at);
                            let first = &mut self.first_mmio_pc;
                            match mmio_store(device, address, inst.op, rs2v, e, first, pc) {
                                Ok(()) => mem = MemAccess::Mmio { address },
                                Err(trap) => stop!(Err(trap)),
                            }
                        }
                    }
                }};
            }
            // Ends an instruction whose next one is often of the same kind: that one runs
            // here without the dispatch (its own branch, which a run of them predicts).
            macro_rules! again {
                ($same:lifetime, $op:pat) => {{
                    report!();
                    at += ENTRY;
                    if STEP {
                        leave!(Flow::Next);
                    }
                    // SAFETY: as in `next!`.
                    let following = unsafe { *base.byte_add(at) };
                    if !matches!(following.inst.op, $op) {
                        continue 'exec;
                    }
                    entry = following;
                    inst = entry.inst;
                    (rd, rs1v, rs2v, rd_old) = operands(&self.regs, &inst);
                    mem = MemAccess::None;
                    continue $same;
                }};
            }
            // An instruction often followed by another of its kind: `$step`, or for an ALU
            // operation the `$value` it writes.
            macro_rules! repeat {
                ($op:pat => $step:expr) => {
                    'same: loop {
                        $step;
                        again!('same, $op)
                    }
                };
                ($op:pat, $value:expr) => {
                    repeat!($op => self.regs[rd] = $value)
                };
            }
            macro_rules! set {
                ($value:expr) => {{
                    regs[rd] = $value;
                    next!()
                }};
            }
            match inst.op {
                Op::Undecoded => {
                    let (pc, cycle) = (pc_at(at), cycle!());
                    if cycle >= bound {
                        leave!(Flow::Stop {
                            result: Ok(Stop::Bound),
                            pc,
                            cycle
                        });
                    }
                    let index = (pc >> 2) as usize;
                    if index == len {
                        // Straight-line code ran off the end of the image.
                        leave!(Flow::Stop {
                            result: Err(fetch_fault(pc)),
                            pc,
                            cycle
                        });
                    }
                    self.code.decode_run(index, &self.memory);
                    leave!(Flow::Next);
                }
                Op::Lui => set!(inst.imm),
                // `Entry::decode` turns every AUIPC into the LUI of its result.
                Op::Auipc => unreachable!("AUIPC in the decoded ROM"),
                Op::Jal => direct!(),
                Op::Jalr => jump!(rs1v.wrapping_add(inst.imm) & !1, pc_at(at).wrapping_add(4)),
                Op::Beq => branch!(rs1v == rs2v),
                Op::Bne => branch!(rs1v != rs2v),
                Op::Blt => branch!((rs1v as i32) < (rs2v as i32)),
                Op::Bge => branch!((rs1v as i32) >= (rs2v as i32)),
                Op::Bltu => branch!(rs1v < rs2v),
                Op::Bgeu => branch!(rs1v >= rs2v),
                Op::Lb => {
                    load!(load_u8, |v: u8| v as i8 as i32 as u32);
                    next!()
                }
                Op::Lh => {
                    load!(load_u16, |v: u16| v as i16 as i32 as u32);
                    next!()
                }
                Op::Lw => repeat!(Op::Lw => load!(load_u32, |v: u32| v)),
                Op::Lbu => repeat!(Op::Lbu => load!(load_u8, |v: u8| v as u32)),
                Op::Lhu => {
                    load!(load_u16, |v: u16| v as u32);
                    next!()
                }
                Op::Sb => repeat!(Op::Sb => store!(store_u8, rs2v as u8, 0xffu32)),
                Op::Sh => {
                    store!(store_u16, rs2v as u16, 0xffffu32);
                    next!()
                }
                Op::Sw => repeat!(Op::Sw => store!(store_u32, rs2v, u32::MAX)),
                Op::Addi => repeat!(Op::Addi, rs1v.wrapping_add(inst.imm)),
                Op::Slti => set!(((rs1v as i32) < (inst.imm as i32)) as u32),
                Op::Sltiu => set!((rs1v < inst.imm) as u32),
                Op::Xori => repeat!(Op::Xori, rs1v ^ inst.imm),
                Op::Ori => repeat!(Op::Ori, rs1v | inst.imm),
                Op::Andi => repeat!(Op::Andi, rs1v & inst.imm),
                Op::Slli => repeat!(Op::Slli, rs1v << inst.imm),
                Op::Srli => repeat!(Op::Srli, rs1v >> inst.imm),
                Op::Srai => set!(((rs1v as i32) >> inst.imm) as u32),
                Op::Add => repeat!(Op::Add, rs1v.wrapping_add(rs2v)),
                Op::Sub => repeat!(Op::Sub, rs1v.wrapping_sub(rs2v)),
                Op::Sll => set!(rs1v << (rs2v & 31)),
                Op::Slt => set!(((rs1v as i32) < (rs2v as i32)) as u32),
                Op::Sltu => repeat!(Op::Sltu, (rs1v < rs2v) as u32),
                Op::Xor => repeat!(Op::Xor, rs1v ^ rs2v),
                Op::Srl => set!(rs1v >> (rs2v & 31)),
                Op::Sra => set!(((rs1v as i32) >> (rs2v & 31)) as u32),
                Op::Or => repeat!(Op::Or, rs1v | rs2v),
                Op::And => repeat!(Op::And, rs1v & rs2v),
                Op::Mul => set!(rs1v.wrapping_mul(rs2v)),
                Op::Mulh => set!(((rs1v as i32 as i64 * rs2v as i32 as i64) >> 32) as u32),
                Op::Mulhsu => set!(((rs1v as i32 as i64 * rs2v as i64) >> 32) as u32),
                Op::Mulhu => set!(((rs1v as u64 * rs2v as u64) >> 32) as u32),
                Op::Div => set!(div_signed(rs1v, rs2v)),
                Op::Divu => set!(rs1v.checked_div(rs2v).unwrap_or(u32::MAX)),
                Op::Rem => set!(rem_signed(rs1v, rs2v)),
                Op::Remu => set!(if rs2v == 0 { rs1v } else { rs1v % rs2v }),
                Op::OracleCsr => {
                    let (real_rd, _, _) = Instruction::fields(entry.word);
                    if real_rd != 0 {
                        oracle_word = device.read();
                    }
                    if inst.rs1 != 0 {
                        device.write(rs1v);
                    }
                    set!(oracle_word)
                }
                Op::Blake2sRound => {
                    let arguments = [regs[10], regs[11], regs[12], regs[13]];
                    match blake2s::check_arguments(regs[10], regs[11], regs[12], regs[13]) {
                        Ok(call) => {
                            let record = &mut self.record;
                            blake2s_call::<T>(&mut self.memory, record, &call, arguments)
                        }
                        Err(why) => stop!(Err((FaultKind::Delegation(why), None))),
                    }
                    self.cycles.blake2s_rounds += 1;
                    delegated = true;
                    self.regs[rd] = 0;
                    next!()
                }
                Op::U256Op => {
                    let arguments = [regs[10], regs[11], regs[12]];
                    match u256::check_arguments(regs[10], regs[11], regs[12]) {
                        Ok((operation, carry)) => {
                            let record = &mut self.record;
                            let memory = &mut self.memory;
                            let flag = u256_call::<T>(memory, record, operation, carry, arguments);
                            self.regs[12] = flag;
                        }
                        Err(why) => stop!(Err((FaultKind::Delegation(why), None))),
                    }
                    self.cycles.u256_ops += 1;
                    delegated = true;
                    self.regs[rd] = 0;
                    next!()
                }
                Op::Abort => stop!(Err((FaultKind::GuestAbort, None))),
                Op::Illegal => stop!(Err((FaultKind::IllegalInstruction, None))),
            }
        }
    }
}

/// The register `inst` writes (the sink for none), the values of its source registers, and
/// the value of the register it writes, before it runs (for the trace).
#[inline(always)]
fn operands(regs: &Registers, inst: &Instruction) -> (usize, u32, u32, u32) {
    let rd = inst.rd as usize;
    (
        rd,
        regs[inst.rs1 as usize],
        regs[inst.rs2 as usize],
        regs[rd],
    )
}

/// The parts of a step that depend on the instruction alone, for the trace.
#[inline(always)]
fn step<'a>(
    entry: &Entry,
    rs1_value: u32,
    rs2_value: u32,
    rd_old: u32,
    rd_new: u32,
    delegation: Option<&'a DelegationRecord>,
) -> Step<'a> {
    let (real_rd, _, _) = Instruction::fields(entry.word);
    let writes = writes_rd(entry.inst.op) && delegation.is_none() && real_rd != 0;
    Step {
        cycle: 0,
        pc: 0,
        word: entry.word,
        rs1_value,
        rs2_value,
        rd: if writes { real_rd } else { 0 },
        rd_old: if writes { rd_old } else { 0 },
        rd_new: if writes { rd_new } else { 0 },
        mem: MemAccess::None,
        oracle_word: 0,
        delegation,
    }
}

pub(super) fn fetch_fault(pc: u32) -> Trap {
    if pc < ROM_END {
        // Past the image the prover's ROM holds the padding word, the abort instruction.
        (FaultKind::GuestAbort, None)
    } else {
        (FaultKind::FetchOutsideRom, Some(pc))
    }
}

fn div_signed(a: u32, b: u32) -> u32 {
    match (a as i32, b as i32) {
        (_, 0) => u32::MAX,
        (a, b) => a.wrapping_div(b) as u32,
    }
}

fn rem_signed(a: u32, b: u32) -> u32 {
    match (a as i32, b as i32) {
        (a, 0) => a as u32,
        (a, b) => a.wrapping_rem(b) as u32,
    }
}

fn access_fault(
    error: AccessError,
    misaligned: FaultKind,
    out_of_bounds: FaultKind,
    address: u32,
) -> Trap {
    let kind = match error {
        AccessError::Misaligned => misaligned,
        AccessError::OutOfBounds => out_of_bounds,
        AccessError::RomWrite => FaultKind::RomWrite,
    };
    (kind, Some(address))
}

fn in_mmio_window(address: u32) -> bool {
    (zkos_linker::ORACLE_MMIO_BASE..zkos_linker::ORACLE_MMIO_BASE + zkos_linker::ORACLE_MMIO_SIZE)
        .contains(&address)
}

#[cold]
fn mmio_load<O: Oracle>(
    device: &mut OracleDevice<O>,
    address: u32,
    op: Op,
    error: AccessError,
    first_mmio_pc: &mut Option<u32>,
    pc: u32,
) -> Result<u32, Trap> {
    if !in_mmio_window(address) {
        return Err(access_fault(
            error,
            FaultKind::MisalignedLoad,
            FaultKind::LoadOutOfBounds,
            address,
        ));
    }
    first_mmio_pc.get_or_insert(pc);
    // Only whole-word accesses: the window lies above 1 GiB, so the memory reports a byte or
    // half-word access at a register's address as out of bounds, not as misaligned.
    match (address, op) {
        (ORACLE_MMIO_READ, Op::Lw) => Ok(device.read()),
        (ORACLE_MMIO_READS_SO_FAR, Op::Lw) => Ok(device.words_read as u32),
        _ => Err((FaultKind::BadMmioAccess, Some(address))),
    }
}

#[cold]
fn mmio_store<O: Oracle>(
    device: &mut OracleDevice<O>,
    address: u32,
    op: Op,
    value: u32,
    error: AccessError,
    first_mmio_pc: &mut Option<u32>,
    pc: u32,
) -> Result<(), Trap> {
    if !in_mmio_window(address) {
        return Err(access_fault(
            error,
            FaultKind::MisalignedStore,
            FaultKind::StoreOutOfBounds,
            address,
        ));
    }
    first_mmio_pc.get_or_insert(pc);
    match (address, op) {
        (ORACLE_MMIO_WRITE, Op::Sw) => {
            device.write(value);
            Ok(())
        }
        _ => Err((FaultKind::BadMmioAccess, Some(address))),
    }
}

pub(crate) fn blake2s_call<T: Tracer>(
    memory: &mut Memory,
    record: &mut DelegationRecord,
    call: &blake2s::RoundCall,
    registers: [u32; 4],
) {
    let mut state: [u32; blake2s::STATE_WORDS] = memory.read_words(call.state_ptr);
    let message: [u32; blake2s::MESSAGE_WORDS] = memory.read_words(call.message_ptr);
    let before = state;
    blake2s::apply(call, &mut state, &message);
    memory.write_words(call.state_ptr, &state);
    if T::ENABLED {
        record.reset(csr::BLAKE2S_ROUND);
        record.registers.extend(registers.iter().map(|&r| (r, r)));
        record.reads.extend(
            message
                .iter()
                .enumerate()
                .map(|(i, &w)| (call.message_ptr + 4 * i as u32, w)),
        );
        record
            .writes
            .extend((0..state.len()).map(|i| (call.state_ptr + 4 * i as u32, before[i], state[i])));
    }
}

fn u256_call<T: Tracer>(
    memory: &mut Memory,
    record: &mut DelegationRecord,
    operation: u32,
    carry: bool,
    registers: [u32; 3],
) -> u32 {
    let (a_ptr, b_ptr) = (registers[0], registers[1]);
    if !T::ENABLED {
        // Nothing to record: the operands as the host's limbs, in place.
        let (a, b) = (memory.read_limbs(a_ptr), memory.read_limbs(b_ptr));
        let (result, flag) = u256::apply_limbs(operation, carry, &a, &b);
        memory.write_limbs(a_ptr, &result);
        return flag;
    }
    let a: u256::Words = memory.read_words(a_ptr);
    let b: u256::Words = memory.read_words(b_ptr);
    let (result, flag) = u256::apply(operation, carry, &a, &b);
    memory.write_words(a_ptr, &result);
    if T::ENABLED {
        record.reset(csr::U256_OP);
        record.registers.extend([
            (registers[0], registers[0]),
            (registers[1], registers[1]),
            (registers[2], flag),
        ]);
        record.reads.extend(
            b.iter()
                .enumerate()
                .map(|(i, &w)| (b_ptr + 4 * i as u32, w)),
        );
        record
            .writes
            .extend((0..8).map(|i| (a_ptr + 4 * i as u32, a[i], result[i])));
    }
    flag
}
