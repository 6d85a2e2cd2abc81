//! An independent check of a trace, sharing no code with the emulator.
//!
//! The memory argument: lazy init (every touched word at value 0, timestamp 0, and every
//! register likewise) plus every write equals every read plus the teardown (and the final
//! registers), as multisets of (address, value, timestamp); and every read timestamp is
//! below the timestamp of its access. A read is also a write of the same value at the
//! access timestamp. The multisets are compared through sums of keyed 128-bit hashes.
//!
//! Rows are tied to the program by their shape: formal register indices, load and store
//! word addresses, the delegation CSR, the oracle word, and the next pc (from the ROM word,
//! rs1 and the branch operands). Delegation witnesses are tied to the rows by their write
//! timestamps.

use crate::delegation::{
    Call, DelegationCircuit, DelegationKind, DelegationWitness, IndirectAccessProperty,
    BASE_REGISTER, CALLS_PER_BATCH, KINDS,
};
use crate::row::{
    from_limbs, ram_word, row_timestamp, CycleData, FinalState, LazyInitAndTeardown,
    SingleCycleTracingData as Row, TimestampLimbs, CHUNK_ROWS, RAM_WORD_FLAG,
};
use crate::sink::TraceSink;
use rayon::prelude::*;
use std::collections::VecDeque;
use std::fmt;
use std::io;
use zkos_linker::{csr, ROM_END, ROM_PADDING_WORD};

/// A violated rule, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckError {
    pub place: String,
    pub rule: String,
}

impl fmt::Display for CheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.rule)
    }
}

impl std::error::Error for CheckError {}

/// What a passed check covered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    pub chunks: usize,
    pub accesses: u64,
    pub delegation_calls: u64,
    pub touched_words: u64,
}

/// A multiset of (address, value, timestamp) as sums of two keyed hashes and a count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Multiset {
    sums: [u64; 2],
    count: u64,
}

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

impl Multiset {
    fn add(&mut self, address: u32, value: u32, timestamp: u64) {
        let x = (address as u64) << 32 | value as u64;
        let h0 =
            mix(x.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ mix(timestamp ^ 0x243f_6a88_85a3_08d3));
        let h1 =
            mix(x ^ 0x1319_8a2e_0370_7344 ^ mix(timestamp.wrapping_add(0xa409_3822_299f_31d0)));
        self.sums[0] = self.sums[0].wrapping_add(h0);
        self.sums[1] = self.sums[1].wrapping_add(h1);
        self.count += 1;
    }

    fn merge(self, other: Multiset) -> Multiset {
        Multiset {
            sums: [
                self.sums[0].wrapping_add(other.sums[0]),
                self.sums[1].wrapping_add(other.sums[1]),
            ],
            count: self.count + other.count,
        }
    }
}

/// Both sides of the memory argument.
#[derive(Clone, Copy, Debug, Default)]
struct Argument {
    /// Init and writes.
    written: Multiset,
    /// Reads and teardown.
    read: Multiset,
}

impl Argument {
    /// An access at `now` to `address` that found `old` (last written at `previous`) and
    /// left `new`.
    fn access(&mut self, access: Access) -> Result<(), String> {
        validate(access)?;
        self.add(access);
        Ok(())
    }

    fn add(&mut self, (address, previous, old, new, now): Access) {
        self.read.add(address, old, previous);
        self.written.add(address, new, now);
    }

    fn merge(self, other: Argument) -> Argument {
        Argument {
            written: self.written.merge(other.written),
            read: self.read.merge(other.read),
        }
    }
}

/// Checks a trace as its parts arrive; use it as a [`TraceSink`], then call [`Checker::finish`].
pub struct Checker {
    rom: Vec<u32>,
    argument: Argument,
    chunks: usize,
    /// The pc the next row must have.
    next_pc: u32,
    /// Per delegation kind, the rows' requests matched with the witnesses' calls.
    calls: [CallMatcher; KINDS.len()],
    lazy_chunks: usize,
    last_lazy_address: Option<u32>,
    touched_words: u64,
    final_pc: Option<u32>,
    error: Option<CheckError>,
}

fn fail<T>(place: impl Into<String>, rule: impl Into<String>) -> Result<T, CheckError> {
    Err(CheckError {
        place: place.into(),
        rule: rule.into(),
    })
}

