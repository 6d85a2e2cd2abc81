//! Input: seed, iterations. Output: digest of every result.
#![no_std]
#![no_main]

fn main() -> [u32; 8] {
    let seed = zkos_guest_rt::oracle::read();
    let iterations = zkos_guest_rt::oracle::read();
    zkos_workloads::arith::run(seed, iterations)
}

zkos_guest_rt::entry!(main);
