//! Account properties and how they are committed in the state tree.
use crate::hash::Blake2s;
use crate::types::{B256, KECCAK_EMPTY, U256};

/// What the tree commits for an account. The code itself is committed by `code_hash`
/// (keccak, as EXTCODEHASH sees it); `code_len` lets EXTCODESIZE avoid loading code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Account {
    pub nonce: u64,
    pub balance: U256,
    pub code_hash: B256,
    pub code_len: u32,
}

/// Byte length of [`Account::encode`].
pub const ACCOUNT_ENCODED_LEN: usize = 8 + 32 + 32 + 4;

impl Default for Account {
    fn default() -> Self {
        Account::EMPTY
    }
}

impl Account {
    pub const EMPTY: Account = Account {
        nonce: 0,
        balance: U256::ZERO,
        code_hash: KECCAK_EMPTY,
        code_len: 0,
    };

    /// EIP-161 emptiness: no nonce, no balance, no code. Empty accounts are not stored.
    pub fn is_empty(&self) -> bool {
        self.nonce == 0 && self.balance.is_zero() && self.code_len == 0
    }

    pub fn has_code(&self) -> bool {
        self.code_len != 0
    }

    /// Whether both commit to the same code (hash and length).
    pub fn has_same_code(&self, other: &Account) -> bool {
        (self.code_hash, self.code_len) == (other.code_hash, other.code_len)
    }

    /// `nonce (8, LE) ‖ balance (32, BE) ‖ code_hash (32) ‖ code_len (4, LE)`.
    pub fn encode(&self) -> [u8; ACCOUNT_ENCODED_LEN] {
        let mut out = [0u8; ACCOUNT_ENCODED_LEN];
        out[..8].copy_from_slice(&self.nonce.to_le_bytes());
        out[8..40].copy_from_slice(&self.balance.to_be_bytes::<32>());
        out[40..72].copy_from_slice(&self.code_hash);
        out[72..].copy_from_slice(&self.code_len.to_le_bytes());
        out
    }

    pub fn decode(bytes: &[u8; ACCOUNT_ENCODED_LEN]) -> Account {
        let mut code_hash = [0u8; 32];
        code_hash.copy_from_slice(&bytes[40..72]);
        Account {
            nonce: u64::from_le_bytes(bytes[..8].try_into().unwrap()),
            balance: U256::from_be_slice(&bytes[8..40]),
            code_hash,
            code_len: u32::from_le_bytes(bytes[72..].try_into().unwrap()),
        }
    }

    /// The tree leaf value: zero for an empty account, else the BLAKE2s of the encoding.
    pub fn leaf_value(&self, hasher: &dyn Blake2s) -> B256 {
        if self.is_empty() {
            [0u8; 32]
        } else {
            hasher.hash(&self.encode())
        }
    }
}
