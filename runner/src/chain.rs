//! `zkos chain`: consecutive blocks from a genesis state. Each block's world is the last
//! one's successor; before a block runs, its previous chain state must be the last block's
//! new chain state, as a settlement contract checks.
use crate::input::BlockFile;
use crate::run::{run_block, BlockRuns, RunError, Target};
use crate::world::{PreState, World};
use zkos_system::block::BlockEnv;
use zkos_system::chain::ChainState;
use zkos_system::hash::SoftwareBlake2s;

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error("{file}: {source}")]
    Block { file: String, source: RunError },
    #[error(
        "{file}: the block's previous chain state {found} is not the last block's new chain state {expected}"
    )]
    NotChained {
        file: String,
        found: String,
        expected: String,
    },
}

/// One block of a chain, run.
pub struct ChainBlock {
    pub file: String,
    pub world: World,
    pub runs: BlockRuns,
}

/// The chain state of a genesis: block 0 at timestamp 0, no block hashes.
pub fn genesis_world(genesis: PreState, first_env: BlockEnv) -> World {
    let mut world = World::new(genesis, first_env, Vec::new());
    world.previous_number = 0;
    world.previous_timestamp = 0;
    world
}

/// The environment of a block from its file: a missing number is the next one, a missing
/// timestamp the previous one plus one.
pub fn block_env(file: &BlockFile, previous: &ChainState) -> BlockEnv {
    let mut env = file.env.clone();
    env.number = file.number.unwrap_or(previous.block_number + 1);
    env.timestamp = file
        .timestamp
        .unwrap_or(previous.last_timestamp.saturating_add(1));
    env
}

/// Runs `world` as the block after the chain state `last`.
pub fn run_next(
    file: &str,
    last: &ChainState,
    world: World,
    target: Target,
    max_cycles: u64,
) -> Result<ChainBlock, ChainError> {
    let previous = world.previous_chain_state();
    if previous != *last {
        return Err(ChainError::NotChained {
            file: file.into(),
            found: hex::encode(previous.hash(&SoftwareBlake2s)),
            expected: hex::encode(last.hash(&SoftwareBlake2s)),
        });
    }
    let runs = run_block(&world, target, max_cycles).map_err(|source| ChainError::Block {
        file: file.into(),
        source,
    })?;
    Ok(ChainBlock {
        file: file.into(),
        world,
        runs,
    })
}

/// Runs `blocks` (name, parsed file) in order from `genesis`; stops at the first failure.
pub fn run_chain(
    genesis: PreState,
    blocks: Vec<(String, BlockFile)>,
    target: Target,
    max_cycles: u64,
) -> Result<Vec<ChainBlock>, ChainError> {
    let mut blocks = blocks.into_iter();
    let Some((file, first)) = blocks.next() else {
        return Ok(Vec::new());
    };
    let mut world = genesis_world(genesis, first.env.clone());
    let last = world.previous_chain_state();
    world.env = block_env(&first, &last);
    world.transactions = first.transactions;
    let mut done = vec![run_next(&file, &last, world, target, max_cycles)?];
    for (file, block) in blocks {
        let previous = done.last().expect("the first block ran");
        let last = previous.runs.sealed.chain_state;
        let world = previous.world.successor(
            &previous.runs.primary().outcome,
            &previous.runs.sealed,
            block_env(&block, &last),
            block.transactions,
        );
        done.push(run_next(&file, &last, world, target, max_cycles)?);
    }
    Ok(done)
}
