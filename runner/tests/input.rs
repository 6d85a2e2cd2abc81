//! STATE.json / BLOCK.json errors name the file and the field.
use zkos_runner::input::{parse_block_str, parse_state_str};

const ADDRESS: &str = "0x00000000000000000000000000000000000000aa";

fn state_error(text: &str) -> String {
    parse_state_str("STATE.json", text).unwrap_err().to_string()
}

fn block_error(text: &str) -> String {
    parse_block_str("BLOCK.json", text).unwrap_err().to_string()
}

fn env(extra: &str) -> String {
    format!(
        r#"{{"env": {{"currentCoinbase": "{ADDRESS}", "currentNumber": "1", "currentTimestamp": "0x10",
        "currentGasLimit": "0x1000000"{extra}}}, "transactions": []}}"#
    )
}

#[test]
fn state_file_parses_the_pre_format() {
    let text = format!(
        r#"{{"{ADDRESS}": {{"balance": "0x10", "nonce": "3", "code": "0x6000", "storage": {{"0x01": "0x02", "0x03": "0x00"}}}}}}"#
    );
    let state = parse_state_str("STATE.json", &text).unwrap();
    let account = state.values().next().unwrap();
    assert_eq!(
        (
            account.balance.to::<u64>(),
            account.nonce,
            account.code.clone()
        ),
        (16, 3, vec![0x60, 0])
    );
    assert_eq!(account.storage.len(), 1, "zero slots are dropped");
}

#[test]
fn state_errors_name_file_and_field() {
    let unknown = state_error(&format!(r#"{{"{ADDRESS}": {{"balanse": "0x1"}}}}"#));
    assert!(
        unknown.starts_with("STATE.json: ") && unknown.contains("balanse"),
        "{unknown}"
    );
    let bad_hex = state_error(&format!(r#"{{"{ADDRESS}": {{"code": "0x6g"}}}}"#));
    assert!(
        bad_hex.contains("code") && bad_hex.contains("not valid hex"),
        "{bad_hex}"
    );
    let short = state_error(r#"{"0x1234": {}}"#);
    assert!(
        short.contains("address") && short.contains("2 bytes, expected 20"),
        "{short}"
    );
    let nonce = state_error(&format!(
        r#"{{"{ADDRESS}": {{"nonce": "0x10000000000000000"}}}}"#
    ));
    assert!(
        nonce.contains("nonce") && nonce.contains("64 bits"),
        "{nonce}"
    );
    let not_json = state_error("{");
    assert!(not_json.starts_with("STATE.json: "), "{not_json}");
}

#[test]
fn block_file_parses_env_and_transactions() {
    let block = parse_block_str("BLOCK.json", &env(r#", "chainId": "0x5", "blockHashes": ["0x1111111111111111111111111111111111111111111111111111111111111111"]"#)).unwrap();
    let (env, txs) = (block.env, block.transactions);
    assert_eq!(
        (env.chain_id, env.number, env.timestamp, env.gas_limit),
        (5, 1, 16, 0x1000000)
    );
    assert_eq!(block.block_hashes, vec![[0x11; 32]]);
    assert!(txs.is_empty());
}

#[test]
fn block_errors_name_file_and_field() {
    let unknown = block_error(&env(r#", "currentDifficulty": "0x1""#));
    assert!(
        unknown.starts_with("BLOCK.json: ") && unknown.contains("currentDifficulty"),
        "{unknown}"
    );
    let coinbase = block_error(&env("").replace(ADDRESS, "0xaa"));
    assert!(
        coinbase.contains("env.currentCoinbase") && coinbase.contains("expected 20"),
        "{coinbase}"
    );
    let tx = block_error(&env("").replace("[]", r#"["0xzz"]"#));
    assert!(
        tx.contains("transactions[0]") && tx.contains("not valid hex"),
        "{tx}"
    );
    let missing = block_error(r#"{"env": {}, "transactions": []}"#);
    assert!(missing.contains("currentCoinbase"), "{missing}");
}

#[test]
fn block_file_selects_the_fork() {
    use zkos_system::spec::Spec;
    let spec = |extra: &str| parse_block_str("BLOCK.json", &env(extra)).unwrap().env.spec;
    assert_eq!(spec(""), Spec::Cancun);
    assert_eq!(spec(r#", "fork": "Prague""#), Spec::Prague);
    assert_eq!(spec(r#", "fork": "Osaka""#), Spec::Osaka);
    let unknown = block_error(&env(r#", "fork": "Amsterdam""#));
    assert!(
        unknown.contains("env.fork")
            && unknown.contains("Amsterdam")
            && unknown.contains("Cancun, Prague, Osaka"),
        "{unknown}"
    );
}

/// A block with `count` transactions of `len` bytes each (the bytes need not decode: the
/// limits are checked before anything reads them).
fn block_with(count: usize, len: usize) -> String {
    let tx = format!("\"0x{}\"", "02".repeat(len));
    let txs = vec![tx; count].join(", ");
    env("").replace(
        r#""transactions": []"#,
        &format!(r#""transactions": [{txs}]"#),
    )
}

#[test]
fn a_block_beyond_the_protocol_limits_is_refused_naming_the_transaction() {
    let limit = 128 * 1024;
    assert!(parse_block_str("BLOCK.json", &block_with(2, limit)).is_ok());
    let mut text = block_with(1, 10);
    text = text.replace(
        r#""0x02020202020202020202"]"#,
        &format!(r#""0x0202", "0x{}"]"#, "02".repeat(limit + 1)),
    );
    let message = block_error(&text);
    assert!(
        message.starts_with("BLOCK.json: ")
            && message.contains("`transactions[1]`")
            && message.contains(&format!("{} bytes, at most {limit}", limit + 1)),
        "{message}"
    );
    assert!(parse_block_str("BLOCK.json", &block_with(10_000, 1)).is_ok());
    let message = block_error(&block_with(10_001, 1));
    assert!(
        message.contains("10001 transactions, at most 10000"),
        "{message}"
    );
}

#[test]
fn native_limits_are_on_unless_the_block_file_turns_them_off() {
    let parsed = |extra: &str| {
        parse_block_str("BLOCK.json", &env(extra))
            .unwrap()
            .env
            .native_limits
    };
    assert!(parsed(""));
    assert!(!parsed(r#", "nativeLimits": false"#));
    assert!(block_error(&env(r#", "nativeLimits": 1"#)).contains("nativeLimits"));
}
