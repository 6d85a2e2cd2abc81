//! The compiled tier's code cache (`Program::save_code_cache` / `load_code_cache`): code
//! saved by one program's run is taken by a fresh copy of the same program, which then
//! compiles less and ends exactly as the interpreter does; a file that does not fit (other
//! ROM words under its blocks, damaged bytes, cut short) is not taken, and the run is
//! still right. Programs of one size keep files of their own, and a folder keeps the
//! files used last.
#![cfg(all(target_arch = "x86_64", unix))]

use std::path::Path;
use zkos_emulator::{Machine, Program, RunOutcome, StreamOracle};

const MAX_CYCLES: u64 = 200_000_000;
/// `sorting`'s input: a seed and a length, enough to make its loops hot.
const INPUT: [u32; 2] = [42, 3000];

fn program() -> Program {
    Program::from_elf(zkos_guests::elf("sorting").expect("the sorting guest")).expect("loads")
}

/// Runs `program` (compiled as `zkos exec` does, or
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
    assert!(blocks > 10, "the run compiles its loops ({blocks})");
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

/// `sorting` with every `addi rd, rs1, 0` (`mv`) made the `ori rd, rs1, 0` that does the
/// same: a program of the same size and behaviour, with other words under some compiled
/// block.
fn changed(original: &Program) -> Program {
    let mut image = original.image().to_vec();
    let mut changed = 0;
    for word in image.chunks_exact_mut(4) {
        let value = u32::from_le_bytes(word.try_into().unwrap());
        if value & 0xfff0_707f == 0x0000_0013 {
            word.copy_from_slice(&(value | 6 << 12).to_le_bytes());
            changed += 1;
        }
    }
    assert!(changed > 100, "the program has moves ({changed})");
    Program::from_flat(&image).expect("flat copy")
}

#[test]
fn code_compiled_from_other_rom_words_is_not_taken() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let original = program();
    let original_file = saved(dir.path(), &original);
    let copy = Program::from_flat(original.image()).expect("flat copy");
    assert!(
        copy.load_code_cache(dir.path()).expect("reads") > 0,
        "an exact copy fits"
    );
    // The other program's file replaced by the original's, whole (its CRC holds): only
    // the words under its blocks tell it is not the other program's code.
    let other_file = saved(dir.path(), &changed(&original));
    assert_ne!(other_file, original_file);
    std::fs::copy(&original_file, &other_file).expect("copies");
    let other = changed(&original);
    assert_eq!(other.load_code_cache(dir.path()).expect("reads"), 0);
}

#[test]
fn programs_of_one_size_keep_files_of_their_own() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let original = program();
    let original_file = saved(dir.path(), &original);
    let other_file = saved(dir.path(), &changed(&original));
    assert_ne!(original_file, other_file);
    let copy = Program::from_flat(original.image()).expect("flat copy");
    assert!(copy.load_code_cache(dir.path()).expect("reads") > 0);
    assert!(
        changed(&original)
            .load_code_cache(dir.path())
            .expect("reads")
            > 0
    );
}

/// The cache files in `dir`, by name.
fn cache_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("lists")
        .map(|entry| entry.expect("entry").file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".jit"))
        .collect();
    names.sort();
    names
}

/// Sets `path`'s modification time to `seconds` after the epoch.
fn age(path: &Path, seconds: u64) {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(time))
        .expect("sets the time");
}

#[test]
fn a_folder_keeps_the_files_used_last() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let original = program();
    let ours = saved(dir.path(), &original);
    // Our file, used long ago, is taken: that makes it the newest again.
    age(&ours, 1_000);
    let copy = Program::from_flat(original.image()).expect("flat copy");
    assert!(copy.load_code_cache(dir.path()).expect("reads") > 0);
    let used = std::fs::metadata(&ours)
        .and_then(|m| m.modified())
        .expect("a time");
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
    assert!(used > day_ago, "taking the file marks it used");
    // Files of other builds, older than each other by a second; and a file that is not
    // the cache's.
    let extra = 5;
    for i in 0..zkos_emulator::CODE_CACHE_FILES + extra {
        let path = dir.path().join(format!("old{i:03}.jit"));
        std::fs::write(&path, b"another build's code").expect("writes");
        age(&path, 2_000 + i as u64);
    }
    std::fs::write(dir.path().join("notes.txt"), b"kept").expect("writes");
    // Saving prunes: ours and the newest others stay, the `extra + 1` oldest go.
    run(&copy, true);
    copy.save_code_cache(dir.path())
        .expect("saves")
        .expect("compiled");
    let files = cache_files(dir.path());
    assert_eq!(files.len(), zkos_emulator::CODE_CACHE_FILES);
    let ours = ours.file_name().unwrap().to_str().unwrap().to_string();
    assert!(files.contains(&ours), "{files:?}");
    let removed: Vec<String> = (0..=extra).map(|i| format!("old{i:03}.jit")).collect();
    assert!(
        removed.iter().all(|name| !files.contains(name)),
        "{files:?}"
    );
    assert!(files.contains(&format!("old{:03}.jit", extra + 1)));
    assert!(dir.path().join("notes.txt").exists());
}

