//! The decoded ROM: one entry per word of the program's image, decoded the first time
//! control reaches it, a whole run of straight-line code at a time.
//!
//! A *run* is the code from a word up to and including the next unconditional jump (`JAL`,
//! `JALR`) or always-faulting instruction: what can execute from that word before control
//! jumps, whichever way its branches go. Each entry knows the length of its run (its span),
//! so the interpreter checks the cycle bound only where it jumps, and knows each
//! instruction's pc and cycle from its place in the table instead of counting them.

use crate::decode::{decode, Instruction, Op};
use crate::memory::Memory;

/// Register file index where writes to x0 go, so x0 always reads 0 without a check.
pub(super) const X0_SINK: u8 = 32;

/// An instruction as the interpreter runs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub(super) struct Entry {
    /// The decoded instruction, in the interpreter's form: writes to x0 go to
    /// [`X0_SINK`], as does the `rd` of an instruction that writes no register; `AUIPC`
    /// is the `LUI` of its result; `JAL` and the branches hold their target in `imm` (see
    /// [`Entry::decode`]).
    pub inst: Instruction,
    /// Bytes of the table from this entry to the end of its run, this entry's included
    /// (16 for each instruction); 0 until the entry is decoded.
    pub span: u32,
    /// The instruction word, as traces report it.
    pub word: u32,
}

const _: () = assert!(Op::Undecoded as u8 == 0 && size_of::<Entry>() == 16);

impl Entry {
    const UNDECODED: Entry = Entry {
        inst: Instruction::UNDECODED,
        span: 0,
        word: 0,
    };

    /// The word at `pc` of an image of `len` words in the interpreter's form; `span` is
    /// left for [`DecodedRom`].
    ///
    /// A `JAL` or branch whose target is an ordinary instruction (aligned, inside the
    /// image, not the instruction itself) holds that instruction's byte offset in the
    /// table, `4 * target`; any other holds `target | 1` (targets are even), and its taken
    /// path checks the target as `JALR` does.
    pub fn decode(word: u32, pc: u32, len: usize) -> Entry {
        let mut inst = decode(word);
        if inst.rd == 0 || !writes_rd(inst.op) {
            inst.rd = X0_SINK;
        }
        match inst.op {
            Op::Auipc => {
                inst.op = Op::Lui;
                inst.imm = pc.wrapping_add(inst.imm);
            }
            Op::Jal | Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu => {
                let target = pc.wrapping_add(inst.imm);
                let ordinary = target & 3 == 0 && ((target >> 2) as usize) < len && target != pc;
                inst.imm = match ordinary {
                    true => target << 2,
                    false => target | 1,
                };
            }
            _ => {}
        }
        Entry {
            inst,
            span: 0,
            word,
        }
    }
}

/// Whether the instruction writes the register in bits 11:7 of its word.
pub(super) fn writes_rd(op: Op) -> bool {
    !matches!(
        op,
        Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu | Op::Sb | Op::Sh | Op::Sw
    )
}

/// The unconditional jumps, and the instructions that always fault (so a run never reaches
/// into data after code).
fn ends_run(op: Op) -> bool {
    matches!(op, Op::Jal | Op::Jalr | Op::Abort | Op::Illegal)
}

/// The table, in fresh anonymous memory: the pages of code a run never executes are never
/// touched, and no run pays for clearing the table (a heap allocation this size is often
/// recycled and cleared by hand). One entry more than the image has words: the word past
/// the image stays [`Op::Undecoded`], so straight-line code that runs off the end of the
/// image reaches an entry the interpreter checks, not memory outside the table.
pub(super) struct DecodedRom {
    map: memmap2::MmapMut,
    /// Words in the image.
    len: usize,
}

impl DecodedRom {
    pub fn new(image_words: usize) -> std::io::Result<DecodedRom> {
        let map = memmap2::MmapMut::map_anon((image_words + 1) * size_of::<Entry>())?;
        Ok(DecodedRom {
            map,
            len: image_words,
        })
    }

    /// Words in the image (the table holds one entry more).
    pub fn len(&self) -> usize {
        self.len
    }

    /// The first entry; the table's `len() + 1` entries follow it.
    pub fn as_ptr(&self) -> *const Entry {
        self.map.as_ptr().cast()
    }

    /// The entry at byte offset `at`, which is at most `16 * len()`.
    pub fn entry_at(&self, at: usize) -> Entry {
        let bytes = &self.map[at..at + size_of::<Entry>()];
        // SAFETY: as in `entries`; `bytes` is one whole entry, aligned as the mapping is.
        unsafe { bytes.as_ptr().cast::<Entry>().read() }
    }

    fn entries(&mut self) -> &mut [Entry] {
        // SAFETY: the mapping holds `len + 1` entries' bytes, page-aligned; all-zero bytes
        // are an undecoded entry (`Op::Undecoded`, integer fields, no padding inside
        // `Entry`), and every write is a whole entry.
        unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr().cast(), self.len + 1) }
    }

    /// Decodes the run that starts at word `index` (an undecoded word of the image), up to
    /// its end or the first word decoded before, and gives each entry its span.
    pub fn decode_run(&mut self, index: usize, memory: &Memory) {
        let len = self.len;
        let entries = self.entries();
        let mut end = index;
        // The span of the entry the new ones continue into.
        let tail = loop {
            if end == len || entries[end].inst.op != Op::Undecoded {
                break if end == len { 0 } else { entries[end].span };
            }
            let pc = (end as u32) << 2;
            let entry = Entry::decode(memory.word_at(pc), pc, len);
            entries[end] = entry;
            end += 1;
            if ends_run(entry.inst.op) {
                break 0;
            }
        };
        let step = size_of::<Entry>() as u32;
        for (entry, span) in entries[index..end]
            .iter_mut()
            .rev()
            .zip((tail + step..).step_by(step as usize))
        {
            entry.span = span;
        }
    }

    /// Makes the instruction at word `index` fault as an illegal instruction does, its span
    /// kept; false past the image.
    pub fn set_trap(&mut self, index: usize, memory: &Memory) -> bool {
        if index >= self.len {
            return false;
        }
        if self.entries()[index].inst.op == Op::Undecoded {
            self.decode_run(index, memory);
        }
        self.entries()[index].inst.op = Op::Illegal;
        true
    }

    /// Undoes [`DecodedRom::set_trap`].
    pub fn clear_trap(&mut self, index: usize, memory: &Memory) {
        if index >= self.len {
            return;
        }
        let len = self.len;
        let entry = &mut self.entries()[index];
        if entry.span != 0 {
            let pc = (index as u32) << 2;
            *entry = Entry {
                span: entry.span,
                ..Entry::decode(memory.word_at(pc), pc, len)
            };
        } else {
            *entry = Entry::UNDECODED;
        }
    }
}
