//! The guest OS on RISC-V: the oracle is CSR 0x7C0, BLAKE2s goes through the delegation
//! circuit. Input and output: see `docs/oracle-protocol.md`. A fatal error prints its
//! reason on the console and ends in the abort instruction.
#![no_std]
#![no_main]

use zkos_guest_os::hash::RtBlake2s;
use zkos_guest_os::{DefaultEnvironment, OracleTransport};

struct CsrTransport;

impl OracleTransport for CsrTransport {
    fn read_word(&mut self) -> u32 {
        zkos_guest_rt::oracle::read()
    }

    fn write_word(&mut self, word: u32) {
        zkos_guest_rt::oracle::write(word)
    }
}

fn main() -> [u32; 8] {
    let environment = DefaultEnvironment::default();
    match zkos_guest_os::run_block(&mut CsrTransport, &RtBlake2s, &environment) {
        Ok(output) => output,
        Err(fatal) => {
            zkos_guest_rt::console::print(fatal.what);
            zkos_guest_rt::abort()
        }
    }
}

zkos_guest_rt::entry!(main);
