//! Writes small ELF executables by hand: the header, one program header per segment, and
//! each segment's bytes at a page-aligned file offset (as Linux loaders want).

/// `PF_R | PF_W | PF_X`.
pub const RWX: u32 = 7;
/// `PF_R | PF_X`.
pub const RX: u32 = 5;
pub const EM_RISCV: u16 = 243;
const PAGE: u64 = 0x1000;

pub struct Segment {
    pub vaddr: u64,
    pub data: Vec<u8>,
    /// At least `data.len()`; the rest is zero-filled memory.
    pub mem_size: u64,
    pub flags: u32,
}

pub struct ElfFile {
    pub class64: bool,
    pub big_endian: bool,
    pub machine: u16,
    pub entry: u64,
    pub segments: Vec<Segment>,
}

impl ElfFile {
    /// A 32-bit little-endian RISC-V executable.
    pub fn riscv32(entry: u64, segments: Vec<Segment>) -> ElfFile {
        ElfFile {
            class64: false,
            big_endian: false,
            machine: EM_RISCV,
            entry,
            segments,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Writer {
            bytes: Vec::new(),
            big_endian: self.big_endian,
            word: if self.class64 { 8 } else { 4 },
        };
        let (header_size, ph_size) = if self.class64 { (64, 56) } else { (52, 32) };
        let mut offsets = Vec::new();
        let mut next = (header_size + ph_size * self.segments.len() as u64).next_multiple_of(PAGE);
        for segment in &self.segments {
            offsets.push(next);
            next = (next + segment.data.len() as u64).next_multiple_of(PAGE);
        }
        out.bytes.extend_from_slice(b"\x7fELF");
        out.bytes.extend_from_slice(&[
            if self.class64 { 2 } else { 1 },
            if self.big_endian { 2 } else { 1 },
            1,
        ]);
        out.bytes.resize(16, 0);
        out.int(2, 2); // ET_EXEC
        out.int(self.machine as u64, 2);
        out.int(1, 4);
        out.word(self.entry);
        out.word(header_size); // program headers right after the header
        out.word(0); // no section headers
        out.int(0, 4);
        out.int(header_size, 2);
        out.int(ph_size, 2);
        out.int(self.segments.len() as u64, 2);
        out.int(if self.class64 { 64 } else { 40 }, 2);
        out.int(0, 2);
        out.int(0, 2);
        for (segment, &offset) in self.segments.iter().zip(&offsets) {
            out.program_header(segment, offset, self.class64);
        }
        for (segment, &offset) in self.segments.iter().zip(&offsets) {
            out.bytes.resize(offset as usize, 0);
            out.bytes.extend_from_slice(&segment.data);
        }
        out.bytes
    }
}

struct Writer {
    bytes: Vec<u8>,
    big_endian: bool,
    word: usize,
}

impl Writer {
    fn int(&mut self, value: u64, size: usize) {
        let le = value.to_le_bytes();
        let field = &le[..size];
        if self.big_endian {
            self.bytes.extend(field.iter().rev());
        } else {
            self.bytes.extend_from_slice(field);
        }
    }

    fn word(&mut self, value: u64) {
        self.int(value, self.word);
    }

    fn program_header(&mut self, segment: &Segment, offset: u64, class64: bool) {
        self.int(1, 4); // PT_LOAD
        if class64 {
            self.int(segment.flags as u64, 4);
        }
        self.word(offset);
        self.word(segment.vaddr);
        self.word(segment.vaddr);
        self.word(segment.data.len() as u64);
        self.word(segment.mem_size.max(segment.data.len() as u64));
        if !class64 {
            self.int(segment.flags as u64, 4);
        }
        self.word(PAGE);
    }
}
