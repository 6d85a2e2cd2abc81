//! The RISC-V guest programs, built from source by this crate's build script.
