//! The workloads run natively against reference crates (sha2, sha3, blake2, ruint) and
//! the standard library's sort.
use proptest::prelude::*;
use zkos_workloads::{delegations, hashing, reference, sorting};

proptest! {
    #[test]
    fn sha256_matches_sha2(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert_eq!(hashing::sha256(&data), reference::sha256(&data));
    }

    #[test]
    fn keccak256_matches_sha3(data in proptest::collection::vec(any::<u8>(), 0..500)) {
        prop_assert_eq!(hashing::keccak256(&data), reference::keccak256(&data));
    }

    #[test]
    fn merge_sort_matches_std_sort(mut values in proptest::collection::vec(any::<u32>(), 0..500)) {
        let mut expected = values.clone();
        expected.sort();
        sorting::merge_sort(&mut values);
        prop_assert_eq!(values, expected);
    }
}

#[test]
fn hashing_program_result_matches_reference_at_block_edges() {
    for len in [0, 1, 55, 56, 63, 64, 135, 136, 137, 1000] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        assert_eq!(
            hashing::run(&data),
            reference::hashing(&data),
            "length {len}"
        );
    }
}

#[test]
fn sorting_program_result_matches_reference() {
    for (seed, len) in [(0, 0), (1, 1), (7, 2), (42, 3000)] {
        assert_eq!(
            sorting::run(seed, len),
            reference::sorting(seed, len),
            "seed {seed} len {len}"
        );
    }
}

#[test]
fn delegation_report_on_host_models_matches_reference_item_by_item() {
    let (actual, expected) = (delegations::report(), reference::delegation_report());
    for (i, (a, e)) in actual
        .message_digests
        .iter()
        .zip(&expected.message_digests)
        .enumerate()
    {
        assert_eq!(
            a,
            e,
            "blake2s of message length {}",
            delegations::MESSAGE_LENGTHS[i]
        );
    }
    assert_eq!(actual.node_digests, expected.node_digests);
    let cases = delegations::u256_operands()
        .into_iter()
        .flat_map(|(a, b)| delegations::U256_OPS.map(move |op| (op, a, b)));
    for ((a, e), case) in actual.u256.iter().zip(&expected.u256).zip(cases) {
        assert_eq!(a, e, "u256 case {case:?}");
    }
    assert_eq!(actual, expected);
    assert_eq!(delegations::run(), reference::delegations_output());
}
