//! Inlined frames from the ELF's DWARF (addr2line over gimli), when the ELF has them.

use addr2line::gimli;
use object::{Object, ObjectSection};
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

type Reader = gimli::EndianRcSlice<gimli::RunTimeEndian>;

pub struct InlineResolver {
    context: Option<addr2line::Context<Reader>>,
    /// Demangled names, interned by their raw DWARF name (demangling is the costly part).
    names: Vec<String>,
    name_ids: HashMap<String, u32>,
    /// Distinct lists of inlined frames (name ids), and which one each pc has.
    contexts: Vec<Vec<u32>>,
    context_ids: HashMap<Vec<u32>, u32>,
    context_of_pc: HashMap<u32, u32>,
}

impl InlineResolver {
    /// A resolver over `elf`; without DWARF it resolves nothing.
    pub fn new(elf: &[u8]) -> InlineResolver {
        InlineResolver {
            context: load_context(elf),
            names: Vec::new(),
            name_ids: HashMap::new(),
            contexts: Vec::new(),
            context_ids: HashMap::new(),
            context_of_pc: HashMap::new(),
        }
    }

    pub fn has_debug_info(&self) -> bool {
        self.context.is_some()
    }

    /// An id for the list of inlined functions active at `pc`, outermost first, not
    /// counting the function that holds `pc` itself (equal lists, equal ids).
    pub fn context_of(&mut self, pc: u32) -> u32 {
        if let Some(&id) = self.context_of_pc.get(&pc) {
            return id;
        }
        let frames = self.resolve(pc);
        let next = self.contexts.len() as u32;
        let id = *self.context_ids.entry(frames.clone()).or_insert(next);
        if id == next {
            self.contexts.push(frames);
        }
        self.context_of_pc.insert(pc, id);
        id
    }

    /// The names of a context from [`Self::context_of`], outermost first.
    pub fn context_frames(&self, id: u32) -> impl Iterator<Item = &str> {
        self.contexts[id as usize]
            .iter()
            .map(|&name| self.names[name as usize].as_str())
    }

    fn resolve(&mut self, pc: u32) -> Vec<u32> {
        let Some(context) = &self.context else {
            return Vec::new();
        };
        let Ok(mut iter) = context.find_frames(pc as u64).skip_all_loads() else {
            return Vec::new();
        };
        let mut ids = Vec::new();
        while let Ok(Some(frame)) = iter.next() {
            let raw = frame.function.as_ref().and_then(|f| f.raw_name().ok());
            let raw = raw.as_deref().unwrap_or("??");
            let id = match self.name_ids.get(raw) {
                Some(&id) => id,
                None => {
                    let id = self.names.len() as u32;
                    self.names.push(crate::symbols::demangle(raw));
                    self.name_ids.insert(raw.to_string(), id);
                    id
                }
            };
            ids.push(id);
        }
        // Innermost first from addr2line; the last one is the symbol's own function.
        ids.pop();
        ids.reverse();
        ids
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
