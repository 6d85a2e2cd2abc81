//! The interleaved hasher and one-shot function (what RISC-V runs) and the target's `Keccak256` give the bytes of
//! `sha3::Keccak256`, in one call and streamed in pieces.
use proptest::prelude::*;
use sha3::Digest;
use zkos_keccak::interleaved;

fn reference(data: &[u8]) -> [u8; 32] {
    sha3::Keccak256::digest(data).into()
}

fn interleaved_in_pieces(data: &[u8], splits: &[usize]) -> [u8; 32] {
    let mut hasher = interleaved::Keccak256::new();
    let mut rest = data;
    for &split in splits {
        let (piece, tail) = rest.split_at(split.min(rest.len()));
        hasher.update(piece);
        rest = tail;
    }
    hasher.update(rest);
    hasher.finalize()
}

fn interleaved_one_shot(data: &[u8]) -> [u8; 32] {
    let mut hasher = interleaved::Keccak256::new();
    hasher.update(data);
    hasher.finalize()
}

#[test]
fn known_answers() {
    let cases: [(&[u8], &str); 2] = [
        (
            b"",
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
        ),
        (
            b"abc",
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
        ),
    ];
    for (data, expected) in cases {
        assert_eq!(hex::encode(interleaved_one_shot(data)), expected);
        assert_eq!(hex::encode(interleaved::keccak256(data)), expected);
        assert_eq!(hex::encode(zkos_keccak::keccak256(data)), expected);
    }
}

#[test]
fn every_length_around_the_rate() {
    let data: Vec<u8> = (0..=700u32).map(|i| (i * 167 + 13) as u8).collect();
    for len in (0..=696).filter(|&len| len % 136 <= 2 || len % 136 >= 133 || len < 20) {
        // Offsets 1 to 3: blocks that are not word-aligned.
        for offset in 0..4 {
            let data = &data[offset..offset + len];
            let expected = reference(data);
            assert_eq!(
                interleaved_one_shot(data),
                expected,
                "length {len}, offset {offset}"
            );
            assert_eq!(
                interleaved::keccak256(data),
                expected,
                "length {len}, offset {offset}"
            );
        }
    }
}

#[test]
fn a_million_a() {
    let data = vec![b'a'; 1_000_000];
    assert_eq!(
        interleaved_in_pieces(&data, &[1, 135, 136, 999]),
        reference(&data)
    );
}

fn length() -> impl Strategy<Value = usize> {
    prop_oneof![
        0usize..1000,
        (0usize..8).prop_map(|k| 136 * k),
        (1usize..8, 0usize..3).prop_map(|(k, d)| 136 * k + d - 1),
    ]
}

fn data() -> impl Strategy<Value = Vec<u8>> {
    length().prop_flat_map(|len| proptest::collection::vec(any::<u8>(), len))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn equals_sha3(data in data()) {
        prop_assert_eq!(interleaved_one_shot(&data), reference(&data));
        prop_assert_eq!(interleaved::keccak256(&data), reference(&data));
        prop_assert_eq!(zkos_keccak::keccak256(&data), reference(&data));
    }

    #[test]
    fn streaming_equals_sha3(data in data(), splits in proptest::collection::vec(0usize..300, 0..6)) {
        prop_assert_eq!(interleaved_in_pieces(&data, &splits), reference(&data));
        let mut hasher = zkos_keccak::Keccak256::new();
        let mut rest = &data[..];
        for split in splits {
            let (piece, tail) = rest.split_at(split.min(rest.len()));
            hasher.update(piece);
            rest = tail;
        }
        hasher.update(rest);
        prop_assert_eq!(hasher.finalize(), reference(&data));
    }
}

proptest! {
    #[test]
    fn the_permutation_equals_the_keccak_crates(lanes in proptest::array::uniform25(any::<u64>())) {
        let mut state = [0u32; 50];
        for (words, lane) in state.chunks_exact_mut(2).zip(lanes) {
            (words[0], words[1]) = interleaved::interleave(lane as u32, (lane >> 32) as u32);
        }
        interleaved::keccak_f1600(&mut state);
        let mut expected = lanes;
        keccak::f1600(&mut expected);
        for (words, lane) in state.chunks_exact(2).zip(expected) {
            prop_assert_eq!(interleaved::deinterleave(words[0], words[1]), (lane as u32, (lane >> 32) as u32));
        }
    }
}
