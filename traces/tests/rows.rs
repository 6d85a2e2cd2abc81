//! Hand-checked rows of small programs (SPEC section 4), and the checker passing on them.

mod common;
use common::*;
use zkos_traces::row::{to_limbs, SingleCycleTracingData as Row};
use zkos_traces::*;

const RAM: u32 = 0x20_0000;
const fn word(byte: u32) -> u32 {
    (byte >> 2) | 0x8000_0000
}

/// A row from its three slots: (register, value, read ts), (address, value, read ts),
/// (address, old, new, read ts); then delegation CSR and oracle word.
fn row(
    pc: u32,
    rs1: (u16, u32, u64),
    rs2: (u32, u32, u64),
    rd: (u32, u32, u32, u64),
    delegation: u16,
    oracle: u32,
) -> Row {
    Row {
        pc,
        rs1_read_value: rs1.1,
        rs1_read_timestamp: to_limbs(rs1.2),
        rs1_reg_idx: rs1.0,
        rs2_or_mem_word_read_value: rs2.1,
        rs2_or_mem_word_address: rs2.0,
        rs2_or_mem_read_timestamp: to_limbs(rs2.2),
        delegation_request: delegation,
        rd_or_mem_word_read_value: rd.1,
        rd_or_mem_word_write_value: rd.2,
        rd_or_mem_word_address: rd.0,
        rd_or_mem_read_timestamp: to_limbs(rd.3),
        non_determinism_read: oracle,
    }
}

/// Traces, checks the rows before the end loop and one filler row, and runs the checker.
fn assert_rows(words: &[u32], oracle: Vec<u32>, expected: &[Row]) -> MemorySink {
    let program = program(words);
    let (summary, sink) = trace_to_memory(&program, oracle, true);
    let rows = &sink.chunks[0].per_cycle_data;
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(&rows[i], want, "row {i}");
    }
    assert_eq!(
        summary.cycles.raw as usize + 1,
        expected.len(),
        "the last expected row is the first filler row"
    );
    check(&program, &sink).unwrap();
    sink
}

#[test]
fn rs1_equal_to_rs2_reads_twice_with_chained_timestamps() {
    assert_rows(
        &[addi(5, 0, 7), add(6, 5, 5), END_LOOP],
        vec![],
        &[
            row(0, (0, 0, 0), (7, 0, 0), (5, 0, 7, 0), 0, 0),
            row(4, (5, 7, 6), (5, 7, 8), (6, 0, 14, 0), 0, 0),
            row(8, (0, 0, 4), (0, 0, 12), (0, 0, 0, 13), 0, 0),
        ],
    );
}

#[test]
fn rom_loads_read_ram_word_zero_with_value_zero() {
    let sink = assert_rows(
        &[
            lw(2, 0, 16),
            lbu(3, 0, 17),
            jal(0, 4),
            END_LOOP,
            0xdead_beef,
        ],
        vec![],
        &[
            row(0, (0, 0, 0), (word(0), 0, 0), (2, 0, 0xdead_beef, 0), 0, 0),
            row(4, (0, 0, 4), (word(0), 0, 5), (3, 0, 0xbe, 0), 0, 0),
            row(8, (0, 0, 8), (4, 0, 0), (0, 0, 0, 12), 0, 0),
            row(12, (0, 0, 14), (0, 0, 16), (0, 0, 0, 17), 0, 0),
        ],
    );
    let lazy = &sink.lazy_init[0];
    assert_eq!(
        lazy.last().unwrap(),
        &LazyInitAndTeardown {
            address: 0,
            teardown_value: 0,
            teardown_timestamp: to_limbs(9)
        }
    );
    assert_eq!(lazy[lazy.len() - 2], LazyInitAndTeardown::default());
}

#[test]
fn byte_store_merges_into_the_existing_word() {
    let sink = assert_rows(
        &[
            lui(1, RAM >> 12),
            addi(2, 0, -1),
            sw(2, 1, 0),
            addi(3, 0, 0x5a),
            sb(3, 1, 2),
            END_LOOP,
        ],
        vec![],
        &[
            row(0, (0, 0, 0), (2, 0, 0), (1, 0, RAM, 0), 0, 0),
            row(4, (0, 0, 4), (31, 0, 0), (2, 0, u32::MAX, 5), 0, 0),
            row(
                8,
                (1, RAM, 6),
                (2, u32::MAX, 10),
                (word(RAM), 0, u32::MAX, 0),
                0,
                0,
            ),
            row(12, (0, 0, 8), (26, 0, 0), (3, 0, 0x5a, 0), 0, 0),
            row(
                16,
                (1, RAM, 12),
                (3, 0x5a, 18),
                (word(RAM), u32::MAX, 0xff5a_ffff, 14),
                0,
                0,
            ),
            row(20, (0, 0, 16), (0, 0, 24), (0, 0, 0, 25), 0, 0),
        ],
    );
    let lazy = &sink.lazy_init[0];
    assert_eq!(
        lazy.last().unwrap(),
        &LazyInitAndTeardown {
            address: RAM,
            teardown_value: 0xff5a_ffff,
            teardown_timestamp: to_limbs(22)
        }
    );
}

