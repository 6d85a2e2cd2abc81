//! A rollup chain of blocks (`zkos_runner::chain_scenario`) on both targets: blocks tied by
//! their chain states, BLOCKHASH served from the committed window, L2→L1 messages checked
//! against the messages root by an independent keccak256 Merkle tree, withdrawals and
//! deposits, and the blocks the guest or the host must refuse.
use sha3::{Digest, Keccak256};
use std::sync::OnceLock;
use zkos_runner::chain::{run_chain, run_next, ChainBlock, ChainError};
use zkos_runner::chain_scenario::{
    chain_scenario, deposit, ChainScenario, BLOCKHASH_REPORTER, REVERTING_SENDER, WRAPPER,
};
use zkos_runner::native::GuestFault;
use zkos_runner::run::{RunError, Target};
use zkos_runner::scenario::{fresh_address, BASE_FEE, CHAIN_ID};
use zkos_runner::txgen::{sign, TxSpec};
use zkos_system::hash::SoftwareBlake2s;
use zkos_system::l1_messenger::L1_MESSENGER;
use zkos_system::receipt::Outcome;
use zkos_system::{B256, U256};

const BLOCKS: u64 = 10;

fn keccak(data: &[u8]) -> B256 {
    Keccak256::digest(data).into()
}

/// The ten-block chain, run once on both targets (which must agree on every block).
fn chain() -> &'static (ChainScenario, Vec<ChainBlock>) {
    static CHAIN: OnceLock<(ChainScenario, Vec<ChainBlock>)> = OnceLock::new();
    CHAIN.get_or_init(|| {
        let scenario = chain_scenario(BLOCKS);
        let files = named(&scenario);
        let blocks = run_chain(scenario.genesis.clone(), files, Target::Both, u64::MAX)
            .unwrap_or_else(|e| panic!("{e}"));
        (scenario, blocks)
    })
}

fn named(scenario: &ChainScenario) -> Vec<(String, zkos_runner::input::BlockFile)> {
    scenario
        .blocks
        .iter()
        .enumerate()
        .map(|(i, block)| (format!("block-{}", i + 1), block.clone()))
        .collect()
}

fn outcome(block: &ChainBlock) -> &zkos_system::executor::BlockOutcome {
    &block.runs.primary().outcome
}

#[test]
fn ten_blocks_are_chained_on_both_targets() {
    let (_, blocks) = chain();
    assert_eq!(blocks.len(), BLOCKS as usize);
    for (index, block) in blocks.iter().enumerate() {
        assert_eq!(block.world.env.number, index as u64 + 1);
        let native = block.runs.native.as_ref().unwrap();
        let riscv = &block.runs.riscv.as_ref().unwrap().run;
        assert_eq!(native.output, riscv.output, "block {}", index + 1);
        assert!(
            outcome(block)
                .receipts
                .iter()
                .all(|r| !matches!(r.outcome, Outcome::Invalid(_))),
            "block {}: {:?}",
            index + 1,
            outcome(block).receipts
        );
        if index > 0 {
            let previous = &blocks[index - 1].runs.sealed;
            assert_eq!(block.world.previous_chain_state(), previous.chain_state);
            assert_eq!(block.world.block_hashes.last(), previous.block_hash);
        }
    }
}

