//! What `zkos profile`, `zkos trace` and `zkos debug` run: a program file with its oracle
//! input, or the guest OS on a block.

use crate::error::CliError;
use clap::{ArgGroup, Args};
use std::path::{Path, PathBuf};
use zkos_runner::World;

#[derive(Args)]
#[command(group(ArgGroup::new("what").required(true).args(["program", "state"])))]
pub struct GuestSource {
    /// The program: an ELF file (symbols and DWARF come from it), a flat binary loaded at
    /// address 0, or `guest:NAME`. Or the guest OS on a block with --state and --block.
    program: Option<PathBuf>,
    /// The pre-state of the block to run the guest OS on (with --block).
    #[arg(long, requires = "block", conflicts_with_all = ["program", "input"])]
    state: Option<PathBuf>,
    /// The block to run the guest OS on (with --state).
    #[arg(long, requires = "state")]
    block: Option<PathBuf>,
    /// The program's oracle input in Airbender's hex format (8-hex-digit words, concatenated).
    #[arg(long)]
    input: Option<PathBuf>,
}

pub enum Source<'a> {
    Program {
        path: &'a Path,
        input: Option<&'a Path>,
    },
    Block {
        state: &'a Path,
        block: &'a Path,
    },
}

impl GuestSource {
    pub fn source(&self) -> Source<'_> {
        match (&self.program, &self.state, &self.block) {
            (Some(path), _, _) => Source::Program {
                path,
                input: self.input.as_deref(),
            },
            (None, Some(state), Some(block)) => Source::Block { state, block },
            _ => unreachable!("clap requires a program or --state with --block"),
        }
    }
}

/// The world of a block: its pre-state and block files parsed.
pub fn load_world(state: &Path, block: &Path) -> Result<World, CliError> {
    let pre = zkos_runner::parse_state(state).map_err(CliError::input)?;
    let block = zkos_runner::parse_block(block).map_err(CliError::input)?;
    Ok(World::of_block_file(pre, block).expect("a block file gives at most 256 hashes"))
}
