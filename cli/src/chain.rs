//! `zkos chain`: consecutive blocks from a genesis state, each one's public input, block
//! hash, messages (with Merkle proofs) and deposits; optionally each block's prover input.
use crate::code_cache::CodeCacheArgs;
use crate::error::{write_file, CliError};
use crate::run::TargetArg;
use clap::Args;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use zkos_emulator::MAX_PROVABLE_CYCLES;
use zkos_runner::chain::{run_chain, ChainBlock};
use zkos_runner::input::{parse_chain_block, BlockFile};
use zkos_runner::prover_input::{input_hex, padded_image};
use zkos_runner::report::{chain_block_json, state_json};
use zkos_runner::run::Target;

/// The file of a block's folder under `--out` that holds its pubdata.
pub const PUBDATA_FILE: &str = "pubdata.bin";

#[derive(Args)]
pub struct ChainArgs {
    /// The state before the first block (STATE.json).
    #[arg(long)]
    pub genesis: PathBuf,
    /// A folder of BLOCK.json files, run in name order as blocks 1, 2, …
    #[arg(long)]
    pub blocks: PathBuf,
    /// Where to run the guest; `both` fails on any difference between the two.
    #[arg(long, value_enum, default_value = "both")]
    pub target: TargetArg,
    /// Write each block's prover input (`app.bin`, `input.hex`) and its pubdata
    /// (`pubdata.bin`, what `zkos reconstruct` reads) to a folder of its own here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, default_value_t = MAX_PROVABLE_CYCLES)]
    pub max_cycles: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub code_cache: CodeCacheArgs,
}

pub fn chain(args: ChainArgs) -> Result<(), CliError> {
    let genesis = zkos_runner::parse_state(&args.genesis).map_err(CliError::input)?;
    let blocks = block_files(&args.blocks)?;
    let mut target: Target = args.target.into();
    if args.out.is_some() {
        // Prover inputs come from the RISC-V run, and a silent one (no report) needs the
        // native run's outcome.
        target = Target::Both;
    }
    let riscv = !matches!(target, Target::Native);
    let chain = args.code_cache.around_guest_os(riscv, || {
        run_chain(genesis, blocks, target, args.max_cycles).map_err(CliError::guest)
    })?;
    if let Some(out) = &args.out {
        write_prover_inputs(out, &chain)?;
    }
    let report = chain_json(&chain);
    if args.json {
        println!("{report}");
    } else {
        print_text(&report);
    }
    Ok(())
}

/// The `*.json` files of `dir` in name order, parsed.
fn block_files(dir: &Path) -> Result<Vec<(String, BlockFile)>, CliError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        CliError::input(format!(
            "cannot read the blocks folder {}: {e}",
            dir.display()
        ))
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(CliError::input(format!(
            "{}: no block files (*.json)",
            dir.display()
        )));
    }
    paths
        .into_iter()
        .map(|path| {
            let block = parse_chain_block(&path).map_err(CliError::input)?;
            Ok((path.display().to_string(), block))
        })
        .collect()
}

fn write_prover_inputs(out: &Path, chain: &[ChainBlock]) -> Result<(), CliError> {
    let image = padded_image();
    for block in chain {
        let riscv = block.runs.riscv.as_ref().expect("the RISC-V target ran");
        let stem = Path::new(&block.file)
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let dir = out.join(format!("{:06}-{stem}", block.world.env.number));
        let write = |name: &str, bytes: &[u8]| write_file(&dir.join(name), bytes);
        std::fs::create_dir_all(&dir)
            .map_err(|e| CliError::input(format!("cannot create {}: {e}", dir.display())))?;
        write("app.bin", &image)?;
        write("input.hex", input_hex(riscv).as_bytes())?;
        write(PUBDATA_FILE, &block.runs.primary().outcome.pubdata)?;
    }
    Ok(())
}

fn chain_json(chain: &[ChainBlock]) -> Value {
    let last = chain.last().expect("a chain has a block");
    let post = last.world.post_state(&last.runs.primary().outcome);
    json!({
        "blocks": chain.iter().map(chain_block_json).collect::<Vec<_>>(),
        "post": state_json(&post),
    })
}

fn print_text(report: &Value) {
    let text = |value: &Value| value.as_str().unwrap_or("").to_owned();
    for block in report["blocks"].as_array().into_iter().flatten() {
        println!("block {} ({})", block["number"], text(&block["file"]));
        println!("  hash                 {}", text(&block["hash"]));
        println!(
            "  previous chain state {}",
            text(&block["previous_chain_state"])
        );
        println!("  new chain state      {}", text(&block["new_chain_state"]));
        println!("  public input         {}", text(&block["public_input"]));
        println!("  gas used             {}", block["gas_used"]);
        println!(
            "  pubdata              {} bytes (keccak {})",
            block["pubdata_bytes"],
            text(&block["da_commitment"])
        );
        println!(
            "  deposits             {} (rolling hash {})",
            block["deposits"],
            text(&block["deposits_hash"])
        );
        println!("  messages root        {}", text(&block["messages_root"]));
        for message in block["messages"].as_array().into_iter().flatten() {
            println!(
                "    message from {} (tx {}): {}",
                text(&message["sender"]),
                message["tx_index"],
                text(&message["message"])
            );
            println!("      leaf  {}", text(&message["leaf"]));
            let proof: Vec<String> = message["proof"]
                .as_array()
                .into_iter()
                .flatten()
                .map(text)
                .collect();
            println!("      proof [{}]", proof.join(", "));
        }
    }
}
