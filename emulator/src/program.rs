//! Loading programs: ELF files (through goblin) and flat binaries at address 0.

use goblin::container::Ctx;
use goblin::elf::{
    header,
    program_header::{ProgramHeader, PT_LOAD},
    section_header::{SectionHeader, SHT_SYMTAB},
    sym::{STT_FUNC, STT_NOTYPE},
    Elf,
};
use std::fmt;
use zkos_linker::{ADDRESS_SPACE_SIZE, ROM_END, ROM_PADDING_WORD};

/// A function symbol (or untyped code label such as `_start`) from the ELF, for profiles
/// and fault reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub address: u32,
    pub size: u32,
}

/// A program ready to run: the ROM image and its symbols. A machine decodes each word the
/// first time it executes it.
#[derive(Clone, Debug)]
pub struct Program {
    image: Image,
    symbols: Vec<Symbol>,
    /// Words of the image up to its last that is not the padding word (see
    /// [`Program::code_image`]).
    code_words: usize,
    /// The compiled tier's code for the program.
    #[cfg(all(target_arch = "x86_64", unix))]
    compiled: crate::jit::CompiledCode,
}

/// A program's ROM image: bytes of its own, or a file mapped read-only (a prover input's
/// image is the whole 2 MiB ROM; mapped, it is neither read nor copied: each machine maps
/// the file into its own ROM, and reads only the pages it runs).
#[derive(Clone, Debug)]
enum Image {
    Owned(Vec<u8>),
    /// A flat binary's file, mapped, and kept open so that a machine can map it into its
    /// ROM instead of copying it.
    Mapped(std::sync::Arc<(memmap2::Mmap, std::fs::File)>),
}

impl std::ops::Deref for Image {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Image::Owned(bytes) => bytes,
            Image::Mapped(mapped) => &mapped.0,
        }
    }
}

/// Why [`Program::open`] has no program.
#[derive(Debug)]
pub enum OpenError {
    /// The file cannot be read.
    Read(std::io::Error),
    /// The file is not a program for this machine.
    Load(LoadError),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::Read(e) => write!(f, "cannot read it: {e}"),
            OpenError::Load(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for OpenError {}

/// Why a file is not a program for this machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    Empty,
    FlatNotWordMultiple(usize),
    FlatTooLarge(usize),
    Elf(String),
    NotElf32,
    NotLittleEndian,
    NotRiscV(u16),
    EntryNotZero(u64),
    NoLoadableSegment,
    SegmentOutsideMemory { index: usize, start: u64, end: u64 },
    SegmentDataInRam { index: usize, start: u64 },
    SegmentPastFile { index: usize },
    SegmentsOverlap { first: usize, second: usize },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use LoadError::*;
        match self {
            Empty => write!(f, "the program is empty"),
            FlatNotWordMultiple(n) => {
                write!(
                    f,
                    "flat binary of {n} bytes: the length must be a multiple of 4"
                )
            }
            FlatTooLarge(n) => write!(f, "flat binary of {n} bytes does not fit the 2 MiB ROM"),
            Elf(why) => write!(f, "malformed ELF: {why}"),
            NotElf32 => write!(f, "ELF is 64-bit; this machine is RV32 (ELFCLASS32)"),
            NotLittleEndian => write!(f, "ELF is big-endian; this machine is little-endian"),
            NotRiscV(m) => write!(f, "ELF machine is {m}, not RISC-V (243)"),
            EntryNotZero(e) => write!(f, "ELF entry point is 0x{e:x}; the machine starts at 0"),
            NoLoadableSegment => write!(f, "ELF has no loadable segment"),
            SegmentOutsideMemory { index, start, end } => write!(
                f,
                "segment {index} [0x{start:x}, 0x{end:x}) lies outside the 1 GiB memory map"
            ),
            SegmentDataInRam { index, start } => write!(
                f,
                "segment {index} at 0x{start:x} has file data in RAM; nothing loads RAM on this \
                 machine (move .data to ROM or copy it at start-up)"
            ),
            SegmentPastFile { index } => {
                write!(f, "segment {index} points past the end of the file")
            }
            SegmentsOverlap { first, second } => write!(f, "segments {first} and {second} overlap"),
        }
    }
}

impl std::error::Error for LoadError {}

const ELF_MAGIC: &[u8; 4] = b"\x7fELF";

/// Cache files a code-cache folder keeps: the ones used last.
pub const CODE_CACHE_FILES: usize = 32;

fn check_flat(bytes: &[u8]) -> Result<(), LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::Empty);
    }
    if !bytes.len().is_multiple_of(4) {
        return Err(LoadError::FlatNotWordMultiple(bytes.len()));
    }
    if bytes.len() > ROM_END as usize {
        return Err(LoadError::FlatTooLarge(bytes.len()));
    }
    Ok(())
}

