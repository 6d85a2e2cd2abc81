//! The compiled tier's code cache: a program's compiled code kept in a file, so that a
//! later process running the same program starts with it instead of compiling it again.
//!
//! A file is named for the program (the size and a CRC-32 of its code image: the image
//! less the padding words it ends with, so that a prover input's `app.bin` and the ELF it
//! was made from share a file) and for this build of the executable (its path, length and
//! modification time), so another build's code is never read. A folder keeps the
//! [`KEPT_FILES`] files used last (a file taken counts as used), so files of earlier builds
//! and programs do not pile up. Inside, each block carries the ROM words it was compiled
//! from, and a file is taken only when every block's words are the program's: a block's
//! code depends on nothing else but the code image's size (also checked) and the blocks it
//! jumps to directly (themselves in the file, and so checked too). A CRC-32 over the file
//! catches damage to the code bytes; a file that fails any check is ignored.
use super::codegen;
use super::{program_code, Blocks, CodeImage, CompiledCode, Links, ProgramCode};
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"zkosjit3";

/// Where the code starts in a file: page-aligned (on hosts with pages of this size or a
/// divisor of it), so that a run maps it rather than copies it.
const CODE_OFFSET: usize = 4096;

use crate::program::CODE_CACHE_FILES as KEPT_FILES;

/// The extension of cache files (others in the folder are left alone).
const EXTENSION: &str = "jit";

/// Takes the plain code of the program with ROM `image` from the file in `dir`, when one
/// fits; the blocks taken (see `Program::load_code_cache`).
pub(crate) fn load(compiled: &CompiledCode, image: &[u8], dir: &Path) -> io::Result<usize> {
    let words = image.len() / 4;
    let Some(code) = program_code(compiled, words, false) else {
        return Ok(0);
    };
    let path = file_for(dir, image, false)?;
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    if file.metadata()?.len() == 0 {
        return Ok(0);
    }
    // SAFETY: a private read-only mapping; files are replaced by rename, never rewritten
    // in place, so the mapped file does not change (another process's rename leaves this
    // one's inode as it is).
    let bytes = unsafe { memmap2::Mmap::map(&file)? };
    let Some((code_bytes, blocks, links)) = decode(&bytes, image) else {
        return Ok(0);
    };
    // Where the code lies in the file: mapped from there into the code buffer.
    let offset = code_bytes.as_ptr() as u64 - bytes.as_ptr() as u64;
    if !code.import(code_bytes, &blocks, &links, Some((&file, offset))) {
        return Ok(0);
    }
    // Marked as used, for `prune`; a folder we may not write to is no reason to refuse
    // what it holds.
    let now = std::time::SystemTime::now();
    let _ = std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|file| file.set_modified(now));
    Ok(blocks.len())
}

/// Writes the plain code of the program with ROM `image` to its file in `dir` (see
/// `Program::save_code_cache`).
pub(crate) fn save(
    compiled: &CompiledCode,
    image: &[u8],
    dir: &Path,
) -> io::Result<Option<PathBuf>> {
    let Some(Some(code)) = compiled[0].get() else {
        return Ok(None);
    };
    let bytes = encode(code, image);
    std::fs::create_dir_all(dir)?;
    let file = file_for(dir, image, false)?;
    // Written aside and renamed: a reader never sees half a file.
    let partial = file.with_extension(format!("{}.partial", std::process::id()));
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, &file)?;
    prune(dir, KEPT_FILES)?;
    Ok(Some(file))
}

/// The cache file in `dir` for the program with ROM `image` and code of the variant
/// `logs_writes`, for this build of the executable.
fn file_for(dir: &Path, image: &[u8], logs_writes: bool) -> io::Result<PathBuf> {
    let executable = std::env::current_exe()?;
    let metadata = std::fs::metadata(&executable)?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let program = (image.len(), crc32fast::hash(image));
    (MAGIC, program, logs_writes, &executable, metadata.len()).hash(&mut hasher);
    metadata.modified()?.hash(&mut hasher);
    Ok(dir.join(format!("{:016x}.{EXTENSION}", hasher.finish())))
}

