//! Pubdata: the state rebuilt from a genesis and the blocks' pubdata alone
//! (`zkos_runner::reconstruct`) equals the chain's state (root, next free leaf, accounts and
//! storage) after every block, over a 20-block chain of ETH and ERC-20 transfers,
//! deployments and storage deletions on both targets and over random blocks; and no change
//! of a block's pubdata goes unnoticed.
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use zkos_runner::chain::{run_chain, ChainBlock};
use zkos_runner::chain_scenario::withdraw_call;
use zkos_runner::input::BlockFile;
use zkos_runner::reconstruct::Reconstruction;
use zkos_runner::run::Target;
use zkos_runner::scenario::{block_env, fresh_address, funded, BASE_FEE, CHAIN_ID};
use zkos_runner::txgen::{address_of, sign, TxSpec};
use zkos_runner::{parse_state, PreState};
use zkos_system::messages::message_leaf;
use zkos_system::messages::messages_root;
use zkos_system::receipt::Outcome;
use zkos_system::types::keccak256;
use zkos_system::{Address, B256, U256};

/// The token of `examples/erc20` (balances at `keccak(holder ‖ 0)`), held by the first 16
/// funded keys with 1,000,000 tokens each.
const TOKEN: Address = [0xe2; 20];
const HOLDERS: usize = 16;
const INITIAL_TOKENS: u64 = 1_000_000;

fn genesis() -> PreState {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/erc20/state.json");
    parse_state(std::path::Path::new(path)).unwrap()
}

fn word(address: &Address) -> B256 {
    let mut word = [0u8; 32];
    word[12..].copy_from_slice(address);
    word
}

fn token_transfer(nonce: u64, to: &Address, amount: u64) -> TxSpec {
    let mut data = vec![0xa9, 0x05, 0x9c, 0xbb];
    data.extend_from_slice(&word(to));
    data.extend_from_slice(&U256::from(amount).to_be_bytes::<32>());
    TxSpec {
        data,
        gas_limit: 100_000,
        ..TxSpec::transfer(CHAIN_ID, nonce, TOKEN, U256::ZERO, 2 * BASE_FEE, 3)
    }
}

fn eth_transfer(nonce: u64, to: &Address, value: u64) -> TxSpec {
    TxSpec::transfer(CHAIN_ID, nonce, *to, U256::from(value), 2 * BASE_FEE, 3)
}

/// A creation whose constructor sets slot 0 to `tag` and whose runtime code is
/// `PUSH1 tag PUSH1 0 SSTORE STOP` (a different bytecode per tag).
fn deployment(nonce: u64, tag: u8) -> TxSpec {
    let runtime = [0x60, tag, 0x60, 0x00, 0x55, 0x00];
    let len = runtime.len() as u8;
    let mut init = vec![
        0x60, tag, 0x60, 0x00, 0x55, // sstore(0, tag)
        0x60, len, 0x60, 17, 0x60, 0x00, 0x39, // codecopy(0, 17, len)
        0x60, len, 0x60, 0x00, 0xf3, // return(0, len)
    ];
    init.extend_from_slice(&runtime);
    TxSpec {
        to: None,
        data: init,
        gas_limit: 200_000,
        ..TxSpec::transfer(CHAIN_ID, nonce, [0; 20], U256::ZERO, 2 * BASE_FEE, 3)
    }
}

/// What a block does, from the sender's index in the funded keys.
#[derive(Clone, Debug)]
enum Step {
    Eth {
        from: usize,
        to: Address,
        value: u64,
    },
    Token {
        from: usize,
        to: Address,
        amount: u64,
    },
    /// The sender's whole token balance, which deletes its slot.
    TokenAll {
        from: usize,
        to: Address,
    },
    Deploy {
        from: usize,
        tag: u8,
    },
    /// A withdrawal to L1 through the L1 messenger (an L2→L1 message).
    Withdraw {
        from: usize,
        value: u64,
    },
}

