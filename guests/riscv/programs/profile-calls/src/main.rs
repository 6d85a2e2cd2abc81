//! A known call structure for the profiler: each function spins a loop of exactly two
//! instructions per iteration (`addi`, `bnez`) in inline assembly, so the cycles each
//! stack must get are known before the run:
//!
//! | stack | spin cycles |
//! | --- | --- |
//! | main;alpha | 2 * 100_000 |
//! | main;beta | 2 * 50_000 |
//! | main;beta;gamma | 2 * 30_000 |
//! | main;gamma | 2 * 30_000 |
//! | main;delta | 2 * 20_000 (then it tail-calls gamma: another 2 * 30_000 for main;gamma) |
//!
//! Output: `[1, 2, 3, 4, 0, 0, 0, 0]`.
#![no_std]
#![no_main]

use core::arch::asm;

#[inline(always)]
fn spin(iterations: u32) {
    unsafe {
        asm!("1:", "addi {n}, {n}, -1", "bnez {n}, 1b", n = inout(reg) iterations => _, options(nomem, nostack));
    }
}

#[inline(never)]
#[no_mangle]
extern "C" fn profile_alpha() -> u32 {
    spin(100_000);
    1
}

#[inline(never)]
#[no_mangle]
extern "C" fn profile_gamma() -> u32 {
    spin(30_000);
    3
}

#[inline(never)]
#[no_mangle]
extern "C" fn profile_beta() -> u32 {
    spin(50_000);
    // A real call (the result is used after it), not a tail call.
    profile_gamma() - 1
}

// `profile_delta` spins, then tail-calls gamma (`tail` = a jump through t1 that leaves ra
// as it was), so gamma returns straight to main: the profile shows it as main;gamma.
core::arch::global_asm!(
    ".section .text.profile_delta, \"ax\"",
    ".globl profile_delta",
    ".type profile_delta, @function",
    "profile_delta:",
    "  li t0, 20000",
    "1:",
    "  addi t0, t0, -1",
    "  bnez t0, 1b",
    "  tail profile_gamma",
    ".size profile_delta, . - profile_delta",
);

extern "C" {
    fn profile_delta() -> u32;
}

fn main() -> [u32; 8] {
    let a = profile_alpha();
    let b = profile_beta();
    let c = profile_gamma();
    let d = unsafe { profile_delta() } + 1;
    [a, b, c, d, 0, 0, 0, 0]
}

zkos_guest_rt::entry!(main);
