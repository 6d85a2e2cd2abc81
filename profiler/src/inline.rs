//! Inlined frames from the ELF's DWARF (addr2line over gimli), when the ELF has them.

use addr2line::gimli;
use object::{Object, ObjectSection};
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

type Reader = gimli::EndianRcSlice<gimli::RunTimeEndian>;

pub struct InlineResolver {
    context: Option<addr2line::Context<Reader>>,
    cache: HashMap<u32, Vec<String>>,
    /// Distinct lists of inlined frames, and which one each pc has.
    contexts: Vec<Vec<String>>,
    context_ids: HashMap<Vec<String>, u32>,
    context_of_pc: HashMap<u32, u32>,
}

impl InlineResolver {
    /// A resolver over `elf`; without DWARF it resolves nothing.
    pub fn new(elf: &[u8]) -> InlineResolver {
        InlineResolver {
            context: load_context(elf),
            cache: HashMap::new(),
            contexts: Vec::new(),
            context_ids: HashMap::new(),
            context_of_pc: HashMap::new(),
        }
    }

    pub fn has_debug_info(&self) -> bool {
        self.context.is_some()
    }

    /// An id for the list of inlined functions active at `pc` (equal lists, equal ids).
    pub fn context_of(&mut self, pc: u32) -> u32 {
        if let Some(&id) = self.context_of_pc.get(&pc) {
            return id;
        }
        let frames = self.inlined_at(pc).to_vec();
        let next = self.contexts.len() as u32;
        let id = *self.context_ids.entry(frames.clone()).or_insert(next);
        if id == next {
            self.contexts.push(frames);
        }
        self.context_of_pc.insert(pc, id);
        id
    }

    /// The inlined functions of a context id from [`Self::context_of`].
    pub fn context_frames(&self, id: u32) -> &[String] {
        &self.contexts[id as usize]
    }

    /// The inlined functions active at `pc`, outermost first, not counting the function
    /// that holds `pc` itself.
    pub fn inlined_at(&mut self, pc: u32) -> &[String] {
        let context = &self.context;
        self.cache
            .entry(pc)
            .or_insert_with(|| context.as_ref().map(|c| frames(c, pc)).unwrap_or_default())
    }
}

fn load_context(elf: &[u8]) -> Option<addr2line::Context<Reader>> {
    let file = object::File::parse(elf).ok()?;
    file.section_by_name(".debug_info")?;
    let endian = if file.is_little_endian() {
        gimli::RunTimeEndian::Little
    } else {
        gimli::RunTimeEndian::Big
    };
    let load = |id: gimli::SectionId| -> Result<Reader, gimli::Error> {
        let data = file
            .section_by_name(id.name())
            .and_then(|s| s.uncompressed_data().ok())
            .unwrap_or(Cow::Borrowed(&[]));
        Ok(gimli::EndianRcSlice::new(Rc::from(&*data), endian))
    };
    let dwarf = gimli::Dwarf::load(load).ok()?;
    addr2line::Context::from_dwarf(dwarf).ok()
}

fn frames(context: &addr2line::Context<Reader>, pc: u32) -> Vec<String> {
    let Ok(mut iter) = context.find_frames(pc as u64).skip_all_loads() else {
        return Vec::new();
    };
    let mut names = Vec::new();
    while let Ok(Some(frame)) = iter.next() {
        let name = frame
            .function
            .as_ref()
            .and_then(|f| {
                f.raw_name()
                    .ok()
                    .map(|raw| crate::symbols::demangle(raw.as_ref()))
            })
            .unwrap_or_else(|| "??".into());
        names.push(name);
    }
    // Innermost first from addr2line; the last one is the symbol's own function.
    names.pop();
    names.reverse();
    names
}
