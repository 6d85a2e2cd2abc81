//! The profiling tracer: a shadow call stack driven by JAL/JALR, robust to code that does
//! not follow the calling convention (leaving a function's range without a call or return
//! counts as a tail call into the function it lands in).

use crate::calltree::{CallTree, NO_NODE};
use crate::marks::{Mark, MarkStats};
use crate::symbols::SymbolTable;
use zkos_emulator::{Step, Tracer};
use zkos_linker::csr;

/// What a cycle weighs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Weight {
    /// `1` per instruction, `+16` per BLAKE2s round, `+4` per U256 operation.
    Effective,
    /// `1` per instruction.
    Raw,
}

struct Frame {
    node: u32,
    return_address: u32,
    mark: Option<u32>,
}

pub struct ProfileTracer {
    pub(crate) symbols: SymbolTable,
    pub(crate) tree: CallTree,
    pub(crate) weight: Weight,
    pub(crate) total: u64,
    pub(crate) mark_stats: Vec<MarkStats>,
    pub(crate) marks: Vec<Mark>,
    mark_of_function: Vec<Option<Option<u32>>>,
    stack: Vec<Frame>,
    /// The running frame's node, function start and length in words, cached, with its
    /// histogram taken out of the tree while it runs (one indexing per cycle, no lookups).
    node: u32,
    start: u32,
    words: u32,
    histogram: Vec<u64>,
}

const LINK_REGISTERS: [u32; 2] = [1, 5];

impl ProfileTracer {
    pub fn new(symbols: SymbolTable, weight: Weight, marks: Vec<Mark>) -> ProfileTracer {
        let mut tracer = ProfileTracer {
            symbols,
            tree: CallTree::default(),
            weight,
            total: 0,
            mark_stats: Vec::new(),
            marks,
            mark_of_function: Vec::new(),
            stack: Vec::new(),
            node: 0,
            start: 0,
            words: 0,
            histogram: Vec::new(),
        };
        tracer.enter(NO_NODE, 0, u32::MAX, u32::MAX);
        tracer
    }

    /// The total weight seen so far.
    pub fn total(&self) -> u64 {
        self.total
    }

    fn weigh(&self, step: &Step<'_>) -> u64 {
        match (self.weight, step.delegation) {
            (Weight::Effective, Some(call)) if call.csr == csr::BLAKE2S_ROUND => 17,
            (Weight::Effective, Some(call)) if call.csr == csr::U256_OP => 5,
            _ => 1,
        }
    }

    /// Pushes a frame for the function at `pc`, called from `call_site` under `parent`.
    fn enter(&mut self, parent: u32, pc: u32, call_site: u32, return_address: u32) {
        let function = self.symbols.lookup_or_insert(pc);
        let f = self.symbols.get(function);
        let (start, end) = (f.start, f.end);
        let node = self.tree.child(parent, function, call_site, start, end);
        let mark = self.mark_of(function);
        if let Some(m) = mark {
            self.mark_stats[m as usize].enter(self.total);
        }
        self.stack.push(Frame {
            node,
            return_address,
            mark,
        });
        self.cache_top();
    }

    fn leave_top(&mut self) {
        if let Some(frame) = self.stack.pop() {
            if let Some(m) = frame.mark {
                self.mark_stats[m as usize].leave(self.total);
            }
        }
    }

    fn cache_top(&mut self) {
        self.put_back_histogram();
        let node = self.stack.last().map_or(0, |f| f.node);
        let n = &mut self.tree.nodes[node as usize];
        self.histogram = std::mem::take(&mut n.histogram);
        (self.node, self.start, self.words) = (node, n.start, self.histogram.len() as u32);
    }

    fn put_back_histogram(&mut self) {
        if !self.histogram.is_empty() {
            self.tree.nodes[self.node as usize].histogram = std::mem::take(&mut self.histogram);
        }
    }

    #[inline(never)]
    fn call(&mut self, target: u32, call_site: u32) {
        self.enter(self.node, target, call_site, call_site.wrapping_add(4));
    }

    /// A return to `target`: unwinds to the frame that expects it, if any.
    #[inline(never)]
    fn ret(&mut self, target: u32) {
        let Some(depth) = self.stack.iter().rposition(|f| f.return_address == target) else {
            return; // not a return we know: an indirect jump, handled on the next step
        };
        while self.stack.len() > depth {
            self.leave_top();
        }
        if self.stack.is_empty() {
            self.enter(NO_NODE, target, u32::MAX, u32::MAX);
        }
        self.cache_top();
    }

    /// Control reached `pc` outside the running function without a call: a tail call.
    #[inline(never)]
    fn jump(&mut self, pc: u32) {
        let return_address = self.stack.last().map_or(u32::MAX, |f| f.return_address);
        let call_site = self.tree.nodes[self.node as usize].call_site;
        self.leave_top();
        let parent = self.stack.last().map_or(NO_NODE, |f| f.node);
        self.enter(parent, pc, call_site, return_address);
    }

    fn mark_of(&mut self, function: u32) -> Option<u32> {
        let index = function as usize;
        if self.mark_of_function.len() <= index {
            self.mark_of_function.resize(index + 1, None);
        }
        if let Some(known) = self.mark_of_function[index] {
            return known;
        }
        let name = &self.symbols.get(function).name;
        let found = self.marks.iter().find(|m| m.matches(name)).map(|mark| {
            let function = mark.per_function.then(|| name.clone());
            let existing = self
                .mark_stats
                .iter()
                .position(|s| s.label == mark.label && s.function == function);
            existing.unwrap_or_else(|| {
                let stats = MarkStats::new(&mark.label, function, mark.per_invocation);
                self.mark_stats.push(stats);
                self.mark_stats.len() - 1
            }) as u32
        });
        self.mark_of_function[index] = Some(found);
        found
    }

    /// Closes what is still open at the end of the run.
    pub fn finish(&mut self) {
        self.put_back_histogram();
        for stats in &mut self.mark_stats {
            stats.finish(self.total);
        }
    }
}

impl Tracer for ProfileTracer {
    const MEMORY: bool = false;

    #[inline(always)]
    fn on_step(&mut self, step: &Step<'_>) {
        let pc = step.pc;
        let mut offset = pc.wrapping_sub(self.start) >> 2;
        if offset >= self.words {
            self.jump(pc);
            offset = pc.wrapping_sub(self.start) >> 2;
        }
        let weight = self.weigh(step);
        self.histogram[offset as usize] += weight;
        self.total += weight;

        let word = step.word;
        let (rd, rs1) = ((word >> 7) & 31, (word >> 15) & 31);
        match word & 0x7f {
            0x6f if LINK_REGISTERS.contains(&rd) => {
                self.call(pc.wrapping_add(jal_offset(word)), pc)
            }
            0x67 => {
                let target = step.rs1_value.wrapping_add(((word as i32) >> 20) as u32) & !1;
                if LINK_REGISTERS.contains(&rd) {
                    self.call(target, pc);
                } else if rd == 0 && LINK_REGISTERS.contains(&rs1) {
                    self.ret(target);
                }
            }
            _ => {}
        }
    }
}

fn jal_offset(word: u32) -> u32 {
    let sign = (((word as i32) >> 31) as u32) << 20;
    sign | (word & 0xff000) | ((word >> 9) & 0x800) | ((word >> 20) & 0x7fe)
}
