//! The profile of a guest whose functions spin known numbers of two-instruction loop
//! iterations: each stack gets its known share within 1%, and everything adds up.
use zkos_emulator::{Machine, Program, StreamOracle};
use zkos_profiler::{Mark, Profile, ProfileTracer, SymbolTable, Weight};

fn profile(weight: Weight) -> (Profile, u64) {
    let elf = zkos_guests::elf("profile-calls").expect("profile-calls guest");
    let program = Program::from_elf(elf).unwrap();
    let marks = vec![Mark::new("spinners", "profile_").per_function()];
    let mut tracer = ProfileTracer::new(SymbolTable::from_program(&program), weight, marks);
    let outcome = Machine::new(&program)
        .unwrap()
        .run_traced(StreamOracle::default(), &mut tracer, 1 << 30)
        .unwrap();
    assert_eq!(outcome.output, [1, 2, 3, 4, 0, 0, 0, 0]);
    (Profile::build(tracer, Some(elf)), outcome.cycles.raw)
}

/// Cycles of the folded stacks that pass through `path` (`;`-joined function names),
/// callees and inlined helpers (`spin`) included.
fn stack_cycles(profile: &Profile, path: &str) -> u64 {
    let below = format!("{path};");
    profile
        .folded
        .iter()
        .filter(|(s, _)| s.ends_with(path) || s.contains(&below))
        .map(|(_, c)| c)
        .sum()
}

fn assert_within_one_percent(got: u64, expected: u64, what: &str) {
    let error = (got as f64 - expected as f64).abs() / expected as f64;
    assert!(
        error < 0.01,
        "{what}: {got} cycles, expected {expected} (off by {:.2}%)",
        100.0 * error
    );
}

#[test]
fn cycles_land_on_the_right_stacks() {
    let (profile, raw) = profile(Weight::Raw);
    assert_eq!(profile.total, raw);
    assert_eq!(profile.folded_sum(), raw);
    assert_within_one_percent(
        stack_cycles(&profile, "main;profile_alpha"),
        200_000,
        "main;alpha",
    );
    assert_within_one_percent(
        stack_cycles(&profile, "main;profile_beta"),
        160_000,
        "main;beta",
    );
    assert_within_one_percent(
        stack_cycles(&profile, "main;profile_beta;profile_gamma"),
        60_000,
        "main;beta;gamma",
    );
    // gamma called from main, and reached again by delta's tail call.
    assert_within_one_percent(
        stack_cycles(&profile, "main;profile_gamma"),
        120_000,
        "main;gamma",
    );
    assert_within_one_percent(
        stack_cycles(&profile, "main;profile_delta"),
        40_000,
        "main;delta",
    );
    assert!(!profile
        .folded
        .iter()
        .any(|(s, _)| s.contains("profile_delta;profile_gamma")));
    // The inlined helper shows under each spinner, from the DWARF, by its full path.
    assert!(profile.inlined_frames);
    assert_within_one_percent(
        stack_cycles(&profile, "profile_alpha;profile_calls::spin"),
        200_000,
        "alpha;spin",
    );
}

#[test]
fn marks_count_calls_and_inclusive_cycles() {
    let (profile, _) = profile(Weight::Raw);
    let mark = |name: &str| {
        profile
            .marks
            .iter()
            .find(|m| m.function.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(mark("profile_alpha").calls, Some(1));
    assert_eq!(mark("profile_gamma").calls, Some(3));
    assert_within_one_percent(mark("profile_beta").cycles, 160_000, "beta inclusive");
    assert_within_one_percent(mark("profile_gamma").cycles, 180_000, "gamma inclusive");
}

#[test]
fn effective_weight_equals_raw_without_delegations_and_flamegraph_is_svg() {
    let (profile, raw) = profile(Weight::Effective);
    assert_eq!(profile.folded_sum(), raw);
    let svg = String::from_utf8(profile.flamegraph_svg("known calls").unwrap()).unwrap();
    assert!(svg.starts_with("<?xml"));
    assert!(svg.contains("profile_alpha"));
}