/// The hash a block's header encoding gives, recomputed here from the documented layout
/// with a hand-written RLP and the sha3 crate.
fn independent_block_hash(block: &ChainBlock, parent: &B256) -> B256 {
    fn rlp_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
        match bytes {
            [b] if *b < 0x80 => out.push(*b),
            _ if bytes.len() < 56 => {
                out.push(0x80 + bytes.len() as u8);
                out.extend_from_slice(bytes);
            }
            _ => unreachable!("header fields are short"),
        }
    }
    fn rlp_uint(out: &mut Vec<u8>, value: U256) {
        let bytes = value.to_be_bytes::<32>();
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(32);
        rlp_bytes(out, &bytes[first..]);
    }
    let env = &block.world.env;
    let sealed = &block.runs.sealed;
    let state = sealed.chain_state.state;
    let mut payload = Vec::new();
    rlp_bytes(&mut payload, parent);
    rlp_bytes(&mut payload, &env.coinbase);
    rlp_bytes(&mut payload, &state.root);
    rlp_uint(&mut payload, U256::from(state.next_free));
    rlp_bytes(&mut payload, &sealed.output.transactions_commitment);
    rlp_bytes(&mut payload, &sealed.output.receipts_commitment);
    for value in [
        env.number,
        env.gas_limit,
        sealed.output.gas_used,
        env.timestamp,
    ] {
        rlp_uint(&mut payload, U256::from(value));
    }
    rlp_bytes(&mut payload, &env.prevrandao);
    rlp_uint(&mut payload, env.base_fee);
    rlp_uint(&mut payload, U256::from(env.excess_blob_gas));
    rlp_uint(&mut payload, U256::from(env.chain_id));
    rlp_uint(&mut payload, U256::from(env.spec as u8));
    rlp_uint(&mut payload, U256::from(env.native_limits as u8));
    assert!(payload.len() < 256);
    let mut list = vec![0xf8, payload.len() as u8];
    list.extend_from_slice(&payload);
    keccak(&list)
}

#[test]
fn blockhash_of_the_previous_block_is_the_hash_the_guest_computed() {
    let (_, blocks) = chain();
    let mut checked = 0;
    for (index, block) in blocks.iter().enumerate() {
        let parent = index
            .checked_sub(1)
            .map_or([0u8; 32], |i| blocks[i].runs.sealed.block_hash);
        assert_eq!(
            block.runs.sealed.block_hash,
            independent_block_hash(block, &parent),
            "block {}",
            index + 1
        );
        let reported: Vec<&Vec<u8>> = outcome(block)
            .receipts
            .iter()
            .flat_map(|r| &r.messages)
            .filter(|m| m.sender == BLOCKHASH_REPORTER)
            .map(|m| &m.data)
            .collect();
        // Block 1 has no previous block to report, block 4 only a withdrawal.
        if index == 0 || index == 3 {
            assert!(reported.is_empty());
            continue;
        }
        assert_eq!(reported, [&parent.to_vec()], "block {}", index + 1);
        let post = block.world.post_state(outcome(block));
        let slot = post[&BLOCKHASH_REPORTER].storage[&[0u8; 32]];
        assert_eq!(slot.to_be_bytes::<32>(), parent);
        checked += 1;
    }
    assert_eq!(checked, BLOCKS - 2);
}

/// RLP written here from the Yellow Paper's rules, for the commitments' independent check.
fn rlp_item(out: &mut Vec<u8>, list: bool, payload: &[u8]) {
    let (short, long) = if list { (0xc0, 0xf7) } else { (0x80, 0xb7) };
    if !list && payload.len() == 1 && payload[0] < 0x80 {
        out.push(payload[0]);
    } else if payload.len() < 56 {
        out.push(short + payload.len() as u8);
    } else {
        let len = payload.len().to_be_bytes();
        let len = &len[len.iter().position(|&b| b != 0).unwrap()..];
        out.push(long + len.len() as u8);
        out.extend_from_slice(len);
    }
    if list || payload.len() != 1 || payload[0] >= 0x80 {
        out.extend_from_slice(payload);
    }
}

fn rlp_u64(out: &mut Vec<u8>, value: u64) {
    let bytes = value.to_be_bytes();
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(8);
    rlp_item(out, false, &bytes[first..]);
}

