//! `zkos reconstruct`: the state rebuilt from a genesis and the pubdata of consecutive
//! blocks (the folders `zkos chain --out DIR` writes), with nothing else.
use crate::chain::PUBDATA_FILE;
use crate::error::{read_file, CliError};
use clap::Args;
use serde_json::json;
use std::path::{Path, PathBuf};
use zkos_runner::reconstruct::Reconstruction;
use zkos_runner::report::{hex0x, state_json};

#[derive(Args)]
pub struct ReconstructArgs {
    /// The state before the first block (STATE.json), as given to `zkos chain`.
    #[arg(long)]
    pub genesis: PathBuf,
    /// The folder `zkos chain --out` wrote: one `NNNNNN-name/pubdata.bin` per block.
    #[arg(long)]
    pub pubdata: PathBuf,
    /// Print one JSON object (`blocks`, `state_root`, `next_free`, `post`) instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn reconstruct(args: ReconstructArgs) -> Result<(), CliError> {
    let genesis = zkos_runner::parse_state(&args.genesis).map_err(CliError::input)?;
    let mut state = Reconstruction::from_genesis(genesis);
    for (number, dir) in block_dirs(&args.pubdata)? {
        let bytes = read_file(&dir.join(PUBDATA_FILE), "the pubdata of")?;
        state
            .apply(number, &bytes)
            .map_err(|error| CliError::input(format!("{} ({})", error, dir.display())))?;
    }
    let commitment = state.commitment();
    if args.json {
        let report = json!({
            "blocks": state.blocks,
            "state_root": hex0x(&commitment.root),
            "next_free": commitment.next_free,
            "post": state_json(&state.post),
        });
        println!("{report}");
    } else {
        println!("blocks      {}", state.blocks);
        println!("state root  {}", hex0x(&commitment.root));
        println!("next free   {}", commitment.next_free);
    }
    Ok(())
}

/// The block folders of `dir` (`NNNNNN-name`), by number, which must be consecutive.
fn block_dirs(dir: &Path) -> Result<Vec<(u64, PathBuf)>, CliError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        CliError::input(format!(
            "cannot read the pubdata folder {}: {e}",
            dir.display()
        ))
    })?;
    let mut blocks = Vec::new();
    for path in entries.filter_map(|entry| entry.ok().map(|e| e.path())) {
        if !path.is_dir() {
            continue;
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let number = name
            .split('-')
            .next()
            .and_then(|digits| digits.parse::<u64>().ok())
            .ok_or_else(|| {
                CliError::input(format!(
                    "{}: not a block folder (NNNNNN-name, as `zkos chain --out` writes)",
                    path.display()
                ))
            })?;
        blocks.push((number, path));
    }
    blocks.sort();
    if blocks.is_empty() {
        return Err(CliError::input(format!(
            "{}: no block folders",
            dir.display()
        )));
    }
    for pair in blocks.windows(2) {
        if pair[1].0 != pair[0].0 + 1 {
            return Err(CliError::input(format!(
                "{}: blocks {} and {} are not consecutive",
                dir.display(),
                pair[0].0,
                pair[1].0
            )));
        }
    }
    Ok(blocks)
}
