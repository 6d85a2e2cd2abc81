//! The memory map of the machine (`SPEC.md` section 1) and the linker script guest
//! programs link with. Every other crate takes addresses from here.
#![no_std]

/// Total guest address space: `[0, 1 GiB)`.
pub const ADDRESS_SPACE_SIZE: u32 = 1 << 30;

/// ROM: code and read-only data, `[0, 2 MiB)`.
pub const ROM_START: u32 = 0;
pub const ROM_SIZE: u32 = 2 << 20;
pub const ROM_END: u32 = ROM_START + ROM_SIZE;

/// RAM: `[2 MiB, 1 GiB)`, zero at start.
pub const RAM_START: u32 = ROM_END;
pub const RAM_END: u32 = ADDRESS_SPACE_SIZE;

/// The stack grows down from here; it is the first 62 MiB of RAM above the statics.
pub const STACK_TOP: u32 = 64 << 20;
/// The heap: from the stack top to the end of RAM.
pub const HEAP_START: u32 = STACK_TOP;
pub const HEAP_END: u32 = RAM_END;

/// Entry point of every program.
pub const ENTRY_POINT: u32 = 0;

/// The word that pads a program image to the full ROM for proving: `csrrw x0, cycle, x0`,
/// which is also the guest-abort instruction.
pub const ROM_PADDING_WORD: u32 = 0xc000_1073;
/// `jal x0, 0`: the self-loop that ends a run.
pub const END_LOOP_WORD: u32 = 0x0000_006f;

/// The oracle device's MMIO window (the project's own door; outside the 1 GiB that
/// Airbender proves, so a trace exporter can refuse any run that used it).
///
/// | offset | register | access |
/// | --- | --- | --- |
/// | 0x0 | `READ`  | `lw` pops the next oracle word (0 once the stream is exhausted) |
/// | 0x4 | `WRITE` | `sw` hands a word to the host (questions, console) |
/// | 0x8 | `READS_SO_FAR` | `lw` gives how many words were read so far (through either door) |
///
/// Only aligned word accesses are allowed; anything else in the window is an error.
pub const ORACLE_MMIO_BASE: u32 = 0xFFFF_0000;
pub const ORACLE_MMIO_READ: u32 = ORACLE_MMIO_BASE;
pub const ORACLE_MMIO_WRITE: u32 = ORACLE_MMIO_BASE + 4;
pub const ORACLE_MMIO_READS_SO_FAR: u32 = ORACLE_MMIO_BASE + 8;
pub const ORACLE_MMIO_SIZE: u32 = 12;

// The window must stay outside what Airbender proves; checked when this crate builds.
const _: () = assert!(ORACLE_MMIO_BASE >= ADDRESS_SPACE_SIZE);

/// CSR numbers of the devices.
pub mod csr {
    /// Oracle (non-determinism) CSR.
    pub const ORACLE: u16 = 0x7C0;
    /// BLAKE2s round with extended control.
    pub const BLAKE2S_ROUND: u16 = 0x7C7;
    /// 256-bit integer operation.
    pub const U256_OP: u16 = 0x7CA;
    /// `cycle`: writing it is the guest-abort instruction.
    pub const CYCLE: u16 = 0xC00;
}

/// The linker script for guest programs (entry at 0, `.text` and `.rodata` in ROM,
/// `.bss` and the stack in RAM, `.data` forbidden because nothing loads RAM).
pub const LINKER_SCRIPT: &str = include_str!("../link.x");
