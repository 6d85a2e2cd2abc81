//! The worst cases measure what they are named for: every precompile input is valid (a
//! failing call would end the loop at once and measure nothing), and every case runs
//! to its gas limit natively.
use zkos_benches::worst_case::{cases, GAS_LIMIT};
use zkos_runner::native::run_native;

#[test]
fn every_precompile_input_is_accepted() {
    for case in cases() {
        let Some(low) = case.precompile else { continue };
        let mut address = [0u8; 20];
        address[18..].copy_from_slice(&low.to_be_bytes());
        let result = zkos_ee_evm::precompiles::run(case.spec, &address, &case.calldata, 1 << 40)
            .expect("a precompile under the case's fork");
        assert!(result.is_ok(), "{}: {result:?}", case.name);
    }
}

#[test]
fn every_case_spends_its_gas_on_its_loop() {
    for case in cases() {
        if case.name.starts_with("deep calls") {
            continue;
        }
        let run =
            run_native(&case.world()).unwrap_or_else(|fault| panic!("{}: {fault}", case.name));
        let receipt = &run.outcome.receipts[0];
        assert_eq!(
            receipt.gas_used, GAS_LIMIT,
            "{}: the loop ends out of gas",
            case.name
        );
    }
}
