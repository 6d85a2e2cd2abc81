//! The linker script and the constants must describe the same machine.
use zkos_linker::*;

fn script_hex(name: &str) -> u32 {
    let line = LINKER_SCRIPT
        .lines()
        .find(|l| l.trim_start().starts_with(name))
        .unwrap_or_else(|| panic!("{name} not in link.x"));
    let hex = line.split("0x").nth(1).expect("hex value");
    u32::from_str_radix(hex.trim_end_matches(';').trim(), 16).unwrap()
}

#[test]
fn linker_script_agrees_with_memory_map() {
    assert_eq!(script_hex("_stack_top"), STACK_TOP);
    assert_eq!(script_hex("_heap_start"), HEAP_START);
    assert_eq!(script_hex("_heap_end"), HEAP_END);
    assert!(LINKER_SCRIPT.contains("ROM (rx) : ORIGIN = 0x00000000, LENGTH = 0x00200000"));
    assert!(LINKER_SCRIPT.contains("RAM (rw) : ORIGIN = 0x00200000, LENGTH = 0x3FE00000"));
    assert_eq!(RAM_START + 0x3FE0_0000, RAM_END);
    assert_eq!(ROM_SIZE, 0x0020_0000);
}
