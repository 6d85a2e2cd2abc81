//! No input. Prints two console messages; output: the length of each and a marker.
#![no_std]
#![no_main]

use zkos_guest_rt::{console, println};

pub const GREETING: &str = "hello from a zkos guest";

fn main() -> [u32; 8] {
    console::print(GREETING);
    let answer = core::hint::black_box(6u32) * 7;
    println!("the answer is {answer}, in hex {answer:#x}");
    [GREETING.len() as u32, answer, 0xC0DE, 0, 0, 0, 0, 0]
}

zkos_guest_rt::entry!(main);
