//! The emulator never panics: random programs, random delegation arguments and damaged ELF
//! files all end in a value (a finished run or an error). Also every ELF and flat-binary
//! loader check, on small files written by hand.
mod common;

use common::asm::*;
use common::elf::{ElfFile, Segment, RWX, RX};
use common::RAM;
use proptest::prelude::*;
use zkos_emulator::{FaultKind, LoadError, Machine, Program, StreamOracle};
use zkos_linker::{ADDRESS_SPACE_SIZE, ROM_END};

const ECALL: u32 = 0x0000_0073;

/// Runs any program for a few cycles; whatever happens must come back as a value.
fn run_briefly(program: &Program, oracle_words: Vec<u32>, max_cycles: u64) {
    let mut machine = Machine::new(program).expect("machine");
    match machine.run(StreamOracle::new(oracle_words), max_cycles) {
        Ok(outcome) => {
            assert!(outcome.cycles.raw <= max_cycles);
            assert!((outcome.final_pc as usize) < program.image().len());
        }
        Err(e) => {
            assert!(e.cycles.raw <= max_cycles);
            let _ = e.to_string();
        }
    }
}

/// A word that is often a real instruction: a random word with a real opcode, sometimes
/// a device CSR access.
fn plausible_word() -> impl Strategy<Value = u32> {
    let opcodes = vec![
        0x37, 0x17, 0x6f, 0x67, 0x63, 0x03, 0x23, 0x13, 0x33, 0x73, 0x0f,
    ];
    prop_oneof![
        2 => any::<u32>(),
        6 => (any::<u32>(), prop::sample::select(opcodes)).prop_map(|(w, op)| (w & !0x7f) | op),
        1 => prop::sample::select(vec![0x7c0u16, 0x7c7, 0x7ca, 0xc00])
            .prop_flat_map(|csr| (0..32u8, 0..32u8).prop_map(move |(rd, rs1)| csrrw(rd, csr, rs1))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]
    #[test]
    fn random_flat_programs_end_in_a_value(
        words in prop::collection::vec(plausible_word(), 1..64),
        oracle in prop::collection::vec(any::<u32>(), 0..8),
    ) {
        run_briefly(&common::program(&words), oracle, 2_000);
    }
}

/// A pointer argument: mostly in RAM and aligned, sometimes not.
fn pointer() -> impl Strategy<Value = u32> {
    prop_oneof![
        4 => (0..64u32).prop_map(|k| RAM + 32 * k),
        1 => (0..4096u32).prop_map(|k| RAM + k),
        1 => Just(0x1000),
        1 => prop::sample::select(vec![0x3fff_ff80, 0x3fff_ffa0, 0x3fff_ffe0, 0x3fff_fffc, RAM - 128]),
        1 => any::<u32>(),
    ]
}

fn one_hot_or_not() -> impl Strategy<Value = u32> {
    prop_oneof![
        4 => (0..12u32).prop_map(|bit| 1 << bit),
        2 => (0..8u32, any::<bool>()).prop_map(|(bit, carry)| 1 << bit | (carry as u32) << 6),
        1 => any::<u32>(),
        1 => 0..256u32,
    ]
}

/// SPEC section 3's argument rules, written down independently of the emulator.
fn pointer_ok(address: u32, align: u32, bytes: u32) -> bool {
    address >= RAM
        && address.is_multiple_of(align)
        && address as u64 + bytes as u64 <= ADDRESS_SPACE_SIZE as u64
}

fn blake_args_ok([x10, x11, x12, x13]: [u32; 4]) -> bool {
    pointer_ok(x10, 128, 96)
        && pointer_ok(x11, 4, 64)
        && x10 != x11
        && x12.count_ones() == 1
        && x12.trailing_zeros() < 10
        && x13 < 8
}

fn u256_args_ok([x10, x11, x12, _]: [u32; 4]) -> bool {
    pointer_ok(x10, 32, 32)
        && pointer_ok(x11, 32, 32)
        && x10 != x11
        && x12 < 256
        && (x12 & !(1 << 6)).count_ones() == 1
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]
    #[test]
    fn random_delegation_calls_run_or_fail_with_a_delegation_fault(
        blake in any::<bool>(),
        x10 in pointer(),
        x11 in pointer(),
        x12 in one_hot_or_not(),
        x13 in prop_oneof![0..8u32, any::<u32>()],
    ) {
        let args = [x10, x11, x12, x13];
        let mut code = Vec::new();
        for (r, value) in (10..14).zip(args) {
            code.extend(li(r, value));
        }
        code.push(csrrw(0, if blake { 0x7c7 } else { 0x7ca }, 0));
        code.push(END_LOOP);
        let mut machine = Machine::new(&common::program(&code)).expect("machine");
        let result = machine.run(StreamOracle::default(), 100);
        let ok = if blake { blake_args_ok(args) } else { u256_args_ok(args) };
        match result {
            Ok(outcome) => prop_assert!(ok, "accepted bad arguments {:x?}: {:?}", args, outcome),
            Err(e) => {
                prop_assert!(!ok, "rejected good arguments {:x?}: {}", args, e);
                prop_assert!(matches!(e.fault.kind, FaultKind::Delegation(_)), "{}", e);
                prop_assert_eq!((e.fault.pc, e.fault.word), (32, code[8]));
            }
        }
    }
}