/// Removes from `dir` all but the `kept` cache files modified last.
fn prune(dir: &Path, kept: usize) -> io::Result<()> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == EXTENSION) {
            // A file another process removed meanwhile is simply not counted.
            if let Ok(modified) = std::fs::metadata(&path).and_then(|m| m.modified()) {
                files.push((modified, path));
            }
        }
    }
    files.sort_unstable_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    for (_, path) in files.into_iter().skip(kept) {
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// The file's bytes for `code`'s blocks, with the ROM words each was compiled from (`rom`
/// is the program's image).
fn encode(code: &ProgramCode, rom: &[u8]) -> Vec<u8> {
    let CodeImage {
        code: bytes,
        blocks,
        links,
    } = code.export();
    let mut out = Vec::with_capacity(CODE_OFFSET + bytes.len() + 16 * blocks.len() + 64);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(rom.len() as u64 / 4).to_le_bytes());
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.resize(CODE_OFFSET, 0);
    out.extend_from_slice(&bytes);
    out.extend_from_slice(&(blocks.len() as u64).to_le_bytes());
    for (index, offset) in blocks {
        let words = codegen::block_words(index as usize, rom);
        out.extend_from_slice(&index.to_le_bytes());
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&(words.len() as u32 / 4).to_le_bytes());
        out.extend_from_slice(words);
    }
    out.extend_from_slice(&(links.len() as u64).to_le_bytes());
    for (offset, target) in links {
        out.extend_from_slice(&offset.to_le_bytes());
        out.extend_from_slice(&target.to_le_bytes());
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The code in `file`, its blocks and its waiting jumps, when the file is whole and was
/// compiled from the words of `rom` (the program's image).
fn decode<'a>(file: &'a [u8], rom: &[u8]) -> Option<(&'a [u8], Blocks, Links)> {
    let (body, crc) = file.split_at_checked(file.len().checked_sub(4)?)?;
    if crc32fast::hash(body).to_le_bytes() != crc {
        return None;
    }
    let mut reader = Reader(body);
    if reader.take(MAGIC.len())? != MAGIC || reader.u64()? != rom.len() as u64 / 4 {
        return None;
    }
    let code_len = reader.u64()? as usize;
    reader.take(CODE_OFFSET - (MAGIC.len() + 16))?;
    let code = reader.take(code_len)?;
    let count = reader.u64()? as usize;
    let mut blocks = Vec::with_capacity(count.min(rom.len() / 4));
    for _ in 0..count {
        let (index, offset, len) = (reader.u32()?, reader.u32()?, reader.u32()? as usize);
        let words = reader.take(len.checked_mul(4)?)?;
        let start = (index as usize).checked_mul(4)?;
        if rom.get(start..)?.get(..words.len())? != words {
            return None;
        }
        blocks.push((index, offset));
    }
    let count = reader.u64()? as usize;
    let mut links = Vec::with_capacity(count.min(code.len() / 4));
    for _ in 0..count {
        links.push((reader.u32()?, reader.u32()?));
    }
    reader.0.is_empty().then_some((code, blocks, links))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        Some(taken)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Machine, Program, StreamOracle};
    use std::io::{Read, Seek, Write};

    /// `sorting` run compiled once: its program and its code.
    fn compiled() -> (Program, CodeImage) {
        let elf = zkos_guests::elf("sorting").expect("the sorting guest");
        let program = Program::from_elf(elf).expect("loads");
        let mut machine = Machine::new(&program).expect("machine");
        assert!(machine.enable_jit_after(0), "no compiled tier on this host");
        machine
            .run(StreamOracle::new(vec![42, 300]), 100_000_000)
            .expect("sorting finishes");
        let image = program.compiled()[0]
            .get()
            .and_then(Option::as_ref)
            .expect("compiled code")
            .export();
        assert!(image.blocks.len() > 10, "{} blocks", image.blocks.len());
        (program, image)
    }

    /// Code taken into a fresh program's buffer from a file holding it at `offset`: mapped
    /// where the offset is page-aligned, copied where not; either way the buffer then holds
    /// what was exported, and the file is unchanged.
    #[test]
    fn code_taken_from_a_file_is_the_code_exported_mapped_or_copied() {
        let (program, exported) = compiled();
        for offset in [CODE_OFFSET, 1] {
            let mut file = tempfile::tempfile().expect("a temporary file");
            let mut bytes = vec![0xcc; offset];
            bytes.extend_from_slice(&exported.code);
            file.write_all(&bytes).expect("written");
            let words = program.image().len() / 4;
            let fresh = ProgramCode::new(words, false).expect("executable memory");
            let source = Some((&file, offset as u64));
            assert!(fresh.import(&exported.code, &exported.blocks, &exported.links, source));
            let taken = fresh.export();
            assert!(
                taken.code == exported.code,
                "the code taken from offset {offset}"
            );
            assert_eq!(taken.blocks, exported.blocks, "taken from offset {offset}");
            let sorted = |links: &Links| {
                let mut links = links.clone();
                links.sort_unstable();
                links
            };
            assert_eq!(sorted(&taken.links), sorted(&exported.links));
            let mut again = Vec::new();
            file.seek(std::io::SeekFrom::Start(0)).expect("seeks");
            file.read_to_end(&mut again).expect("reads");
            assert_eq!(again, bytes, "the file is unchanged");
        }
    }
}
