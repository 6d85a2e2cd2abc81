//! The operand stack: at most 1024 words, allocated once and reused by later frames.
use alloc::vec::Vec;
use zkos_system::U256;

pub const STACK_LIMIT: usize = 1024;

/// The default stack has no allocation (what a dropped frame leaves behind) and takes no
/// pushes; [`Stack::new`] makes one with room for all 1024 words.
#[derive(Default)]
pub struct Stack {
    data: Vec<U256>,
}

impl Stack {
    pub fn new() -> Self {
        Stack {
            data: Vec::with_capacity(STACK_LIMIT),
        }
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    #[inline(always)]
    pub fn pop(&mut self) -> Option<U256> {
        self.data.pop()
    }

    #[inline(always)]
    pub fn last_mut(&mut self) -> Option<&mut U256> {
        self.data.last_mut()
    }

    /// Pops `N` values, top first, with one underflow check; `None` (the stack as it
    /// was) when fewer are there.
    #[inline(always)]
    pub fn pop_n<const N: usize>(&mut self) -> Option<[U256; N]> {
        let len = self.data.len();
        if len < N {
            return None;
        }
        let popped = core::array::from_fn(|i| self.data[len - 1 - i]);
        self.data.truncate(len - N);
        Some(popped)
    }

    /// Pops `N` values, top first, and returns them with the new top (to overwrite in
    /// place), with one underflow check.
    #[inline(always)]
    pub fn pop_n_top<const N: usize>(&mut self) -> Option<([U256; N], &mut U256)> {
        let len = self.data.len();
        if len <= N {
            return None;
        }
        let popped = core::array::from_fn(|i| self.data[len - 1 - i]);
        self.data.truncate(len - N);
        Some((popped, &mut self.data[len - N - 1]))
    }

    /// Whether one more word fits: below the limit and within the allocation. A stack
    /// from [`Stack::new`] always has room for the limit; checking the capacity too lets
    /// the compiler drop `Vec::push`'s growth path from every push.
    #[inline(always)]
    fn has_room(&self) -> bool {
        let len = self.data.len();
        len < STACK_LIMIT && len < self.data.capacity()
    }

    /// Pushes `value`; `false` when the stack is full.
    #[inline(always)]
    #[must_use]
    pub fn push(&mut self, value: U256) -> bool {
        if !self.has_room() {
            return false;
        }
        self.data.push(value);
        true
    }

    /// Duplicates the `n`-th item (1 = top); `false` on underflow or overflow.
    #[inline(always)]
    #[must_use]
    pub fn dup(&mut self, n: usize) -> bool {
        let len = self.data.len();
        if len < n || !self.has_room() {
            return false;
        }
        self.data.push(self.data[len - n]);
        true
    }

    /// Swaps the top with the item `n` below it; `false` on underflow.
    #[must_use]
    pub fn swap(&mut self, n: usize) -> bool {
        let len = self.data.len();
        if len <= n {
            return false;
        }
        self.data.swap(len - 1, len - 1 - n);
        true
    }

    /// Empties the stack, keeping its allocation for the next frame.
    pub fn clear(&mut self) {
        self.data.clear();
    }

    pub fn as_slice(&self) -> &[U256] {
        &self.data
    }
}
