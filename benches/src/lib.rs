//! Benchmarks live in `benches/`; run them with `cargo bench -p zkos-benches`. The
//! worst-case transactions per expensive family are in [`worst_case`]; their guest cycles
//! per gas: `cargo run --release -p zkos-benches --example cycles_per_gas`.
pub mod evm_compute;
pub mod evm_host;
pub mod evm_pair;
pub mod worst_case;
