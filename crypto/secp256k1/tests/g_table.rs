//! The tables compiled into the crate are the odd multiples of G and of 2^64·G per k256.
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::{ProjectivePoint, Scalar};
use zkos_secp256k1::{AffinePoint, Field, G64_ODD_MULTIPLES, G_ODD_MULTIPLES, G_WINDOW};

fn assert_odd_multiples(table: &[AffinePoint], base: ProjectivePoint, name: &str) {
    assert_eq!(table.len(), 1 << (G_WINDOW - 2));
    let mut f = Field::new();
    for (i, point) in table.iter().enumerate() {
        let expected = (base * Scalar::from(2 * i as u64 + 1)).to_affine();
        let expected = expected.to_encoded_point(false);
        let multiple = 2 * i + 1;
        assert_eq!(
            &point.to_uncompressed(&mut f)[..],
            &expected.as_bytes()[1..],
            "{multiple}·{name}"
        );
    }
}

#[test]
fn table_holds_the_odd_multiples_of_g() {
    assert_odd_multiples(&G_ODD_MULTIPLES, ProjectivePoint::GENERATOR, "G");
}

#[test]
fn table_holds_the_odd_multiples_of_2_to_the_64_g() {
    let two_64 = Scalar::from(1u64 << 32) * Scalar::from(1u64 << 32);
    assert_odd_multiples(
        &G64_ODD_MULTIPLES,
        ProjectivePoint::GENERATOR * two_64,
        "2^64·G",
    );
}
