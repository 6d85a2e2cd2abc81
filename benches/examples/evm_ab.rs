//! The EVM beside revm, alternating: each round runs every workload of
//! `zkos_benches::evm_pair` once on ours and once on revm, in turn, and times each call
//! by the thread's CPU time. On a shared machine, load that comes and goes then falls on
//! both sides alike, where criterion's group measures all of ours and then all of revm.
//! Prints, per workload, the median of the per-round ratios ours / revm and both medians.
//! `cargo run --release -p zkos-benches --example evm_ab [-- ROUNDS [NAME]]` (default 40
//! rounds; with NAME, only the workloads whose name contains it).
use zkos_benches::evm_pair::{workloads, Pair};

/// The calling thread's CPU time in seconds.
fn thread_seconds() -> f64 {
    let mut time = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `time` is a valid timespec for the call to fill.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time) };
    assert_eq!(status, 0, "the thread CPU clock is readable");
    time.tv_sec as f64 + time.tv_nsec as f64 * 1e-9
}

fn timed(run: impl FnOnce()) -> f64 {
    let start = thread_seconds();
    run();
    thread_seconds() - start
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|arg| arg.parse().expect("ROUNDS is a number"))
        .unwrap_or(40);
    let filter = std::env::args().nth(2).unwrap_or_default();
    let mut pairs: Vec<Pair> = workloads()
        .iter()
        .filter(|workload| workload.name.contains(&filter))
        .map(Pair::new)
        .collect();
    assert!(!pairs.is_empty(), "no workload's name contains {filter:?}");
    let mut times = vec![(Vec::new(), Vec::new(), Vec::new()); pairs.len()];
    for _ in 0..rounds {
        for (pair, (ours, theirs, ratios)) in pairs.iter_mut().zip(&mut times) {
            let ours_time = timed(|| drop(std::hint::black_box(pair.run_ours())));
            let revm_time = timed(|| drop(std::hint::black_box(pair.run_revm())));
            ours.push(ours_time);
            theirs.push(revm_time);
            ratios.push(ours_time / revm_time);
        }
    }
    println!(
        "{:<18} {:>10} {:>10} {:>12}",
        "workload", "ours ms", "revm ms", "ours / revm"
    );
    for (pair, (ours, theirs, ratios)) in pairs.iter().zip(&mut times) {
        println!(
            "{:<18} {:>10.3} {:>10.3} {:>12.3}",
            pair.name,
            median(ours) * 1e3,
            median(theirs) * 1e3,
            median(ratios)
        );
    }
}
