//! Field and scalar arithmetic against ruint's modular arithmetic, including
//! non-canonical (lazily reduced) field inputs anywhere below 2^256.
use proptest::prelude::*;
use ruint::aliases::U256 as Int;
use zkos_guest_rt::U256;
use zkos_secp256k1::{CurveField, Field, FieldElement, Scalar};

const N: Int =
    ruint::uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141_U256);
const P: Int =
    ruint::uint!(0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F_U256);

fn words(value: Int) -> U256 {
    U256(core::array::from_fn(|i| {
        (value >> (32 * i)).as_limbs()[0] as u32
    }))
}

fn field(value: Int) -> FieldElement {
    FieldElement::from_words_unreduced(words(value))
}

fn int(element: &FieldElement) -> Int {
    Int::from_be_bytes(Field::new().normalize(element).to_be_bytes())
}

/// Any 256-bit value, with extra weight on the ones at and above p.
fn field_value() -> impl Strategy<Value = Int> {
    prop_oneof![
        any::<[u8; 32]>().prop_map(Int::from_be_bytes),
        (0u64..5000).prop_map(|k| Int::MAX - Int::from(k)),
        (0u64..5000).prop_map(|k| P + Int::from(k)),
        (0u64..5000).prop_map(Int::from),
    ]
}

proptest! {
    #[test]
    fn field_operations_match_ruint(a in field_value(), b in field_value(), k in any::<u32>()) {
        let (x, y) = (field(a), field(b));
        let mut f = Field::new();
        prop_assert_eq!(int(&f.add(&x, &y)), a.add_mod(b, P));
        prop_assert_eq!(int(&f.double(&x)), a.add_mod(a, P));
        prop_assert_eq!(int(&f.sub(&x, &y)), (a % P).add_mod(P - b % P, P));
        prop_assert_eq!(int(&f.neg(&x)), (P - a % P) % P);
        prop_assert_eq!(int(&f.mul(&x, &y)), a.mul_mod(b, P));
        prop_assert_eq!(int(&f.square(&x)), a.mul_mod(a, P));
        prop_assert_eq!(int(&f.mul_small(&x, k)), a.mul_mod(Int::from(k), P));
        prop_assert_eq!(int(&x), a % P);
        prop_assert_eq!(f.is_zero(&x), a % P == Int::ZERO);
        prop_assert_eq!(f.is_odd(&x), (a % P).bit(0));
        prop_assert_eq!(f.equals(&x, &y), a % P == b % P);
        // The non-canonical alias a + p (where it fits in 256 bits) is the same element.
        if let Some(alias) = (a % P).checked_add(P) {
            prop_assert!(f.equals(&x, &field(alias)));
        }
    }

    #[test]
    fn field_inverse_and_square_root(a in field_value()) {
        let x = field(a);
        let mut f = Field::new();
        let expected_inverse = (a % P).inv_mod(P).unwrap_or(Int::ZERO);
        prop_assert_eq!(int(&f.invert(&x)), expected_inverse);
        let square = f.square(&x);
        let root = f.sqrt(&square).unwrap();
        prop_assert!(int(&root) == a % P || int(&root) == (P - a % P) % P);
        // Exactly one of a, -a is a square when a != 0 (p ≡ 3 mod 4).
        if a % P != Int::ZERO {
            let minus_x = f.neg(&x);
            prop_assert!(f.sqrt(&x).is_some() != f.sqrt(&minus_x).is_some());
        }
    }

    #[test]
    fn scalar_operations_match_ruint(a in any::<[u8; 32]>(), b in any::<[u8; 32]>()) {
        let (x, y) = (Scalar::from_be_bytes_reduced(&a), Scalar::from_be_bytes_reduced(&b));
        let (a, b) = (Int::from_be_bytes(a), Int::from_be_bytes(b));
        let scalar = |s: &Scalar| Int::from_be_bytes(s.to_be_bytes());
        prop_assert_eq!(scalar(&x), a % N);
        prop_assert_eq!(scalar(&x.mul(&y)), a.mul_mod(b, N));
        prop_assert_eq!(scalar(&x.neg()), (N - a % N) % N);
        prop_assert_eq!(scalar(&x.invert()), (a % N).inv_mod(N).unwrap_or(Int::ZERO));
        prop_assert_eq!(x.is_high(), a % N > N >> 1);
    }
}

#[test]
fn field_bytes_reject_values_from_p() {
    assert!(FieldElement::from_be_bytes(&(P - Int::from(1u64)).to_be_bytes()).is_some());
    assert!(FieldElement::from_be_bytes(&P.to_be_bytes()).is_none());
    assert!(FieldElement::from_be_bytes(&Int::MAX.to_be_bytes()).is_none());
}

#[test]
fn scalar_bytes_reject_zero_and_values_from_n() {
    let bytes = |v: Int| v.to_be_bytes::<32>();
    assert!(Scalar::from_be_bytes_nonzero(&bytes(Int::ZERO)).is_none());
    assert!(Scalar::from_be_bytes_nonzero(&bytes(N)).is_none());
    assert!(Scalar::from_be_bytes_nonzero(&bytes(N - Int::from(1u64))).is_some());
    assert!(Scalar::from_be_bytes_nonzero(&bytes(Int::from(1u64))).is_some());
}

const LAMBDA: Int =
    ruint::uint!(0x5363AD4CC05C30E0A5261C028812645A122E22EA20816678DF02967C1B23BD72_U256);

proptest! {
    /// k = k1 + k2·λ (mod n) with both halves below 2^128 in absolute value.
    #[test]
    fn lambda_split_halves_recombine(k in field_value()) {
        let scalar = Scalar::from_be_bytes_reduced(&k.to_be_bytes());
        let [k1, k2] = scalar.split_lambda();
        let signed = |half: &zkos_secp256k1::SignedHalf| {
            let magnitude = Int::from_limbs(core::array::from_fn(|i| {
                half.magnitude.0[2 * i] as u64 | (half.magnitude.0[2 * i + 1] as u64) << 32
            }));
            prop_assert!(magnitude < Int::from(1u8) << 128, "half {magnitude:#x}");
            Ok(if half.negative { (N - magnitude) % N } else { magnitude })
        };
        let (k1, k2) = (signed(&k1)?, signed(&k2)?);
        prop_assert_eq!(k1.add_mod(k2.mul_mod(LAMBDA, N), N), k % N);
    }
}
