//! Panics print their message to the console and stop the machine with the abort
//! instruction `csrrw x0, cycle, x0`, which the prover can never satisfy.

use core::fmt::Write;

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let mut line = crate::console::LineBuffer::<256>::new();
    let _ = write!(line, "{info}");
    crate::console::print_bytes(line.as_bytes());
    abort()
}

/// Ends the run as a guest abort.
pub fn abort() -> ! {
    loop {
        // SAFETY: the machine treats this write as an unrecoverable error and stops.
        unsafe { core::arch::asm!("csrrw x0, cycle, x0", options(nomem, nostack)) };
    }
}
