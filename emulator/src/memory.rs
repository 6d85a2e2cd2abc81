//! Guest memory: the full 1 GiB address space as one anonymous mapping. The host kernel
//! makes pages on first touch, so an untouched gigabyte costs nothing.

use memmap2::MmapMut;
use zkos_linker::{ADDRESS_SPACE_SIZE, ROM_END, ROM_PADDING_WORD};

const _: () = assert!(ADDRESS_SPACE_SIZE.is_power_of_two());

pub struct Memory {
    map: MmapMut,
    /// The mapping's first byte: every access goes through it after its address is
    /// checked against the address space, with no second bounds check on a slice.
    base: *mut u8,
}

// SAFETY: `base` points into `map`, which the memory owns; it is written only through
// `&mut self` and read through `&self`, as the mapping itself would be.
unsafe impl Send for Memory {}
unsafe impl Sync for Memory {}

/// Why an access was refused, before the machine adds pc and instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessError {
    Misaligned,
    OutOfBounds,
    RomWrite,
}

impl Memory {
    /// Fresh memory holding `image` at address 0, the rest of ROM padded with the word the
    /// prover pads with, and RAM zeroed. With the `file` whose bytes the image is, the file
    /// is mapped there (privately) instead of copied: a run reads only the pages of ROM it
    /// touches, from the page cache, and nothing is zeroed for them.
    pub fn with_rom_image(image: &[u8], file: Option<&std::fs::File>) -> std::io::Result<Memory> {
        let mut map = MmapMut::map_anon(ADDRESS_SPACE_SIZE as usize)?;
        let mapped = match file {
            Some(file) => map_file_over(&mut map, file, image.len())?,
            None => false,
        };
        if !mapped {
            let _ = map.advise_range(memmap2::Advice::HugePage, 0, ROM_END as usize);
            map[..image.len()].copy_from_slice(image);
        }
        let padding = ROM_PADDING_WORD.to_le_bytes();
        for word in map[image.len()..ROM_END as usize].chunks_exact_mut(4) {
            word.copy_from_slice(&padding);
        }
        let base = map.as_mut_ptr();
        Ok(Memory { map, base })
    }

    /// `address` as an index into the mapping, when an access of `align` bytes there is
    /// in bounds and aligned: one test of the bits that must be clear (the address space
    /// is a power of two), the error told apart only on the way out.
    #[inline(always)]
    fn check(address: u32, align: u32) -> Result<usize, AccessError> {
        if address & (!(ADDRESS_SPACE_SIZE - 1) | (align - 1)) != 0 {
            return Err(Self::refusal(address));
        }
        Ok(address as usize)
    }

    #[cold]
    fn refusal(address: u32) -> AccessError {
        match address >= ADDRESS_SPACE_SIZE {
            true => AccessError::OutOfBounds,
            false => AccessError::Misaligned,
        }
    }

    #[inline(always)]
    fn check_store(address: u32, align: u32) -> Result<usize, AccessError> {
        let index = Self::check(address, align)?;
        if address < ROM_END {
            return Err(AccessError::RomWrite);
        }
        Ok(index)
    }

    /// The first byte of the address space, for compiled code (which checks its addresses).
    pub(crate) fn base_ptr(&mut self) -> *mut u8 {
        self.base
    }

    /// The `T` at byte `index`, which is below the address space's size and aligned for `T`.
    #[inline(always)]
    fn read<T: Copy>(&self, index: usize) -> T {
        debug_assert!(index + size_of::<T>() <= self.map.len());
        // SAFETY: the callers check `index` against ADDRESS_SPACE_SIZE, the mapping's
        // length, and its alignment; the mapping is page-aligned.
        unsafe { self.base.add(index).cast::<T>().read() }
    }

    /// Writes the `T` at byte `index`, as [`Memory::read`] reads it.
    #[inline(always)]
    fn write<T: Copy>(&mut self, index: usize, value: T) {
        debug_assert!(index + size_of::<T>() <= self.map.len());
        // SAFETY: as in `read`, through `&mut self`.
        unsafe { self.base.add(index).cast::<T>().write(value) }
    }

