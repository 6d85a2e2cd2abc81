//! The generator table compiled into the crate is the odd multiples of G per p256, and
//! the Montgomery constants are those of p and n.
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{ProjectivePoint, Scalar};
use ruint::aliases::{U256 as Int, U512};
use zkos_ecc::Modulus;
use zkos_guest_rt::U256;
use zkos_p256::{BaseModulus, Field, GroupOrder, G_ODD_MULTIPLES};

#[test]
fn table_holds_the_odd_multiples_of_g() {
    assert_eq!(G_ODD_MULTIPLES.len(), 64);
    let mut f = Field::new();
    for (i, point) in G_ODD_MULTIPLES.iter().enumerate() {
        let expected = (ProjectivePoint::GENERATOR * Scalar::from(2 * i as u64 + 1)).to_affine();
        let expected = expected.to_encoded_point(false);
        assert_eq!(
            &point.to_uncompressed(&mut f)[..],
            &expected.as_bytes()[1..],
            "{}G",
            2 * i + 1
        );
    }
}

fn int(words: &U256) -> Int {
    Int::from_limbs(core::array::from_fn(|i| {
        words.0[2 * i] as u64 | (words.0[2 * i + 1] as u64) << 32
    }))
}

fn check_constants<M: Modulus>(modulus: &str) {
    let m = Int::from_str_radix(modulus, 16).unwrap();
    assert_eq!(int(&M::MODULUS), m);
    assert_eq!(
        int(&M::NEG_INVERSE).wrapping_mul(m),
        Int::MAX,
        "-m^-1 · m = -1"
    );
    let (r, m) = (U512::from(1u8) << 256, U512::from(m));
    assert_eq!(U512::from(int(&M::R)), r % m);
    assert_eq!(U512::from(int(&M::R_SQUARED)), (r % m) * (r % m) % m);
}

#[test]
fn montgomery_constants() {
    check_constants::<BaseModulus>(
        "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF",
    );
    check_constants::<GroupOrder>(
        "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
    );
}
