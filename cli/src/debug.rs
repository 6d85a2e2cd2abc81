//! `zkos debug`: the program, or the guest OS on a block, under a GDB stub on a TCP port.

use crate::error::CliError;
use crate::exec::{load_oracle, load_program};
use crate::guest_source::{load_world, GuestSource, Source};
use clap::Args;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use zkos_debugger::{serve, Debuggee, Ending};
use zkos_emulator::{Machine, Oracle, Program, MAX_PROVABLE_CYCLES};

#[derive(Args)]
pub struct DebugArgs {
    #[command(flatten)]
    source: GuestSource,
    /// Where to listen for GDB, as ADDR:PORT (port 0 picks a free one, printed on stderr).
    #[arg(long, value_name = "ADDR:PORT")]
    gdb: String,
    /// Stop the guest (SIGXCPU) after this many cycles.
    #[arg(long, default_value_t = MAX_PROVABLE_CYCLES)]
    max_cycles: u64,
}

pub fn debug(args: DebugArgs) -> Result<(), CliError> {
    match args.source.source() {
        Source::Program { path, input } => {
            let program = load_program(path)?;
            let elf = program_elf(path)?;
            let oracle = load_oracle(input)?;
            debug_machine(&program, oracle, &elf, &args)
        }
        Source::Block { state, block } => {
            let world = load_world(state, block)?;
            let elf = ElfFile::write_temporary("guest-os", zkos_guests::OS)?;
            let oracle = zkos_runner::riscv::block_oracle(&world);
            debug_machine(zkos_runner::riscv::os_program(), oracle, &elf, &args)
        }
    }
}

fn debug_machine<O: Oracle>(
    program: &Program,
    oracle: O,
    elf: &ElfFile,
    args: &DebugArgs,
) -> Result<(), CliError> {
    let machine = Machine::new(program).map_err(CliError::guest)?;
    let mut debuggee = Debuggee::new(machine, oracle, args.max_cycles);
    let connection = accept_gdb(&args.gdb, elf)?;
    let ending = serve(&mut debuggee, connection).map_err(CliError::guest)?;
    let said = match ending {
        Ending::Detached => "GDB detached",
        Ending::Exited => "the program ran to its end loop",
        Ending::Killed => "GDB killed the program",
    };
    eprintln!(
        "zkos debug: {said}, at pc 0x{:08x} after {} cycles",
        debuggee.machine().pc(),
        debuggee.machine().cycles().raw
    );
    Ok(())
}

/// Listens on `address`, says on one line where and how to attach, takes one connection.
fn accept_gdb(address: &str, elf: &ElfFile) -> Result<TcpStream, CliError> {
    let listener = TcpListener::bind(address)
        .map_err(|e| CliError::input(format!("--gdb {address}: cannot listen: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::input(format!("--gdb {address}: {e}")))?;
    eprintln!(
        "zkos debug: listening on {local}; attach with: gdb-multiarch {} \
         -ex 'set architecture riscv:rv32' -ex 'target remote {local}'",
        elf.path.display()
    );
    let (stream, _) = listener
        .accept()
        .map_err(|e| CliError::input(format!("--gdb {local}: accept failed: {e}")))?;
    Ok(stream)
}

/// The ELF GDB reads symbols from: the program file itself, or the built-in image written
/// to a temporary file (removed when the session ends).
struct ElfFile {
    path: PathBuf,
    temporary: bool,
}

impl ElfFile {
    fn write_temporary(name: &str, bytes: &[u8]) -> Result<ElfFile, CliError> {
        let file = format!("zkos-debug-{}-{name}.elf", std::process::id());
        let path = std::env::temp_dir().join(file);
        std::fs::write(&path, bytes)
            .map_err(|e| CliError::input(format!("cannot write {}: {e}", path.display())))?;
        Ok(ElfFile {
            path,
            temporary: true,
        })
    }
}

impl Drop for ElfFile {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn program_elf(path: &Path) -> Result<ElfFile, CliError> {
    match path.to_str().and_then(|p| p.strip_prefix("guest:")) {
        Some(name) => {
            let bytes = zkos_guests::elf(name).expect("load_program accepted the name");
            ElfFile::write_temporary(name, bytes)
        }
        None => Ok(ElfFile {
            path: path.to_path_buf(),
            temporary: false,
        }),
    }
}
