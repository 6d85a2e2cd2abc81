//! The EVM execution environment (Cancun).
#![no_std]
