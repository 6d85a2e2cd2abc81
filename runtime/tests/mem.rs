//! The guest's `memcmp` (`zkos_guest_rt::mem::compare`) against slice ordering, at every
//! alignment of both operands.
use proptest::prelude::*;
use std::cmp::Ordering;

proptest! {
    #[test]
    fn compare_orders_as_slices_do(
        a in proptest::collection::vec(any::<u8>(), 0..80),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
        a_offset in 0usize..4,
        b_offset in 0usize..4,
    ) {
        let mut b = a.clone();
        for (index, value) in flips {
            if !b.is_empty() {
                b[index.index(a.len())] = value;
            }
        }
        // Copies at chosen offsets of word-aligned buffers.
        let mut a_buffer = vec![0u32; 24];
        let mut b_buffer = vec![0u32; 24];
        let a_bytes = &mut bytemuck_bytes(&mut a_buffer)[a_offset..a_offset + a.len()];
        a_bytes.copy_from_slice(&a);
        let b_bytes = &mut bytemuck_bytes(&mut b_buffer)[b_offset..b_offset + b.len()];
        b_bytes.copy_from_slice(&b);
        let a_pointer = bytemuck_bytes(&mut a_buffer)[a_offset..].as_ptr();
        let b_pointer = bytemuck_bytes(&mut b_buffer)[b_offset..].as_ptr();
        // SAFETY: both buffers hold a.len() bytes past the offsets.
        let result = unsafe { zkos_guest_rt::mem::compare(a_pointer, b_pointer, a.len()) };
        let expected = match a.cmp(&b) {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        };
        prop_assert_eq!(result.signum(), expected);
    }
}

fn bytemuck_bytes(words: &mut [u32]) -> &mut [u8] {
    // SAFETY: u32 has no padding and any byte pattern is valid for u8.
    unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), words.len() * 4) }
}