impl Checker {
    /// A checker for a run of the flat ROM image `rom` (little-endian words from address 0).
    pub fn new(rom_image: &[u8]) -> Checker {
        Checker {
            rom: rom_image
                .chunks(4)
                .map(|w| u32::from_le_bytes(w.try_into().unwrap()))
                .collect(),
            argument: Argument::default(),
            chunks: 0,
            next_pc: 0,
            calls: Default::default(),
            lazy_chunks: 0,
            last_lazy_address: None,
            touched_words: 0,
            final_pc: None,
            error: None,
        }
    }

    fn record(&mut self, result: Result<(), CheckError>) {
        if let (Err(e), None) = (result, &self.error) {
            self.error = Some(e);
        }
    }

    fn check_chunk(&mut self, index: usize, chunk: &CycleData) -> Result<(), CheckError> {
        let place = format!("chunk {index}");
        if index != self.chunks {
            return fail(place, format!("expected chunk {} next", self.chunks));
        }
        self.chunks += 1;
        let rows = &chunk.per_cycle_data;
        if rows.len() != CHUNK_ROWS
            || chunk.cycles_traced != CHUNK_ROWS
            || chunk.num_cycles_chunk_size != CHUNK_ROWS
        {
            return fail(
                place,
                format!("{} rows; a chunk has {CHUNK_ROWS}", rows.len()),
            );
        }
        if rows[0].pc != self.next_pc {
            return fail(
                format!("{place} row 0"),
                format!("pc 0x{:08x}, expected 0x{:08x}", rows[0].pc, self.next_pc),
            );
        }
        let rom = &self.rom;
        let parts: Vec<Result<RowsChecked, CheckError>> = rows
            .par_chunks(ROWS_PER_TASK)
            .enumerate()
            .map(|(part, slice)| check_rows(rom, index, rows, part * ROWS_PER_TASK, slice))
            .collect();
        let mut argument = Argument::default();
        let mut calls = Vec::new();
        for part in parts {
            let part = part?;
            argument = argument.merge(part.argument);
            calls.extend(part.calls);
        }
        self.argument = self.argument.merge(argument);
        for (kind, timestamp) in calls {
            let matched = self.calls[kind].push(Side::Rows, timestamp);
            matched.map_err(|rule| CheckError {
                place: format!("{place}, delegation {}", KINDS[kind].csr),
                rule,
            })?;
        }
        let last = rows.last().unwrap();
        self.next_pc = successor(rom, last).map_err(|rule| CheckError {
            place: format!("{place} last row"),
            rule,
        })?;
        Ok(())
    }

