//! The compiled tier's code cache on the command line: which folder a command uses, taking
//! a program's code from it before a run and leaving what the run compiled after.

use crate::error::CliError;
use clap::Args;
use std::path::PathBuf;
use zkos_emulator::Program;

#[derive(Args)]
pub struct CodeCacheArgs {
    /// Keep compiled code in DIR between runs: a run starts with the code an earlier run
    /// of the same program by the same zkos build left there, and leaves what it compiled
    /// (a file per program and build; one that does not fit is ignored; the 32 used last
    /// are kept). Default: $ZKOS_CODE_CACHE, else $XDG_CACHE_HOME/zkos/code, else
    /// ~/.cache/zkos/code; ZKOS_CODE_CACHE=off turns the default off.
    #[arg(long, value_name = "DIR", conflicts_with = "no_code_cache")]
    code_cache: Option<PathBuf>,
    /// Compile every block this run needs, and keep none of it.
    #[arg(long)]
    no_code_cache: bool,
}

/// A code cache folder in use for one program.
pub struct CodeCache {
    dir: PathBuf,
    /// Blocks the program took from the folder.
    taken: usize,
}

impl CodeCacheArgs {
    /// The cache folder for runs of `program`, its code taken from there; None when the
    /// cache is off, or the default folder cannot be used (a warning). A folder the command
    /// line names that cannot be used is bad input.
    pub fn open(&self, program: &Program) -> Result<Option<CodeCache>, CliError> {
        let (dir, named) = match &self.code_cache {
            _ if self.no_code_cache => return Ok(None),
            Some(dir) => (dir.clone(), true),
            None => match default_dir() {
                Some(dir) => (dir, false),
                None => return Ok(None),
            },
        };
        match program.load_code_cache(&dir) {
            Ok(taken) => {
                eprintln!("cache     {taken} blocks taken from {}", dir.display());
                Ok(Some(CodeCache { dir, taken }))
            }
            Err(e) if named => Err(CliError::input(format!(
                "--code-cache {}: {e}",
                dir.display()
            ))),
            Err(e) => {
                eprintln!("warning: code cache {}: not used: {e}", dir.display());
                Ok(None)
            }
        }
    }
}

impl CodeCacheArgs {
    /// Does `run`, which runs the guest OS on RISC-V when `riscv` says so, with the guest
    /// OS's compiled code taken from the cache before and left there after.
    pub fn around_guest_os<T>(
        &self,
        riscv: bool,
        run: impl FnOnce() -> Result<T, CliError>,
    ) -> Result<T, CliError> {
        let program = zkos_runner::riscv::os_program();
        let cache = match riscv {
            true => self.open(program)?,
            false => None,
        };
        let result = run();
        if let Some(cache) = &cache {
            cache.save(program);
        }
        result
    }
}

impl CodeCache {
    /// Blocks the program took from the folder.
    pub fn taken(&self) -> usize {
        self.taken
    }

    /// Leaves `program`'s compiled code in the folder, when its runs added a fiftieth or
    /// more to what it took: a run that goes the same way as the last still compiles a few
    /// blocks (code reached differently once more), not worth writing a megabyte or two
    /// for. A failure is a warning: the cache only saves time.
    pub fn save(&self, program: &Program) {
        if program.compiled_blocks() <= self.taken + self.taken / 50 {
            return;
        }
        match program.save_code_cache(&self.dir) {
            Ok(Some(file)) => eprintln!("cache     compiled code saved to {}", file.display()),
            Ok(None) => {}
            Err(e) => eprintln!("warning: code cache {}: not saved: {e}", self.dir.display()),
        }
    }
}

/// `$ZKOS_CODE_CACHE` (off or empty: none), else `$XDG_CACHE_HOME/zkos/code`, else
/// `~/.cache/zkos/code`.
fn default_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    if let Some(dir) = std::env::var_os("ZKOS_CODE_CACHE") {
        return (!dir.is_empty() && dir != "off").then(|| PathBuf::from(dir));
    }
    let cache_home = var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(cache_home.join("zkos").join("code"))
}
