//! The guest OS: bootloader and oracle client, for RISC-V and the native run.
#![no_std]
