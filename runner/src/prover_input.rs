//! The two files Airbender's `run` and `prove` commands take: the flat program image
//! padded to the full ROM, and the oracle stream the guest read, as hex words.
use crate::riscv::{os_program, RiscvRun};
use zkos_linker::{ROM_PADDING_WORD, ROM_SIZE};

/// The guest OS image, padded to 2 MiB with the unimp word.
pub fn padded_image() -> Vec<u8> {
    let image = os_program().image();
    assert!(
        image.len() <= ROM_SIZE as usize,
        "the guest OS image exceeds the ROM"
    );
    let mut padded = image.to_vec();
    padded.resize(image.len().next_multiple_of(4), 0);
    while padded.len() < ROM_SIZE as usize {
        padded.extend_from_slice(&ROM_PADDING_WORD.to_le_bytes());
    }
    padded
}

/// The stream of a RISC-V run in Airbender's hex format.
pub fn input_hex(run: &RiscvRun) -> String {
    zkos_emulator::to_hex_words(&run.run.stream)
}
