//! A state test checks what the proof commits to: the guest's public input must seal the
//! host tree of the expected post-state, and an expected exception must name our reason.
//! The cases are one hand-computed transfer (sender 0xa94f…, the suite's usual key).
use serde_json::{json, Value};
use std::sync::Arc;
use zkos_statetest::case::{judge_case, pre_state, Case};
use zkos_statetest::model::StateTest;
use zkos_statetest::trie::state_root;
use zkos_statetest::{Target, Verdict};

const SENDER: &str = "0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b";
const SECRET: &str = "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8";
const RECEIVER: &str = "0x0000000000000000000000000000000000001000";
const COINBASE: &str = "0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba";
/// keccak256(rlp([])): the logs hash of a transaction without logs.
const NO_LOGS: &str = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";

/// Price 10 over a base fee of 7: the sender pays 10 a gas, the coinbase gets 3.
fn test_json(gas: u64, post: Value) -> Value {
    json!({
        "env": {
            "currentCoinbase": COINBASE,
            "currentGasLimit": "0x1000000",
            "currentNumber": "0x01",
            "currentTimestamp": "0x03e8",
            "currentRandom": "0x0000000000000000000000000000000000000000000000000000000000020000",
            "currentBaseFee": "0x07",
            "currentExcessBlobGas": "0x00"
        },
        "pre": { SENDER: { "balance": "0x0de0b6b3a7640000", "nonce": "0x00", "code": "0x", "storage": {} } },
        "transaction": {
            "data": ["0x"], "gasLimit": [format!("{gas:#x}")], "value": ["0x03e8"],
            "nonce": "0x00", "to": RECEIVER, "secretKey": SECRET, "gasPrice": "0x0a"
        },
        "post": { "Cancun": [post] }
    })
}

/// The post-state of the valid transfer of 1,000 wei at 21,000 gas, by hand.
fn transfer_post(coinbase_balance: u64) -> Value {
    let sender = 1_000_000_000_000_000_000u64 - 1_000 - 21_000 * 10;
    json!({
        SENDER: { "balance": format!("{sender:#x}"), "nonce": "0x01", "code": "0x", "storage": {} },
        RECEIVER: { "balance": "0x03e8", "nonce": "0x00", "code": "0x", "storage": {} },
        COINBASE: { "balance": format!("{coinbase_balance:#x}"), "nonce": "0x00", "code": "0x", "storage": {} }
    })
}

fn case(test: Value) -> Case {
    let test: StateTest = serde_json::from_value(test).expect("a well-formed state test");
    Case {
        file: "inline".into(),
        name: "transfer".into(),
        fork: "Cancun".into(),
        position: 0,
        test: Arc::new(test),
    }
}

/// The Ethereum state root of a post-state given in the file's format.
fn root_of(state: &Value) -> String {
    let mut test = test_json(21_000, entry(NO_LOGS, None, None));
    test["pre"] = state.clone();
    let test: StateTest = serde_json::from_value(test).expect("a well-formed state test");
    let accounts = pre_state(&test).expect("a readable state");
    format!("0x{}", hex::encode(state_root(&accounts)))
}

fn entry(hash: &str, state: Option<Value>, exception: Option<&str>) -> Value {
    let mut entry =
        json!({ "indexes": { "data": 0, "gas": 0, "value": 0 }, "hash": hash, "logs": NO_LOGS });
    if let Some(state) = state {
        entry["state"] = state;
    }
    if let Some(exception) = exception {
        entry["expectException"] = json!(exception);
    }
    entry
}

fn verdict(test: Value, target: Target) -> (Verdict, Option<bool>) {
    let (verdict, observed) = judge_case(&case(test), target);
    (verdict, observed.and_then(|o| o.commits_to_expected))
}

#[test]
fn the_proof_commits_to_the_expected_post_state() {
    let post = transfer_post(63_000);
    let hash = root_of(&post);
    for target in [Target::Native, Target::Riscv] {
        let (result, commits) = verdict(
            test_json(21_000, entry(&hash, Some(post.clone()), None)),
            target,
        );
        assert_eq!(result, Verdict::Pass, "{target:?}");
        assert_eq!(commits, Some(true), "{target:?}");
    }
}

#[test]
fn without_a_post_state_the_matching_root_stands_for_it() {
    let hash = root_of(&transfer_post(63_000));
    let (result, commits) = verdict(test_json(21_000, entry(&hash, None, None)), Target::Native);
    assert_eq!(result, Verdict::Pass);
    assert_eq!(commits, Some(true));
}

/// The root in the file is the real one, so only the commitment check can see that the
/// `state` the file gives is not what the block produced.
#[test]
fn a_post_state_the_proof_does_not_commit_to_fails_the_case() {
    let hash = root_of(&transfer_post(63_000));
    let wrong = transfer_post(63_001);
    for target in [Target::Native, Target::Riscv] {
        let (result, commits) = verdict(
            test_json(21_000, entry(&hash, Some(wrong.clone()), None)),
            target,
        );
        assert_eq!(commits, Some(false), "{target:?}");
        match result {
            Verdict::Fail(text) => assert!(text.contains("does not commit"), "{text}"),
            other => panic!("{target:?}: {other:?}"),
        }
    }
}

#[test]
fn an_expected_exception_must_name_our_reason() {
    // 20,999 gas is below the intrinsic 21,000: the state is the pre-state.
    let pre = json!({ SENDER: { "balance": "0x0de0b6b3a7640000", "nonce": "0x00", "code": "0x", "storage": {} } });
    let hash = root_of(&pre);
    let run = |exception: &str| {
        verdict(
            test_json(20_999, entry(&hash, Some(pre.clone()), Some(exception))),
            Target::Native,
        )
        .0
    };
    assert_eq!(
        run("TransactionException.INTRINSIC_GAS_TOO_LOW"),
        Verdict::Pass
    );
    assert_eq!(
        run("TransactionException.INSUFFICIENT_ACCOUNT_FUNDS|TransactionException.INTRINSIC_GAS_TOO_LOW"),
        Verdict::Pass
    );
    // A rule we do not model is not compared.
    assert_eq!(run("BlockException.INCORRECT_BLOCK_FORMAT"), Verdict::Pass);
    match run("TransactionException.NONCE_MISMATCH_TOO_LOW") {
        Verdict::Fail(text) => {
            assert!(text.contains("NONCE_MISMATCH_TOO_LOW"), "{text}");
            assert!(text.contains("intrinsic gas too low"), "{text}");
        }
        other => panic!("{other:?}"),
    }
}
