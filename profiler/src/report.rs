//! The profile of a finished run: folded stacks (exact to the cycle), function tables,
//! marked invocations, and the flamegraph.

use crate::inline::InlineResolver;
use crate::marks::{Mark, MarkStats};
use crate::tracer::{ProfileTracer, Weight};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Clone, Debug, Serialize)]
pub struct FunctionRow {
    pub name: String,
    pub self_cycles: u64,
    pub total_cycles: u64,
    pub self_share: f64,
    pub total_share: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Profile {
    pub weight: Weight,
    pub total: u64,
    /// `frame;frame;...` -> cycles, sorted by stack (written to folded.txt, not the JSON).
    #[serde(skip)]
    pub folded: Vec<(String, u64)>,
    pub functions: Vec<FunctionRow>,
    pub marks: Vec<MarkStats>,
    pub inlined_frames: bool,
}

/// Appends a frame to a folded stack; names may not hold `;` (Rust array types do).
fn push_frame(stack: &mut String, name: &str) {
    if !stack.is_empty() {
        stack.push(';');
    }
    stack.push_str(&name.replace(';', ","));
}

impl Profile {
    /// Builds the profile from a tracer after the run, adding inlined frames from `elf`.
    pub fn build(mut tracer: ProfileTracer, elf: Option<&[u8]>) -> Profile {
        tracer.finish();
        let mut inline = InlineResolver::new(elf.unwrap_or(&[]));
        let mut folded: BTreeMap<String, u64> = BTreeMap::new();
        for (index, node) in tracer.tree.nodes.iter().enumerate() {
            if node.histogram.iter().all(|&c| c == 0) {
                continue;
            }
            let path = tracer.tree.path(index as u32);
            let mut prefix = String::new();
            for (depth, step) in path.iter().enumerate() {
                push_frame(&mut prefix, &tracer.symbols.get(step.function).name);
                if let Some(callee) = path.get(depth + 1) {
                    let context = inline.context_of(callee.call_site);
                    for name in inline.context_frames(context) {
                        push_frame(&mut prefix, name);
                    }
                }
            }
            // Group the node's pcs by their inlined frames, then build one string per group.
            let mut by_inline_context: HashMap<u32, u64> = HashMap::new();
            for (word, &cycles) in node.histogram.iter().enumerate().filter(|(_, &c)| c > 0) {
                let context = inline.context_of(node.start + 4 * word as u32);
                *by_inline_context.entry(context).or_default() += cycles;
            }
            for (context, cycles) in by_inline_context {
                let mut stack = prefix.clone();
                for name in inline.context_frames(context) {
                    push_frame(&mut stack, name);
                }
                *folded.entry(stack).or_default() += cycles;
            }
        }
        let folded: Vec<(String, u64)> = folded.into_iter().collect();
        let functions = function_table(&folded, tracer.total);
        let mut marks = tracer.mark_stats;
        marks.extend(inlined_marks(&tracer.marks, &marks, &folded));
        marks.sort_by(|a, b| (&a.label, b.cycles).cmp(&(&b.label, a.cycles)));
        Profile {
            weight: tracer.weight,
            total: tracer.total,
            folded,
            functions,
            marks,
            inlined_frames: inline.has_debug_info(),
        }
    }

    /// The folded stacks as text, one `stack count` a line.
    pub fn folded_text(&self) -> String {
        self.folded
            .iter()
            .map(|(stack, cycles)| format!("{stack} {cycles}\n"))
            .collect()
    }

    /// Sum of the folded stacks (equals `total`).
    pub fn folded_sum(&self) -> u64 {
        self.folded.iter().map(|(_, c)| c).sum()
    }

    /// The flamegraph as SVG.
    pub fn flamegraph_svg(&self, title: &str) -> Result<Vec<u8>, String> {
        self.flamegraph_svg_of(&self.folded_text(), title)
    }

    /// The flamegraph of `folded_text` (this profile's [`Self::folded_text`], when the
    /// caller already has it).
    pub fn flamegraph_svg_of(&self, folded_text: &str, title: &str) -> Result<Vec<u8>, String> {
        let mut options = inferno::flamegraph::Options::default();
        options.title = title.to_string();
        options.count_name = match self.weight {
            Weight::Effective => "effective cycles".into(),
            Weight::Raw => "cycles".into(),
        };
        let mut svg = Vec::new();
        inferno::flamegraph::from_lines(&mut options, folded_text.lines(), &mut svg)
            .map_err(|e| format!("flamegraph: {e}"))?;
        Ok(svg)
    }

    /// The marks of one label.
    pub fn marks_labelled<'a>(
        &'a self,
        label: &'a str,
    ) -> impl Iterator<Item = &'a MarkStats> + 'a {
        self.marks.iter().filter(move |m| m.label == label)
    }

