//! Input: seed, array length. Output: digest of the sorted array.
#![no_std]
#![no_main]

fn main() -> [u32; 8] {
    let seed = zkos_guest_rt::oracle::read();
    let len = zkos_guest_rt::oracle::read() as usize;
    zkos_workloads::sorting::run(seed, len)
}

zkos_guest_rt::entry!(main);
