//! Frame memory: a byte array that grows in 32-byte words.
use alloc::vec::Vec;
use zkos_system::U256;

#[derive(Default)]
pub struct Memory {
    data: Vec<u8>,
}

impl Memory {
    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Empties the memory, keeping its allocation for the next frame.
    pub fn clear(&mut self) {
        self.data.clear();
    }

    pub fn words(&self) -> u64 {
        (self.data.len() / 32) as u64
    }

    /// The bytes of capacity growing to `words` words adds: none while the allocation
    /// (perhaps one a finished frame left in the pool) holds them, else it doubles, or
    /// grows to the new length if that is more. Both targets run this same rule, so the
    /// heap charge made from it is the same on both.
    pub fn capacity_growth(&self, words: usize) -> usize {
        let len = words * 32;
        let capacity = self.data.capacity();
        if len <= capacity {
            0
        } else {
            (2 * capacity).max(len) - capacity
        }
    }

    /// Grows to `words` words (never shrinks), by [`Memory::capacity_growth`].
    pub fn grow(&mut self, words: usize) {
        let len = words * 32;
        if len > self.data.len() {
            let growth = self.capacity_growth(words);
            self.data
                .reserve_exact(self.data.capacity() + growth - self.data.len());
            self.data.resize(len, 0);
        }
    }

    pub fn slice(&self, offset: usize, len: usize) -> &[u8] {
        &self.data[offset..offset + len]
    }

    pub fn slice_mut(&mut self, offset: usize, len: usize) -> &mut [u8] {
        &mut self.data[offset..offset + len]
    }

    pub fn word(&self, offset: usize) -> U256 {
        U256::from_be_slice(&self.data[offset..offset + 32])
    }

    pub fn set_word(&mut self, offset: usize, value: &U256) {
        self.data[offset..offset + 32].copy_from_slice(&value.to_be_bytes::<32>());
    }

    /// Copies `len` bytes of `source` starting at `source_offset` to `offset`; bytes past
    /// the end of `source` are zero.
    pub fn copy_from(&mut self, offset: usize, source: &[u8], source_offset: U256, len: usize) {
        let target = &mut self.data[offset..offset + len];
        let start = usize::try_from(source_offset)
            .unwrap_or(usize::MAX)
            .min(source.len());
        let available = (source.len() - start).min(len);
        target[..available].copy_from_slice(&source[start..start + available]);
        target[available..].fill(0);
    }

    /// MCOPY: copies within memory (the ranges may overlap).
    pub fn copy_within(&mut self, source: usize, target: usize, len: usize) {
        self.data.copy_within(source..source + len, target);
    }
}
