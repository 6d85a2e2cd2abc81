//! What every execution environment shares: state, journaling, commitment, public output.
//!
//! Data flows one way: a block (environment + raw transactions) goes through
//! [`executor::BlockExecutor`], which validates and executes each transaction against the
//! journaled [`state::State`] (calling an [`ee::ExecutionEnvironment`] for code), and at the
//! end turns the state diff into a new [`tree::Commitment`] and a public output
//! ([`output::public_output`]). The same code runs on RISC-V and on the host; only the
//! [`hash::Blake2s`] backend and the [`tree::StateOracle`] transport differ.
#![no_std]

extern crate alloc;

pub mod account;
pub mod blob;
pub mod block;
pub mod chain;
pub mod deposit;
pub mod ee;
pub mod error;
pub mod executor;
pub mod fast_map;
pub mod frames;
pub mod hash;
pub mod history;
pub mod l1_messenger;
pub mod messages;
pub mod native;
pub mod output;
pub mod pubdata;
pub mod receipt;
pub mod report;
pub mod rlp;
pub mod set_code;
pub mod spec;
pub mod state;
pub mod tree;
pub mod tx;
pub mod types;

pub use error::Fatal;
pub use types::{Address, B256, U256};
