//! Primitive types shared by the system and execution environments.

pub type Address = [u8; 20];
pub type B256 = [u8; 32];
pub use ruint::aliases::U256;

/// `keccak256("")`: the code hash of an account without code.
pub const KECCAK_EMPTY: B256 = [
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
    0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70,
];

pub fn keccak256(data: &[u8]) -> B256 {
    zkos_keccak::keccak256(data)
}

/// The last 20 bytes of a 32-byte hash (how Ethereum turns hashes into addresses).
pub fn address_from_hash(hash: &B256) -> Address {
    let mut address = [0u8; 20];
    address.copy_from_slice(&hash[12..]);
    address
}

pub fn u256_from_be_slice(bytes: &[u8]) -> Option<U256> {
    U256::try_from_be_slice(bytes)
}

pub fn u256_to_b256(value: U256) -> B256 {
    value.to_be_bytes::<32>()
}

pub fn b256_to_u256(bytes: &B256) -> U256 {
    U256::from_be_bytes(*bytes)
}

/// A 32-byte constant from 64 hex digits (for tables of hashes).
pub const fn b256_from_hex(text: &str) -> B256 {
    const fn digit(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a lower-case hex digit"),
        }
    }
    let bytes = text.as_bytes();
    assert!(bytes.len() == 64, "64 hex digits");
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = digit(bytes[2 * i]) << 4 | digit(bytes[2 * i + 1]);
        i += 1;
    }
    out
}
