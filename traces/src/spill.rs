//! Columns that keep a bounded buffer in memory and move the rest, already encoded, to an
//! anonymous temporary file: the long fields of a delegation circuit being filled.

use crate::encode::Element;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
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

/// Elements of type `T`: the first `spilled` bytes in `file`, in Airbender's encoding, the
/// rest in `pending` as values (encoded only if they spill or are written out). The file is
/// created at the first spill and vanishes with the column.
#[derive(Debug)]
pub struct SpillColumn<T> {
    len: usize,
    pending: Vec<T>,
    file: Option<File>,
    spilled: u64,
    config: Arc<SpillConfig>,
    /// The first failed spill; the elements pushed after it are only counted.
    error: Option<io::Error>,
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
        }
    }

    /// A column holding `values` in memory.
    pub fn from_values(values: &[T]) -> SpillColumn<T> {
        let mut column = SpillColumn::new(Arc::new(SpillConfig::in_memory()));
        values.iter().for_each(|&value| column.push(value));
        column
    }

    #[inline]
    pub fn push(&mut self, value: T) {
        self.len += 1;
        if self.error.is_none() {
            self.pending.push(value);
            if self.buffered_bytes() >= self.config.buffer_bytes {
                self.spill_buffer();
            }
        }
    }

    /// Appends `values`, spilling whenever the buffer fills, as pushing them one by one.
    pub fn extend(&mut self, mut values: &[T]) {
        while !values.is_empty() {
            let room = (self.config.buffer_bytes / T::BYTES).saturating_sub(self.pending.len());
            let (now, rest) = values.split_at(room.clamp(1, values.len()));
            self.len += now.len();
            if self.error.is_none() {
                self.pending.extend_from_slice(now);
                if self.buffered_bytes() >= self.config.buffer_bytes {
                    self.spill_buffer();
                }
            }
            values = rest;
        }
    }

    /// Moves the buffer to the file; a failure is kept, and the column stops buffering.
    #[cold]
    #[inline(never)]
    fn spill_buffer(&mut self) {
        if let Err(e) = self.spill() {
            self.error = Some(io::Error::new(
                e.kind(),
                format!("spilling to {}: {e}", self.config.dir().display()),
            ));
            self.pending = Vec::new();
        }
    }

    fn spill(&mut self) -> io::Result<()> {
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(tempfile::tempfile_in(self.config.dir())?),
        };
        let bytes = encode_all(&self.pending);
        file.write_all(&bytes)?;
        self.spilled += bytes.len() as u64;
        self.pending.clear();
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Encoded bytes of the elements held in memory (below the spill threshold).
    pub fn buffered_bytes(&self) -> usize {
        self.pending.len() * T::BYTES
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
        Ok(self
            .spilled_bytes()?
            .chain(io::Cursor::new(encode_all(&self.pending))))
    }

    fn spilled_bytes(&self) -> io::Result<FileSpan<'_>> {
        self.check()?;
        Ok(FileSpan {
            file: self.file.as_ref(),
            at: 0,
            end: self.spilled,
        })
    }

    /// A reader of the elements in order, the spilled ones decoded as they are read.
    pub fn values(&self) -> io::Result<Elements<'_, T>> {
        Ok(Elements {
            spilled: BufReader::with_capacity(1 << 16, self.spilled_bytes()?),
            remaining_spilled: self.len - self.pending.len(),
            pending: self.pending.iter(),
        })
    }

    pub fn load(&self) -> io::Result<Vec<T>> {
        let mut values = Vec::with_capacity(self.len);
        self.values()?.refill(self.len, &mut values)?;
        Ok(values)
    }
}

fn encode_all<T: Element>(values: &[T]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(values.len() * T::BYTES);
    values.iter().for_each(|value| value.encode(&mut bytes));
    bytes
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

/// The elements of a column: the spilled ones, decoded, then those in memory.
pub struct Elements<'a, T> {
    spilled: BufReader<FileSpan<'a>>,
    remaining_spilled: usize,
    pending: std::slice::Iter<'a, T>,
}

impl<T: Element> Elements<'_, T> {
    /// Replaces `into` with the next `count` elements (fewer at the end), the spilled ones
    /// read and decoded a piece of at most 64 Ki elements at a time.
    pub fn refill(&mut self, count: usize, into: &mut Vec<T>) -> io::Result<()> {
        const PIECE: usize = 1 << 16;
        into.clear();
        let from_file = count.min(self.remaining_spilled);
        let mut bytes = vec![0u8; from_file.min(PIECE) * T::BYTES];
        while into.len() < from_file {
            let piece = &mut bytes[..(from_file - into.len()).min(PIECE) * T::BYTES];
            self.spilled.read_exact(piece)?;
            into.extend(piece.chunks_exact(T::BYTES).map(|mut c| T::decode(&mut c)));
        }
        self.remaining_spilled -= from_file;
        into.extend(self.pending.by_ref().take(count - from_file));
        Ok(())
    }
}