/// The other instruction classes: upper immediates, multiply and divide, a shift, a half-word
/// store and a signed half-word load from RAM, and an indirect jump with its link. The
/// I- and U-type words read the registers their immediate bits name, as every row does.
#[test]
fn every_other_instruction_class_fills_its_row() {
    let words = [
        lui(1, RAM >> 12),
        auipc(2, 1),
        addi(3, 0, -3),
        mul(4, 3, 3),
        divu(5, 3, 4),
        sh(3, 1, 2),
        lh(6, 1, 2),
        slli(7, 4, 4),
        jalr(8, 0, 40),
        addi(9, 0, 1), // jumped over
        END_LOOP,
    ];
    assert_eq!(
        words,
        [
            0x002000b7, 0x00001117, 0xffd00193, 0x02318233, 0x0241d2b3, 0x00309123, 0x00209303,
            0x00421393, 0x02800467, 0x00100493, 0x0000006f
        ]
    );
    assert_rows(
        &words,
        vec![],
        &[
            row(0, (0, 0, 0), (2, 0, 0), (1, 0, RAM, 0), 0, 0),
            row(4, (0, 0, 4), (0, 0, 8), (2, 0, 0x1004, 5), 0, 0),
            row(8, (0, 0, 9), (29, 0, 0), (3, 0, 0xffff_fffd, 0), 0, 0),
            row(
                12,
                (3, 0xffff_fffd, 14),
                (3, 0xffff_fffd, 16),
                (4, 0, 9, 0),
                0,
                0,
            ),
            row(
                16,
                (3, 0xffff_fffd, 17),
                (4, 9, 18),
                (5, 0, 0x1c71_c71c, 0),
                0,
                0,
            ),
            row(
                20,
                (1, RAM, 6),
                (3, 0xffff_fffd, 20),
                (word(RAM), 0, 0xfffd_0000, 0),
                0,
                0,
            ),
            row(
                24,
                (1, RAM, 24),
                (word(RAM), 0xfffd_0000, 26),
                (6, 0, 0xffff_fffd, 0),
                0,
                0,
            ),
            row(28, (4, 9, 21), (4, 9, 32), (7, 0, 0x90, 0), 0, 0),
            row(32, (0, 0, 12), (8, 0, 0), (8, 0, 36, 37), 0, 0),
            row(40, (0, 0, 36), (0, 0, 40), (0, 0, 0, 41), 0, 0),
        ],
    );
}

#[test]
fn branches_write_zero_to_x0() {
    assert_rows(
        &[
            addi(1, 0, 1),
            beq(1, 0, 8),
            bne(1, 0, 8),
            addi(5, 0, 99),
            END_LOOP,
        ],
        vec![],
        &[
            row(0, (0, 0, 0), (1, 0, 0), (1, 0, 1, 5), 0, 0),
            row(4, (1, 1, 6), (0, 0, 4), (0, 0, 0, 9), 0, 0),
            row(8, (1, 1, 8), (0, 0, 10), (0, 0, 0, 13), 0, 0),
            row(16, (0, 0, 14), (0, 0, 16), (0, 0, 0, 17), 0, 0),
        ],
    );
}

#[test]
fn oracle_reads_fill_rd_and_the_oracle_column() {
    assert_rows(
        &[csrrw(5, 0x7c0, 0), csrrw(0, 0x7c0, 5), END_LOOP],
        vec![0x1234_5678],
        &[
            row(
                0,
                (0, 0, 0),
                (0, 0, 4),
                (5, 0, 0x1234_5678, 0),
                0,
                0x1234_5678,
            ),
            row(4, (5, 0x1234_5678, 6), (0, 0, 5), (0, 0, 0, 9), 0, 0),
            row(8, (0, 0, 10), (0, 0, 12), (0, 0, 0, 13), 0, 0),
        ],
    );
}