fn move_tokens(tokens: &mut BTreeMap<Address, u64>, from: &Address, to: &Address, amount: u64) {
    *tokens.get_mut(from).unwrap() -= amount;
    *tokens.entry(*to).or_default() += amount;
}

/// Signs the steps of each block, following nonces and token balances.
fn blocks(steps: &[Vec<Step>]) -> Vec<(String, BlockFile)> {
    let (keys, _) = funded(HOLDERS as u64, U256::ZERO);
    let mut nonces = [0u64; HOLDERS];
    let mut tokens: BTreeMap<Address, u64> = keys
        .iter()
        .map(|key| (address_of(key), INITIAL_TOKENS))
        .collect();
    steps
        .iter()
        .enumerate()
        .map(|(number, block)| {
            let transactions = block
                .iter()
                .map(|step| {
                    let from = match step {
                        Step::Eth { from, .. }
                        | Step::Token { from, .. }
                        | Step::TokenAll { from, .. }
                        | Step::Deploy { from, .. }
                        | Step::Withdraw { from, .. } => *from,
                    };
                    let sender = address_of(&keys[from]);
                    let nonce = nonces[from];
                    nonces[from] += 1;
                    let spec = match step {
                        Step::Eth { to, value, .. } => eth_transfer(nonce, to, *value),
                        Step::Token { to, amount, .. } => {
                            let amount = (*amount).min(tokens[&sender]);
                            move_tokens(&mut tokens, &sender, to, amount);
                            token_transfer(nonce, to, amount)
                        }
                        Step::TokenAll { to, .. } => {
                            let amount = tokens[&sender];
                            move_tokens(&mut tokens, &sender, to, amount);
                            token_transfer(nonce, to, amount)
                        }
                        Step::Deploy { tag, .. } => deployment(nonce, *tag),
                        Step::Withdraw { value, .. } => {
                            withdraw_call(nonce, &fresh_address(9999), U256::from(*value))
                        }
                    };
                    sign(&spec, &keys[from])
                })
                .collect();
            let file = BlockFile {
                env: block_env(),
                transactions,
                number: None,
                timestamp: Some(1_700_000_000 + 12 * (number as u64 + 1)),
                block_hashes: Vec::new(),
            };
            (format!("block-{:02}", number + 1), file)
        })
        .collect()
}

fn holder(index: usize) -> Address {
    let (keys, _) = funded(HOLDERS as u64, U256::ZERO);
    address_of(&keys[index])
}

/// Twenty blocks: ETH and token transfers to holders and to fresh receivers, deployments,
/// whole-balance token transfers (slot deletions), and an empty block.
fn scenario() -> Vec<Vec<Step>> {
    (0..20usize)
        .map(|b| {
            if b == 9 {
                return Vec::new();
            }
            let from = |k: usize| (b * 3 + k) % HOLDERS;
            let mut steps = vec![
                Step::Eth {
                    from: from(0),
                    to: holder((b + 5) % HOLDERS),
                    value: 1_000 + b as u64,
                },
                Step::Eth {
                    from: from(1),
                    to: fresh_address(b as u64),
                    value: 7,
                },
                Step::Token {
                    from: from(2),
                    to: holder((b + 1) % HOLDERS),
                    amount: 10 + b as u64,
                },
                Step::Token {
                    from: from(0),
                    to: fresh_address(1000 + b as u64),
                    amount: 1 << (b % 20),
                },
                if b % 4 == 3 {
                    Step::TokenAll {
                        from: from(1),
                        to: holder(b % HOLDERS),
                    }
                } else {
                    Step::Deploy {
                        from: from(1),
                        tag: b as u8,
                    }
                },
            ];
            if b % 5 == 4 {
                steps.push(Step::Withdraw {
                    from: from(2),
                    value: 5_000,
                });
            }
            steps
        })
        .collect()
}

