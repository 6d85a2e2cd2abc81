//! Our signer against the transactions the test fillers signed themselves (`txbytes`):
//! RFC 6979 signatures are deterministic, so the raw bytes must be identical, for every
//! transaction type (legacy, EIP-2930, EIP-1559, EIP-4844).
use zkos_statetest::case::unsigned_tx;
use zkos_statetest::{find_files, load_cases};

#[test]
fn our_signatures_match_the_fillers_txbytes() {
    let Some(base) = zkos_testdata::ethtests("cancun/GeneralStateTests") else {
        return;
    };
    let folders = [
        "stExample",
        "stEIP1559",
        "stEIP2930",
        "Cancun/stEIP4844-blobtransactions",
        "stTransactionTest",
    ];
    let files = find_files(&folders.map(|folder| base.join(folder))).unwrap();
    let (cases, _) = load_cases(&files, "Cancun");
    let mut compared = 0;
    for case in &cases {
        let (Some(expected), Ok(tx)) = (
            &case.entry().txbytes,
            unsigned_tx(&case.test.transaction, case.indexes()),
        ) else {
            continue;
        };
        let Ok(ours) = tx.sign(&case.test.transaction.secret_key.0) else {
            continue;
        };
        assert_eq!(
            hex::encode(&ours),
            hex::encode(&expected.0),
            "{}",
            case.id()
        );
        compared += 1;
    }
    assert!(compared > 500, "only {compared} transactions compared");
}
