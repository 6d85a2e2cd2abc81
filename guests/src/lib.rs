//! The RISC-V guest programs of `guests/riscv`, built from source by this crate's build
//! script for `riscv32im-unknown-none-elf`, as ELF images.
//!
//! Each program has a constant named after it in upper case (`HASHING`, `BENCH`, ...)
//! and is listed in [`PROGRAMS`]; see `guests/README.md` for their inputs and outputs.

include!(concat!(env!("OUT_DIR"), "/programs.rs"));

/// The ELF image of the program called `name`, if there is one.
pub fn elf(name: &str) -> Option<&'static [u8]> {
    PROGRAMS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, elf)| *elf)
}

/// Names of all programs, sorted.
pub fn names() -> impl Iterator<Item = &'static str> {
    PROGRAMS.iter().map(|(name, _)| *name)
}