fn chain() -> &'static Vec<ChainBlock> {
    static CHAIN: OnceLock<Vec<ChainBlock>> = OnceLock::new();
    CHAIN.get_or_init(|| {
        run_chain(genesis(), blocks(&scenario()), Target::Both, u64::MAX)
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

/// Rebuilds the chain's state from its pubdata, checking it after every block.
fn check_reconstruction(chain: &[ChainBlock]) {
    let mut rebuilt = Reconstruction::from_genesis(genesis());
    for block in chain {
        let outcome = &block.runs.primary().outcome;
        let sealed = &block.runs.sealed;
        assert_eq!(sealed.output.da_commitment, keccak256(&outcome.pubdata));
        rebuilt
            .apply(sealed.output.number, &outcome.pubdata)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            rebuilt.commitment(),
            sealed.chain_state.state,
            "block {}",
            sealed.output.number
        );
        assert_eq!(rebuilt.post, block.world.post_state(outcome));
    }
}

#[test]
fn twenty_blocks_rebuild_from_pubdata_alone() {
    let chain = chain();
    assert_eq!(chain.len(), 20);
    let receipts = chain
        .iter()
        .flat_map(|b| &b.runs.primary().outcome.receipts);
    assert!(receipts.clone().all(|r| r.outcome == Outcome::Success));
    let created = receipts.filter(|r| r.contract_address.is_some()).count();
    assert_eq!(created, 14, "deployments");
    check_reconstruction(chain);
    let last = chain.last().unwrap();
    let post = last.world.post_state(&last.runs.primary().outcome);
    // Block 4 sent holder 10's whole token balance away: its slot is deleted.
    let slot = balance_slot(&holder(10));
    assert!(genesis()[&TOKEN].storage.contains_key(&slot));
    assert!(!post[&TOKEN].storage.contains_key(&slot));
}

fn balance_slot(holder: &Address) -> B256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(&word(holder));
    keccak256(&preimage)
}

/// The messages root of decoded pubdata's messages.
fn published_messages_root(pubdata: &zkos_system::pubdata::Pubdata) -> B256 {
    let leaves: Vec<B256> = pubdata
        .messages
        .iter()
        .map(|m| message_leaf(&m.sender, m.tx_index, &m.data))
        .collect();
    messages_root(&leaves).unwrap()
}

/// Every one-bit change of a block's pubdata (and every truncation, and a byte appended)
/// is refused, or rebuilds another state, or publishes other messages than the block's
/// messages root: none goes unnoticed.
#[test]
fn no_change_of_pubdata_goes_unnoticed() {
    let chain = chain();
    let target = 4; // block 5: transfers, a deployment, a withdrawal
    let mut before = Reconstruction::from_genesis(genesis());
    for block in &chain[..target] {
        let outcome = &block.runs.primary().outcome;
        before
            .apply(block.runs.sealed.output.number, &outcome.pubdata)
            .unwrap();
    }
    let block = &chain[target];
    let sealed = &block.runs.sealed;
    let pubdata = &block.runs.primary().outcome.pubdata;
    let decoded = before.clone().apply(sealed.output.number, pubdata).unwrap();
    assert_eq!(decoded.messages.len(), 1);
    assert_eq!(decoded.bytecodes.len(), 1);
    assert_eq!(
        published_messages_root(&decoded),
        sealed.output.messages_root
    );
    let noticed = |bytes: &[u8]| match before.clone().apply(sealed.output.number, bytes) {
        Err(error) => {
            assert_eq!(error.block, sealed.output.number);
            assert!(error.offset <= bytes.len(), "{error}");
            true
        }
        Ok(decoded) => {
            // A rebuilt state is compared through the whole reconstruction.
            let mut rebuilt = before.clone();
            rebuilt.apply(sealed.output.number, bytes).unwrap();
            rebuilt.commitment() != sealed.chain_state.state
                || published_messages_root(&decoded) != sealed.output.messages_root
        }
    };
    let mut unnoticed = Vec::new();
    for index in 0..pubdata.len() {
        for bit in 0..8 {
            let mut bytes = pubdata.clone();
            bytes[index] ^= 1 << bit;
            if !noticed(&bytes) {
                unnoticed.push((index, bit));
            }
        }
    }
    assert!(unnoticed.is_empty(), "unnoticed bit flips: {unnoticed:?}");
    for len in 0..pubdata.len() {
        assert!(noticed(&pubdata[..len]), "truncated to {len} bytes");
    }
    let mut longer = pubdata.clone();
    longer.push(0);
    assert!(before.clone().apply(sealed.output.number, &longer).is_err());
}

