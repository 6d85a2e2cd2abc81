//! The delegation circuits of `SPEC.md` section 3 as pure functions over words, with
//! their argument checks. The emulator moves the words in and out of guest memory; the
//! guest runtime's host model (`zkos-guest-rt`) calls the same functions, so there is one
//! model of each device.
#![no_std]

extern crate alloc;

pub mod blake2s;
pub mod u256;

use alloc::format;
use alloc::string::String;
use zkos_linker::{ADDRESS_SPACE_SIZE, RAM_START};

/// Whether a pointer argument passes [`check_pointer`]: the calls' quick checks, which
/// explain nothing.
#[inline(always)]
pub(crate) fn pointer_fits(address: u32, align: u32, bytes: u32) -> bool {
    address >= RAM_START
        && address.is_multiple_of(align)
        && address as u64 + bytes as u64 <= ADDRESS_SPACE_SIZE as u64
}

/// Checks a pointer argument: in RAM, aligned, and the whole block inside the address space.
pub fn check_pointer(name: &str, address: u32, align: u32, bytes: u32) -> Result<(), String> {
    if address < RAM_START {
        return Err(format!(
            "{name} = 0x{address:08x} is below RAM (0x{RAM_START:08x})"
        ));
    }
    if !address.is_multiple_of(align) {
        return Err(format!(
            "{name} = 0x{address:08x} is not {align}-byte aligned"
        ));
    }
    if address as u64 + bytes as u64 > ADDRESS_SPACE_SIZE as u64 {
        return Err(format!(
            "{name} = 0x{address:08x}: {bytes} bytes run past the end of RAM"
        ));
    }
    Ok(())
}
