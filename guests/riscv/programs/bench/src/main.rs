//! Input: iterations (about 1.0 million cycles each). Output: digest of the sieves.
#![no_std]
#![no_main]

fn main() -> [u32; 8] {
    zkos_workloads::bench::run(zkos_guest_rt::oracle::read())
}

zkos_guest_rt::entry!(main);
