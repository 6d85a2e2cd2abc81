//! Ethereum's commitments, computed on the host from a post-state: the secure
//! Merkle-Patricia trie root of the accounts (and of each account's storage), and the
//! logs hash of the state tests.
use zkos_runner::world::{AccountState, PreState};
use zkos_system::rlp::{encode_bytes, encode_list, encode_u256, encode_u64};
use zkos_system::state::Log;
use zkos_system::types::{keccak256, KECCAK_EMPTY};
use zkos_system::{B256, U256};

/// keccak256(rlp("")): the root of an empty trie.
pub const EMPTY_ROOT: B256 = [
    0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
    0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
];

fn nibbles(key: &B256) -> Vec<u8> {
    key.iter()
        .flat_map(|byte| [byte >> 4, byte & 0x0f])
        .collect()
}

/// Hex-prefix encoding of a key path (the yellow paper's HP function).
fn hex_prefix(path: &[u8], leaf: bool) -> Vec<u8> {
    let flag = if leaf { 2 } else { 0 };
    let mut out = Vec::with_capacity(path.len() / 2 + 1);
    let rest = if path.len() % 2 == 1 {
        out.push(((flag + 1) << 4) | path[0]);
        &path[1..]
    } else {
        out.push(flag << 4);
        path
    };
    out.extend(rest.chunks(2).map(|pair| (pair[0] << 4) | pair[1]));
    out
}

/// How a parent refers to a child node: inline when shorter than 32 bytes.
fn reference(out: &mut Vec<u8>, node: Vec<u8>) {
    if node.len() < 32 {
        out.extend(node);
    } else {
        encode_bytes(out, &keccak256(&node));
    }
}

/// The RLP of the node over `entries` (sorted, distinct, equal-length paths), all of
/// which share their first `depth` nibbles.
fn node(entries: &[(Vec<u8>, Vec<u8>)], depth: usize) -> Vec<u8> {
    if let [(path, value)] = entries {
        let mut payload = Vec::new();
        encode_bytes(&mut payload, &hex_prefix(&path[depth..], true));
        encode_bytes(&mut payload, value);
        return encode_list(&payload);
    }
    let first = &entries[0].0;
    let last = &entries[entries.len() - 1].0;
    let shared = (depth..first.len())
        .take_while(|&i| first[i] == last[i])
        .count();
    let mut payload = Vec::new();
    if shared > 0 {
        encode_bytes(
            &mut payload,
            &hex_prefix(&first[depth..depth + shared], false),
        );
        reference(&mut payload, node(entries, depth + shared));
        return encode_list(&payload);
    }
    let mut start = 0;
    for nibble in 0..16u8 {
        let end = start
            + entries[start..]
                .iter()
                .take_while(|(path, _)| path[depth] == nibble)
                .count();
        if end == start {
            payload.push(0x80);
        } else {
            reference(&mut payload, node(&entries[start..end], depth + 1));
        }
        start = end;
    }
    payload.push(0x80);
    encode_list(&payload)
}

/// The root of the secure trie of `(keccak(key), value)` pairs.
pub fn secure_root<'a>(items: impl Iterator<Item = (&'a [u8], Vec<u8>)>) -> B256 {
    let mut entries: Vec<(Vec<u8>, Vec<u8>)> = items
        .map(|(key, value)| (nibbles(&keccak256(key)), value))
        .collect();
    if entries.is_empty() {
        return EMPTY_ROOT;
    }
    entries.sort();
    keccak256(&node(&entries, 0))
}

fn rlp_u256(value: &U256) -> Vec<u8> {
    let mut out = Vec::new();
    encode_u256(&mut out, *value);
    out
}

pub fn storage_root(account: &AccountState) -> B256 {
    secure_root(
        account
            .storage
            .iter()
            .filter(|(_, value)| !value.is_zero())
            .map(|(slot, value)| (&slot[..], rlp_u256(value))),
    )
}

fn account_rlp(account: &AccountState) -> Vec<u8> {
    let mut payload = Vec::new();
    encode_u64(&mut payload, account.nonce);
    encode_u256(&mut payload, account.balance);
    encode_bytes(&mut payload, &storage_root(account));
    let code_hash = if account.code.is_empty() {
        KECCAK_EMPTY
    } else {
        keccak256(&account.code)
    };
    encode_bytes(&mut payload, &code_hash);
    encode_list(&payload)
}

/// The state root of `state` (accounts are kept as given: the caller removes the ones
/// EIP-161 deletes).
pub fn state_root(state: &PreState) -> B256 {
    secure_root(
        state
            .iter()
            .map(|(address, account)| (&address[..], account_rlp(account))),
    )
}

/// keccak256(RLP(list of [address, [topics], data])).
pub fn logs_hash(logs: &[Log]) -> B256 {
    let mut items = Vec::new();
    for log in logs {
        let mut payload = Vec::new();
        encode_bytes(&mut payload, &log.address);
        let mut topics = Vec::new();
        for topic in &log.topics {
            encode_bytes(&mut topics, topic);
        }
        payload.extend(encode_list(&topics));
        encode_bytes(&mut payload, &log.data);
        items.extend(encode_list(&payload));
    }
    keccak256(&encode_list(&items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_trie_root_is_keccak_of_empty_rlp_string() {
        assert_eq!(EMPTY_ROOT, keccak256(&[0x80]));
    }

    #[test]
    fn hex_prefix_matches_the_yellow_paper() {
        assert_eq!(hex_prefix(&[1, 2, 3, 4, 5], false), [0x11, 0x23, 0x45]);
        assert_eq!(
            hex_prefix(&[0, 1, 2, 3, 4, 5], false),
            [0x00, 0x01, 0x23, 0x45]
        );
        assert_eq!(
            hex_prefix(&[0x0f, 1, 0x0c, 0x0b, 8], true),
            [0x3f, 0x1c, 0xb8]
        );
        assert_eq!(
            hex_prefix(&[0, 0x0f, 1, 0x0c, 0x0b, 8], true),
            [0x20, 0x0f, 0x1c, 0xb8]
        );
    }

    #[test]
    fn no_logs_hash_is_keccak_of_empty_list() {
        // The value every state test without logs expects.
        assert_eq!(
            hex::encode(logs_hash(&[])),
            "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"
        );
    }
}