#[test]
fn the_transactions_and_receipts_commitments_follow_their_documented_encodings() {
    use blake2::{Blake2s256, Digest as _};
    let (_, blocks) = chain();
    let mut logs_seen = 0;
    for block in blocks {
        let hashes: Vec<u8> = block
            .world
            .transactions
            .iter()
            .flat_map(|raw| <[u8; 32]>::from(Blake2s256::digest(raw)))
            .collect();
        let transactions: B256 = Blake2s256::digest(&hashes).into();
        let mut receipts = Vec::new();
        for receipt in &outcome(block).receipts {
            let mut logs = Vec::new();
            for log in &receipt.logs {
                let mut topics = Vec::new();
                for topic in &log.topics {
                    rlp_item(&mut topics, false, topic);
                }
                let mut entry = Vec::new();
                rlp_item(&mut entry, false, &log.address);
                rlp_item(&mut entry, true, &topics);
                rlp_item(&mut entry, false, &log.data);
                rlp_item(&mut logs, true, &entry);
                logs_seen += 1;
            }
            let status = match receipt.outcome {
                Outcome::Failure => 0,
                Outcome::Success => 1,
                Outcome::Invalid(_) => 2,
            };
            let mut payload = Vec::new();
            rlp_u64(&mut payload, status);
            rlp_u64(&mut payload, receipt.cumulative_gas_used);
            rlp_item(&mut payload, true, &logs);
            rlp_item(&mut receipts, true, &payload);
        }
        let receipts: B256 = Blake2s256::digest(&receipts).into();
        let output = &block.runs.sealed.output;
        assert_eq!(output.transactions_commitment, transactions);
        assert_eq!(output.receipts_commitment, receipts);
    }
    assert!(logs_seen > 0, "the chain's receipts carry logs");
}

/// The root of a depth-16 keccak256 tree whose leaf `index` is `leaf`, from the proof.
fn root_from_proof(leaf: B256, index: usize, proof: &[B256]) -> B256 {
    assert_eq!(proof.len(), 16);
    proof
        .iter()
        .enumerate()
        .fold(leaf, |node, (depth, sibling)| {
            let pair = if (index >> depth) & 1 == 0 {
                [node, *sibling]
            } else {
                [*sibling, node]
            };
            keccak(&pair.concat())
        })
}

#[test]
fn every_message_proof_verifies_against_the_messages_root() {
    let (_, blocks) = chain();
    let mut proved = 0;
    for block in blocks {
        let report = zkos_runner::report::chain_block_json(block);
        let root = hex_b256(&report["messages_root"]);
        assert_eq!(root, block.runs.sealed.output.messages_root);
        for (index, message) in report["messages"].as_array().unwrap().iter().enumerate() {
            let sender = hex_bytes(&message["sender"]);
            let tx_index = message["tx_index"].as_u64().unwrap() as u32;
            let data = hex_bytes(&message["message"]);
            let leaf = keccak(&[&sender[..], &tx_index.to_be_bytes(), &keccak(&data)].concat());
            assert_eq!(leaf, hex_b256(&message["leaf"]));
            let proof: Vec<B256> = message["proof"]
                .as_array()
                .unwrap()
                .iter()
                .map(hex_b256)
                .collect();
            assert_eq!(root_from_proof(leaf, index, &proof), root);
            let mut wrong = proof.clone();
            wrong[3][0] ^= 1;
            assert_ne!(root_from_proof(leaf, index, &wrong), root);
            proved += 1;
        }
    }
    assert!(proved >= BLOCKS as usize, "only {proved} messages");
}

#[test]
fn a_message_sent_in_a_reverted_frame_is_dropped() {
    let (_, blocks) = chain();
    let block = &blocks[2];
    let receipts = &outcome(block).receipts;
    let wrapper_call = &receipts[1];
    assert_eq!(wrapper_call.outcome, Outcome::Success);
    let mut beef = [0u8; 32];
    beef[30..].copy_from_slice(&[0xbe, 0xef]);
    let messages: Vec<_> = wrapper_call
        .messages
        .iter()
        .map(|m| (m.sender, m.data.clone()))
        .collect();
    assert_eq!(messages, [(WRAPPER, beef.to_vec())]);
    let senders: Vec<_> = receipts
        .iter()
        .flat_map(|r| &r.messages)
        .map(|m| m.sender)
        .collect();
    assert!(!senders.contains(&REVERTING_SENDER), "{senders:?}");
}