    /// The aligned word holding `address`, taken modulo the address space's size.
    #[inline(always)]
    pub fn word_at(&self, address: u32) -> u32 {
        u32::from_le(self.read((address & (ADDRESS_SPACE_SIZE - 4)) as usize))
    }

    #[inline(always)]
    pub fn load_u8(&self, address: u32) -> Result<u8, AccessError> {
        let index = Self::check(address, 1)?;
        Ok(self.read(index))
    }

    #[inline(always)]
    pub fn load_u16(&self, address: u32) -> Result<u16, AccessError> {
        let index = Self::check(address, 2)?;
        Ok(u16::from_le(self.read(index)))
    }

    #[inline(always)]
    pub fn load_u32(&self, address: u32) -> Result<u32, AccessError> {
        let index = Self::check(address, 4)?;
        Ok(u32::from_le(self.read(index)))
    }

    #[inline(always)]
    pub fn store_u8(&mut self, address: u32, value: u8) -> Result<(), AccessError> {
        let index = Self::check_store(address, 1)?;
        self.write(index, value);
        Ok(())
    }

    #[inline(always)]
    pub fn store_u16(&mut self, address: u32, value: u16) -> Result<(), AccessError> {
        let index = Self::check_store(address, 2)?;
        self.write(index, value.to_le());
        Ok(())
    }

    #[inline(always)]
    pub fn store_u32(&mut self, address: u32, value: u32) -> Result<(), AccessError> {
        let index = Self::check_store(address, 4)?;
        self.write(index, value.to_le());
        Ok(())
    }

    /// Reads `N` consecutive words for a delegation (bounds checked by the caller).
    #[inline(always)]
    pub fn read_words<const N: usize>(&self, address: u32) -> [u32; N] {
        let bytes = &self.map[address as usize..address as usize + 4 * N];
        core::array::from_fn(|i| u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap()))
    }

    /// Writes consecutive words for a delegation (bounds checked by the caller).
    #[inline(always)]
    pub fn write_words(&mut self, address: u32, words: &[u32]) {
        let bytes = &mut self.map[address as usize..address as usize + 4 * words.len()];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(words) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
    }

    /// Reads 32 bytes as four little-endian 64-bit limbs (bounds checked by the caller).
    #[inline(always)]
    pub fn read_limbs(&self, address: u32) -> [u64; 4] {
        let bytes = &self.map[address as usize..address as usize + 32];
        core::array::from_fn(|i| u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().unwrap()))
    }

    /// Writes four 64-bit limbs as 32 little-endian bytes (bounds checked by the caller).
    #[inline(always)]
    pub fn write_limbs(&mut self, address: u32, limbs: &[u64; 4]) {
        let bytes = &mut self.map[address as usize..address as usize + 32];
        for (chunk, limb) in bytes.chunks_exact_mut(8).zip(limbs) {
            chunk.copy_from_slice(&limb.to_le_bytes());
        }
    }

    /// Copies `len` bytes from `address` (clamped to the address space).
    pub fn read_bytes(&self, address: u32, len: usize) -> Vec<u8> {
        let start = (address as usize).min(self.map.len());
        let end = start.saturating_add(len).min(self.map.len());
        self.map[start..end].to_vec()
    }
}

/// Maps `file`, whose first `len` bytes are the image, over the start of `map` (see
/// [`crate::mapping::map_file_over`]); false where the caller must copy.
#[cfg(not(unix))]
fn map_file_over(_: &mut MmapMut, _: &std::fs::File, _: usize) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(unix)]
fn map_file_over(map: &mut MmapMut, file: &std::fs::File, len: usize) -> std::io::Result<bool> {
    if file.metadata()?.len() < len as u64 {
        return Err(std::io::Error::other(
            "the program's file is shorter than when it was opened",
        ));
    }
    let rw = libc::PROT_READ | libc::PROT_WRITE;
    // SAFETY: our own fresh mapping, which nothing refers into yet; the memory unmaps it
    // whole on drop.
    unsafe { crate::mapping::map_file_over(map.as_mut_ptr(), ROM_END as usize, file, 0, len, rw) }
}
