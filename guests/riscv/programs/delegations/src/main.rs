//! No input. Output: BLAKE2s-256 of the serialised delegation report.
#![no_std]
#![no_main]

zkos_guest_rt::entry!(zkos_workloads::delegations::run);
