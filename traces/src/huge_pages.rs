//! Huge pages for the tracer's largest buffers, written once from end to end.

/// Asks the kernel to back the whole pages of `memory` with huge pages where it can.
pub(crate) fn advise_huge_pages<T>(memory: &mut [T]) {
    const PAGE: usize = 4096;
    let start = memory.as_mut_ptr() as usize;
    let aligned = start.next_multiple_of(PAGE);
    let end = start + std::mem::size_of_val(memory);
    let bytes = end.saturating_sub(aligned) & !(PAGE - 1);
    // SAFETY: madvise only changes how the kernel backs these whole pages of our own
    // allocation; it has no effect on their contents or validity. A failure changes nothing.
    unsafe {
        libc::madvise(aligned as *mut libc::c_void, bytes, libc::MADV_HUGEPAGE);
    }
}
