//! `zkos debug` driven by a real `gdb-multiarch` in batch mode: breakpoints on symbols,
//! registers, stepi, memory reads and writes, `monitor cycles`, the end loop, a fault, and the
//! guest OS on the example block. Expected values come from the ELF and from `zkos exec`.
//!
//! Without `gdb-multiarch` on PATH the tests say so loudly and pass, unless
//! `ZKOS_REQUIRE_GDB` is set (CI sets it).
mod common;

use common::{repo, repo_root, scratch_dir, zkos};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use zkos_emulator::{Program, Symbol};

const GDB: &str = "gdb-multiarch";
const TIMEOUT: Duration = Duration::from_secs(120);

fn gdb_or_skip(test: &str) -> bool {
    let found = Command::new(GDB)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if found {
        return true;
    }
    let banner = "#".repeat(78);
    // Past the test harness's capture of `eprintln!`, so that a skip is seen.
    let _ = writeln!(
        std::io::stderr(),
        "\n{banner}\n# {test}: DID NOT RUN: `{GDB}` not found.\n# Install the Debian package \
         `gdb-multiarch` to test `zkos debug` against GDB.\n{banner}\n"
    );
    assert!(
        std::env::var_os("ZKOS_REQUIRE_GDB").is_none(),
        "ZKOS_REQUIRE_GDB is set but {GDB} is missing"
    );
    false
}

/// A running `zkos debug`, listening on `port`; its remaining stderr is collected.
struct Stub {
    child: Child,
    port: u16,
    stderr: JoinHandle<String>,
}

impl Stub {
    fn start(args: &[&str]) -> Stub {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zkos"))
            .current_dir(repo_root())
            .arg("debug")
            .args(args)
            .args(["--gdb", "127.0.0.1:0"])
            .stderr(Stdio::piped())
            .spawn()
            .expect("zkos runs");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = lines.next().expect("zkos says where it listens").unwrap();
        let port = first
            .split("listening on 127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .and_then(|port| port.parse().ok())
            .unwrap_or_else(|| panic!("no port in {first:?}"));
        assert!(first.contains("gdb-multiarch"), "{first}");
        let stderr =
            std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>().join("\n"));
        Stub {
            child,
            port,
            stderr,
        }
    }

    /// Waits for zkos to end after GDB left; its exit code and stderr.
    fn finish(mut self) -> (Option<i32>, String) {
        let status = wait_with_timeout(&mut self.child, "zkos debug");
        (status, self.stderr.join().unwrap())
    }
}