#[test]
fn a_withdrawal_burns_its_value_and_sends_the_documented_message() {
    let (scenario, blocks) = chain();
    let (receiver, amount) = scenario.withdrawal;
    let block = &blocks[3];
    let receipt = &outcome(block).receipts[0];
    assert_eq!(receipt.outcome, Outcome::Success);
    let mut expected = vec![0x6c, 0x09, 0x60, 0xf9];
    expected.extend_from_slice(&receiver);
    expected.extend_from_slice(&amount.to_be_bytes::<32>());
    let messages: Vec<_> = receipt
        .messages
        .iter()
        .map(|m| (m.sender, m.data.clone()))
        .collect();
    assert_eq!(messages, [(L1_MESSENGER, expected)]);
    let before = &block.world.pre;
    let after = block.world.post_state(outcome(block));
    let sender = receipt.sender.unwrap();
    let fee = U256::from(receipt.gas_used) * U256::from(BASE_FEE + 1);
    assert_eq!(
        after[&sender].balance,
        before[&sender].balance - amount - fee
    );
    assert!(
        !after.contains_key(&L1_MESSENGER),
        "the value is burned, not kept"
    );
    assert!(
        !after.contains_key(&receiver),
        "the L1 receiver gets nothing on L2"
    );
}

#[test]
fn deposits_mint_and_keep_their_mint_when_their_call_reverts() {
    let (scenario, blocks) = chain();
    let (depositor, mint) = scenario.deposited;
    let first = &blocks[0];
    let post = first.world.post_state(outcome(first));
    assert_eq!(post[&depositor].balance, mint - U256::from(1000));
    assert_eq!(post[&depositor].nonce, 1);
    assert_eq!(post[&fresh_address(101)].balance, U256::from(1000));
    let raw = &scenario.blocks[0].transactions[0];
    assert_eq!(first.runs.sealed.output.priority_ops_count, 1);
    assert_eq!(
        first.runs.sealed.output.priority_ops_hash,
        keccak(&[[0u8; 32], keccak(raw)].concat())
    );

    let third = &blocks[2];
    let receipt = &outcome(third).receipts[0];
    assert_eq!(receipt.outcome, Outcome::Failure, "the call reverts");
    let post = third.world.post_state(outcome(third));
    assert_eq!(post[&fresh_address(102)].balance, mint);
    let raw = &scenario.blocks[2].transactions[0];
    assert_eq!(third.runs.sealed.output.priority_ops_count, 1);
    assert_eq!(
        third.runs.sealed.output.priority_ops_hash,
        keccak(&[[0u8; 32], keccak(raw)].concat())
    );
    assert_eq!(blocks[1].runs.sealed.output.priority_ops_count, 0);
    assert_eq!(blocks[1].runs.sealed.output.priority_ops_hash, [0u8; 32]);
}