    /// Reads the circuit's calls one at a time; only a failed read is an I/O error.
    fn check_circuit(
        &mut self,
        kind: DelegationKind,
        circuit: &DelegationCircuit,
    ) -> io::Result<Result<(), CheckError>> {
        let place = format!("delegation circuit {} #{}", kind.csr, circuit.index);
        let w = &circuit.witness;
        let calls = w.calls();
        let shape_ok = w.kind == kind
            && calls <= kind.capacity
            && w.register_accesses.len() == calls * kind.registers
            && w.indirect_reads.len() == calls * kind.reads
            && w.indirect_writes.len() == calls * kind.writes;
        if !shape_ok {
            return Ok(fail(place, "the witness does not have its circuit's shape"));
        }
        let matcher = &mut self.calls[kind.slot()];
        if let Err(rule) = matcher.start_circuit(circuit.index, calls, kind.capacity) {
            return Ok(fail(place, rule));
        }
        let properties = kind.access_properties();
        let mut reader = w.read_calls()?;
        let mut batch = DelegationWitness::empty(kind);
        let mut first = 0;
        loop {
            if reader.read(CALLS_PER_BATCH, &mut batch)? == 0 {
                return Ok(Ok(()));
            }
            let checked = check_calls(&properties, &batch).and_then(|argument| {
                self.argument = self.argument.merge(argument);
                batch
                    .write_timestamp
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, &t)| {
                        let now = from_limbs(t);
                        matcher.push(Side::Witness, now).map_err(|rule| (i, rule))
                    })
            });
            if let Err((i, rule)) = checked {
                return Ok(fail(format!("{place} call {}", first + i), rule));
            }
            first += batch.calls();
        }
    }

    fn check_lazy_init(
        &mut self,
        index: usize,
        entries: &[LazyInitAndTeardown],
    ) -> Result<(), CheckError> {
        let place = format!("lazy-init chunk {index}");
        if index != self.lazy_chunks || entries.len() != CHUNK_ROWS {
            return fail(place, "out of order or not a full chunk");
        }
        self.lazy_chunks += 1;
        for (i, entry) in entries.iter().enumerate() {
            if *entry == LazyInitAndTeardown::default() {
                if self.last_lazy_address.is_some() {
                    return fail(
                        format!("{place} entry {i}"),
                        "padding after the first entry",
                    );
                }
                continue;
            }
            if self
                .last_lazy_address
                .is_some_and(|last| entry.address <= last)
                || entry.address % 4 != 0
            {
                return fail(
                    format!("{place} entry {i}"),
                    "addresses not ascending words",
                );
            }
            self.last_lazy_address = Some(entry.address);
            let word = ram_word(entry.address);
            self.argument.written.add(word, 0, 0);
            self.argument.read.add(
                word,
                entry.teardown_value,
                from_limbs(entry.teardown_timestamp),
            );
            self.touched_words += 1;
        }
        Ok(())
    }

    fn check_final_state(&mut self, state: &FinalState) {
        for (index, register) in state.registers.iter().enumerate() {
            self.argument.written.add(index as u32, 0, 0);
            self.argument
                .read
                .add(index as u32, register.value, register.last_access_timestamp);
        }
        self.final_pc = Some(state.pc);
    }

    /// The verdict over everything received.
    pub fn finish(self) -> Result<CheckReport, CheckError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        if self.chunks == 0 || self.lazy_chunks != self.chunks {
            return fail(
                "trace",
                format!(
                    "{} chunks but {} lazy-init chunks",
                    self.chunks, self.lazy_chunks
                ),
            );
        }
        match self.final_pc {
            None => return fail("trace", "no final state"),
            Some(pc) if pc != self.next_pc => {
                return fail(
                    "final state",
                    format!(
                        "pc 0x{pc:08x}, the last row leads to 0x{:08x}",
                        self.next_pc
                    ),
                )
            }
            Some(_) => {}
        }
        let mut delegation_calls = 0;
        for (matcher, kind) in self.calls.iter().zip(KINDS) {
            delegation_calls += matcher
                .finish()
                .or_else(|rule| fail(format!("delegation {}", kind.csr), rule))?;
        }
        let Argument { written, read } = self.argument;
        if written != read {
            return fail(
                "memory argument",
                format!(
                    "init + writes ({} items) differ from reads + teardown ({} items)",
                    written.count, read.count
                ),
            );
        }
        Ok(CheckReport {
            chunks: self.chunks,
            accesses: read.count,
            delegation_calls,
            touched_words: self.touched_words,
        })
    }
}

