//! `zkos exec`: run a program to its end loop and report output, cycles and speed.

use crate::code_cache::CodeCacheArgs;
use crate::error::{map_or_read_file, CliError};
use clap::Args;
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;
use zkos_emulator::{
    Cycles, Machine, OpenError, Program, RunError, RunOutcome, StreamOracle, MAX_PROVABLE_CYCLES,
};

#[derive(Args)]
pub struct ExecArgs {
    /// The program: an ELF file, a flat binary loaded at address 0, or `guest:NAME` for a
    /// guest program of this repository (built from source with the tool; `guest:list` lists them).
    program: PathBuf,
    /// The oracle input in Airbender's hex format (8-hex-digit words, concatenated).
    #[arg(long)]
    input: Option<PathBuf>,
    /// Stop with an error after this many cycles (default 2^36, the most a proof covers).
    #[arg(long, default_value_t = MAX_PROVABLE_CYCLES)]
    max_cycles: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Run through the compiled tier (RV32IM translated to x86-64), and fail where it is
    /// not available. Without `--jit` or `--interpret` it is used where available.
    #[arg(long, conflicts_with = "interpret")]
    jit: bool,
    /// Run in the interpreter only.
    #[arg(long, conflicts_with_all = ["code_cache", "no_code_cache"])]
    interpret: bool,
    #[command(flatten)]
    code_cache: CodeCacheArgs,
}

/// Prefix that names a guest program built into the tool instead of a file.
const GUEST_PREFIX: &str = "guest:";

pub fn load_program(path: &std::path::Path) -> Result<Program, CliError> {
    if let Some(name) = path.to_str().and_then(|p| p.strip_prefix(GUEST_PREFIX)) {
        return builtin_guest(name);
    }
    Program::open(path).map_err(|e| match e {
        OpenError::Read(e) => {
            CliError::input(format!("cannot read program {}: {e}", path.display()))
        }
        OpenError::Load(e) => CliError::input(format!("{}: {e}", path.display())),
    })
}

pub fn load_oracle(input: Option<&std::path::Path>) -> Result<StreamOracle, CliError> {
    let Some(path) = input else {
        return Ok(StreamOracle::default());
    };
    let bytes = map_or_read_file(path, "oracle input")?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| CliError::input(format!("{}: not text: {e}", path.display())))?;
    StreamOracle::from_hex(text).map_err(|e| CliError::input(format!("{}: {e}", path.display())))
}

pub fn exec(args: ExecArgs) -> Result<(), CliError> {
    let program = load_program(&args.program)?;
    let oracle = load_oracle(args.input.as_deref())?;
    let start = Instant::now();
    let cache = match args.interpret {
        true => None,
        false => args.code_cache.open(&program)?,
    };
    let mut machine = Machine::new(&program).map_err(CliError::guest)?;
    if !args.interpret && !machine.enable_jit() && args.jit {
        return Err(CliError::input(
            "--jit: the compiled tier needs an x86-64 Unix host with executable memory",
        ));
    }
    let result = machine.run(oracle, args.max_cycles);
    let seconds = start.elapsed().as_secs_f64();
    if let Some(cache) = &cache {
        cache.save(&program);
    }
    let stats = machine.jit_stats();
    if let Some(stats) = &stats {
        eprintln!(
            "jit       {} blocks ({} instructions, {} bytes of x86-64) compiled in {:.3} ms; {} entries",
            stats.blocks,
            stats.instructions,
            stats.code_bytes,
            stats.compile_time.as_secs_f64() * 1e3,
            stats.entries
        );
    }
    let compiled = stats.map(|stats| {
        json!({
            "blocks_taken": cache.as_ref().map_or(0, |cache| cache.taken()),
            "blocks_compiled": stats.blocks,
            "compile_seconds": stats.compile_time.as_secs_f64(),
        })
    });
    match result {
        Ok(outcome) => {
            print_outcome(&outcome, seconds, compiled, args.json);
            Ok(())
        }
        Err(error) => {
            print_fault(&error, seconds, args.json);
            Err(CliError::guest(""))
        }
    }
}

fn mips(cycles: &Cycles, seconds: f64) -> f64 {
    cycles.raw as f64 / seconds.max(1e-9) / 1e6
}

pub fn cycles_json(cycles: &Cycles) -> serde_json::Value {
    json!({
        "raw": cycles.raw,
        "blake2s_rounds": cycles.blake2s_rounds,
        "u256_ops": cycles.u256_ops,
        "effective": cycles.effective(),
    })
}

pub fn hex_words(words: &[u32]) -> Vec<String> {
    words.iter().map(|w| format!("{w:08x}")).collect()
}

/// The outcome; `compiled` is the compiled tier's part (blocks taken from the code cache,
/// blocks compiled and the time it took), None for an interpreted run.
fn print_outcome(
    outcome: &RunOutcome,
    seconds: f64,
    compiled: Option<serde_json::Value>,
    json: bool,
) {
    let c = &outcome.cycles;
    if json {
        let value = json!({
            "output": hex_words(&outcome.output),
            "cycles": cycles_json(c),
            "final_pc": format!("0x{:08x}", outcome.final_pc),
            "oracle_words_read": outcome.oracle_words_read,
            "seconds": seconds,
            "mips": mips(c, seconds),
            "compiled": compiled,
        });
        println!("{value}");
        return;
    }
    println!("output    {}", hex_words(&outcome.output).join(" "));
    println!(
        "cycles    raw {}, blake2s rounds {}, u256 ops {}, effective {}",
        c.raw,
        c.blake2s_rounds,
        c.u256_ops,
        c.effective()
    );
    println!("final pc  0x{:08x}", outcome.final_pc);
    println!("oracle    {} words read", outcome.oracle_words_read);
    println!("speed     {:.1} MIPS ({:.3} s)", mips(c, seconds), seconds);
    if let Some(pc) = outcome.first_mmio_pc {
        println!(
            "note      the oracle MMIO window was used (first at pc 0x{pc:08x}): not provable"
        );
    }
}

fn print_fault(error: &RunError, seconds: f64, json: bool) {
    let c = &error.cycles;
    if json {
        let value = json!({
            "fault": {
                "kind": error.fault.kind.to_string(),
                "pc": format!("0x{:08x}", error.fault.pc),
                "word": format!("0x{:08x}", error.fault.word),
                "instruction": zkos_emulator::Disassembly(error.fault.word).to_string(),
                "address": error.fault.address.map(|a| format!("0x{a:08x}")),
                "message": error.fault.to_string(),
            },
            "registers": hex_words(error.registers.as_slice()),
            "cycles": cycles_json(c),
            "seconds": seconds,
        });
        println!("{value}");
    }
    eprintln!("guest fault: {}", error.fault);
    eprintln!(
        "after {} cycles (blake2s rounds {}, u256 ops {}, effective {})",
        c.raw,
        c.blake2s_rounds,
        c.u256_ops,
        c.effective()
    );
}

fn builtin_guest(name: &str) -> Result<Program, CliError> {
    let names: Vec<&str> = zkos_guests::names().collect();
    let elf = zkos_guests::elf(name).ok_or_else(|| {
        CliError::input(format!(
            "no guest program {name:?}; the guests are: {}",
            names.join(", ")
        ))
    })?;
    Program::from_elf(elf).map_err(|e| CliError::input(format!("guest:{name}: {e}")))
}
