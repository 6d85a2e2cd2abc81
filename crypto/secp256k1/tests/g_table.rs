//! The generator table compiled into the crate is the odd multiples of G per k256.
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::{ProjectivePoint, Scalar};
use zkos_secp256k1::{Field, G_ODD_MULTIPLES};

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