/// The guest's reason when it rejects the second block of a chain changed by `edit`.
fn second_block_rejection(edit: impl FnOnce(&mut zkos_runner::input::BlockFile)) -> String {
    let scenario = chain_scenario(2);
    let mut files = named(&scenario);
    edit(&mut files[1].1);
    for target in [Target::Native, Target::Riscv] {
        match run_chain(scenario.genesis.clone(), files.clone(), target, u64::MAX) {
            Err(ChainError::Block {
                source: RunError::Guest { fault, .. },
                ..
            }) => {
                if target == Target::Native {
                    let GuestFault::Abort(reason) = fault else {
                        panic!("{fault}")
                    };
                    return reason;
                }
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("the block was accepted"),
        }
    }
    unreachable!()
}

#[test]
fn a_block_whose_number_is_not_the_next_is_rejected() {
    for number in [1, 3, 7] {
        let reason = second_block_rejection(|block| block.number = Some(number));
        assert!(
            reason.contains("not the previous block's number + 1"),
            "{reason}"
        );
    }
}

#[test]
fn a_block_whose_timestamp_goes_back_is_rejected() {
    let reason = second_block_rejection(|block| {
        block.timestamp = Some(zkos_runner::chain_scenario::timestamp(1) - 1)
    });
    assert!(reason.contains("timestamp"), "{reason}");
    // The same timestamp as the previous block is allowed.
    let scenario = chain_scenario(2);
    let mut files = named(&scenario);
    files[1].1.timestamp = Some(zkos_runner::chain_scenario::timestamp(1));
    run_chain(scenario.genesis.clone(), files, Target::Native, 0).unwrap();
}

#[test]
fn a_deposit_after_an_l2_transaction_is_rejected() {
    let reason = second_block_rejection(|block| {
        let late = deposit(
            9,
            fresh_address(9),
            fresh_address(10),
            U256::from(5),
            U256::ZERO,
        );
        block.transactions.push(late);
    });
    assert!(
        reason.contains("deposit after an L2 transaction"),
        "{reason}"
    );
}

#[test]
fn a_block_on_another_previous_chain_state_is_refused() {
    let (scenario, blocks) = chain();
    let second = &blocks[1];
    // Block 3 built on block 2's pre-state (not its post-state) is not chained to block 2.
    let mut world = zkos_runner::World::new(
        second.world.pre.clone(),
        second.world.env.clone(),
        scenario.blocks[2].transactions.clone(),
    );
    world.env.number = 3;
    world.previous_number = 2;
    world.block_hashes = second
        .world
        .block_hashes
        .pushed(second.runs.sealed.block_hash);
    world.previous_timestamp = second.world.env.timestamp;
    let last = second.runs.sealed.chain_state;
    match run_next("block-3", &last, world, Target::Native, 0) {
        Err(ChainError::NotChained { expected, .. }) => {
            assert_eq!(expected, hex::encode(last.hash(&SoftwareBlake2s)))
        }
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("accepted a block on another chain state"),
    }
}

#[test]
fn a_transaction_into_the_messenger_from_a_static_call_fails() {
    // STATICCALL(gas, 0x8008, 0, 0x64, 0, 0) with sendToL1's calldata, result stored in slot 1.
    let code = hex::decode(concat!(
        "6362f84b2460e01b600052602060045260206024526001604452",
        "600060006064600061800861fffffa",
        "600155",
        "00"
    ))
    .unwrap();
    let scenario = chain_scenario(1);
    let mut genesis = scenario.genesis.clone();
    let caller = fresh_address(55);
    genesis.insert(
        caller,
        zkos_runner::AccountState {
            code,
            nonce: 1,
            ..Default::default()
        },
    );
    let spec = TxSpec {
        gas_limit: 200_000,
        ..TxSpec::transfer(CHAIN_ID, 0, caller, U256::ZERO, 2 * BASE_FEE, 1)
    };
    let mut files = named(&scenario);
    files[0].1.transactions = vec![sign(&spec, &scenario.keys[1])];
    let blocks = run_chain(genesis, files, Target::Both, u64::MAX).unwrap();
    let receipt = &outcome(&blocks[0]).receipts[0];
    assert_eq!(receipt.outcome, Outcome::Success);
    assert!(receipt.messages.is_empty());
    let post = blocks[0].world.post_state(outcome(&blocks[0]));
    let mut slot_one = [0u8; 32];
    slot_one[31] = 1;
    assert!(
        !post[&caller].storage.contains_key(&slot_one),
        "STATICCALL returned 0"
    );
}

fn hex_bytes(value: &serde_json::Value) -> Vec<u8> {
    hex::decode(value.as_str().unwrap().trim_start_matches("0x")).unwrap()
}

fn hex_b256(value: &serde_json::Value) -> B256 {
    hex_bytes(value).try_into().unwrap()
}

/// `sendToL1(message)`'s calldata.
fn send_to_l1_calldata(message: &[u8]) -> Vec<u8> {
    let mut data = vec![0x62, 0xf8, 0x4b, 0x24];
    data.extend(U256::from(32).to_be_bytes::<32>());
    data.extend(U256::from(message.len()).to_be_bytes::<32>());
    data.extend(message);
    data.resize(4 + 64 + message.len().div_ceil(32) * 32, 0);
    data
}

fn calldata_gas(data: &[u8]) -> u64 {
    data.iter().map(|&b| if b == 0 { 4 } else { 16 }).sum()
}

#[test]
fn the_messenger_serves_transactions_and_refuses_what_it_must() {
    let scenario = chain_scenario(1);
    let key = &scenario.keys[2];
    let message = b"hello, L1: a message of forty-two bytes!!!".to_vec();
    let data = send_to_l1_calldata(&message);
    // The documented price: 5000 + 16 per byte + LOG3 with the ABI-encoded bytes as data.
    let padded = 64 + message.len().div_ceil(32) * 32;
    let send_cost = 5_000 + 16 * message.len() as u64 + 375 + 3 * 375 + 8 * padded as u64;
    let intrinsic = 21_000 + calldata_gas(&data);
    let to_messenger = |nonce, data: Vec<u8>, value: u64, gas_limit| TxSpec {
        gas_limit,
        data,
        ..TxSpec::transfer(
            CHAIN_ID,
            nonce,
            L1_MESSENGER,
            U256::from(value),
            2 * BASE_FEE,
            1,
        )
    };
    let mut bad_address = vec![0x51, 0xcf, 0xf8, 0xd9];
    bad_address.extend([0xff; 32]);
    let txs = [
        to_messenger(0, data.clone(), 0, 100_000),
        to_messenger(1, data.clone(), 1, 100_000),
        to_messenger(2, data.clone(), 0, intrinsic + send_cost - 1),
        to_messenger(3, vec![0xde, 0xad, 0xbe, 0xef], 0, 100_000),
        to_messenger(4, bad_address, 7, 100_000),
    ];
    let mut files = named(&scenario);
    files[0].1.transactions = txs.iter().map(|tx| sign(tx, key)).collect();
    let blocks = run_chain(scenario.genesis.clone(), files, Target::Both, u64::MAX).unwrap();
    let receipts = &outcome(&blocks[0]).receipts;
    let sender = receipts[0].sender.unwrap();
    assert_eq!(receipts[0].outcome, Outcome::Success);
    assert_eq!(receipts[0].gas_used, intrinsic + send_cost);
    let sent: Vec<_> = receipts[0]
        .messages
        .iter()
        .map(|m| (m.sender, m.data.clone()))
        .collect();
    assert_eq!(sent, [(sender, message.clone())]);
    let log = &receipts[0].logs[0];
    assert_eq!(log.address, L1_MESSENGER);
    assert_eq!(
        log.topics[0],
        keccak(b"L1MessageSent(address,bytes32,bytes)")
    );
    assert_eq!(log.topics[2], keccak(&message));
    for (index, why) in [
        (1, "value sent with sendToL1"),
        (3, "unknown selector"),
        (4, "bad address"),
    ] {
        assert_eq!(receipts[index].outcome, Outcome::Failure, "{why}");
        assert!(
            receipts[index].messages.is_empty() && receipts[index].logs.is_empty(),
            "{why}"
        );
    }
    assert_eq!(receipts[2].outcome, Outcome::Failure, "one gas short");
    assert_eq!(
        receipts[2].gas_used,
        intrinsic + send_cost - 1,
        "a halt uses all gas"
    );
    let post = blocks[0].world.post_state(outcome(&blocks[0]));
    assert!(
        !post.contains_key(&L1_MESSENGER),
        "refused calls keep no value"
    );
}

/// A mint the depositor's balance cannot hold is dropped, not a reason to abort the block:
/// the deposit still runs (its value moves) on both targets, and the next deposit mints.
#[test]
fn a_mint_the_balance_cannot_hold_is_dropped_and_the_block_goes_on() {
    use zkos_runner::run::run_block;
    use zkos_runner::scenario::block_env;
    use zkos_runner::{AccountState, PreState, World};
    let full = fresh_address(200);
    let other = fresh_address(201);
    let mut pre = PreState::new();
    let near_max = U256::MAX - U256::from(10);
    pre.insert(
        full,
        AccountState {
            balance: near_max,
            ..Default::default()
        },
    );
    let txs = vec![
        deposit(1, full, fresh_address(202), U256::from(100), U256::from(5)),
        deposit(2, other, fresh_address(203), U256::from(100), U256::from(5)),
    ];
    let world = World::new(pre, block_env(), txs);
    let runs = run_block(&world, Target::Both, 1 << 36).expect("the block is proven");
    let outcome = &runs.primary().outcome;
    let outcomes: Vec<Outcome> = outcome.receipts.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [Outcome::Success, Outcome::Success]);
    let post = world.post_state(outcome);
    assert_eq!(post[&full].balance, near_max - U256::from(5), "no mint");
    assert_eq!(post[&fresh_address(202)].balance, U256::from(5));
    assert_eq!(post[&other].balance, U256::from(95), "minted 100, sent 5");
}
