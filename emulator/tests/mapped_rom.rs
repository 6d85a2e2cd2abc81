//! A flat binary opened from its file is mapped into the machine's ROM, not copied: the
//! machine must see exactly the ROM a copy of the same bytes gives it.

use zkos_emulator::{FaultKind, Machine, Program, StreamOracle};
use zkos_linker::{ROM_END, ROM_PADDING_WORD};

const MARKER: u32 = 0xdead_beef;

/// Reads ROM at 0x1000 (the image's last word, in a page the file only partly fills), at
/// 0x1004 (past the image, in that page) and at 0x2000 (the page after), into x10..x12,
/// then stores x10 at `store_at` when it is in ROM, and ends.
fn image(store_into_rom: bool) -> Vec<u8> {
    let mut words = vec![
        0x0000_12b7, // lui x5, 1
        0x0002_a503, // lw x10, 0(x5)
        0x0042_a583, // lw x11, 4(x5)
        0x0000_2337, // lui x6, 2
        0x0003_2603, // lw x12, 0(x6)
    ];
    if store_into_rom {
        words.push(0x00a3_2223); // sw x10, 4(x6)
    }
    words.push(0x0000_006f); // jal x0, 0
    words.resize(0x1000 / 4, 0);
    words.push(MARKER);
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

fn from_file(bytes: &[u8]) -> (Program, tempfile::NamedTempFile) {
    let file = tempfile::NamedTempFile::new().expect("a temporary file");
    std::fs::write(file.path(), bytes).expect("written");
    let program = Program::open(file.path()).expect("a flat binary");
    (program, file)
}

#[test]
fn a_mapped_image_is_the_rom_a_copied_one_is() {
    let bytes = image(false);
    assert_eq!(bytes.len(), 0x1004, "the image ends inside a page");
    let (mapped, _file) = from_file(&bytes);
    let copied = Program::from_bytes(&bytes).expect("a flat binary");
    let mut machines = [&mapped, &copied].map(|p| Machine::new(p).expect("a machine"));
    for machine in &mut machines {
        machine
            .run(StreamOracle::new(Vec::new()), 1000)
            .expect("runs to its end loop");
        assert_eq!(
            machine.registers()[10..13],
            [MARKER, ROM_PADDING_WORD, ROM_PADDING_WORD]
        );
    }
    let [mapped, copied] = machines;
    for address in (0..ROM_END).step_by(4) {
        let (a, b) = (
            mapped.memory().word_at(address),
            copied.memory().word_at(address),
        );
        assert_eq!(a, b, "ROM word at 0x{address:08x}");
    }
}

#[test]
fn a_mapped_image_is_still_read_only() {
    let (program, file) = from_file(&image(true));
    let mut machine = Machine::new(&program).expect("a machine");
    let error = machine
        .run(StreamOracle::new(Vec::new()), 1000)
        .expect_err("a store into ROM faults");
    assert_eq!(error.fault.kind, FaultKind::RomWrite);
    assert_eq!(error.fault.address, Some(0x2004));
    assert_eq!(
        std::fs::read(file.path()).unwrap(),
        image(true),
        "the file is unchanged"
    );
}
