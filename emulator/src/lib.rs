//! RV32IM emulator.