    /// A text table of the top `n` functions by self and by total cycles.
    pub fn table(&self, n: usize) -> String {
        let mut out = String::new();
        let mut by_self: Vec<&FunctionRow> = self.functions.iter().collect();
        by_self.sort_by(|a, b| b.self_cycles.cmp(&a.self_cycles).then(a.name.cmp(&b.name)));
        let mut by_total: Vec<&FunctionRow> = self.functions.iter().collect();
        by_total.sort_by(|a, b| {
            b.total_cycles
                .cmp(&a.total_cycles)
                .then(a.name.cmp(&b.name))
        });
        out += &format!(
            "{} {:?} cycles in all\n\ntop functions by self cycles\n",
            self.total, self.weight
        );
        for row in by_self.iter().take(n) {
            out += &format!(
                "{:>14} {:>6.2}%  {}\n",
                row.self_cycles,
                100.0 * row.self_share,
                row.name
            );
        }
        out += "\ntop functions by total cycles\n";
        for row in by_total.iter().take(n) {
            out += &format!(
                "{:>14} {:>6.2}%  {}\n",
                row.total_cycles,
                100.0 * row.total_share,
                row.name
            );
        }
        let mut labels: Vec<&str> = self.marks.iter().map(|m| m.label.as_str()).collect();
        labels.dedup();
        for label in labels {
            out += &format!(
                "\n{label}\n{:>10} {:>14} {:>12}  function\n",
                "calls", "cycles", "per call"
            );
            for m in self.marks_labelled(label) {
                let name = m.function.as_deref().unwrap_or(label);
                let calls = m.calls.map_or("inlined".to_string(), |c| c.to_string());
                let per_call = m
                    .cycles_per_call()
                    .map_or("-".to_string(), |c| format!("{c:.1}"));
                out += &format!("{calls:>10} {:>14} {per_call:>12}  {name}\n", m.cycles);
                for (index, cycles) in m.invocations.iter().enumerate() {
                    out += &format!("{:>10} {cycles:>14}  #{index}\n", "");
                }
            }
        }
        out
    }
}

/// Marks no symbol matched: their functions were inlined, so their inclusive cycles come
/// from the folded stacks (each stack counted once), without call counts.
fn inlined_marks(marks: &[Mark], seen: &[MarkStats], folded: &[(String, u64)]) -> Vec<MarkStats> {
    let pending: Vec<&Mark> = marks
        .iter()
        .filter(|m| !seen.iter().any(|s| s.label == m.label))
        .collect();
    if pending.is_empty() {
        return Vec::new();
    }
    // Each distinct frame name is matched once per mark, not once per stack.
    let mut matching: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut per_name: BTreeMap<(usize, &str), u64> = BTreeMap::new();
    for (stack, cycles) in folded {
        let mut hits: HashSet<(usize, &str)> = HashSet::new();
        for frame in stack.split(';') {
            let marks_of_frame = matching.entry(frame).or_insert_with(|| {
                pending
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| m.matches(frame))
                    .map(|(i, _)| i)
                    .collect()
            });
            for &mark in marks_of_frame.iter() {
                hits.insert((
                    mark,
                    if pending[mark].per_function {
                        frame
                    } else {
                        ""
                    },
                ));
            }
        }
        for hit in hits {
            *per_name.entry(hit).or_default() += cycles;
        }
    }
    per_name
        .into_iter()
        .map(|((mark, name), cycles)| {
            let mark = pending[mark];
            let function = mark.per_function.then(|| name.to_string());
            MarkStats::inlined(&mark.label, function, cycles)
        })
        .collect()
}

fn function_table(folded: &[(String, u64)], total: u64) -> Vec<FunctionRow> {
    let mut self_cycles: HashMap<&str, u64> = HashMap::new();
    let mut total_cycles: HashMap<&str, u64> = HashMap::new();
    let mut frames: Vec<&str> = Vec::new();
    for (stack, cycles) in folded {
        frames.clear();
        frames.extend(stack.split(';'));
        *self_cycles.entry(frames[frames.len() - 1]).or_default() += cycles;
        // A recursive function counts once per stack in its total.
        frames.sort_unstable();
        frames.dedup();
        for frame in &frames {
            *total_cycles.entry(frame).or_default() += cycles;
        }
    }
    let share = |c: u64| c as f64 / total.max(1) as f64;
    let mut rows: Vec<FunctionRow> = total_cycles
        .iter()
        .map(|(&name, &total_c)| {
            let own = self_cycles.get(name).copied().unwrap_or(0);
            FunctionRow {
                name: name.to_string(),
                self_cycles: own,
                total_cycles: total_c,
                self_share: share(own),
                total_share: share(total_c),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.total_cycles
            .cmp(&a.total_cycles)
            .then(a.name.cmp(&b.name))
    });
    rows
}
