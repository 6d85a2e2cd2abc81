//! The operand stack: at most 1024 words, in a buffer allocated once and reused by later
//! frames ([`StackBuffer`]). Instructions work on a [`Stack`], a view of a frame's buffer
//! (where it starts, how many words it holds, how many it may hold): three words the
//! dispatch loop keeps in registers and hands to the frame around the instructions that
//! need the frame, by copying the length, not the buffer.
use crate::interpreter::{STACK_OVERFLOW, STACK_UNDERFLOW};
use alloc::vec::Vec;
use core::ptr::NonNull;
use zkos_system::U256;

/// What an instruction that can fail returns: `Err` holds the reason the frame halts
/// (one of the interpreter's halt reasons).
pub type Step<T = ()> = Result<T, &'static str>;

pub const STACK_LIMIT: usize = 1024;

/// Room for a full stack. Its heap block never moves, so views of it stay valid while it
/// lives, wherever it is moved. The default buffer has no room (and no allocation).
#[derive(Default)]
pub struct StackBuffer(Vec<U256>);

impl StackBuffer {
    pub fn new() -> Self {
        StackBuffer(Vec::with_capacity(STACK_LIMIT))
    }
}

/// A stack in a [`StackBuffer`]. The default stack has no buffer and takes no pushes.
///
/// A view must not be used after its buffer is dropped: the interpreter, which owns both,
/// keeps them together (the type is private to the crate).
pub struct Stack {
    base: NonNull<U256>,
    /// Words on the stack: the first `len` slots of the buffer, all initialised.
    len: usize,
    /// How many words the stack may hold: `STACK_LIMIT`, or 0 for the default stack.
    /// Never above the buffer's capacity, so a push below it needs no growth check.
    limit: usize,
}

impl Default for Stack {
    fn default() -> Self {
        Stack {
            base: NonNull::dangling(),
            len: 0,
            limit: 0,
        }
    }
}

impl Stack {
    /// An empty stack in `buffer`, which must outlive it.
    pub fn over(buffer: &mut StackBuffer) -> Self {
        Stack {
            base: NonNull::new(buffer.0.as_mut_ptr()).expect("a Vec's pointer is not null"),
            len: 0,
            limit: buffer.0.capacity().min(STACK_LIMIT),
        }
    }

    /// Another view of the same stack; only one of the two may be used at a time, and the
    /// other brought up to date (see `Interpreter::save_cursor`) before it is used again.
    #[inline(always)]
    pub fn share(&self) -> Stack {
        Stack {
            base: self.base,
            len: self.len,
            limit: self.limit,
        }
    }

    /// The slot at `index < self.limit` (initialised below `self.len`).
    #[inline(always)]
    fn slot(&self, index: usize) -> *mut U256 {
        debug_assert!(index < self.limit);
        // SAFETY: `index` is below `limit`, within the buffer.
        unsafe { self.base.as_ptr().add(index) }
    }

    /// Pops `N` values, top first, with one underflow check (which leaves the stack as it
    /// was).
    #[inline(always)]
    pub fn pop_n<const N: usize>(&mut self) -> Step<[U256; N]> {
        if self.len < N {
            return Err(STACK_UNDERFLOW);
        }
        // SAFETY: the `N` slots below `len` are initialised.
        let popped = core::array::from_fn(|i| unsafe { *self.slot(self.len - 1 - i) });
        self.len -= N;
        Ok(popped)
    }

    /// Pops `N` values, top first, and returns them with the new top (to overwrite in
    /// place), with one underflow check.
    #[inline(always)]
    pub fn pop_n_top<const N: usize>(&mut self) -> Step<([U256; N], &mut U256)> {
        if self.len <= N {
            return Err(STACK_UNDERFLOW);
        }
        let popped = self.pop_n::<N>()?;
        // SAFETY: `len >= 1` slots are initialised, and the returned borrow holds `self`.
        Ok((popped, unsafe { &mut *self.slot(self.len - 1) }))
    }

    #[inline(always)]
    pub fn push(&mut self, value: U256) -> Step {
        if self.len >= self.limit {
            return Err(STACK_OVERFLOW);
        }
        // SAFETY: `len < limit`, so the slot is in the buffer; it is initialised before
        // the length covers it.
        unsafe { self.slot(self.len).write(value) };
        self.len += 1;
        Ok(())
    }

    /// Duplicates the `n`-th item (1 = top).
    #[inline(always)]
    pub fn dup(&mut self, n: usize) -> Step {
        let len = self.len;
        // One branch for both failures (`|`, not `||`).
        if (len < n) | (len >= self.limit) {
            return Err(if len < n {
                STACK_UNDERFLOW
            } else {
                STACK_OVERFLOW
            });
        }
        // SAFETY: `len - n` is initialised and `len < limit` is in the buffer.
        unsafe { self.slot(len).write(*self.slot(len - n)) };
        self.len = len + 1;
        Ok(())
    }

    /// Swaps the top with the item `n` below it (`n >= 1`).
    #[inline(always)]
    pub fn swap(&mut self, n: usize) -> Step {
        let len = self.len;
        if len <= n {
            return Err(STACK_UNDERFLOW);
        }
        // SAFETY: both slots are initialised and distinct (`n >= 1`); every bit pattern of
        // the limbs is a U256 (no unused top bits). Limb by limb: a whole-word swap is a
        // call to memcpy on RISC-V.
        let (a, b) = unsafe {
            (
                (*self.slot(len - 1)).as_limbs_mut(),
                (*self.slot(len - 1 - n)).as_limbs_mut(),
            )
        };
        for (a, b) in a.iter_mut().zip(b) {
            core::mem::swap(a, b);
        }
        Ok(())
    }
}
