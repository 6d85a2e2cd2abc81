//! The one unrecoverable error: something the guest cannot go on from (a lying or
//! malformed oracle answer, a broken invariant). On RISC-V it ends in the abort instruction.
use core::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fatal {
    pub what: &'static str,
}

impl Fatal {
    pub const fn new(what: &'static str) -> Self {
        Fatal { what }
    }
}

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
    }
}
