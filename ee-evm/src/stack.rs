//! The operand stack: at most 1024 words, allocated once and reused by later frames.
use crate::interpreter::{STACK_OVERFLOW, STACK_UNDERFLOW};
use alloc::vec::Vec;
use zkos_system::U256;

/// What an instruction that can fail returns: `Err` holds the reason the frame halts
/// (one of the interpreter's halt reasons).
pub type Step<T = ()> = Result<T, &'static str>;

pub const STACK_LIMIT: usize = 1024;

/// The default stack has no allocation (what a dropped frame leaves behind) and takes no
/// pushes; [`Stack::new`] makes one with room for all 1024 words.
#[derive(Default)]
pub struct Stack {
    data: Vec<U256>,
    /// How many words the stack may hold: `STACK_LIMIT`, or 0 for the default stack.
    /// Never above the allocation's capacity, so a push below it needs no growth check.
    limit: usize,
}

impl Stack {
    pub fn new() -> Self {
        Stack {
            data: Vec::with_capacity(STACK_LIMIT),
            limit: STACK_LIMIT,
        }
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Pops `N` values, top first, with one underflow check (which leaves the stack as it
    /// was).
    #[inline(always)]
    pub fn pop_n<const N: usize>(&mut self) -> Step<[U256; N]> {
        let len = self.data.len();
        if len < N {
            return Err(STACK_UNDERFLOW);
        }
        let popped = core::array::from_fn(|i| self.data[len - 1 - i]);
        self.data.truncate(len - N);
        Ok(popped)
    }

    /// Pops `N` values, top first, and returns them with the new top (to overwrite in
    /// place), with one underflow check.
    #[inline(always)]
    pub fn pop_n_top<const N: usize>(&mut self) -> Step<([U256; N], &mut U256)> {
        let len = self.data.len();
        if len <= N {
            return Err(STACK_UNDERFLOW);
        }
        let popped = core::array::from_fn(|i| self.data[len - 1 - i]);
        self.data.truncate(len - N);
        Ok((popped, &mut self.data[len - N - 1]))
    }

    /// Appends `value` at `len`, the current length, which is below `self.limit`.
    #[inline(always)]
    fn write_at(&mut self, len: usize, value: U256) {
        debug_assert!(len == self.data.len() && len < self.limit);
        // SAFETY: `len < self.limit <= capacity`, so the slot is allocated; it becomes
        // initialised before the length covers it.
        unsafe {
            self.data.as_mut_ptr().add(len).write(value);
            self.data.set_len(len + 1);
        }
    }

    #[inline(always)]
    pub fn push(&mut self, value: U256) -> Step {
        let len = self.data.len();
        if len >= self.limit {
            return Err(STACK_OVERFLOW);
        }
        self.write_at(len, value);
        Ok(())
    }

    /// Duplicates the `n`-th item (1 = top).
    #[inline(always)]
    pub fn dup(&mut self, n: usize) -> Step {
        let len = self.data.len();
        // One branch for both failures (`|`, not `||`).
        if (len < n) | (len >= self.limit) {
            return Err(if len < n {
                STACK_UNDERFLOW
            } else {
                STACK_OVERFLOW
            });
        }
        self.write_at(len, self.data[len - n]);
        Ok(())
    }

    /// Swaps the top with the item `n` below it (`n >= 1`).
    #[inline(always)]
    pub fn swap(&mut self, n: usize) -> Step {
        let len = self.data.len();
        if len <= n {
            return Err(STACK_UNDERFLOW);
        }
        let (below, top) = self.data.split_at_mut(len - 1);
        let (a, b) = (&mut below[len - 1 - n], &mut top[0]);
        // SAFETY: every bit pattern of the limbs is a U256 (no unused top bits).
        let (a, b) = unsafe { (a.as_limbs_mut(), b.as_limbs_mut()) };
        for (a, b) in a.iter_mut().zip(b) {
            core::mem::swap(a, b);
        }
        Ok(())
    }

    /// Empties the stack, keeping its allocation for the next frame.
    pub fn clear(&mut self) {
        self.data.clear();
    }

    pub fn as_slice(&self) -> &[U256] {
        &self.data
    }
}