#[test]
fn only_code_with_nothing_compiled_takes_a_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let program = program();
    saved(dir.path(), &program);
    // `program` compiled its own blocks while saving: it takes nothing more.
    assert_eq!(program.load_code_cache(dir.path()).expect("reads"), 0);
}

/// Runs `program` compiled on `input`: the outcome and the compiled tier's statistics.
fn run_on(program: &Program, input: [u32; 2]) -> (RunOutcome, zkos_emulator::JitStats) {
    let mut machine = Machine::new(program).expect("machine");
    assert!(machine.enable_jit(), "no compiled tier on this host");
    let outcome = machine
        .run(StreamOracle::new(input.to_vec()), MAX_CYCLES)
        .expect("sorting finishes");
    (outcome, machine.jit_stats().expect("enabled"))
}

/// Code saved by a short run jumps to blocks that run had no reason to compile. A later,
/// longer run compiles them, and the saved jumps are pointed at them as the run's own jumps
/// are: it enters compiled code about as often as a run that compiled everything itself,
/// not once for every such jump taken.
#[test]
fn saved_jumps_to_blocks_compiled_later_are_linked() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let short = program();
    run_on(&short, [42, 3]);
    short.save_code_cache(dir.path()).expect("writes the cache");
    let fresh = program();
    assert!(fresh.load_code_cache(dir.path()).expect("reads") > 0);
    let (cached, stats) = run_on(&fresh, INPUT);
    let (own, own_stats) = run_on(&program(), INPUT);
    assert_eq!(cached, own);
    assert!(stats.blocks > 0, "the long run compiles more: {stats:?}");
    assert!(
        stats.entries <= 2 * own_stats.entries,
        "{stats:?} against a run compiling all its own blocks: {own_stats:?}"
    );
}

/// Code taken from a file is mapped from it, and is the run's own: the saved jumps the run
/// points at blocks it compiles change in its memory, not in the file.
#[test]
fn a_run_leaves_the_file_it_took_code_from_as_it_was() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let short = program();
    run_on(&short, [42, 3]);
    let file = short
        .save_code_cache(dir.path())
        .expect("writes the cache")
        .expect("something was compiled");
    let before = std::fs::read(&file).expect("the cache file");
    let fresh = program();
    assert!(fresh.load_code_cache(dir.path()).expect("reads") > 0);
    let (outcome, stats) = run_on(&fresh, INPUT);
    assert!(
        stats.blocks > 0,
        "the longer run compiles, linking saved jumps"
    );
    assert!(
        std::fs::read(&file).expect("the cache file") == before,
        "the file changed"
    );
    assert_eq!(outcome, run(&program(), false).0);
}

/// A prover input's image is the program padded to the whole ROM with the padding word,
/// which every ROM holds past its image: it runs as the program does, so it takes the code
/// the program's run left, and the two share one file.
#[test]
fn the_program_padded_to_the_rom_takes_the_code_of_its_elf() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let elf = program();
    let file = saved(dir.path(), &elf);
    let padded = Program::from_flat(&elf.padded_image()).expect("padded copy");
    assert_eq!(padded.image().len(), zkos_linker::ROM_END as usize);
    let taken = padded.load_code_cache(dir.path()).expect("reads the cache");
    assert!(
        taken > 10,
        "the padded copy takes the saved blocks ({taken})"
    );
    let (cached, compiled) = run(&padded, true);
    assert_eq!(
        cached,
        run(&elf, false).0,
        "the padded copy runs as the ELF"
    );
    assert!(
        compiled < taken as u64 / 10,
        "with {taken} blocks taken the run compiles few more, not {compiled}"
    );
    let again = padded
        .save_code_cache(dir.path())
        .expect("writes the cache");
    assert_eq!(again.as_ref(), Some(&file), "one file for both");
    assert_eq!(cache_files(dir.path()).len(), 1);
}

/// Padding words inside the code are code: only those the image ends with are left out.
#[test]
fn only_the_padding_the_image_ends_with_is_left_out() {
    let padding = zkos_linker::ROM_PADDING_WORD.to_le_bytes();
    let elf = program();
    let mut image = elf.image().to_vec();
    // A padding word inside, and 21 after (more than one 64-byte block, and not a multiple).
    image.extend_from_slice(&padding);
    image.extend_from_slice(&0x0000_0013u32.to_le_bytes());
    let code_len = image.len();
    for _ in 0..21 {
        image.extend_from_slice(&padding);
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let padded = Program::from_flat(&image).expect("flat");
    saved(dir.path(), &padded);
    // The same code with fewer padding words after it takes the file; the code cut short
    // by one word (its last, a NOP) does not.
    let shorter = Program::from_flat(&image[..code_len + 4]).expect("flat");
    assert!(shorter.load_code_cache(dir.path()).expect("reads") > 10);
    let cut = Program::from_flat(&image[..code_len - 4]).expect("flat");
    assert_eq!(cut.load_code_cache(dir.path()).expect("reads"), 0);
}
