//! Writes the generator tables of the scalar multiplications (`src/g_table.rs` includes
//! them): the affine odd multiples `B, 3B, 5B, ...` of B = G and of B = 2^64·G, from
//! k256, as the guest's field takes them (any representative; these are canonical).
//! `tests/g_table.rs` checks them against k256 again.
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::{ProjectivePoint, Scalar};
use std::fmt::Write;

/// Width of the generator's w-NAF digits: each table holds 2^(w-2) points (64 bytes
/// each, in ROM). Measured per recovery: w = 8 took 194.2 k effective cycles.
const G_WINDOW: u32 = 12;

fn main() {
    let two_64 = Scalar::from(1u64 << 32) * Scalar::from(1u64 << 32);
    let mut out = String::new();
    writeln!(out, "pub const G_WINDOW: u32 = {G_WINDOW};").unwrap();
    let tables = [
        ("G_ODD_MULTIPLES", ProjectivePoint::GENERATOR),
        ("G64_ODD_MULTIPLES", ProjectivePoint::GENERATOR * two_64),
    ];
    for (name, base) in tables {
        write_table(&mut out, name, base);
    }
    let path = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("g_table.rs");
    std::fs::write(path, out).unwrap();
    println!("cargo:rerun-if-changed=build.rs");
}

fn write_table(out: &mut String, name: &str, base: ProjectivePoint) {
    let count = 1usize << (G_WINDOW - 2);
    writeln!(out, "pub static {name}: [AffinePoint; {count}] = [").unwrap();
    let twice = base.double();
    let mut multiple = base;
    for _ in 0..count {
        let encoded = multiple.to_affine().to_encoded_point(false);
        let bytes = encoded.as_bytes();
        writeln!(
            out,
            "point({}, {}),",
            words(&bytes[1..33]),
            words(&bytes[33..65])
        )
        .unwrap();
        multiple += twice;
    }
    writeln!(out, "];").unwrap();
}

/// A big-endian coordinate as eight little-endian words.
fn words(bytes: &[u8]) -> String {
    let words: Vec<String> = bytes
        .rchunks_exact(4)
        .map(|c| format!("0x{:08X}", u32::from_be_bytes(c.try_into().unwrap())))
        .collect();
    format!("[{}]", words.join(", "))
}
