//! The block environment, its canonical byte encoding (what the oracle sends and what the
//! public output binds) and the per-transaction environment.
use crate::spec::Spec;
use crate::types::{Address, B256, U256};

/// How many previous block hashes BLOCKHASH serves. The block hashes are not part of the
/// block environment: the guest reads those it needs from the chain's committed window
/// ([`crate::chain::VerifiedWindow`]).
pub const BLOCK_HASH_WINDOW: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockEnv {
    /// The fork whose rules the block runs under.
    pub spec: Spec,
    pub chain_id: u64,
    pub number: u64,
    pub timestamp: u64,
    pub coinbase: Address,
    pub gas_limit: u64,
    pub base_fee: U256,
    pub prevrandao: B256,
    pub excess_blob_gas: u64,
    /// Whether native resources bound the block's transactions (see [`crate::native`]):
    /// always for a rollup's blocks, so that each one stays provable; off only for
    /// Ethereum conformance runs (state tests), where gas alone decides.
    pub native_limits: bool,
}

/// Length of [`BlockEnv::encode`].
pub const BLOCK_ENV_ENCODED_LEN: usize = 1 + 8 * 3 + 20 + 8 + 32 + 32 + 8 + 1;

impl BlockEnv {
    /// `spec (1) ‖ chain_id, number, timestamp (8 LE each) ‖ coinbase (20) ‖ gas_limit (8 LE) ‖
    /// base_fee (32 BE) ‖ prevrandao (32) ‖ excess_blob_gas (8 LE) ‖ native_limits (1: 0 or 1)`.
    pub fn encode(&self) -> alloc::vec::Vec<u8> {
        let mut out = alloc::vec::Vec::with_capacity(BLOCK_ENV_ENCODED_LEN);
        out.push(self.spec as u8);
        out.extend_from_slice(&self.chain_id.to_le_bytes());
        out.extend_from_slice(&self.number.to_le_bytes());
        out.extend_from_slice(&self.timestamp.to_le_bytes());
        out.extend_from_slice(&self.coinbase);
        out.extend_from_slice(&self.gas_limit.to_le_bytes());
        out.extend_from_slice(&self.base_fee.to_be_bytes::<32>());
        out.extend_from_slice(&self.prevrandao);
        out.extend_from_slice(&self.excess_blob_gas.to_le_bytes());
        out.push(self.native_limits as u8);
        out
    }

    /// The inverse of [`BlockEnv::encode`]; `None` for a wrong length, an unknown fork or
    /// a flag byte other than 0 or 1.
    pub fn decode(bytes: &[u8]) -> Option<BlockEnv> {
        if bytes.len() != BLOCK_ENV_ENCODED_LEN {
            return None;
        }
        let spec = Spec::from_code(bytes[0])?;
        let mut reader = Reader(&bytes[1..]);
        let env = BlockEnv {
            spec,
            chain_id: reader.u64(),
            number: reader.u64(),
            timestamp: reader.u64(),
            coinbase: reader.array(),
            gas_limit: reader.u64(),
            base_fee: U256::from_be_bytes(reader.array::<32>()),
            prevrandao: reader.array(),
            excess_blob_gas: reader.u64(),
            native_limits: match reader.array::<1>() {
                [0] => false,
                [1] => true,
                _ => return None,
            },
        };
        Some(env)
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn array<const N: usize>(&mut self) -> [u8; N] {
        let (head, tail) = self.0.split_at(N);
        self.0 = tail;
        head.try_into().unwrap()
    }

    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.array())
    }
}

/// What an execution environment sees of the running transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxEnv {
    pub origin: Address,
    pub gas_price: U256,
    pub blob_hashes: alloc::vec::Vec<B256>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(native_limits: bool) -> BlockEnv {
        BlockEnv {
            spec: Spec::Prague,
            chain_id: 270,
            number: 7,
            timestamp: 1_700_000_000,
            coinbase: [0xcb; 20],
            gas_limit: 30_000_000,
            base_fee: U256::from(1_000_000_007u64),
            prevrandao: [0x5a; 32],
            excess_blob_gas: 131_072,
            native_limits,
        }
    }

    #[test]
    fn the_encoding_round_trips_and_refuses_an_unknown_flag() {
        for flag in [false, true] {
            let bytes = env(flag).encode();
            assert_eq!(bytes.len(), BLOCK_ENV_ENCODED_LEN);
            assert_eq!(*bytes.last().unwrap(), flag as u8);
            assert_eq!(BlockEnv::decode(&bytes), Some(env(flag)));
        }
        let mut bytes = env(true).encode();
        *bytes.last_mut().unwrap() = 2;
        assert_eq!(BlockEnv::decode(&bytes), None);
        assert_eq!(BlockEnv::decode(&bytes[1..]), None);
    }
}