impl TraceSink for Checker {
    fn chunk(&mut self, index: usize, chunk: &CycleData) -> io::Result<()> {
        let result = self.check_chunk(index, chunk);
        self.record(result);
        Ok(())
    }
    fn delegation_circuit(
        &mut self,
        kind: DelegationKind,
        circuit: &DelegationCircuit,
    ) -> io::Result<()> {
        let result = self.check_circuit(kind, circuit)?;
        self.record(result);
        Ok(())
    }
    fn lazy_init(&mut self, index: usize, entries: &[LazyInitAndTeardown]) -> io::Result<()> {
        let result = self.check_lazy_init(index, entries);
        self.record(result);
        Ok(())
    }
    fn final_state(&mut self, state: &FinalState) -> io::Result<()> {
        self.check_final_state(state);
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Side {
    #[default]
    Rows,
    Witness,
}

/// Matches one delegation kind's calls, in call order, as the rows request them and as
/// the witness circuits (in index order) hold them. Only the calls of the side that is
/// ahead are kept: at most a circuit's worth, or a chunk's, however long the run.
#[derive(Debug, Default)]
struct CallMatcher {
    unmatched: VecDeque<u64>,
    ahead: Side,
    matched: u64,
    circuits: usize,
    last_circuit_calls: usize,
}

impl CallMatcher {
    fn push(&mut self, side: Side, timestamp: u64) -> Result<(), String> {
        if self.unmatched.is_empty() {
            self.ahead = side;
        }
        if self.ahead == side {
            self.unmatched.push_back(timestamp);
            return Ok(());
        }
        let (from_rows, from_witness) = match (self.unmatched.pop_front(), side) {
            (Some(earlier), Side::Witness) => (earlier, timestamp),
            (Some(earlier), Side::Rows) => (timestamp, earlier),
            (None, _) => unreachable!("the other side is ahead only with calls unmatched"),
        };
        if from_rows != from_witness {
            return Err(format!(
                "call {} is requested at timestamp {from_rows} but the witness has {from_witness}",
                self.matched
            ));
        }
        self.matched += 1;
        Ok(())
    }

    fn start_circuit(&mut self, index: usize, calls: usize, capacity: usize) -> Result<(), String> {
        if index != self.circuits {
            return Err(format!("expected circuit #{} next", self.circuits));
        }
        if index > 0 && self.last_circuit_calls != capacity {
            return Err(format!(
                "the previous circuit holds {} calls but is not the last; a circuit holds {capacity}",
                self.last_circuit_calls
            ));
        }
        self.circuits += 1;
        self.last_circuit_calls = calls;
        Ok(())
    }

    /// The calls matched, if none is left over.
    fn finish(&self) -> Result<u64, String> {
        match (self.unmatched.len(), self.ahead) {
            (0, _) => Ok(self.matched),
            (n, Side::Rows) => Err(format!("{n} requested calls are in no witness")),
            (n, Side::Witness) => Err(format!("{n} witness calls were never requested")),
        }
    }
}

/// One access: (address, read timestamp, old value, new value, access timestamp).
type Access = (u32, u64, u32, u32, u64);

fn validate((address, previous, _, new, now): Access) -> Result<(), String> {
    if previous >= now {
        return Err(format!(
            "read timestamp {previous} is not below the access timestamp {now}"
        ));
    }
    if address & RAM_WORD_FLAG == 0 && address >= 32 {
        return Err(format!(
            "address {address} is neither a register nor a RAM word"
        ));
    }
    if address == 0 && new != 0 {
        return Err(format!("x0 written with 0x{new:08x}"));
    }
    Ok(())
}

struct CheckedRow {
    accesses: [Access; 3],
    /// (kind slot, write timestamp) of a delegation request.
    delegation: Option<(usize, u64)>,
}

fn ts(limbs: TimestampLimbs) -> u64 {
    from_limbs(limbs)
}

/// Rows checked by one task: few enough tasks that their setup is noise, enough to share.
const ROWS_PER_TASK: usize = 1 << 16;

/// What a run of rows adds to the argument, and the delegation calls it requests.
struct RowsChecked {
    argument: Argument,
    /// (kind slot, write timestamp), in row order.
    calls: Vec<(usize, u64)>,
}

/// Checks `slice`, the rows of chunk `chunk` from row `first` on (`rows` is the whole
/// chunk, for the pc of the row after the slice).
fn check_rows(
    rom: &[u32],
    chunk: usize,
    rows: &[Row],
    first: usize,
    slice: &[Row],
) -> Result<RowsChecked, CheckError> {
    let mut checked = RowsChecked {
        argument: Argument::default(),
        calls: Vec::new(),
    };
    for (offset, row) in slice.iter().enumerate() {
        let i = first + offset;
        let next = rows.get(i + 1).map(|r| r.pc);
        let row = check_row(rom, chunk as u64, i, row, next).map_err(|rule| CheckError {
            place: format!("chunk {chunk} row {i}"),
            rule,
        })?;
        row.accesses
            .into_iter()
            .for_each(|a| checked.argument.add(a));
        checked.calls.extend(row.delegation);
    }
    Ok(checked)
}

fn check_row(
    rom: &[u32],
    chunk: u64,
    index: usize,
    row: &Row,
    next_pc: Option<u32>,
) -> Result<CheckedRow, String> {
    let now = row_timestamp(chunk, index as u64);
    let accesses = [
        (
            row.rs1_reg_idx as u32,
            ts(row.rs1_read_timestamp),
            row.rs1_read_value,
            row.rs1_read_value,
            now,
        ),
        (
            row.rs2_or_mem_word_address,
            ts(row.rs2_or_mem_read_timestamp),
            row.rs2_or_mem_word_read_value,
            row.rs2_or_mem_word_read_value,
            now + 1,
        ),
        (
            row.rd_or_mem_word_address,
            ts(row.rd_or_mem_read_timestamp),
            row.rd_or_mem_word_read_value,
            row.rd_or_mem_word_write_value,
            now + 2,
        ),
    ];
    accesses.into_iter().try_for_each(validate)?;
    let delegation = check_shape(rom, row)?;
    if let Some(next) = next_pc {
        let expected = successor(rom, row)?;
        if next != expected {
            return Err(format!(
                "next row has pc 0x{next:08x}, this row leads to 0x{expected:08x}"
            ));
        }
    }
    Ok(CheckedRow {
        accesses,
        delegation: delegation.map(|slot| (slot, now + 3)),
    })
}

fn rom_word(rom: &[u32], pc: u32) -> Result<u32, String> {
    if pc >= ROM_END || !pc.is_multiple_of(4) {
        return Err(format!("pc 0x{pc:08x} is not a ROM word"));
    }
    Ok(rom
        .get(pc as usize / 4)
        .copied()
        .unwrap_or(ROM_PADDING_WORD))
}

fn imm_i(word: u32) -> u32 {
    ((word as i32) >> 20) as u32
}

fn imm_s(word: u32) -> u32 {
    (((word as i32) >> 25) << 5) as u32 | (word >> 7) & 0x1f
}

fn imm_b(word: u32) -> u32 {
    ((((word as i32) >> 31) as u32) << 12)
        | (word & 0x80) << 4
        | (word >> 20) & 0x7e0
        | (word >> 7) & 0x1e
}

fn imm_j(word: u32) -> u32 {
    ((((word as i32) >> 31) as u32) << 20)
        | (word & 0xff000)
        | (word >> 9) & 0x800
        | (word >> 20) & 0x7fe
}

fn expect(what: &str, found: u32, expected: u32) -> Result<(), String> {
    if found == expected {
        Ok(())
    } else {
        Err(format!(
            "{what} is 0x{found:08x}, the instruction gives 0x{expected:08x}"
        ))
    }
}

/// Checks the row against its instruction; returns the delegation kind slot it requests.
fn check_shape(rom: &[u32], row: &Row) -> Result<Option<usize>, String> {
    let word = rom_word(rom, row.pc)?;
    let (rd, rs1, rs2) = ((word >> 7) & 31, (word >> 15) & 31, (word >> 20) & 31);
    expect("rs1 index", row.rs1_reg_idx as u32, rs1)?;
    let (mut rs2_slot, mut rd_slot) = (rs2, rd);
    let (mut delegation, mut oracle) = (0u16, 0u32);
    match word & 0x7f {
        0x03 => {
            let address = row.rs1_read_value.wrapping_add(imm_i(word));
            rs2_slot = if address < ROM_END {
                RAM_WORD_FLAG
            } else {
                ram_word(address)
            };
            if address < ROM_END {
                expect("ROM load value", row.rs2_or_mem_word_read_value, 0)?;
            }
        }
        0x23 => rd_slot = ram_word(row.rs1_read_value.wrapping_add(imm_s(word))),
        0x63 => rd_slot = 0,
        0x73 => match (word >> 20) as u16 {
            csr::BLAKE2S_ROUND | csr::U256_OP => {
                delegation = (word >> 20) as u16;
                rd_slot = 0;
            }
            csr::ORACLE if rd != 0 => oracle = row.rd_or_mem_word_write_value,
            _ => {}
        },
        _ => {}
    }
    expect("rs2 or load address", row.rs2_or_mem_word_address, rs2_slot)?;
    expect("rd or store address", row.rd_or_mem_word_address, rd_slot)?;
    expect(
        "delegation request",
        row.delegation_request as u32,
        delegation as u32,
    )?;
    expect("oracle word", row.non_determinism_read, oracle)?;
    Ok(DelegationKind::of_csr(delegation).map(|k| k.slot()))
}

/// The pc after this row, from its instruction and the values it read.
fn successor(rom: &[u32], row: &Row) -> Result<u32, String> {
    let word = rom_word(rom, row.pc)?;
    let (a, b) = (row.rs1_read_value, row.rs2_or_mem_word_read_value);
    let pc = row.pc;
    Ok(match word & 0x7f {
        0x6f => pc.wrapping_add(imm_j(word)),
        0x67 => a.wrapping_add(imm_i(word)) & !1,
        0x63 => {
            let taken = match (word >> 12) & 7 {
                0 => a == b,
                1 => a != b,
                4 => (a as i32) < (b as i32),
                5 => (a as i32) >= (b as i32),
                6 => a < b,
                7 => a >= b,
                _ => return Err(format!("0x{word:08x} is not a branch")),
            };
            if taken {
                pc.wrapping_add(imm_b(word))
            } else {
                pc.wrapping_add(4)
            }
        }
        _ => pc.wrapping_add(4),
    })
}

/// What the calls of `calls` (a batch read from a witness) add to the argument, checked
/// side by side; or the first failing call's index in the batch and why.
fn check_calls(
    properties: &[Vec<IndirectAccessProperty>],
    calls: &DelegationWitness,
) -> Result<Argument, (usize, String)> {
    const CALLS_PER_TASK: usize = 1 << 10;
    let tasks = calls.calls().div_ceil(CALLS_PER_TASK);
    let parts: Vec<Result<Argument, (usize, String)>> = (0..tasks)
        .into_par_iter()
        .map(|task| {
            let mut argument = Argument::default();
            let first = task * CALLS_PER_TASK;
            for i in first..calls.calls().min(first + CALLS_PER_TASK) {
                let call = calls.call(i);
                let now = from_limbs(call.write_timestamp);
                check_call(&mut argument, properties, &call, now).map_err(|rule| (i, rule))?;
            }
            Ok(argument)
        })
        .collect();
    parts
        .into_iter()
        .try_fold(Argument::default(), |sum, part| Ok(sum.merge(part?)))
}

/// The memory accesses of one delegation call at `now`.
fn check_call(
    argument: &mut Argument,
    properties: &[Vec<IndirectAccessProperty>],
    call: &Call,
    now: u64,
) -> Result<(), String> {
    for (i, r) in call.register_accesses.iter().enumerate() {
        argument.access((
            BASE_REGISTER + i as u32,
            ts(r.timestamp),
            r.read_value,
            r.write_value,
            now,
        ))?;
    }
    let mut reads = call.indirect_reads.iter();
    let mut writes = call.indirect_writes.iter();
    for (pointer, accesses) in call.register_accesses.iter().zip(properties) {
        for access in accesses {
            let word = ram_word(pointer.read_value.wrapping_add(4 * access.index as u32));
            if access.use_writes {
                let wr = writes
                    .next()
                    .ok_or("fewer indirect writes than properties")?;
                argument.access((word, ts(wr.timestamp), wr.read_value, wr.write_value, now))?;
            } else {
                let rd = reads.next().ok_or("fewer indirect reads than properties")?;
                argument.access((word, ts(rd.timestamp), rd.read_value, rd.read_value, now))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_match_whichever_side_runs_ahead() {
        let mut m = CallMatcher::default();
        m.start_circuit(0, 2, 2).unwrap();
        for (side, ts) in [
            (Side::Witness, 8),
            (Side::Witness, 12),
            (Side::Rows, 8),
            (Side::Rows, 12),
            (Side::Rows, 20),
        ] {
            m.push(side, ts).unwrap();
        }
        assert_eq!(m.unmatched, [20]);
        m.start_circuit(1, 1, 2).unwrap();
        m.push(Side::Witness, 20).unwrap();
        assert_eq!(m.finish(), Ok(3));
    }

    #[test]
    fn a_call_at_another_timestamp_is_named() {
        let mut m = CallMatcher::default();
        m.push(Side::Rows, 8).unwrap();
        m.push(Side::Rows, 12).unwrap();
        m.push(Side::Witness, 8).unwrap();
        let error = m.push(Side::Witness, 16).unwrap_err();
        assert_eq!(
            error,
            "call 1 is requested at timestamp 12 but the witness has 16"
        );
    }

    #[test]
    fn leftover_calls_and_misplaced_circuits_fail() {
        let mut rows_ahead = CallMatcher::default();
        rows_ahead.push(Side::Rows, 8).unwrap();
        assert_eq!(
            rows_ahead.finish(),
            Err("1 requested calls are in no witness".into())
        );
        let mut witness_ahead = CallMatcher::default();
        witness_ahead.push(Side::Witness, 8).unwrap();
        assert!(witness_ahead
            .finish()
            .unwrap_err()
            .contains("never requested"));
        let mut circuits = CallMatcher::default();
        assert!(circuits.start_circuit(1, 2, 2).is_err(), "#1 before #0");
        circuits.start_circuit(0, 1, 2).unwrap();
        let error = circuits.start_circuit(1, 2, 2).unwrap_err();
        assert!(
            error.contains("holds 1 calls but is not the last"),
            "{error}"
        );
    }
}
