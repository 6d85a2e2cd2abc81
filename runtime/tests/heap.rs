//! The bump allocator over a host buffer.
use core::alloc::{GlobalAlloc, Layout};
use zkos_guest_rt::heap::BumpAllocator;

fn allocator_over(buffer: &mut [u64]) -> BumpAllocator {
    let allocator = BumpAllocator::empty();
    let start = buffer.as_mut_ptr() as usize;
    unsafe { allocator.init(start, start + buffer.len() * 8) };
    allocator
}

#[test]
fn blocks_are_aligned_distinct_and_bounded() {
    let mut buffer = vec![0u64; 64];
    let allocator = allocator_over(&mut buffer);
    let a = unsafe { allocator.alloc(Layout::from_size_align(3, 1).unwrap()) };
    let b = unsafe { allocator.alloc(Layout::from_size_align(32, 32).unwrap()) };
    assert!(!a.is_null() && !b.is_null());
    assert_eq!(b as usize % 32, 0);
    assert!(b as usize >= a as usize + 3);
    let too_big = unsafe { allocator.alloc(Layout::from_size_align(512, 8).unwrap()) };
    assert!(
        too_big.is_null(),
        "the region has only 512 bytes, some already used"
    );
}

#[test]
fn the_last_block_grows_and_is_freed_in_place() {
    let mut buffer = vec![0u64; 64];
    let allocator = allocator_over(&mut buffer);
    let layout = Layout::from_size_align(16, 8).unwrap();
    let block = unsafe { allocator.alloc(layout) };
    unsafe { block.write_bytes(0xAB, 16) };
    let grown = unsafe { allocator.realloc(block, layout, 200) };
    assert_eq!(grown, block, "the last block grows in place");
    assert_eq!(
        allocator.remaining(),
        512 - 256,
        "200 bytes take their class, 256"
    );
    unsafe { allocator.dealloc(grown, Layout::from_size_align(200, 8).unwrap()) };
    assert_eq!(allocator.remaining(), 512);
}

#[test]
fn an_earlier_block_moves_when_it_grows_and_keeps_its_bytes() {
    let mut buffer = vec![0u64; 64];
    let allocator = allocator_over(&mut buffer);
    let layout = Layout::from_size_align(8, 8).unwrap();
    let first = unsafe { allocator.alloc(layout) };
    unsafe { first.copy_from_nonoverlapping([1u8, 2, 3, 4, 5, 6, 7, 8].as_ptr(), 8) };
    let _second = unsafe { allocator.alloc(layout) };
    let moved = unsafe { allocator.realloc(first, layout, 24) };
    assert_ne!(moved, first);
    let bytes = unsafe { core::slice::from_raw_parts(moved, 8) };
    assert_eq!(bytes, [1, 2, 3, 4, 5, 6, 7, 8]);
}

#[test]
fn freed_blocks_are_reused_so_a_loop_runs_in_bounded_memory() {
    let mut buffer = vec![0u64; 64];
    let allocator = allocator_over(&mut buffer);
    let keep = unsafe { allocator.alloc(Layout::from_size_align(8, 8).unwrap()) };
    let layout = Layout::from_size_align(48, 8).unwrap();
    let first = unsafe { allocator.alloc(layout) };
    let blocker = unsafe { allocator.alloc(Layout::from_size_align(8, 8).unwrap()) };
    unsafe { allocator.dealloc(first, layout) };
    // 1,000 rounds of a 40-byte block freed while not the last one, in a 512-byte
    // region: only reuse makes this fit.
    for _ in 0..1_000 {
        let small = Layout::from_size_align(40, 8).unwrap();
        let block = unsafe { allocator.alloc(small) };
        assert!(!block.is_null());
        unsafe { block.write_bytes(0x5A, 40) };
        let pinned = unsafe { allocator.alloc(Layout::from_size_align(8, 8).unwrap()) };
        unsafe { allocator.dealloc(block, small) };
        unsafe { allocator.dealloc(pinned, Layout::from_size_align(8, 8).unwrap()) };
    }
    assert!(!keep.is_null() && !blocker.is_null());
}

#[test]
fn a_reused_block_is_never_handed_out_twice() {
    let mut buffer = vec![0u64; 256];
    let allocator = allocator_over(&mut buffer);
    let layout = Layout::from_size_align(64, 8).unwrap();
    let a = unsafe { allocator.alloc(layout) };
    let b = unsafe { allocator.alloc(layout) };
    let _c = unsafe { allocator.alloc(layout) };
    unsafe { allocator.dealloc(a, layout) };
    unsafe { allocator.dealloc(b, layout) };
    let x = unsafe { allocator.alloc(layout) };
    let y = unsafe { allocator.alloc(layout) };
    let z = unsafe { allocator.alloc(layout) };
    let mut got = [x as usize, y as usize, z as usize];
    got.sort();
    assert!(
        got[0] + 64 <= got[1] && got[1] + 64 <= got[2],
        "overlapping blocks: {got:x?}"
    );
    assert!([a, b].contains(&x) && [a, b].contains(&y));
}

/// The peak is the highest end ever handed out: freeing the last block lowers the bump
/// pointer but not the peak, and growing in place raises it.
#[test]
fn the_peak_keeps_the_highest_end_ever_used() {
    let mut buffer = vec![0u64; 64];
    let start = buffer.as_ptr() as usize;
    let allocator = allocator_over(&mut buffer);
    assert_eq!(allocator.peak(), start);
    let layout = Layout::from_size_align(16, 8).unwrap();
    let block = unsafe { allocator.alloc(layout) };
    assert_eq!(allocator.peak(), start + 16);
    let grown = unsafe { allocator.realloc(block, layout, 100) };
    assert_eq!(
        allocator.peak(),
        start + 128,
        "100 bytes take their class, 128"
    );
    unsafe { allocator.dealloc(grown, Layout::from_size_align(100, 8).unwrap()) };
    assert_eq!(
        allocator.remaining(),
        512,
        "the last block was freed in place"
    );
    assert_eq!(allocator.peak(), start + 128);
}
