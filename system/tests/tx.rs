//! Transaction decoding and sender recovery against the EIP-155 example (the EIP's own
//! vector) and RLP edge cases.
use zkos_system::rlp::{decode_exact, RlpError};
use zkos_system::tx::{decode, recover_sender, DecodeError, TxType};
use zkos_system::U256;

const EIP155_SIGNED: &str = "f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";
const EIP155_SIGNING_HASH: &str =
    "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53";
/// The address of private key 0x4646...46.
const EIP155_SENDER: &str = "9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f";

#[test]
fn eip155_example_decodes_and_recovers() {
    let raw = hex::decode(EIP155_SIGNED).unwrap();
    let tx = decode(&raw).unwrap();
    assert_eq!(tx.tx_type, TxType::Legacy);
    assert_eq!(tx.chain_id, Some(1));
    assert_eq!(tx.nonce, 9);
    assert_eq!(tx.max_fee_per_gas, U256::from(20_000_000_000u64));
    assert_eq!(tx.gas_limit, 21_000);
    assert_eq!(tx.to, Some([0x35; 20]));
    assert_eq!(tx.value, U256::from(10u64.pow(18)));
    assert_eq!(hex::encode(tx.signing_hash), EIP155_SIGNING_HASH);
    assert_eq!(hex::encode(recover_sender(&tx).unwrap()), EIP155_SENDER);
}

#[test]
fn high_s_signature_is_rejected() {
    let raw = hex::decode(EIP155_SIGNED).unwrap();
    let mut tx = decode(&raw).unwrap();
    let n = U256::from_str_radix(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
        16,
    )
    .unwrap();
    tx.s = n - tx.s;
    tx.y_parity = !tx.y_parity;
    assert_eq!(recover_sender(&tx), None);
}

#[test]
fn truncated_and_trailing_bytes_are_malformed() {
    let raw = hex::decode(EIP155_SIGNED).unwrap();
    assert!(matches!(
        decode(&raw[..raw.len() - 1]),
        Err(DecodeError::Rlp(RlpError::UnexpectedEnd))
    ));
    let mut longer = raw.clone();
    longer.push(0);
    assert!(matches!(
        decode(&longer),
        Err(DecodeError::Rlp(RlpError::TrailingBytes))
    ));
    assert_eq!(decode(&[0x05, 0xc0]), Err(DecodeError::UnsupportedType(5)));
}

#[test]
fn non_canonical_rlp_is_rejected() {
    // A single byte below 0x80 must encode as itself.
    assert_eq!(decode_exact(&[0x81, 0x05]), Err(RlpError::NonCanonical));
    // A long-form length under 56.
    assert_eq!(
        decode_exact(&[0xb8, 0x01, 0xff]),
        Err(RlpError::NonCanonical)
    );
    // Integers have no leading zeros.
    assert_eq!(
        decode_exact(&[0x82, 0x00, 0x01]).unwrap().u64(),
        Err(RlpError::LeadingZero)
    );
}