#[test]
fn u256_call_requests_the_delegation_and_fills_its_witness() {
    let sink = assert_rows(
        &[
            lui(10, RAM >> 12),
            addi(11, 10, 32),
            addi(5, 0, 5),
            sw(5, 10, 0),
            addi(5, 0, 7),
            sw(5, 11, 0),
            addi(12, 0, 1),
            csrrw(0, 0x7ca, 0),
            END_LOOP,
        ],
        vec![],
        &[
            row(0, (0, 0, 0), (2, 0, 0), (10, 0, RAM, 0), 0, 0),
            row(4, (10, RAM, 6), (0, 0, 4), (11, 0, RAM + 32, 0), 0, 0),
            row(8, (0, 0, 9), (5, 0, 0), (5, 0, 5, 13), 0, 0),
            row(12, (10, RAM, 8), (5, 5, 14), (word(RAM), 0, 5, 0), 0, 0),
            row(16, (0, 0, 12), (7, 0, 0), (5, 5, 7, 17), 0, 0),
            row(
                20,
                (11, RAM + 32, 10),
                (5, 7, 22),
                (word(RAM + 32), 0, 7, 0),
                0,
                0,
            ),
            row(24, (0, 0, 20), (1, 0, 0), (12, 0, 1, 0), 0, 0),
            row(28, (0, 0, 28), (10, RAM, 16), (0, 0, 0, 32), 0x7ca, 0),
            row(32, (0, 0, 34), (0, 0, 36), (0, 0, 0, 37), 0, 0),
        ],
    );
    let (kind, circuit) = &sink.circuits[0];
    assert_eq!(
        (kind.csr, circuit.index, sink.circuits.len()),
        (0x7ca, 0, 1)
    );
    let w = &circuit.witness;
    assert_eq!(w.write_timestamp, vec![to_limbs(35)]);
    let registers: Vec<_> = w
        .register_accesses
        .iter()
        .map(|a| (a.read_value, a.write_value, row::from_limbs(a.timestamp)))
        .collect();
    assert_eq!(
        registers,
        vec![(RAM, RAM, 33), (RAM + 32, RAM + 32, 24), (1, 0, 30)]
    );
    let reads: Vec<_> = w
        .indirect_reads
        .iter()
        .map(|a| (a.read_value, row::from_limbs(a.timestamp)))
        .collect();
    assert_eq!(reads[0], (7, 26));
    assert!(reads[1..].iter().all(|&r| r == (0, 0)));
    let writes: Vec<_> = w
        .indirect_writes
        .iter()
        .map(|a| (a.read_value, a.write_value, row::from_limbs(a.timestamp)))
        .collect();
    assert_eq!(writes[0], (5, 12, 18));
    assert!(writes[1..].iter().all(|&r| r == (0, 0, 0)));
}

#[test]
fn blake2s_call_reads_its_message_and_writes_its_state() {
    let sink = assert_rows(
        &[
            lui(10, RAM >> 12),
            addi(11, 10, 128),
            addi(12, 0, 1),
            addi(13, 0, 0),
            addi(5, 0, 9),
            sw(5, 11, 4),
            csrrw(0, 0x7c7, 0),
            END_LOOP,
        ],
        vec![],
        &[
            row(0, (0, 0, 0), (2, 0, 0), (10, 0, RAM, 0), 0, 0),
            row(4, (10, RAM, 6), (0, 0, 4), (11, 0, RAM + 128, 0), 0, 0),
            row(8, (0, 0, 9), (1, 0, 0), (12, 0, 1, 0), 0, 0),
            row(12, (0, 0, 12), (0, 0, 16), (13, 0, 0, 0), 0, 0),
            row(16, (0, 0, 17), (9, 0, 0), (5, 0, 9, 0), 0, 0),
            row(
                20,
                (11, RAM + 128, 10),
                (5, 9, 22),
                (word(RAM + 132), 0, 9, 0),
                0,
                0,
            ),
            row(24, (0, 0, 20), (7, 0, 0), (0, 0, 0, 28), 0x7c7, 0),
            row(28, (0, 0, 30), (0, 0, 32), (0, 0, 0, 33), 0, 0),
        ],
    );
    let w = &sink.circuits[0].1.witness;
    assert_eq!(
        (w.delegation_type, w.write_timestamp.clone()),
        (0x7c7, vec![to_limbs(31)])
    );
    let registers: Vec<_> = w
        .register_accesses
        .iter()
        .map(|a| (a.read_value, a.write_value, row::from_limbs(a.timestamp)))
        .collect();
    assert_eq!(
        registers,
        vec![
            (RAM, RAM, 8),
            (RAM + 128, RAM + 128, 24),
            (1, 1, 14),
            (0, 0, 18)
        ]
    );
    let reads: Vec<_> = w
        .indirect_reads
        .iter()
        .map(|a| (a.read_value, row::from_limbs(a.timestamp)))
        .collect();
    assert_eq!(reads.len(), 16);
    assert_eq!(reads[1], (9, 26));
    assert!(reads
        .iter()
        .enumerate()
        .all(|(i, &r)| i == 1 || r == (0, 0)));
    assert_eq!(w.indirect_writes.len(), 24);
    assert!(w
        .indirect_writes
        .iter()
        .all(|a| a.read_value == 0 && a.timestamp == [0; 3]));
    // Round 0 of normal mode loads IV into v[8..12], so those words are written non-zero.
    assert!(w.indirect_writes[16..20].iter().all(|a| a.write_value != 0));
}
