//! Forks as a specification: which rules a block runs under (as revm's `SpecId`). The spec
//! is part of the block environment, so the block hash binds it.

/// The forks this execution layer implements, oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(u8)]
pub enum Spec {
    #[default]
    Cancun = 0,
    Prague = 1,
    Osaka = 2,
}

impl Spec {
    pub const ALL: [Spec; 3] = [Spec::Cancun, Spec::Prague, Spec::Osaka];

    pub fn name(self) -> &'static str {
        match self {
            Spec::Cancun => "Cancun",
            Spec::Prague => "Prague",
            Spec::Osaka => "Osaka",
        }
    }

    pub fn from_name(name: &str) -> Option<Spec> {
        Spec::ALL.into_iter().find(|spec| spec.name() == name)
    }

    pub fn from_code(code: u8) -> Option<Spec> {
        Spec::ALL.into_iter().find(|spec| *spec as u8 == code)
    }

    /// Whether the rules of `fork` apply (every later fork keeps them).
    pub fn enables(self, fork: Spec) -> bool {
        self >= fork
    }
}
