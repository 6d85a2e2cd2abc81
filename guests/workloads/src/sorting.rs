//! The sorting program: a pseudo-random array sorted by a hand-written merge sort and by
//! `sort_unstable`, which must agree; the result is a digest of the sorted array.

use crate::{rng::XorShift64, Digest};
use alloc::vec::Vec;

pub fn run(seed: u32, len: usize) -> [u32; 8] {
    let values = random_values(seed, len);
    let mut merged = values.clone();
    merge_sort(&mut merged);
    let mut unstable = values;
    unstable.sort_unstable();
    assert!(merged == unstable, "merge sort and sort_unstable disagree");
    let mut digest = Digest::new();
    digest.push_words(&merged);
    digest.finish()
}

pub fn random_values(seed: u32, len: usize) -> Vec<u32> {
    let mut rng = XorShift64::new(seed as u64);
    // A narrow range on every other value gives duplicates to sort too.
    (0..len)
        .map(|i| {
            if i % 2 == 0 {
                rng.next_u32()
            } else {
                rng.next_u32() % 1000
            }
        })
        .collect()
}

/// Bottom-up merge sort through one scratch buffer.
pub fn merge_sort(values: &mut [u32]) {
    let mut scratch = values.to_vec();
    let mut width = 1;
    while width < values.len() {
        for start in (0..values.len()).step_by(2 * width) {
            let middle = (start + width).min(values.len());
            let end = (start + 2 * width).min(values.len());
            merge(
                &values[start..middle],
                &values[middle..end],
                &mut scratch[start..end],
            );
        }
        values.copy_from_slice(&scratch);
        width *= 2;
    }
}

fn merge(left: &[u32], right: &[u32], out: &mut [u32]) {
    let (mut i, mut j) = (0, 0);
    for slot in out.iter_mut() {
        if j == right.len() || (i < left.len() && left[i] <= right[j]) {
            *slot = left[i];
            i += 1;
        } else {
            *slot = right[j];
            j += 1;
        }
    }
}
