//! Columns that keep a bounded buffer in memory and move the rest, already encoded, to an
//! anonymous temporary file: the long fields of a delegation circuit being filled.

use crate::encode::Element;
use std::fs::File;
use std::io::{self, BufReader, Chain, Read, Write};
use std::marker::PhantomData;
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::Arc;

/// Where and when columns spill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpillConfig {
    /// The directory of the spill files; `None` for [`std::env::temp_dir`].
    pub dir: Option<PathBuf>,
    /// Encoded bytes a column keeps in memory before it appends them to its file.
    pub buffer_bytes: usize,
}

impl Default for SpillConfig {
    fn default() -> Self {
        SpillConfig {
            dir: None,
            buffer_bytes: 1 << 20,
        }
    }
}

impl SpillConfig {
    /// Never spills: everything stays in memory.
    pub fn in_memory() -> SpillConfig {
        SpillConfig {
            dir: None,
            buffer_bytes: usize::MAX,
        }
    }

    pub fn dir(&self) -> PathBuf {
        self.dir.clone().unwrap_or_else(std::env::temp_dir)
    }
}

/// Elements of type `T` in Airbender's encoding: the first `spilled` bytes in `file`, the
/// rest in `pending`. The file is created at the first spill and vanishes with the column.
#[derive(Debug)]
pub struct SpillColumn<T> {
    len: usize,
    pending: Vec<u8>,
    file: Option<File>,
    spilled: u64,
    config: Arc<SpillConfig>,
    /// The first failed spill; the elements pushed after it are only counted.
    error: Option<io::Error>,
    element: PhantomData<T>,
}

impl<T: Element> SpillColumn<T> {
    pub fn new(config: Arc<SpillConfig>) -> SpillColumn<T> {
        SpillColumn {
            len: 0,
            pending: Vec::new(),
            file: None,
            spilled: 0,
            config,
            error: None,
            element: PhantomData,
        }
    }

    /// A column holding `values` in memory.
    pub fn from_values(values: &[T]) -> SpillColumn<T> {
        let mut column = SpillColumn::new(Arc::new(SpillConfig::in_memory()));
        values.iter().for_each(|&value| column.push(value));
        column
    }

    pub fn push(&mut self, value: T) {
        self.len += 1;
        if self.error.is_some() {
            return;
        }
        value.encode(&mut self.pending);
        if self.pending.len() >= self.config.buffer_bytes {
            if let Err(e) = self.spill() {
                self.error = Some(io::Error::new(
                    e.kind(),
                    format!("spilling to {}: {e}", self.config.dir().display()),
                ));
                self.pending = Vec::new();
            }
        }
    }

    fn spill(&mut self) -> io::Result<()> {
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(tempfile::tempfile_in(self.config.dir())?),
        };
        file.write_all(&self.pending)?;
        self.spilled += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Encoded bytes held in memory (below the spill threshold).
    pub fn buffered_bytes(&self) -> usize {
        self.pending.len()
    }

    /// The first spill error, if any (a copy: the column keeps it).
    pub fn check(&self) -> io::Result<()> {
        match &self.error {
            Some(e) => Err(io::Error::new(e.kind(), e.to_string())),
            None => Ok(()),
        }
    }

    /// The encoded elements, first to last.
    pub fn bytes(&self) -> io::Result<impl Read + '_> {
        self.reader()
    }

    fn reader(&self) -> io::Result<Chain<FileSpan<'_>, &[u8]>> {
        self.check()?;
        let span = FileSpan {
            file: self.file.as_ref(),
            at: 0,
            end: self.spilled,
        };
        Ok(span.chain(self.pending.as_slice()))
    }

    /// The elements, decoded one at a time.
    pub fn values(&self) -> io::Result<Elements<'_, T>> {
        Ok(Elements {
            bytes: BufReader::with_capacity(1 << 16, self.reader()?),
            remaining: self.len,
            element: PhantomData,
        })
    }

    pub fn load(&self) -> io::Result<Vec<T>> {
        self.values()?.collect()
    }
}

/// A prefix of a file, read by position so that readers of one file do not share a cursor.
struct FileSpan<'a> {
    file: Option<&'a File>,
    at: u64,
    end: u64,
}

impl Read for FileSpan<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = usize::try_from(self.end - self.at).unwrap_or(usize::MAX);
        let want = buf.len().min(left);
        let Some(file) = self.file.filter(|_| want > 0) else {
            return Ok(0);
        };
        let read = file.read_at(&mut buf[..want], self.at)?;
        if read == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.at += read as u64;
        Ok(read)
    }
}

/// The decoded elements of a column.
pub struct Elements<'a, T> {
    bytes: BufReader<Chain<FileSpan<'a>, &'a [u8]>>,
    remaining: usize,
    element: PhantomData<T>,
}

impl<T: Element> Iterator for Elements<'_, T> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        const { assert!(T::BYTES <= 16) };
        let mut bytes = [0u8; 16];
        let bytes = &mut bytes[..T::BYTES];
        Some(
            self.bytes
                .read_exact(bytes)
                .map(|()| T::decode(&mut &*bytes)),
        )
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}
