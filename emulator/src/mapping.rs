//! Pages of a file placed over the start of a mapping of our own, privately, instead of
//! copying the file in: a program's ROM image into guest memory, and cached compiled code
//! into the code buffer.

use std::os::fd::AsRawFd;

/// Maps `len` bytes of `file` from `offset` privately over `at`, the start of a mapping of
/// ours of `room` bytes, with `protection` (`libc::PROT_*`). Whole pages: the bytes past
/// the file's end in its last page read as zero.
///
/// False where the file cannot be mapped so, and the caller copies instead: nothing to
/// map, an offset not page-aligned, pages past the room, or the kernel refusing (a folder
/// on a noexec mount refuses executable mappings; a failed fixed mapping may have unmapped
/// the range, so fresh pages go back). An error only when they cannot.
///
/// # Safety
/// `at..at + room` must be a private anonymous mapping of ours that nothing refers into
/// yet; it is unmapped later as a whole.
pub(crate) unsafe fn map_file_over(
    at: *mut u8,
    room: usize,
    file: &std::fs::File,
    offset: u64,
    len: usize,
    protection: libc::c_int,
) -> std::io::Result<bool> {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as u64;
    let pages = (len as u64).next_multiple_of(page) as usize;
    if len == 0 || pages > room || !offset.is_multiple_of(page) {
        return Ok(false);
    }
    let (at, fixed) = (at.cast(), libc::MAP_PRIVATE | libc::MAP_FIXED);
    let fd = file.as_raw_fd();
    // SAFETY: replaces whole pages at the start of the caller's mapping (see above).
    if unsafe { libc::mmap(at, pages, protection, fixed, fd, offset as libc::off_t) }
        != libc::MAP_FAILED
    {
        return Ok(true);
    }
    let anonymous = fixed | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;
    // SAFETY: as above, with anonymous memory.
    match unsafe { libc::mmap(at, pages, protection, anonymous, -1, 0) } {
        libc::MAP_FAILED => Err(std::io::Error::last_os_error()),
        _ => Ok(false),
    }
}
