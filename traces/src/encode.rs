//! Airbender's debug-dump encoding: bincode 1.3 with fixed-width little-endian integers and
//! u64 lengths, written by hand (a row is 54 bytes: its 56 in memory less the 2 bytes of
//! padding before `non_determinism_read`).

use crate::delegation::{
    DelegationWitness, IndirectAccessProperty, IndirectRead, IndirectWrite, RegisterAccess,
    SpilledWitness,
};
use crate::row::{CycleData, LazyInitAndTeardown, SingleCycleTracingData as Row, TimestampLimbs};
use crate::spill::SpillColumn;
use std::io::{self, Write};

pub const ROW_BYTES: usize = 54;
pub const LAZY_INIT_BYTES: usize = 14;

/// Rows encoded per write call.
const ROWS_PER_WRITE: usize = 1 << 14;

/// Bytes of a `CycleData` file with `rows` rows.
pub fn cycle_data_len(rows: usize) -> u64 {
    24 + (ROW_BYTES * rows) as u64
}

pub fn lazy_init_len(entries: usize) -> u64 {
    8 + (LAZY_INIT_BYTES * entries) as u64
}

pub trait Encode {
    fn encode(&self, out: &mut Vec<u8>);
}

/// The inverse of [`Encode`], taking its bytes from the front of `input`.
pub trait Decode: Sized {
    fn decode(input: &mut &[u8]) -> Self;
}

/// An element of a delegation witness's long fields: a fixed number of encoded bytes.
pub trait Element: Encode + Decode + Copy {
    const BYTES: usize;
}

/// Packs integers little-endian into a fixed array. In straight-line code every offset is
/// a constant, so a record costs a few stores and one copy into the output (rows and
/// lazy-init entries are written by the hundred million).
macro_rules! pack {
    ($bytes:expr; $($value:expr),* $(,)?) => {{
        let mut bytes = [0u8; $bytes];
        let mut at = 0;
        $(
            let field = $value.to_le_bytes();
            bytes[at..at + field.len()].copy_from_slice(&field);
            at += field.len();
        )*
        debug_assert_eq!(at, $bytes);
        bytes
    }};
}

macro_rules! int_codec {
    ($($int:ty),*) => {$(
        impl Encode for $int {
            fn encode(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }

        impl Decode for $int {
            fn decode(input: &mut &[u8]) -> $int {
                let (bytes, rest) = input
                    .split_first_chunk()
                    .expect("decoding whole elements");
                *input = rest;
                <$int>::from_le_bytes(*bytes)
            }
        }
    )*};
}

int_codec!(u8, u16, u32, u64);

impl Encode for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self as u8);
    }
}

impl Encode for TimestampLimbs {
    #[inline(always)]
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&pack!(6; self[0], self[1], self[2]));
    }
}

impl Decode for TimestampLimbs {
    fn decode(input: &mut &[u8]) -> TimestampLimbs {
        std::array::from_fn(|_| u16::decode(input))
    }
}

impl<T: Encode> Encode for [T] {
    fn encode(&self, out: &mut Vec<u8>) {
        (self.len() as u64).encode(out);
        self.iter().for_each(|item| item.encode(out));
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        self.as_slice().encode(out);
    }
}

impl Encode for Row {
    #[inline(always)]
    fn encode(&self, out: &mut Vec<u8>) {
        let [t0, t1, t2] = [
            self.rs1_read_timestamp,
            self.rs2_or_mem_read_timestamp,
            self.rd_or_mem_read_timestamp,
        ];
        out.extend_from_slice(&pack!(ROW_BYTES;
            self.pc,
            self.rs1_read_value,
            t0[0], t0[1], t0[2],
            self.rs1_reg_idx,
            self.rs2_or_mem_word_read_value,
            self.rs2_or_mem_word_address,
            t1[0], t1[1], t1[2],
            self.delegation_request,
            self.rd_or_mem_word_read_value,
            self.rd_or_mem_word_write_value,
            self.rd_or_mem_word_address,
            t2[0], t2[1], t2[2],
            self.non_determinism_read,
        ));
    }
}

impl Encode for LazyInitAndTeardown {
    #[inline(always)]
    fn encode(&self, out: &mut Vec<u8>) {
        let t = self.teardown_timestamp;
        out.extend_from_slice(&pack!(LAZY_INIT_BYTES;
            self.address,
            self.teardown_value,
            t[0], t[1], t[2],
        ));
    }
}

impl Encode for IndirectAccessProperty {
    fn encode(&self, out: &mut Vec<u8>) {
        self.use_writes.encode(out);
        self.index.encode(out);
    }
}

/// Witness elements, packed like rows: millions are spilled and written per circuit.
macro_rules! element_codec {
    ($type:ident, $bytes:literal { $($value:ident),* }) => {
        impl Encode for $type {
            #[inline(always)]
            fn encode(&self, out: &mut Vec<u8>) {
                let t = self.timestamp;
                out.extend_from_slice(&pack!($bytes; $(self.$value,)* t[0], t[1], t[2]));
            }
        }

        impl Decode for $type {
            #[inline(always)]
            fn decode(input: &mut &[u8]) -> $type {
                $type { $($value: Decode::decode(input),)* timestamp: Decode::decode(input) }
            }
        }

        impl Element for $type {
            const BYTES: usize = $bytes;
        }
    };
}

