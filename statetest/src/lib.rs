//! Ethereum state tests run through the guest OS with the EVM: the test format, the
//! transaction signer, Ethereum's state trie and logs hash (computed on the host from
//! our post-state), the suite's exception names, the named skip list and a parallel runner.
pub mod case;
pub mod exception;
pub mod model;
pub mod run;
pub mod skips;
pub mod suite;
pub mod transaction;
pub mod trie;

pub use case::{Case, Verdict};
pub use run::Target;
pub use suite::{find_files, load_cases, run_cases, tally, CaseOutcome, Tally};
