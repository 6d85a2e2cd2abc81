//! The host models of the delegations and the hashes built on them, against the
//! `blake2` crate and `ruint`.
use blake2::{Blake2s256, Digest};
use proptest::prelude::*;
use ruint::aliases::{U256 as Ref256, U512};
use zkos_guest_rt::delegation::{model, u256_control as op};
use zkos_guest_rt::{blake2s, U256};

fn le_bytes(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

fn to_ref(value: &U256) -> Ref256 {
    Ref256::from_le_slice(&le_bytes(&value.0))
}

fn from_ref(value: Ref256) -> U256 {
    U256::from_le_bytes(&value.to_le_bytes::<32>())
}

fn any_u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        Just(U256::ZERO),
        Just(U256::MAX),
        any::<[u32; 8]>().prop_map(U256),
        any::<u64>().prop_map(U256::from_u64),
    ]
}

fn run_op(a: &U256, b: &U256, control: u32) -> (U256, bool) {
    let mut result = *a;
    let flag = model::u256_op(&mut result, b, control);
    (result, flag)
}

proptest! {
    #[test]
    fn blake2s256_matches_blake2_crate(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        let expected: [u8; 32] = Blake2s256::digest(&data).into();
        prop_assert_eq!(blake2s::blake2s256(&data), expected);
    }

    #[test]
    fn incremental_updates_give_the_one_shot_hash(data in proptest::collection::vec(any::<u8>(), 0..300), cut in 0usize..300) {
        let cut = cut.min(data.len());
        let mut hasher = blake2s::Blake2s::new();
        hasher.update(&data[..cut]);
        hasher.update(&data[cut..]);
        prop_assert_eq!(hasher.finalize(), blake2s::blake2s256(&data));
    }

    #[test]
    fn node_hash_is_blake2s256_of_left_then_right(left in any::<[u32; 8]>(), right in any::<[u32; 8]>()) {
        let mut node = le_bytes(&left);
        node.extend(le_bytes(&right));
        let expected: [u8; 32] = Blake2s256::digest(&node).into();
        prop_assert_eq!(blake2s::words_to_bytes(&blake2s::hash_node(&left, &right)), expected);
        prop_assert_eq!(blake2s::compress_node(&right, &left, true), blake2s::hash_node(&left, &right));
    }

    #[test]
    fn u256_add_and_sub_match_ruint(a in any_u256(), b in any_u256(), carry in any::<bool>()) {
        let (ra, rb, rc) = (to_ref(&a), to_ref(&b), Ref256::from(carry as u8));
        let carry_bit = if carry { op::CARRY_IN } else { 0 };

        let (sum, c0) = ra.overflowing_add(rb);
        let (sum, c1) = sum.overflowing_add(rc);
        prop_assert_eq!(run_op(&a, &b, op::ADD | carry_bit), (from_ref(sum), c0 || c1));

        let (difference, b0) = ra.overflowing_sub(rb);
        let (difference, b1) = difference.overflowing_sub(rc);
        prop_assert_eq!(run_op(&a, &b, op::SUB | carry_bit), (from_ref(difference), b0 || b1));

        let (negated, n0) = rb.overflowing_sub(ra);
        let (negated, n1) = negated.overflowing_sub(rc);
        prop_assert_eq!(run_op(&a, &b, op::SUB_AND_NEGATE | carry_bit), (from_ref(negated), n0 || n1));

        let (copy, overflow) = rb.overflowing_add(rc);
        prop_assert_eq!(run_op(&a, &b, op::MEMCOPY | carry_bit), (from_ref(copy), overflow));
    }

    #[test]
    fn u256_mul_and_eq_match_ruint(a in any_u256(), b in any_u256()) {
        let product: U512 = to_ref(&a).widening_mul(to_ref(&b));
        let limbs = product.as_limbs();
        let low = Ref256::from_limbs(limbs[..4].try_into().unwrap());
        let high = Ref256::from_limbs(limbs[4..].try_into().unwrap());
        prop_assert_eq!(run_op(&a, &b, op::MUL_LOW), (from_ref(low), !high.is_zero()));
        prop_assert_eq!(run_op(&a, &b, op::MUL_HIGH), (from_ref(high), false));
        prop_assert_eq!(run_op(&a, &b, op::EQ), (a, a == b));
        prop_assert_eq!(run_op(&a, &a, op::EQ), (a, true));
    }
}

#[test]
fn empty_message_has_the_published_digest() {
    // BLAKE2s-256("") from RFC 7693's reference implementation.
    let expected = "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9";
    let hex: String = blake2s::blake2s256(b"")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hex, expected);
}

#[test]
fn u256_wrappers_pass_the_carry_in() {
    let mut value = U256::MAX;
    assert!(value.add_with_carry(&U256::ZERO, true));
    assert_eq!(value, U256::ZERO);
    assert!(value.sub_with_borrow(&U256::ZERO, true));
    assert_eq!(value, U256::MAX);
    assert!(!value.copy_from(&U256::ONE, true));
    assert_eq!(value, U256::from_u64(2));
}
