//! Lazy init and teardown of RAM: every touched word, ascending, cut into chunks from the
//! end (the first non-empty chunk padded at its front, earlier chunks all zero), as
//! Airbender's `chunk_lazy_init_and_teardown` does.

use crate::row::{to_limbs, LazyInitAndTeardown, CHUNK_ROWS};

/// The touched words do not fit the chunks of the main circuit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooManyTouchedWords {
    pub words: usize,
    pub chunks: usize,
}

impl std::fmt::Display for TooManyTouchedWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} touched RAM words need more lazy-init chunks than the {} main chunks",
            self.words, self.chunks
        )
    }
}

/// How the entries of `entries` (ascending) fall into `chunks` lazy-init chunks.
#[derive(Clone, Copy, Debug)]
pub struct LazyInitLayout {
    pub chunks: usize,
    pub entries: usize,
}

impl LazyInitLayout {
    pub fn new(entries: usize, chunks: usize) -> Result<LazyInitLayout, TooManyTouchedWords> {
        if entries.div_ceil(CHUNK_ROWS) > chunks {
            return Err(TooManyTouchedWords {
                words: entries,
                chunks,
            });
        }
        Ok(LazyInitLayout { chunks, entries })
    }

    /// Zero entries before the first real one, counted over all chunks.
    fn padding(&self) -> usize {
        self.chunks * CHUNK_ROWS - self.entries
    }

    /// Passes every chunk, in order, to `consume`, built from the sorted entries in one
    /// reused buffer: the padding only shrinks from chunk to chunk, so the zeros a chunk
    /// needs at its front were never overwritten and only its entries are copied.
    pub fn for_each_chunk<E>(
        &self,
        entries: &[LazyInitAndTeardown],
        mut consume: impl FnMut(usize, &[LazyInitAndTeardown]) -> Result<(), E>,
    ) -> Result<(), E> {
        debug_assert_eq!(entries.len(), self.entries);
        let mut chunk = vec![LazyInitAndTeardown::default(); CHUNK_ROWS];
        for index in 0..self.chunks {
            let start = index * CHUNK_ROWS;
            let zeros = self.padding().clamp(start, start + CHUNK_ROWS) - start;
            let first = (start + zeros).saturating_sub(self.padding());
            chunk[zeros..].copy_from_slice(&entries[first..first + CHUNK_ROWS - zeros]);
            consume(index, &chunk)?;
        }
        Ok(())
    }
}

/// The teardown entries: word address, value at the end, last access timestamp.
pub fn teardown_entries(
    touched: &[(u32, u64)],
    value_of: impl Fn(u32) -> u32,
) -> Vec<LazyInitAndTeardown> {
    touched
        .iter()
        .map(|&(word, timestamp)| LazyInitAndTeardown {
            address: word << 2,
            teardown_value: value_of(word << 2),
            teardown_timestamp: to_limbs(timestamp),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(address: u32) -> LazyInitAndTeardown {
        LazyInitAndTeardown {
            address,
            teardown_value: address + 1,
            teardown_timestamp: [1, 0, 0],
        }
    }

    fn chunks_of(
        layout: LazyInitLayout,
        entries: &[LazyInitAndTeardown],
    ) -> Vec<Vec<LazyInitAndTeardown>> {
        let mut chunks = Vec::new();
        layout
            .for_each_chunk(entries, |index, chunk| {
                assert_eq!(index, chunks.len());
                chunks.push(chunk.to_vec());
                Ok::<(), ()>(())
            })
            .unwrap();
        chunks
    }

    #[test]
    fn one_chunk_is_padded_at_its_front() {
        let entries: Vec<_> = (0..3).map(|i| entry(4 * i)).collect();
        let chunk = &chunks_of(LazyInitLayout::new(3, 1).unwrap(), &entries)[0];
        assert_eq!(chunk.len(), CHUNK_ROWS);
        assert!(chunk[..CHUNK_ROWS - 3]
            .iter()
            .all(|e| *e == Default::default()));
        assert_eq!(&chunk[CHUNK_ROWS - 3..], &entries[..]);
    }

    #[test]
    fn entries_fill_chunks_from_the_end() {
        let n = CHUNK_ROWS + 2;
        let entries: Vec<_> = (0..n as u32).map(|i| entry(4 * i)).collect();
        let layout = LazyInitLayout::new(n, 3).unwrap();
        let chunks = chunks_of(layout, &entries);
        assert!(chunks[0].iter().all(|e| *e == Default::default()));
        assert_eq!(&chunks[1][CHUNK_ROWS - 2..], &entries[..2]);
        assert!(chunks[1][..CHUNK_ROWS - 2]
            .iter()
            .all(|e| *e == Default::default()));
        assert_eq!(&chunks[2][..], &entries[2..]);
        assert!(chunks.iter().all(|c| c.len() == CHUNK_ROWS));
    }

    #[test]
    fn too_many_words_are_refused() {
        assert!(LazyInitLayout::new(CHUNK_ROWS + 1, 1).is_err());
        assert!(LazyInitLayout::new(CHUNK_ROWS, 1).is_ok());
    }
}
