//! Clocks: the last access timestamp of every RAM word and register, in one table indexed
//! by word address with the 32 registers after the RAM words, so that a slot's clock is
//! found without a branch on what it addresses.

use crate::row::RAM_WORD_FLAG;

/// Words in the 1 GiB address space.
const ADDRESS_SPACE_WORDS: usize = (zkos_linker::ADDRESS_SPACE_SIZE / 4) as usize;

/// Where the registers' clocks sit in the table.
pub(crate) const REGISTER_CLOCKS: usize = ADDRESS_SPACE_WORDS;

/// The clock of an encoded address (a register index, or a RAM word with the flag).
#[inline(always)]
pub(crate) fn clock_index(address: u32) -> usize {
    if address & RAM_WORD_FLAG != 0 {
        (address & !RAM_WORD_FLAG) as usize
    } else {
        REGISTER_CLOCKS + (address & 31) as usize
    }
}

/// A timestamp per clock; zero means "not accessed yet". Allocated zeroed, so the kernel
/// maps only the pages of touched words.
pub(crate) struct ClockTable<T> {
    table: Vec<T>,
}

impl<T: Copy + Default> ClockTable<T> {
    pub fn new() -> ClockTable<T> {
        ClockTable {
            table: vec![T::default(); REGISTER_CLOCKS + 32],
        }
    }

    /// Moves a clock to `now`, returning its previous timestamp.
    #[inline(always)]
    pub fn replace(&mut self, clock: usize, now: T) -> T {
        std::mem::replace(&mut self.table[clock], now)
    }

    /// Reads a clock and sets it back to "not accessed".
    pub fn take(&mut self, clock: usize) -> T {
        std::mem::take(&mut self.table[clock])
    }

    pub fn get(&self, clock: usize) -> T {
        self.table[clock]
    }
}
