//! Function symbols of the guest, demangled, with the range of ROM each covers.

use zkos_emulator::Program;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Function {
    pub fn contains(&self, pc: u32) -> bool {
        self.start <= pc && pc < self.end
    }
}

/// All functions, sorted by address, plus one pseudo-function per stretch of code that no
/// symbol covers.
pub struct SymbolTable {
    functions: Vec<Function>,
}

impl SymbolTable {
    pub fn from_program(program: &Program) -> SymbolTable {
        let image_end = program.image().len() as u32;
        let mut functions: Vec<Function> = Vec::new();
        for symbol in program.symbols() {
            if functions.last().is_some_and(|f| f.start == symbol.address) {
                continue; // aliases: keep the first name
            }
            let end = if symbol.size > 0 {
                symbol.address + symbol.size
            } else {
                symbol.address + 4
            };
            functions.push(Function {
                name: demangle(&symbol.name),
                start: symbol.address,
                end,
            });
        }
        // Sizeless symbols reach to the next symbol; fill the holes with unknown code.
        for i in 0..functions.len() {
            let next = functions
                .get(i + 1)
                .map_or(image_end.max(functions[i].end), |f| f.start);
            if functions[i].end == functions[i].start + 4 && next > functions[i].end {
                functions[i].end = next;
            }
            functions[i].end = functions[i].end.min(next.max(functions[i].start + 4));
        }
        if functions.is_empty() {
            functions.push(Function {
                name: "[no symbols]".into(),
                start: 0,
                end: image_end,
            });
        }
        SymbolTable { functions }
    }

    pub fn functions(&self) -> &[Function] {
        &self.functions
    }

    pub fn get(&self, index: u32) -> &Function {
        &self.functions[index as usize]
    }

    /// The function holding `pc`, adding a pseudo-function for code no symbol covers.
    pub fn lookup_or_insert(&mut self, pc: u32) -> u32 {
        if let Some(index) = self.lookup(pc) {
            return index;
        }
        let index = self.functions.len();
        self.functions.push(Function {
            name: format!("[unknown 0x{pc:08x}]"),
            start: pc,
            end: pc + 4,
        });
        index as u32
    }

    /// The function holding `pc`.
    pub fn lookup(&self, pc: u32) -> Option<u32> {
        let i = self.functions.partition_point(|f| f.start <= pc);
        if i > 0 && self.functions[i - 1].contains(pc) {
            return Some(i as u32 - 1);
        }
        // Pseudo-functions are appended unsorted after the symbols.
        self.functions
            .iter()
            .position(|f| f.contains(pc))
            .map(|i| i as u32)
    }
}

/// Demangles a Rust symbol without its hash suffix.
pub fn demangle(name: &str) -> String {
    format!("{:#}", rustc_demangle::demangle(name))
}
