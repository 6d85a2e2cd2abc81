//! Writes `examples/erc20/state.json` and `examples/erc20/block.json`: a minimal ERC-20
//! token (hand-assembled below) and a block of token transfers between holders, the
//! workload of the profiler's figures. Run from the repository root:
//! `cargo run -p zkos-runner --example make_erc20_example`.
use std::collections::BTreeMap;
use zkos_runner::report::{block_json, state_json};
use zkos_runner::scenario::{block_env, funded, BASE_FEE, CHAIN_ID, ONE_ETHER};
use zkos_runner::txgen::{address_of, sign, TxSpec};
use zkos_runner::AccountState;
use zkos_system::types::keccak256;
use zkos_system::{Address, B256, U256};

const TOKEN: Address = [0xe2; 20];
const HOLDERS: u64 = 16;
const TRANSFERS: u64 = 32;
const INITIAL_TOKENS: u64 = 1_000_000;

/// `keccak256("Transfer(address,address,uint256)")`.
const TRANSFER_TOPIC: &str = "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

/// A tiny assembler: opcodes, pushes and forward labels.
#[derive(Default)]
struct Asm {
    code: Vec<u8>,
    labels: BTreeMap<&'static str, usize>,
    fixups: Vec<(usize, &'static str)>,
}

impl Asm {
    fn op(&mut self, bytes: &[u8]) -> &mut Self {
        self.code.extend_from_slice(bytes);
        self
    }
    fn push(&mut self, value: &[u8]) -> &mut Self {
        self.code.push(0x5f + value.len() as u8);
        self.op(value)
    }
    fn push_label(&mut self, label: &'static str) -> &mut Self {
        self.code.push(0x61); // PUSH2
        self.fixups.push((self.code.len(), label));
        self.op(&[0, 0])
    }
    fn label(&mut self, label: &'static str) -> &mut Self {
        self.labels.insert(label, self.code.len());
        self.op(&[0x5b]) // JUMPDEST
    }
    fn finish(&mut self) -> Vec<u8> {
        for &(at, label) in &self.fixups {
            let target = self.labels[label] as u16;
            self.code[at..at + 2].copy_from_slice(&target.to_be_bytes());
        }
        self.code.clone()
    }
}

// Opcodes used below.
const CALLDATALOAD: u8 = 0x35;
const SHR: u8 = 0x1c;
const DUP1: u8 = 0x80;
const DUP3: u8 = 0x82;
const DUP4: u8 = 0x83;
const SWAP1: u8 = 0x90;
const EQ: u8 = 0x14;
const LT: u8 = 0x10;
const ADD: u8 = 0x01;
const SUB: u8 = 0x03;
const JUMPI: u8 = 0x57;
const MSTORE: u8 = 0x52;
const KECCAK256: u8 = 0x20;
const SLOAD: u8 = 0x54;
const SSTORE: u8 = 0x55;
const CALLER: u8 = 0x33;
const LOG3: u8 = 0xa3;
const RETURN: u8 = 0xf3;
const REVERT: u8 = 0xfd;

/// `transfer(address,uint256)` and `balanceOf(address)`, balances at `keccak(holder ‖ 0)`.
fn token_code() -> Vec<u8> {
    let mut a = Asm::default();
    a.push(&[0]).op(&[CALLDATALOAD]).push(&[0xe0]).op(&[SHR]);
    a.op(&[DUP1])
        .push(&[0xa9, 0x05, 0x9c, 0xbb])
        .op(&[EQ])
        .push_label("transfer")
        .op(&[JUMPI]);
    a.op(&[DUP1])
        .push(&[0x70, 0xa0, 0x82, 0x31])
        .op(&[EQ])
        .push_label("balance_of")
        .op(&[JUMPI]);
    a.label("fail").push(&[0]).op(&[DUP1, REVERT]);

    // balanceOf: mstore(0, holder); mstore(32, 0); return sload(keccak(0, 64))
    a.label("balance_of")
        .push(&[4])
        .op(&[CALLDATALOAD])
        .push(&[0])
        .op(&[MSTORE]);
    a.push(&[0])
        .push(&[0x20])
        .op(&[MSTORE])
        .push(&[0x40])
        .push(&[0])
        .op(&[KECCAK256, SLOAD]);
    a.push(&[0])
        .op(&[MSTORE])
        .push(&[0x20])
        .push(&[0])
        .op(&[RETURN]);

    // transfer: from slot and balance, check, debit, credit, log, return true
    a.label("transfer").op(&[CALLER]).push(&[0]).op(&[MSTORE]);
    a.push(&[0])
        .push(&[0x20])
        .op(&[MSTORE])
        .push(&[0x40])
        .push(&[0])
        .op(&[KECCAK256]);
    a.op(&[DUP1, SLOAD]).push(&[0x24]).op(&[CALLDATALOAD]); // [from_slot, from_balance, amount]
    a.op(&[DUP1, DUP3, LT]).push_label("fail").op(&[JUMPI]);
    a.op(&[DUP1, DUP3, SUB, DUP4, SSTORE]); // from_balance - amount -> from_slot
    a.push(&[4]).op(&[CALLDATALOAD]).push(&[0]).op(&[MSTORE]);
    a.push(&[0x40]).push(&[0]).op(&[KECCAK256]); // [.., amount, to_slot]
    a.op(&[DUP1, SLOAD, DUP3, ADD, SWAP1, SSTORE]); // to_balance + amount -> to_slot
    a.push(&[0]).op(&[MSTORE]); // memory[0..32] = amount
    a.push(&[4]).op(&[CALLDATALOAD, CALLER]);
    a.push(&hex(TRANSFER_TOPIC))
        .push(&[0x20])
        .push(&[0])
        .op(&[LOG3]);
    a.push(&[1])
        .push(&[0])
        .op(&[MSTORE])
        .push(&[0x20])
        .push(&[0])
        .op(&[RETURN]);
    a.finish()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn word(address: &Address) -> B256 {
    let mut word = [0u8; 32];
    word[12..].copy_from_slice(address);
    word
}

fn balance_slot(holder: &Address) -> B256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(&word(holder));
    keccak256(&preimage)
}

fn main() {
    let (keys, mut pre) = funded(HOLDERS, U256::from(ONE_ETHER));
    let holders: Vec<Address> = keys.iter().map(address_of).collect();
    let storage = holders
        .iter()
        .map(|h| (balance_slot(h), U256::from(INITIAL_TOKENS)))
        .collect();
    pre.insert(
        TOKEN,
        AccountState {
            balance: U256::ZERO,
            nonce: 1,
            code: token_code(),
            storage,
        },
    );
    let mut nonces = vec![0u64; HOLDERS as usize];
    let transactions: Vec<Vec<u8>> = (0..TRANSFERS)
        .map(|i| {
            let from = (i % HOLDERS) as usize;
            let to = holders[((i * 7 + 3) % HOLDERS) as usize];
            let mut data = vec![0xa9, 0x05, 0x9c, 0xbb];
            data.extend_from_slice(&word(&to));
            data.extend_from_slice(&U256::from(100 + i).to_be_bytes::<32>());
            let spec = TxSpec {
                to: Some(TOKEN),
                data,
                gas_limit: 100_000,
                ..TxSpec::transfer(
                    CHAIN_ID,
                    nonces[from],
                    TOKEN,
                    U256::ZERO,
                    2 * BASE_FEE,
                    1_000_000,
                )
            };
            nonces[from] += 1;
            sign(&spec, &keys[from])
        })
        .collect();
    let block = block_json(&block_env(), &transactions, &[]);
    let pretty = |value| serde_json::to_string_pretty(&value).unwrap() + "\n";
    std::fs::create_dir_all("examples/erc20").unwrap();
    std::fs::write("examples/erc20/state.json", pretty(state_json(&pre))).unwrap();
    std::fs::write("examples/erc20/block.json", pretty(block)).unwrap();
}
