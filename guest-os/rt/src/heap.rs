//! A bump allocator: single core, no atomics. Freeing or growing the most recent block
//! works in place; other frees leak, which suits programs that run once and stop.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

#[derive(Clone, Copy)]
struct Region {
    /// First free byte.
    next: usize,
    /// One past the last usable byte.
    end: usize,
    /// Start of the most recent block (the one that may grow or shrink in place).
    last: usize,
}

pub struct BumpAllocator {
    region: UnsafeCell<Region>,
}

// SAFETY: guest programs are single-threaded; on the host the allocator is only used by
// tests that own it on one thread.
unsafe impl Sync for BumpAllocator {}

impl BumpAllocator {
    /// An allocator with no memory; give it a region with [`BumpAllocator::init`].
    pub const fn empty() -> Self {
        Self {
            region: UnsafeCell::new(Region {
                next: 0,
                end: 0,
                last: 0,
            }),
        }
    }

    /// Hands `[start, end)` to the allocator, forgetting earlier blocks.
    ///
    /// # Safety
    /// The range must be memory that nothing else uses for as long as blocks live.
    pub unsafe fn init(&self, start: usize, end: usize) {
        *self.region.get() = Region {
            next: start,
            end,
            last: start,
        };
    }

    /// Bytes not yet handed out.
    pub fn remaining(&self) -> usize {
        // SAFETY: single-threaded, no reference into the cell outlives this call.
        let region = unsafe { *self.region.get() };
        region.end - region.next
    }

    fn with_region<R>(&self, f: impl FnOnce(&mut Region) -> R) -> R {
        // SAFETY: single-threaded, and `f` cannot reach the cell again.
        f(unsafe { &mut *self.region.get() })
    }
}

unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.with_region(|region| {
            let Some(start) = region.next.checked_next_multiple_of(layout.align()) else {
                return null_mut();
            };
            match start.checked_add(layout.size()) {
                Some(end) if end <= region.end => {
                    region.next = end;
                    region.last = start;
                    start as *mut u8
                }
                _ => null_mut(),
            }
        })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        self.with_region(|region| {
            if ptr as usize == region.last {
                region.next = region.last;
            }
        })
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let start = ptr as usize;
        let resized_in_place = self.with_region(|region| {
            let fits = start
                .checked_add(new_size)
                .is_some_and(|end| end <= region.end);
            if start == region.last && fits {
                region.next = start + new_size;
            }
            start == region.last && fits
        });
        if resized_in_place {
            return ptr;
        }
        if new_size <= layout.size() {
            return ptr;
        }
        // SAFETY: the caller's layout is valid and `new_size` is non-zero per the trait.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let new_ptr = unsafe { self.alloc(new_layout) };
        if !new_ptr.is_null() {
            // SAFETY: both blocks are live, distinct, and at least `layout.size()` long.
            unsafe { core::ptr::copy_nonoverlapping(ptr, new_ptr, layout.size()) };
        }
        new_ptr
    }
}

#[cfg(all(target_arch = "riscv32", feature = "global-allocator"))]
#[global_allocator]
static GLOBAL: BumpAllocator = BumpAllocator::empty();

/// Gives the global allocator the heap of the linker script (`_heap_start.._heap_end`).
#[cfg(all(target_arch = "riscv32", feature = "global-allocator"))]
pub(crate) fn init_global() {
    unsafe extern "C" {
        static _heap_start: u8;
        static _heap_end: u8;
    }
    // SAFETY: the linker script reserves this range for the heap and nothing else uses it.
    unsafe {
        let start = core::ptr::addr_of!(_heap_start) as usize;
        let end = core::ptr::addr_of!(_heap_end) as usize;
        GLOBAL.init(start, end);
    }
}