impl Program {
    /// An ELF file or a flat binary, told apart by the ELF magic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Program, LoadError> {
        Program::from_either(bytes, |bytes| Image::Owned(bytes.to_vec()))
    }

    /// [`Program::from_bytes`] on bytes it may keep: a flat binary becomes the image
    /// without a copy (a prover input's is the whole 2 MiB ROM).
    pub fn from_owned_bytes(bytes: Vec<u8>) -> Result<Program, LoadError> {
        Program::from_either(bytes, Image::Owned)
    }

    /// An ELF file parsed from `bytes`, or a flat binary whose image `into_image` makes of
    /// them.
    fn from_either<B: AsRef<[u8]>>(
        bytes: B,
        into_image: impl FnOnce(B) -> Image,
    ) -> Result<Program, LoadError> {
        if bytes.as_ref().starts_with(ELF_MAGIC) {
            return Program::from_elf(bytes.as_ref());
        }
        check_flat(bytes.as_ref())?;
        Ok(Program::new(into_image(bytes), Vec::new()))
    }

    /// [`Program::from_bytes`] on the file at `path`. A regular file is mapped, not read,
    /// and a flat binary's image is the mapping: the file must not change while the
    /// program lives (as with any file being read). Anything else (a pipe, a device) is
    /// read.
    pub fn open(path: &std::path::Path) -> Result<Program, OpenError> {
        let mut file = std::fs::File::open(path).map_err(OpenError::Read)?;
        let metadata = file.metadata().map_err(OpenError::Read)?;
        if !metadata.is_file() {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut bytes).map_err(OpenError::Read)?;
            return Program::from_owned_bytes(bytes).map_err(OpenError::Load);
        }
        if metadata.len() == 0 {
            return Err(OpenError::Load(LoadError::Empty));
        }
        // SAFETY: a private read-only mapping of a file the caller keeps unchanged.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(OpenError::Read)?;
        Program::from_either(map, |map| Image::Mapped(std::sync::Arc::new((map, file))))
            .map_err(OpenError::Load)
    }

    pub fn from_flat(bytes: &[u8]) -> Result<Program, LoadError> {
        check_flat(bytes)?;
        Ok(Program::new(Image::Owned(bytes.to_vec()), Vec::new()))
    }

    /// An ELF file: 32-bit, little-endian, RISC-V, entry 0, segments inside the memory map,
    /// file data only in ROM, no overlaps.
    pub fn from_elf(bytes: &[u8]) -> Result<Program, LoadError> {
        let elf = parse_elf(bytes).map_err(|e| LoadError::Elf(e.to_string()))?;
        if elf.is_64 {
            return Err(LoadError::NotElf32);
        }
        if !elf.little_endian {
            return Err(LoadError::NotLittleEndian);
        }
        if elf.header.e_machine != header::EM_RISCV {
            return Err(LoadError::NotRiscV(elf.header.e_machine));
        }
        if elf.entry != 0 {
            return Err(LoadError::EntryNotZero(elf.entry));
        }
        let segments = loadable_segments(&elf, bytes.len())?;
        let image_end = segments
            .iter()
            .filter(|s| s.file_len > 0)
            .map(|s| s.start + s.file_len)
            .max();
        let mut image = vec![0u8; image_end.unwrap_or(0).next_multiple_of(4) as usize];
        for s in segments.iter().filter(|s| s.file_len > 0) {
            let (from, len) = (s.file_offset as usize, s.file_len as usize);
            image[s.start as usize..s.start as usize + len]
                .copy_from_slice(&bytes[from..from + len]);
        }
        if image.is_empty() {
            return Err(LoadError::NoLoadableSegment);
        }
        Ok(Program::new(
            Image::Owned(image),
            function_symbols(bytes, &elf),
        ))
    }

    fn new(image: Image, symbols: Vec<Symbol>) -> Program {
        Program {
            code_words: code_words(&image),
            image,
            symbols,
            #[cfg(all(target_arch = "x86_64", unix))]
            compiled: Default::default(),
        }
    }

    /// Where the program's compiled code is kept.
    #[cfg(all(target_arch = "x86_64", unix))]
    pub(crate) fn compiled(&self) -> &crate::jit::CompiledCode {
        &self.compiled
    }

    /// Takes this program's compiled code (the plain variant, what untraced runs use) from
    /// the code cache in `dir`, when a file there fits the program and this build; the
    /// blocks taken (0 when none did, or the compiled tier is missing here). Call it before
    /// running: blocks are taken only into code with nothing compiled yet.
    pub fn load_code_cache(&self, dir: &std::path::Path) -> std::io::Result<usize> {
        #[cfg(all(target_arch = "x86_64", unix))]
        return crate::jit::cache::load(&self.compiled, self.code_image(), dir);
        #[cfg(not(all(target_arch = "x86_64", unix)))]
        {
            let _ = dir;
            Ok(0)
        }
    }

    /// Blocks of this program's compiled code (plain variant, what untraced runs use): those
    /// its runs compiled and those taken from a code cache.
    pub fn compiled_blocks(&self) -> usize {
        #[cfg(all(target_arch = "x86_64", unix))]
        return self.compiled[0]
            .get()
            .and_then(Option::as_ref)
            .map_or(0, |code| code.blocks());
        #[cfg(not(all(target_arch = "x86_64", unix)))]
        0
    }

    /// Writes this program's compiled code (plain variant) to the code cache in `dir`,
    /// creating the folder; the file written, or None when nothing is compiled. The folder
    /// keeps the [`CODE_CACHE_FILES`] cache files used last (saved, or taken by
    /// [`Program::load_code_cache`]); older ones are removed.
    pub fn save_code_cache(
        &self,
        dir: &std::path::Path,
    ) -> std::io::Result<Option<std::path::PathBuf>> {
        #[cfg(all(target_arch = "x86_64", unix))]
        return crate::jit::cache::save(&self.compiled, self.code_image(), dir);
        #[cfg(not(all(target_arch = "x86_64", unix)))]
        {
            let _ = dir;
            Ok(None)
        }
    }

    /// The ROM image from address 0.
    pub fn image(&self) -> &[u8] {
        &self.image
    }

    /// The image less the padding words it ends with: what the compiled tier translates,
    /// and names its cache files by. Past its image every ROM holds the padding word, so a
    /// program loaded from its ELF and the same program padded to the ROM's size (a prover
    /// input's `app.bin`) run alike, and share one compiled code.
    pub(crate) fn code_image(&self) -> &[u8] {
        &self.image[..4 * self.code_words]
    }

    /// The file the image is, whole, when the program was opened from a flat binary's file.
    pub(crate) fn image_file(&self) -> Option<&std::fs::File> {
        match &self.image {
            Image::Owned(_) => None,
            Image::Mapped(mapped) => Some(&mapped.1),
        }
    }

    /// The image as words.
    pub fn words(&self) -> impl Iterator<Item = u32> + '_ {
        self.image
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes(w.try_into().unwrap()))
    }

    /// Function symbols from the ELF, sorted by address (empty for flat binaries).
    pub fn symbols(&self) -> &[Symbol] {
        &self.symbols
    }

    /// The image padded to the full 2 MiB ROM, as the prover takes it.
    pub fn padded_image(&self) -> Vec<u8> {
        let mut padded = self.image.to_vec();
        let padding = ROM_PADDING_WORD.to_le_bytes();
        while padded.len() < ROM_END as usize {
            padded.extend_from_slice(&padding);
        }
        padded
    }
}