fn step() -> impl Strategy<Value = Step> {
    let to = prop_oneof![
        (0..HOLDERS).prop_map(holder),
        (0..6u64).prop_map(fresh_address)
    ];
    let from = 0..HOLDERS;
    prop_oneof![
        (from.clone(), to.clone(), 0..5_000u64).prop_map(|(from, to, value)| Step::Eth {
            from,
            to,
            value
        }),
        (from.clone(), to.clone(), 0..2_000_000u64)
            .prop_map(|(from, to, amount)| { Step::Token { from, to, amount } }),
        (from.clone(), to).prop_map(|(from, to)| Step::TokenAll { from, to }),
        (from.clone(), any::<u8>()).prop_map(|(from, tag)| Step::Deploy { from, tag }),
        (from, 0..10_000u64).prop_map(|(from, value)| Step::Withdraw { from, value }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Random blocks of transfers, token moves, deletions, deployments and withdrawals: the
    /// state rebuilt from pubdata equals the chain's after every block.
    #[test]
    fn random_blocks_rebuild_from_pubdata(
        steps in prop::collection::vec(prop::collection::vec(step(), 0..6), 1..5)
    ) {
        let chain = run_chain(genesis(), blocks(&steps), Target::Native, u64::MAX)
            .unwrap_or_else(|e| panic!("{e}"));
        check_reconstruction(&chain);
    }
}

/// Pubdata bytes one more transfer adds to a block (a block of five transfers from distinct
/// senders minus one of four), beside the raw transaction's size. Printed for the notes;
/// the bound is that publishing a transfer takes fewer bytes than the transaction itself.
#[test]
fn pubdata_per_transfer() {
    type Make = fn(usize) -> Step;
    let cases: [(&str, Make); 4] = [
        ("ETH transfer, existing receiver", |i| Step::Eth {
            from: i,
            to: holder(8 + i),
            value: 1_000_000_000,
        }),
        ("ETH transfer, fresh receiver", |i| Step::Eth {
            from: i,
            to: fresh_address(500 + i as u64),
            value: 1_000_000_000,
        }),
        ("ERC-20 transfer, existing receiver", |i| Step::Token {
            from: i,
            to: holder(8 + i),
            amount: 12_345,
        }),
        ("ERC-20 transfer, fresh receiver", |i| Step::Token {
            from: i,
            to: fresh_address(600 + i as u64),
            amount: 12_345,
        }),
    ];
    for (name, make) in cases {
        let pubdata_of = |count: usize| {
            let steps = vec![(0..count).map(make).collect::<Vec<_>>()];
            let files = blocks(&steps);
            let raw = files[0].1.transactions.last().unwrap().len();
            let chain = run_chain(genesis(), files, Target::Native, u64::MAX).unwrap();
            let outcome = &chain[0].runs.primary().outcome;
            assert!(outcome
                .receipts
                .iter()
                .all(|r| r.outcome == Outcome::Success));
            (outcome.pubdata.len(), raw)
        };
        let ((four, _), (five, raw)) = (pubdata_of(4), pubdata_of(5));
        let per_transfer = five - four;
        println!("{name}: {per_transfer} pubdata bytes (raw transaction {raw} bytes)");
        assert!(per_transfer > 0 && per_transfer < raw, "{name}");
    }
}
