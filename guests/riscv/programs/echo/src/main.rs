//! Input: a word count, then the words. Output: their digest.
#![no_std]
#![no_main]

fn main() -> [u32; 8] {
    zkos_workloads::echo::run(&zkos_guest_rt::oracle::read_counted_words())
}

zkos_guest_rt::entry!(main);
