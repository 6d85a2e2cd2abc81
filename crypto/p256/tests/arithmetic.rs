//! The base field's arithmetic (Montgomery residues mod p and the a = -3 doubling slope)
//! against ruint's modular arithmetic.
use proptest::prelude::*;
use ruint::aliases::U256 as Int;
use zkos_ecc::CurveField;
use zkos_guest_rt::U256;
use zkos_p256::{Field, FieldElement};

const P: Int =
    ruint::uint!(0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF_U256);

fn words(value: Int) -> U256 {
    U256(core::array::from_fn(|i| {
        (value >> (32 * i)).as_limbs()[0] as u32
    }))
}

fn element(f: &mut Field, value: Int) -> FieldElement {
    f.from_canonical(&words(value % P)).unwrap()
}

fn int(f: &mut Field, element: &FieldElement) -> Int {
    Int::from_be_bytes(f.to_be_bytes(element))
}

fn field_value() -> impl Strategy<Value = Int> {
    prop_oneof![
        any::<[u8; 32]>().prop_map(|b| Int::from_be_bytes(b) % P),
        (1u64..5000).prop_map(|k| P - Int::from(k)),
        (0u64..5000).prop_map(Int::from),
    ]
}

proptest! {
    #[test]
    fn field_operations_match_ruint(a in field_value(), b in field_value(), k in any::<u32>()) {
        let mut f = Field::new();
        let (x, y) = (element(&mut f, a), element(&mut f, b));
        prop_assert_eq!(int(&mut f, &x), a);
        let sum = f.add(&x, &y);
        prop_assert_eq!(int(&mut f, &sum), a.add_mod(b, P));
        let difference = f.sub(&x, &y);
        prop_assert_eq!(int(&mut f, &difference), a.add_mod(P - b, P));
        let negated = f.neg(&x);
        prop_assert_eq!(int(&mut f, &negated), (P - a) % P);
        let product = f.mul(&x, &y);
        prop_assert_eq!(int(&mut f, &product), a.mul_mod(b, P));
        let small = f.mul_small(&x, k);
        prop_assert_eq!(int(&mut f, &small), a.mul_mod(Int::from(k), P));
        let inverse = f.invert(&x);
        prop_assert_eq!(int(&mut f, &inverse), a.inv_mod(P).unwrap_or(Int::ZERO));
        prop_assert_eq!(f.is_zero(&x), a == Int::ZERO);
        prop_assert_eq!(f.equals(&x, &y), a == b);
        // 3x² - 3z⁴
        let slope = f.doubling_slope(&x, &y);
        let expected = Int::from(3u8).mul_mod(a.mul_mod(a, P), P);
        let z4 = b.mul_mod(b, P).mul_mod(b.mul_mod(b, P), P);
        let expected = expected.add_mod(P - Int::from(3u8).mul_mod(z4, P), P);
        prop_assert_eq!(int(&mut f, &slope), expected);
    }
}

#[test]
fn canonical_values_stop_below_p() {
    let mut f = Field::new();
    assert!(f.from_canonical(&words(P - Int::from(1u8))).is_some());
    assert!(f.from_canonical(&words(P)).is_none());
    assert!(f.from_canonical(&words(Int::MAX)).is_none());
}
