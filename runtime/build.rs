//! Puts the project's linker script on the linker search path of every RISC-V program
//! that depends on this crate, so the program's rustflags only need `-Tlink.x`.
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let linker_dir = manifest_dir.join("../linker");
    println!(
        "cargo:rerun-if-changed={}",
        linker_dir.join("link.x").display()
    );
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("riscv32") {
        println!("cargo:rustc-link-search={}", linker_dir.display());
    }
}