fn wait_with_timeout(child: &mut Child, what: &str) -> Option<i32> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            panic!("{what} did not finish in {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs GDB in batch mode on `elf`, attached to the stub, with `commands`; what it printed
/// on stdout, then on stderr (apart, so that its warnings do not split stdout's lines).
fn gdb(elf: &Path, port: u16, commands: &[&str], scratch: &Path) -> String {
    let (out, err) = (scratch.join("gdb.out"), scratch.join("gdb.err"));
    let target = format!("target remote 127.0.0.1:{port}");
    let mut args = vec!["-batch", "-nx", "-ex", "set architecture riscv:rv32"];
    args.extend(["-ex", &target]);
    for command in commands {
        args.extend(["-ex", command]);
    }
    let mut child = Command::new(GDB)
        .args(&args)
        .arg(elf)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("gdb-multiarch runs");
    wait_with_timeout(&mut child, GDB);
    let stderr = std::fs::read_to_string(&err).unwrap();
    // GDB warns about the start-up code's line table on every stop; it says nothing here.
    let stderr: Vec<&str> = stderr
        .lines()
        .filter(|line| !line.contains("Internal error: pc"))
        .collect();
    std::fs::read_to_string(&out).unwrap() + "\n" + &stderr.join("\n")
}

fn write_elf(scratch: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    std::fs::create_dir_all(scratch).unwrap();
    let path = scratch.join(format!("{name}.elf"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn symbol(program: &Program, matches: impl Fn(&str) -> bool) -> &Symbol {
    program
        .symbols()
        .iter()
        .find(|symbol| matches(&symbol.name))
        .expect("the ELF has the symbol")
}

fn hex(text: &str) -> u32 {
    u32::from_str_radix(text.trim_start_matches("0x"), 16)
        .unwrap_or_else(|_| panic!("not hex: {text:?}"))
}

/// The values of every `info registers NAME` line for `name`, in order.
fn register_values(output: &str, name: &str) -> Vec<u32> {
    output
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            (fields.next() == Some(name)).then(|| hex(fields.next().unwrap()))
        })
        .collect()
}

/// The words `x/Nwx address` printed.
fn examined_words(output: &str, address: u32) -> Vec<u32> {
    let prefix = format!("0x{address:x}");
    let line = output
        .lines()
        .find(|line| {
            line.strip_prefix(&prefix)
                .is_some_and(|rest| rest.starts_with([' ', ':']) && rest.contains(':'))
        })
        .unwrap_or_else(|| panic!("no x/ output at {prefix} in:\n{output}"));
    let words = line.rsplit_once(':').unwrap().1;
    words.split_whitespace().map(hex).collect()
}

/// The counters `monitor cycles` printed, checked to add up to the effective count.
fn monitor_cycles(output: &str) -> [u64; 4] {
    let line = output
        .lines()
        .find(|line| line.starts_with("cycles: raw "))
        .unwrap_or_else(|| panic!("no `monitor cycles` output in:\n{output}"));
    let numbers: Vec<u64> = line
        .split(", ")
        .map(|field| field.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    let [raw, rounds, u256, effective] = numbers[..] else {
        panic!("unexpected counters in {line:?}");
    };
    assert_eq!(effective, raw + 16 * rounds + 4 * u256, "{line}");
    [raw, rounds, u256, effective]
}

fn exec_output(args: &[&str]) -> Vec<u32> {
    let exec = zkos(&[&["exec"], args, &["--json"]].concat());
    assert_eq!(exec.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&exec.stdout).unwrap();
    let output = json["output"].as_array().unwrap();
    output.iter().map(|w| hex(w.as_str().unwrap())).collect()
}

#[test]
fn gdb_breaks_steps_reads_and_sees_the_end_loop() {
    if !gdb_or_skip("gdb_breaks_steps_reads_and_sees_the_end_loop") {
        return;
    }
    let scratch = scratch_dir("debug-echo");
    let elf_bytes = zkos_guests::elf("echo").unwrap();
    let elf = write_elf(&scratch, "echo", elf_bytes);
    let input = scratch.join("input.hex");
    std::fs::write(&input, "000000030000000700000009deadbeef").unwrap();
    let input = input.to_str().unwrap();
    let program = Program::from_elf(elf_bytes).unwrap();
    let main = symbol(&program, |name| name == "__zkos_guest_main");
    let image_words: Vec<u32> = program.image()[main.address as usize..][..16]
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes(w.try_into().unwrap()))
        .collect();
    let expected_output = exec_output(&["guest:echo", "--input", input]);

    let stub = Stub::start(&["guest:echo", "--input", input]);
    let examine = format!("x/4wx 0x{:x}", main.address);
    let rom_write = format!("set {{int}}0x{:x} = 0", main.address);
    let output = gdb(
        &elf,
        stub.port,
        &[
            // GDB names the entry point by its crate; `*` stops at the symbol, before the
            // prologue GDB would skip.
            "break *echo::__zkos_guest_main",
            "continue",
            "info registers pc",
            "info registers a0 sp",
            "stepi",
            "info registers pc",
            &examine,
            "monitor cycles",
            "set language c",
            &rom_write,
            "set {int}0x30000000 = 0x12345678",
            "x/1wx 0x30000000",
            "delete",
            "continue",
            "info registers a0 a1 a2 a3 a4 a5 a6 a7",
            "continue",
        ],
        &scratch,
    );
    let (code, stderr) = stub.finish();
    assert_eq!(
        code,
        Some(0),
        "zkos debug failed:\n{stderr}\ngdb:\n{output}"
    );

    let pcs = register_values(&output, "pc");
    assert_eq!(pcs.len(), 2, "{output}");
    assert_eq!(pcs[0], main.address, "stops at the symbol:\n{output}");
    let in_main = main.address..main.address + main.size;
    assert!(pcs[1] != pcs[0] && in_main.contains(&pcs[1]), "{output}");
    // The start-up code passes the output slot, on top of its stack, in a0.
    let (a0, sp) = (
        register_values(&output, "a0")[0],
        register_values(&output, "sp")[0],
    );
    assert_eq!(a0, sp, "{output}");
    assert!((zkos_linker::STACK_TOP - 64..zkos_linker::STACK_TOP).contains(&sp));
    assert_eq!(examined_words(&output, main.address), image_words);
    let [raw, ..] = monitor_cycles(&output);
    assert!(raw > 0, "{output}");
    assert!(
        output.contains(&format!(
            "Cannot access memory at address 0x{:x}",
            main.address
        )),
        "a ROM write is refused:\n{output}"
    );
    assert_eq!(examined_words(&output, 0x3000_0000), [0x1234_5678]);

    assert!(
        output.contains("Program received signal SIGTRAP"),
        "{output}"
    );
    let final_output: Vec<u32> = (0..8)
        .map(|i| *register_values(&output, &format!("a{i}")).last().unwrap())
        .collect();
    assert_eq!(final_output, expected_output, "{output}");
    assert!(output.contains("exited normally"), "{output}");
    assert!(stderr.contains("end loop at pc"), "{stderr}");
}

#[test]
fn gdb_sees_a_guest_fault_as_a_signal() {
    if !gdb_or_skip("gdb_sees_a_guest_fault_as_a_signal") {
        return;
    }
    let scratch = scratch_dir("debug-abort");
    let elf = write_elf(&scratch, "abort", zkos_guests::elf("abort").unwrap());
    let input = scratch.join("input.hex");
    std::fs::write(&input, "00000001").unwrap();
    let stub = Stub::start(&["guest:abort", "--input", input.to_str().unwrap()]);
    let output = gdb(
        &elf,
        stub.port,
        &["continue", "info registers pc", "monitor stop"],
        &scratch,
    );
    let (code, stderr) = stub.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        output.contains("Program received signal SIGABRT"),
        "{output}"
    );
    assert!(output.contains("guest fault: guest abort"), "{output}");
    assert!(stderr.contains("guest fault: guest abort"), "{stderr}");
}

#[test]
fn gdb_breaks_in_the_guest_os_on_a_block() {
    if !gdb_or_skip("gdb_breaks_in_the_guest_os_on_a_block") {
        return;
    }
    let scratch = scratch_dir("debug-block");
    let elf = write_elf(&scratch, "os", zkos_guests::OS);
    let program = Program::from_elf(zkos_guests::OS).unwrap();
    let execute = symbol(&program, |name| {
        name.contains("13BlockExecutor19execute_transaction")
    });
    let (state, block) = (repo("examples/state.json"), repo("examples/block.json"));
    let stub = Stub::start(&["--state", &state, "--block", &block]);
    let output = gdb(
        &elf,
        stub.port,
        &[
            "break zkos_system::executor::BlockExecutor::execute_transaction",
            "continue",
            "info registers pc",
            "monitor cycles",
        ],
        &scratch,
    );
    let (code, stderr) = stub.finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(output.contains("Breakpoint 1, "), "{output}");
    let pc = register_values(&output, "pc")[0];
    let function = execute.address..execute.address + execute.size;
    assert!(
        function.contains(&pc),
        "pc 0x{pc:x} is in execute_transaction {function:x?}:\n{output}"
    );
    let [raw, ..] = monitor_cycles(&output);
    assert!(raw > 0, "{output}");
}

#[test]
fn bad_listen_address_exits_2() {
    let debug = zkos(&["debug", "guest:echo", "--gdb", "no-such-host.invalid:x"]);
    assert_eq!(debug.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&debug.stderr);
    assert!(stderr.contains("--gdb no-such-host.invalid:x"), "{stderr}");
    let debug = zkos(&["debug", "guest:nope", "--gdb", "127.0.0.1:0"]);
    assert_eq!(debug.status.code(), Some(2));
}