element_codec!(RegisterAccess, 14 { read_value, write_value });
element_codec!(IndirectRead, 10 { read_value });
element_codec!(IndirectWrite, 14 { read_value, write_value });

impl Element for TimestampLimbs {
    const BYTES: usize = 6;
}

/// Encodes a long slice in pieces so memory stays small: u64 length, then the items.
fn write_long_slice<T: Encode>(
    out: &mut impl Write,
    items: &[T],
    item_bytes: usize,
    buffer: &mut Vec<u8>,
) -> io::Result<()> {
    write_len(out, items.len())?;
    for piece in items.chunks(ROWS_PER_WRITE) {
        buffer.clear();
        buffer.reserve(piece.len() * item_bytes);
        piece.iter().for_each(|item| item.encode(buffer));
        out.write_all(buffer)?;
    }
    Ok(())
}

/// Writes a `CycleData` (`riscv_witness_chunk_{i}.bin`).
pub fn write_cycle_data(out: &mut impl Write, chunk: &CycleData) -> io::Result<()> {
    let mut buffer = Vec::new();
    out.write_all(&(chunk.cycles_traced as u64).to_le_bytes())?;
    write_long_slice(out, &chunk.per_cycle_data, ROW_BYTES, &mut buffer)?;
    out.write_all(&(chunk.num_cycles_chunk_size as u64).to_le_bytes())
}

/// Writes a lazy-init chunk (`riscv_shuffle_ram_inits_chunk_{i}.bin`).
pub fn write_lazy_init(out: &mut impl Write, entries: &[LazyInitAndTeardown]) -> io::Result<()> {
    write_long_slice(out, entries, LAZY_INIT_BYTES, &mut Vec::new())
}

/// Writes a delegation witness held in memory
/// (`delegation_circuit_{type}_{i}_oracle_witness.bin`).
pub fn write_delegation_witness(
    out: &mut impl Write,
    witness: &DelegationWitness,
) -> io::Result<()> {
    let mut buffer = Vec::new();
    write_delegation_header(out, witness)?;
    write_elements(out, &witness.write_timestamp, &mut buffer)?;
    write_elements(out, &witness.register_accesses, &mut buffer)?;
    write_elements(out, &witness.indirect_reads, &mut buffer)?;
    write_elements(out, &witness.indirect_writes, &mut buffer)
}

fn write_elements<T: Element>(
    out: &mut impl Write,
    items: &[T],
    buffer: &mut Vec<u8>,
) -> io::Result<()> {
    write_long_slice(out, items, T::BYTES, buffer)
}

/// Writes a circuit's witness as [`write_delegation_witness`] does, streaming its spilled
/// columns: a full BLAKE2s circuit encodes to some 585 MB, which is never held in memory.
pub fn write_spilled_witness(out: &mut impl Write, witness: &SpilledWitness) -> io::Result<()> {
    witness.check()?;
    write_delegation_header(out, &DelegationWitness::empty(witness.kind))?;
    write_column(out, &witness.write_timestamp)?;
    write_column(out, &witness.register_accesses)?;
    write_column(out, &witness.indirect_reads)?;
    write_column(out, &witness.indirect_writes)
}

/// A column as its `Vec` is written: its bytes are already the elements' encoding.
fn write_column<T: Element>(out: &mut impl Write, column: &SpillColumn<T>) -> io::Result<()> {
    write_len(out, column.len())?;
    io::copy(&mut column.bytes()?, out)?;
    Ok(())
}

/// Bincode's length prefix.
fn write_len(out: &mut impl Write, len: usize) -> io::Result<()> {
    out.write_all(&(len as u64).to_le_bytes())
}

/// The fields before the long ones.
fn write_delegation_header(out: &mut impl Write, witness: &DelegationWitness) -> io::Result<()> {
    let mut buffer = Vec::new();
    witness.num_requests.encode(&mut buffer);
    witness
        .num_register_accesses_per_delegation
        .encode(&mut buffer);
    witness
        .num_indirect_reads_per_delegation
        .encode(&mut buffer);
    witness
        .num_indirect_writes_per_delegation
        .encode(&mut buffer);
    witness.base_register_index.encode(&mut buffer);
    witness.delegation_type.encode(&mut buffer);
    witness.indirect_accesses_properties.encode(&mut buffer);
    out.write_all(&buffer)
}

/// Encodes a delegation witness in memory (for small witnesses and tests).
pub fn encode_delegation_witness(witness: &DelegationWitness) -> Vec<u8> {
    let mut out = Vec::new();
    write_delegation_witness(&mut out, witness).expect("writing to memory cannot fail");
    out
}

/// Airbender's file names.
pub fn cycle_data_file(chunk: usize) -> String {
    format!("riscv_witness_chunk_{chunk}.bin")
}

pub fn lazy_init_file(chunk: usize) -> String {
    format!("riscv_shuffle_ram_inits_chunk_{chunk}.bin")
}

pub fn delegation_file(csr: u16, index: usize) -> String {
    format!("delegation_circuit_{csr}_{index}_oracle_witness.bin")
}