/// A real ELF file built by the toolchain: one of the repository's guests.
fn guest_elf() -> Vec<u8> {
    zkos_guests::ECHO.to_vec()
}

/// Loads damaged bytes; a program that still loads is run for a while.
fn load_and_run(bytes: &[u8]) {
    if let Ok(program) = Program::from_bytes(bytes) {
        run_briefly(&program, vec![1, 2, 3, 4, 5], 20_000);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn truncated_guest_elf_loads_or_fails_cleanly(cut in any::<prop::sample::Index>()) {
        let elf = guest_elf();
        load_and_run(&elf[..cut.index(elf.len())]);
    }

    #[test]
    fn corrupted_guest_elf_loads_or_fails_cleanly(
        flips in prop::collection::vec((any::<bool>(), any::<prop::sample::Index>(), 1..=255u8), 1..8),
    ) {
        let mut elf = guest_elf();
        let len = elf.len();
        for (in_headers, at, mask) in flips {
            // Half the flips land in the ELF and program headers, where they matter most.
            let index = if in_headers { at.index(256.min(len)) } else { at.index(len) };
            elf[index] ^= mask;
        }
        load_and_run(&elf);
    }
}

#[test]
fn the_undamaged_guest_elf_loads() {
    Program::from_bytes(&guest_elf()).expect("the echo guest loads");
}

fn code_segment(words: &[u32]) -> Segment {
    Segment {
        vaddr: 0,
        data: common::to_bytes(words),
        mem_size: 0,
        flags: RX,
    }
}

fn bss(vaddr: u64, mem_size: u64) -> Segment {
    Segment {
        vaddr,
        data: Vec::new(),
        mem_size,
        flags: RWX,
    }
}

fn load_error(elf: ElfFile) -> LoadError {
    match Program::from_bytes(&elf.to_bytes()) {
        Ok(_) => panic!("the ELF loaded"),
        Err(e) => e,
    }
}

fn assert_load_error(elf: ElfFile, expected: LoadError, message: &str) {
    let error = load_error(elf);
    assert_eq!(error, expected);
    assert_eq!(error.to_string(), message);
}

const PROGRAM: [u32; 2] = [0x02a0_0513, END_LOOP]; // addi a0, x0, 42

#[test]
fn a_good_elf_loads_and_runs() {
    let elf = ElfFile::riscv32(
        0,
        vec![
            code_segment(&PROGRAM),
            Segment {
                vaddr: 0x1000,
                data: vec![0xaa; 4],
                mem_size: 4,
                flags: RX,
            },
            bss(RAM as u64, 0x10_0000),
        ],
    );
    let program = Program::from_bytes(&elf.to_bytes()).expect("loads");
    assert_eq!(program.image().len(), 0x1004);
    assert_eq!(&program.image()[..8], common::to_bytes(&PROGRAM));
    assert_eq!(&program.image()[0x1000..], [0xaa; 4]);
    let outcome = zkos_emulator::run(&program, StreamOracle::default(), 100).unwrap();
    assert_eq!(outcome.output[0], 42);
}

#[test]
fn elf_64_bit_is_refused() {
    let mut elf = ElfFile::riscv32(0, vec![code_segment(&PROGRAM)]);
    elf.class64 = true;
    assert_load_error(
        elf,
        LoadError::NotElf32,
        "ELF is 64-bit; this machine is RV32 (ELFCLASS32)",
    );
}

#[test]
fn elf_big_endian_is_refused() {
    let mut elf = ElfFile::riscv32(0, vec![code_segment(&PROGRAM)]);
    elf.big_endian = true;
    assert_load_error(
        elf,
        LoadError::NotLittleEndian,
        "ELF is big-endian; this machine is little-endian",
    );
}

#[test]
fn elf_for_another_machine_is_refused() {
    let mut elf = ElfFile::riscv32(0, vec![code_segment(&PROGRAM)]);
    elf.machine = 3; // EM_386
    assert_load_error(
        elf,
        LoadError::NotRiscV(3),
        "ELF machine is 3, not RISC-V (243)",
    );
}

#[test]
fn elf_entry_must_be_zero() {
    let elf = ElfFile::riscv32(0x100, vec![code_segment(&PROGRAM)]);
    assert_load_error(
        elf,
        LoadError::EntryNotZero(0x100),
        "ELF entry point is 0x100; the machine starts at 0",
    );
}

#[test]
fn elf_segment_outside_one_gib_is_named() {
    let elf = ElfFile::riscv32(0, vec![code_segment(&PROGRAM), bss(0x3fff_f000, 0x2000)]);
    assert_load_error(
        elf,
        LoadError::SegmentOutsideMemory {
            index: 1,
            start: 0x3fff_f000,
            end: 0x4000_1000,
        },
        "segment 1 [0x3ffff000, 0x40001000) lies outside the 1 GiB memory map",
    );
}

#[test]
fn elf_file_data_in_ram_is_refused() {
    let data_in_ram = Segment {
        vaddr: RAM as u64,
        data: vec![1, 2, 3, 4],
        mem_size: 4,
        flags: RWX,
    };
    let elf = ElfFile::riscv32(0, vec![code_segment(&PROGRAM), data_in_ram]);
    assert_load_error(
        elf,
        LoadError::SegmentDataInRam {
            index: 1,
            start: 0x20_0000,
        },
        "segment 1 at 0x200000 has file data in RAM; nothing loads RAM on this machine \
         (move .data to ROM or copy it at start-up)",
    );
    let straddling = Segment {
        vaddr: ROM_END as u64 - 4,
        data: vec![0; 8],
        mem_size: 8,
        flags: RX,
    };
    let elf = ElfFile::riscv32(0, vec![code_segment(&PROGRAM), straddling]);
    assert_eq!(
        load_error(elf),
        LoadError::SegmentDataInRam {
            index: 1,
            start: 0x1f_fffc
        }
    );
}

#[test]
fn elf_overlapping_segments_are_named() {
    let overlapping_code = Segment {
        vaddr: 4,
        data: vec![0; 8],
        mem_size: 8,
        flags: RX,
    };
    let elf = ElfFile::riscv32(0, vec![code_segment(&PROGRAM), overlapping_code]);
    assert_load_error(
        elf,
        LoadError::SegmentsOverlap {
            first: 0,
            second: 1,
        },
        "segments 0 and 1 overlap",
    );
    let elf = ElfFile::riscv32(
        0,
        vec![
            code_segment(&PROGRAM),
            bss(RAM as u64, 0x1000),
            bss(RAM as u64 + 0x800, 0x1000),
        ],
    );
    assert_eq!(
        load_error(elf),
        LoadError::SegmentsOverlap {
            first: 1,
            second: 2
        }
    );
}

#[test]
fn elf_without_loadable_segments_is_refused() {
    assert_load_error(
        ElfFile::riscv32(0, Vec::new()),
        LoadError::NoLoadableSegment,
        "ELF has no loadable segment",
    );
}

#[test]
fn elf_segment_past_the_end_of_the_file_is_named() {
    let mut bytes = ElfFile::riscv32(0, vec![code_segment(&PROGRAM)]).to_bytes();
    bytes.truncate(bytes.len() - 4);
    let error = Program::from_bytes(&bytes).unwrap_err();
    assert_eq!(error, LoadError::SegmentPastFile { index: 0 });
    assert_eq!(
        error.to_string(),
        "segment 0 points past the end of the file"
    );
}

#[test]
fn elf_magic_with_garbage_is_malformed() {
    let error = Program::from_bytes(b"\x7fELF\x01\x01").unwrap_err();
    assert!(matches!(error, LoadError::Elf(_)), "{error:?}");
    assert!(error.to_string().starts_with("malformed ELF: "), "{error}");
}

#[test]
fn flat_binary_checks() {
    assert_eq!(Program::from_bytes(&[]).unwrap_err(), LoadError::Empty);
    assert_eq!(
        Program::from_bytes(&[0x13, 0, 0, 0, 0])
            .unwrap_err()
            .to_string(),
        "flat binary of 5 bytes: the length must be a multiple of 4"
    );
    let too_large = vec![0u8; ROM_END as usize + 4];
    assert_eq!(
        Program::from_bytes(&too_large).unwrap_err().to_string(),
        "flat binary of 2097156 bytes does not fit the 2 MiB ROM"
    );
    let full = vec![0u8; ROM_END as usize];
    assert_eq!(
        Program::from_bytes(&full).unwrap().image().len(),
        ROM_END as usize
    );
}

#[test]
fn a_full_rom_of_ecalls_faults_at_pc_zero() {
    let program = Program::from_bytes(&common::to_bytes(&vec![ECALL; 1024])).unwrap();
    let error = zkos_emulator::run(&program, StreamOracle::default(), 10).unwrap_err();
    assert_eq!(
        (error.fault.kind, error.fault.pc),
        (FaultKind::IllegalInstruction, 0)
    );
}
