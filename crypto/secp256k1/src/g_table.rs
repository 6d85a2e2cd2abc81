//! The affine odd multiples `B, 3B, 5B, ...` of B = G and of B = (2^64)G, written at build
//! time from k256 by `build.rs` (and checked against k256 by `tests/g_table.rs`), with
//! the width of the w-NAF digits that index them, `G_WINDOW`.

use crate::field::FieldElement;
use crate::point::AffinePoint;
use zkos_guest_rt::U256;

const fn point(x: [u32; 8], y: [u32; 8]) -> AffinePoint {
    AffinePoint {
        x: FieldElement::from_words_unreduced(U256(x)),
        y: FieldElement::from_words_unreduced(U256(y)),
    }
}

include!(concat!(env!("OUT_DIR"), "/g_table.rs"));
