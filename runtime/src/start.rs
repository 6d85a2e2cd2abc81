//! Start-up: stack, `.bss`, heap, then the program's entry; the result goes to x10..x17
//! and the machine stops at the self-loop `jal x0, 0` (`SPEC.md` section 1).

core::arch::global_asm!(
    r#"
    .section .init, "ax"
    .global _start
_start:
    lla sp, _stack_top
    lla t0, _bss_start
    lla t1, _bss_end
1:
    bgeu t0, t1, 2f
    sw zero, 0(t0)
    addi t0, t0, 4
    j 1b
2:
    addi sp, sp, -32
    mv a0, sp
    call __zkos_rt_start
    lw a0, 0(sp)
    lw a1, 4(sp)
    lw a2, 8(sp)
    lw a3, 12(sp)
    lw a4, 16(sp)
    lw a5, 20(sp)
    lw a6, 24(sp)
    lw a7, 28(sp)
3:
    j 3b
"#
);

unsafe extern "C" {
    /// Defined by [`entry!`](crate::entry) in the program.
    fn __zkos_guest_main(output: &mut [u32; 8]);
}

#[unsafe(no_mangle)]
extern "C" fn __zkos_rt_start(output: &mut [u32; 8]) {
    #[cfg(feature = "global-allocator")]
    crate::heap::init_global();
    // SAFETY: the program defines the symbol through `entry!` with this signature.
    unsafe { __zkos_guest_main(output) }
}
