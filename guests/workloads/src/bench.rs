//! The CPU-bound benchmark program: repeated sieves of Eratosthenes over a byte array
//! (byte loads and stores, branches) folded with a multiply-rotate chain (ALU). About
//! 1.0 million RISC-V cycles per iteration (200 iterations: 204 M cycles).

use crate::Digest;
use alloc::vec;

pub const SIEVE_SIZE: usize = 1 << 16;

pub fn run(iterations: u32) -> [u32; 8] {
    let mut composite = vec![0u8; SIEVE_SIZE];
    let mut digest = Digest::new();
    let mut chain = 0x1234_5678u32;
    for iteration in 0..iterations {
        // Vary the bound so no two iterations are alike.
        let limit = SIEVE_SIZE - (iteration as usize * 7919) % 4096;
        let sieve = &mut composite[..limit];
        sieve.fill(0);
        mark_composites(sieve);
        for (n, &is_composite) in sieve.iter().enumerate().skip(2) {
            if is_composite == 0 {
                chain = chain.wrapping_mul(0x9E37_79B1).rotate_left(5) ^ n as u32;
            }
        }
        digest.push(chain);
    }
    digest.finish()
}

fn mark_composites(sieve: &mut [u8]) {
    let mut p = 2;
    while p * p < sieve.len() {
        if sieve[p] == 0 {
            let mut multiple = p * p;
            while multiple < sieve.len() {
                sieve[multiple] = 1;
                multiple += p;
            }
        }
        p += 1;
    }
}