/// Words of `image` up to its last that is not the padding word.
fn code_words(image: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let padding: [u8; BLOCK] = std::array::from_fn(|i| ROM_PADDING_WORD.to_le_bytes()[i % 4]);
    let words = image.len() / 4;
    // Whole blocks of padding first (a prover input's image is mostly padding), then words.
    let mut end = 4 * words;
    while end >= BLOCK && image[end - BLOCK..end] == padding {
        end -= BLOCK;
    }
    while end >= 4 && image[end - 4..end] == padding[..4] {
        end -= 4;
    }
    end / 4
}

struct Segment {
    index: usize,
    start: u64,
    end: u64,
    file_offset: u64,
    file_len: u64,
}

fn loadable_segments(elf: &Elf, file_len: usize) -> Result<Vec<Segment>, LoadError> {
    let mut segments: Vec<Segment> = Vec::new();
    for (index, ph) in elf
        .program_headers
        .iter()
        .enumerate()
        .filter(|(_, p)| p.p_type == PT_LOAD)
    {
        let start = ph.p_vaddr;
        let end = start.saturating_add(ph.p_memsz.max(ph.p_filesz));
        if end > ADDRESS_SPACE_SIZE as u64 {
            return Err(LoadError::SegmentOutsideMemory { index, start, end });
        }
        if ph.p_filesz > 0 && start + ph.p_filesz > ROM_END as u64 {
            return Err(LoadError::SegmentDataInRam { index, start });
        }
        if ph.p_offset.saturating_add(ph.p_filesz) > file_len as u64 {
            return Err(LoadError::SegmentPastFile { index });
        }
        if ph.p_memsz == 0 && ph.p_filesz == 0 {
            continue;
        }
        if let Some(other) = segments.iter().find(|s| start < s.end && s.start < end) {
            return Err(LoadError::SegmentsOverlap {
                first: other.index,
                second: index,
            });
        }
        segments.push(Segment {
            index,
            start,
            end,
            file_offset: ph.p_offset,
            file_len: ph.p_filesz,
        });
    }
    if segments.is_empty() {
        return Err(LoadError::NoLoadableSegment);
    }
    Ok(segments)
}

