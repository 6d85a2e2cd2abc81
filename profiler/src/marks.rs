//! Marked functions: per-invocation accounting for functions the guest makes visible by
//! name (the bootloader's transaction loop, EVM opcode handlers, precompiles, signature
//! recovery, tree hashing, oracle reads). Nothing is added to the guest: a mark is a
//! pattern over demangled function names, so normal runs cost the same.

use serde::Serialize;

/// What to account for: functions whose demangled name contains `pattern`.
#[derive(Clone, Debug)]
pub struct Mark {
    pub label: String,
    pub pattern: String,
    /// Keep each outermost invocation's cycles (for per-transaction tables).
    pub per_invocation: bool,
    /// Account each matching function separately (per-opcode tables) instead of as one.
    pub per_function: bool,
}

impl Mark {
    pub fn new(label: &str, pattern: &str) -> Mark {
        Mark {
            label: label.into(),
            pattern: pattern.into(),
            per_invocation: false,
            per_function: false,
        }
    }
    pub fn per_invocation(mut self) -> Mark {
        self.per_invocation = true;
        self
    }
    pub fn per_function(mut self) -> Mark {
        self.per_function = true;
        self
    }

    /// Whether a demangled function name matches, generic arguments left out (so
    /// `any<u8, zkos_ee_evm::precompiles::..>` is not a precompile).
    pub fn matches(&self, name: &str) -> bool {
        without_generics(name).contains(&self.pattern)
    }
}

/// The name with everything inside `<...>` removed.
fn without_generics(name: &str) -> String {
    let mut depth = 0usize;
    name.chars()
        .filter(|&c| {
            match c {
                '<' => depth += 1,
                '>' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .collect()
}

/// Cycles of one marked function or group.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MarkStats {
    pub label: String,
    /// The function name, for per-function marks.
    pub function: Option<String>,
    /// Calls counted in the run; `None` where the function was inlined everywhere and its
    /// cycles come from the inlined frames of the folded stacks instead.
    pub calls: Option<u64>,
    /// Cycles inside outermost invocations, callees included.
    pub cycles: u64,
    pub invocations: Vec<u64>,
    #[serde(skip)]
    active: u32,
    #[serde(skip)]
    open_since: u64,
    #[serde(skip)]
    keep_invocations: bool,
}

impl MarkStats {
    pub fn new(label: &str, function: Option<String>, keep_invocations: bool) -> MarkStats {
        MarkStats {
            label: label.into(),
            function,
            keep_invocations,
            ..MarkStats::default()
        }
    }

    /// Stats of an inlined function, from its share of the folded stacks.
    pub fn inlined(label: &str, function: Option<String>, cycles: u64) -> MarkStats {
        MarkStats {
            label: label.into(),
            function,
            calls: None,
            cycles,
            ..MarkStats::default()
        }
    }

    pub fn enter(&mut self, now: u64) {
        *self.calls.get_or_insert(0) += 1;
        if self.active == 0 {
            self.open_since = now;
        }
        self.active += 1;
    }

    pub fn leave(&mut self, now: u64) {
        self.active = self.active.saturating_sub(1);
        if self.active == 0 {
            let cycles = now - self.open_since;
            self.cycles += cycles;
            if self.keep_invocations {
                self.invocations.push(cycles);
            }
        }
    }

    /// Closes invocations still open when the run ended.
    pub fn finish(&mut self, now: u64) {
        if self.active > 0 {
            self.active = 1;
            self.leave(now);
        }
    }

    pub fn cycles_per_call(&self) -> Option<f64> {
        self.calls
            .map(|calls| self.cycles as f64 / calls.max(1) as f64)
    }
}

/// The breakdowns the guest OS makes visible by its function names: per transaction, per
/// EVM opcode and precompile, signature recovery, state-tree hashing and oracle reads.
pub fn guest_os() -> Vec<Mark> {
    vec![
        Mark::new("transactions", "::execute_transaction").per_invocation(),
        Mark::new("evm opcodes", "zkos_ee_evm::instructions::").per_function(),
        Mark::new("precompiles", "zkos_ee_evm::precompiles::").per_function(),
        Mark::new("signature recovery", "recover_signer"),
        Mark::new("state-tree hashing", "hash_node"),
        Mark::new("oracle reads", "::read_word"),
    ]
}
