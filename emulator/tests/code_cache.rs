//! The compiled tier's code cache (`Program::save_code_cache` / `load_code_cache`): code
//! saved by one program's run is taken by a fresh copy of the same program, which then
//! compiles less and ends exactly as the interpreter does; a file that does not fit (other
//! ROM words under its blocks, damaged bytes, cut short) is not taken, and the run is
//! still right.
#![cfg(all(target_arch = "x86_64", unix))]

use std::path::Path;
use zkos_emulator::{Machine, Program, RunOutcome, StreamOracle};

const MAX_CYCLES: u64 = 200_000_000;
/// `sorting`'s input: a seed and a length, enough to make its loops hot.
const INPUT: [u32; 2] = [42, 3000];

fn program() -> Program {
    Program::from_elf(zkos_guests::elf("sorting").expect("the sorting guest")).expect("loads")
}

/// Runs `program` (compiled once a pc is reached twice, as `zkos exec` does, or
/// interpreted) and returns the outcome with the blocks compiled by this run.
fn run(program: &Program, compiled: bool) -> (RunOutcome, u64) {
    let mut machine = Machine::new(program).expect("machine");
    if compiled {
        assert!(machine.enable_jit(), "no compiled tier on this host");
    }
    let outcome = machine
        .run(StreamOracle::new(INPUT.to_vec()), MAX_CYCLES)
        .expect("sorting finishes");
    let blocks = machine.jit_stats().map_or(0, |stats| stats.blocks);
    (outcome, blocks)
}

/// A cache folder with the code of one compiled run of `program`; the file written.
fn saved(dir: &Path, program: &Program) -> std::path::PathBuf {
    let (_, blocks) = run(program, true);
    assert!(blocks > 10, "the run compiles its loops");
    program
        .save_code_cache(dir)
        .expect("writes the cache")
        .expect("something was compiled")
}

#[test]
fn a_fresh_copy_takes_the_saved_code_and_ends_as_the_interpreter() {
    let dir = tempfile::tempdir().expect("temporary folder");
    saved(dir.path(), &program());
    let fresh = program();
    let taken = fresh.load_code_cache(dir.path()).expect("reads the cache");
    assert!(
        taken > 10,
        "the fresh copy takes the saved blocks ({taken})"
    );
    let (cached, compiled) = run(&fresh, true);
    let (interpreted, _) = run(&program(), false);
    assert_eq!(
        cached, interpreted,
        "the cached code runs as the interpreter"
    );
    assert!(
        compiled < taken as u64 / 10,
        "with {taken} blocks taken the run compiles few more, not {compiled}"
    );
}

#[test]
fn a_file_that_does_not_fit_is_not_taken() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = saved(dir.path(), &program());
    let good = std::fs::read(&file).expect("the cache file");
    let interpreted = run(&program(), false).0;
    let mut damaged = good.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x40;
    for (what, bytes) in [
        ("a flipped bit", damaged),
        ("cut short", good[..good.len() - 9].to_vec()),
        ("empty", Vec::new()),
    ] {
        std::fs::write(&file, &bytes).expect("rewrite the cache file");
        let fresh = program();
        assert_eq!(
            fresh.load_code_cache(dir.path()).expect("reads"),
            0,
            "{what}"
        );
        assert_eq!(
            run(&fresh, true).0,
            interpreted,
            "{what}: the run is still right"
        );
    }
}

#[test]
fn code_compiled_from_other_rom_words_is_not_taken() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let original = program();
    saved(dir.path(), &original);
    let mut image = original.image().to_vec();
    let copy = Program::from_flat(&image).expect("flat copy");
    assert!(
        copy.load_code_cache(dir.path()).expect("reads") > 0,
        "an exact copy fits"
    );
    // The same size (so the same file), with the immediate of every ADDI changed: some
    // compiled block holds one.
    let mut changed = 0;
    for word in image.chunks_exact_mut(4) {
        if word[0] & 0x7f == 0x13 && (word[1] >> 4) & 7 == 0 {
            word[2] ^= 0x10;
            changed += 1;
        }
    }
    assert!(changed > 100, "the program has ADDIs");
    let other = Program::from_flat(&image).expect("flat copy");
    assert_eq!(other.load_code_cache(dir.path()).expect("reads"), 0);
}

#[test]
fn only_code_with_nothing_compiled_takes_a_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let program = program();
    saved(dir.path(), &program);
    // `program` compiled its own blocks while saving: it takes nothing more.
    assert_eq!(program.load_code_cache(dir.path()).expect("reads"), 0);
}
