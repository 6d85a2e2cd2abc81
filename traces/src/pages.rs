//! Large buffers backed by 2 MiB pages. A chunk's rows (235 MB) on 4 KiB pages cost some
//! 57,000 page faults the first time they are written, a large share of tracing time;
//! on 2 MiB pages a few hundred.

use crate::row::{SingleCycleTracingData as Row, CHUNK_ROWS};

/// An empty row buffer with room for a chunk.
pub(crate) fn huge_page_buffer() -> Vec<Row> {
    let buffer: Vec<Row> = Vec::with_capacity(CHUNK_ROWS);
    advise_huge_pages(buffer.as_ptr().cast(), buffer.capacity() * size_of::<Row>());
    buffer
}

/// Asks the kernel to back the whole 2 MiB pages inside `[start, start + len)` with huge
/// pages (a hint: without transparent huge pages nothing changes).
#[cfg(target_os = "linux")]
fn advise_huge_pages(start: *const u8, len: usize) {
    const HUGE_PAGE: usize = 2 << 20;
    let first = (start as usize).next_multiple_of(HUGE_PAGE);
    let end = (start as usize + len) & !(HUGE_PAGE - 1);
    if end > first {
        // SAFETY: the range lies inside an allocation we own; MADV_HUGEPAGE only changes
        // how the kernel backs it, never its contents.
        unsafe { libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE) };
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_: *const u8, _: usize) {}