/// The ELF's header, program headers and section headers: what loading needs, without the
/// rest `Elf::parse` does (it indexes every string of the string table, which for the guest
/// OS, 100 k symbols with debug info, took longer than running a block).
fn parse_elf(bytes: &[u8]) -> goblin::error::Result<Elf<'_>> {
    let header = Elf::parse_header(bytes)?;
    let mut elf = Elf::lazy_parse(header)?;
    let ctx = Ctx::new(header.container()?, header.endianness()?);
    elf.program_headers =
        ProgramHeader::parse(bytes, header.e_phoff as usize, header.e_phnum as usize, ctx)?;
    elf.section_headers =
        SectionHeader::parse(bytes, header.e_shoff as usize, header.e_shnum as usize, ctx)?;
    Ok(elf)
}

/// A symbol of a 32-bit ELF's table, the fields we use.
struct Symbol32 {
    name: u32,
    value: u32,
    size: u32,
    info: u8,
}

impl Symbol32 {
    /// Bytes of an `Elf32_Sym`.
    const BYTES: usize = 16;

    /// The symbol in `bytes`, little-endian (the loader takes no other ELF).
    fn parse(bytes: &[u8]) -> Symbol32 {
        let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        Symbol32 {
            name: word(0),
            value: word(4),
            size: word(8),
            info: bytes[12],
        }
    }

    fn kind(&self) -> u8 {
        self.info & 0xf
    }
}

/// The symbols of a 32-bit little-endian ELF's table, each with its name's bytes (none if
/// there is no table, or it lies outside the file; a symbol whose name does not end inside
/// the string table is left out). Read in place: goblin's `Symtab` decodes every field of
/// every symbol through its generic reader, a few milliseconds for the guest OS's 100 k.
fn named_symbols<'a>(
    bytes: &'a [u8],
    elf: &Elf,
) -> impl Iterator<Item = (&'a [u8], Symbol32)> + 'a {
    let section = |header: &SectionHeader| {
        bytes
            .get(header.sh_offset as usize..)?
            .get(..header.sh_size as usize)
    };
    let table = elf.section_headers.iter().find(|s| s.sh_type == SHT_SYMTAB);
    let strings = table
        .and_then(|table| elf.section_headers.get(table.sh_link as usize))
        .and_then(section)
        .unwrap_or_default();
    let symbols = table.and_then(section).unwrap_or_default();
    symbols
        .chunks_exact(Symbol32::BYTES)
        .map(Symbol32::parse)
        .filter_map(move |symbol| {
            let name = strings.get(symbol.name as usize..)?;
            Some((&name[..name.iter().position(|&b| b == 0)?], symbol))
        })
}

/// The address of the symbol called `name` in the ELF file `bytes`, if it has one.
pub fn elf_symbol(bytes: &[u8], name: &str) -> Option<u32> {
    let elf = parse_elf(bytes)
        .ok()
        .filter(|elf| !elf.is_64 && elf.little_endian)?;
    named_symbols(bytes, &elf)
        .find(|(symbol, _)| *symbol == name.as_bytes())
        .map(|(_, symbol)| symbol.value)
}

/// The functions of the ELF's symbol table, by address (names that are not text left out).
fn function_symbols(bytes: &[u8], elf: &Elf) -> Vec<Symbol> {
    let mut symbols: Vec<Symbol> = named_symbols(bytes, elf)
        .filter(|(_, s)| matches!(s.kind(), STT_FUNC | STT_NOTYPE) && s.value < ROM_END)
        .filter_map(|(name, s)| {
            let name = std::str::from_utf8(name).ok()?;
            // Code labels such as `_start` are untyped; mapping symbols (`$x`) and local
            // labels are not functions.
            if s.kind() == STT_NOTYPE && (name.is_empty() || name.starts_with(['$', '.'])) {
                return None;
            }
            Some(Symbol {
                name: name.to_string(),
                address: s.value,
                size: s.size,
            })
        })
        .collect();
    symbols.sort_by_key(|s| s.address);
    symbols
}
