//! A bump allocator with size-class free lists: single core, no atomics. Freeing or
//! growing the most recent block works in place; any other freed block goes on the free
//! list of its size class (powers of two) and serves a later request of that class, so
//! programs that allocate and free in a loop (the EVM's frames) run in bounded memory.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

/// Size classes: class `c` holds freed blocks of at least `1 << c` bytes.
const CLASSES: usize = usize::BITS as usize;
/// Blocks smaller than a list link are not kept.
const MIN_CLASS: usize = core::mem::size_of::<usize>().trailing_zeros() as usize;

/// `repr(C)` with `peak` first: the host reads a guest's heap peak from the word at the
/// allocator's symbol, [`HEAP_SYMBOL`].
#[derive(Clone, Copy)]
#[repr(C)]
struct Region {
    /// The highest `next` so far: the end of the heap the program ever used.
    peak: usize,
    /// First free byte.
    next: usize,
    /// One past the last usable byte.
    end: usize,
    /// Start of the most recent block (the one that may grow or shrink in place).
    last: usize,
    /// Heads of the free lists (0 = empty); each free block holds the next one's address.
    free: [usize; CLASSES],
}

/// The class whose blocks all fit `size` bytes.
fn class_for_request(size: usize) -> usize {
    size.max(1 << MIN_CLASS)
        .next_power_of_two()
        .trailing_zeros() as usize
}

/// Blocks up to this size are rounded up to their class, so a freed one serves the next
/// request of the same size; larger ones keep their exact size.
const ROUNDED_UP_TO: usize = 1 << 16;

/// The bytes a block for a request of `size` bytes really takes.
fn capacity(size: usize) -> usize {
    if size <= ROUNDED_UP_TO {
        size.max(1 << MIN_CLASS).next_power_of_two()
    } else {
        size
    }
}

/// The class a freed block of `size` bytes can serve.
fn class_of_block(size: usize) -> usize {
    (usize::BITS - 1 - size.leading_zeros()) as usize
}

#[repr(C)]
pub struct BumpAllocator {
    region: UnsafeCell<Region>,
}

/// The symbol of the guest's global allocator; its first word is the heap's peak address.
pub const HEAP_SYMBOL: &str = "ZKOS_HEAP";

// SAFETY: guest programs are single-threaded; on the host the allocator is only used by
// tests that own it on one thread.
unsafe impl Sync for BumpAllocator {}

impl BumpAllocator {
    /// An allocator with no memory; give it a region with [`BumpAllocator::init`].
    pub const fn empty() -> Self {
        Self {
            region: UnsafeCell::new(Region {
                peak: 0,
                next: 0,
                end: 0,
                last: 0,
                free: [0; CLASSES],
            }),
        }
    }

    /// Hands `[start, end)` to the allocator, forgetting earlier blocks.
    ///
    /// # Safety
    /// The range must be memory that nothing else uses for as long as blocks live.
    pub unsafe fn init(&self, start: usize, end: usize) {
        *self.region.get() = Region {
            peak: start,
            next: start,
            end,
            last: start,
            free: [0; CLASSES],
        };
    }

    /// Bytes never handed out (free-listed blocks not counted).
    pub fn remaining(&self) -> usize {
        // SAFETY: single-threaded, no reference into the cell outlives this call.
        let region = unsafe { *self.region.get() };
        region.end - region.next
    }

    /// The end of the heap used so far: the highest address ever handed out, plus one.
    pub fn peak(&self) -> usize {
        // SAFETY: as in `remaining`.
        unsafe { (*self.region.get()).peak }
    }

    fn with_region<R>(&self, f: impl FnOnce(&mut Region) -> R) -> R {
        // SAFETY: single-threaded, and `f` cannot reach the cell again.
        f(unsafe { &mut *self.region.get() })
    }
}

impl Region {
    /// A free-listed block of the request's class, if its head is aligned for it.
    fn reuse(&mut self, layout: Layout) -> Option<*mut u8> {
        let class = class_for_request(layout.size());
        let head = *self.free.get(class)?;
        if head == 0 || !head.is_multiple_of(layout.align()) {
            return None;
        }
        // SAFETY: `head` is a freed block of at least `1 << class` bytes holding the link.
        self.free[class] = unsafe { (head as *const usize).read() };
        Some(head as *mut u8)
    }

    fn release(&mut self, block: usize, size: usize) {
        if size < 1 << MIN_CLASS || !block.is_multiple_of(core::mem::align_of::<usize>()) {
            return; // too small or misaligned for a link: leaked
        }
        let class = class_of_block(size);
        // SAFETY: the block is dead and at least a link long and aligned for one.
        unsafe { (block as *mut usize).write(self.free[class]) };
        self.free[class] = block;
    }
}

unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.with_region(|region| {
            if let Some(block) = region.reuse(layout) {
                return block;
            }
            let Some(start) = region.next.checked_next_multiple_of(layout.align()) else {
                return null_mut();
            };
            match start.checked_add(capacity(layout.size())) {
                Some(end) if end <= region.end => {
                    region.next = end;
                    region.peak = region.peak.max(end);
                    region.last = start;
                    start as *mut u8
                }
                _ => null_mut(),
            }
        })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.with_region(|region| {
            let block = ptr as usize;
            let size = capacity(layout.size());
            if block == region.last && block + size == region.next {
                region.next = region.last;
            } else {
                region.release(block, size);
            }
        })
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let start = ptr as usize;
        let resized_in_place = self.with_region(|region| {
            let fits = start
                .checked_add(capacity(new_size))
                .is_some_and(|end| end <= region.end);
            let is_last = start == region.last && start + capacity(layout.size()) == region.next;
            if is_last && fits {
                region.next = start + capacity(new_size);
                region.peak = region.peak.max(region.next);
            }
            is_last && fits
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
            unsafe { self.dealloc(ptr, layout) };
        }
        new_ptr
    }
}

#[cfg(all(target_arch = "riscv32", feature = "global-allocator"))]
#[global_allocator]
#[unsafe(no_mangle)]
static ZKOS_HEAP: BumpAllocator = BumpAllocator::empty();

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
        ZKOS_HEAP.init(start, end);
    }
}
