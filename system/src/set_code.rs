//! EIP-7702 (Prague): set-code authorizations and delegation designators.
//!
//! An authority signs `(chain_id, address, nonce)`; a type-4 transaction carries such
//! authorizations, and each valid one sets the authority's code to the designator
//! `0xef0100 ‖ address`. Calls into the authority then run `address`'s code, one level
//! deep; code reads (EXTCODESIZE, EXTCODECOPY, EXTCODEHASH) still see the designator.
use crate::rlp;
use crate::state::State;
use crate::tx::recover_signer;
use crate::types::{keccak256, Address, U256};
use crate::Fatal;
use alloc::vec::Vec;

/// The designator's prefix: 0xef (banned as a first byte by EIP-3541) and version 0x0100.
pub const DESIGNATOR_PREFIX: [u8; 3] = [0xef, 0x01, 0x00];
/// A designator's length: the prefix and an address.
pub const DESIGNATOR_LEN: usize = 23;
/// The first byte of the hash an authority signs.
pub const AUTHORIZATION_MAGIC: u8 = 0x05;
/// Intrinsic gas of each authorization (priced as if it creates the account).
pub const PER_EMPTY_ACCOUNT_COST: u64 = 25_000;
/// What an authorization of an account that already exists costs; the rest is refunded.
pub const PER_AUTH_BASE_COST: u64 = 12_500;

/// One entry of a set-code transaction's authorization list, as signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authorization {
    pub chain_id: U256,
    pub address: Address,
    pub nonce: u64,
    /// Kept wide: a byte other than 0 or 1 makes the entry invalid, not the transaction (the
    /// decoder refuses a transaction with a value of more than a byte).
    pub y_parity: U256,
    pub r: U256,
    pub s: U256,
}

impl Authorization {
    /// `keccak256(0x05 ‖ rlp([chain_id, address, nonce]))`.
    pub fn signing_hash(&self) -> [u8; 32] {
        let mut payload = Vec::new();
        rlp::encode_u256(&mut payload, self.chain_id);
        rlp::encode_bytes(&mut payload, &self.address);
        rlp::encode_u64(&mut payload, self.nonce);
        let mut message = alloc::vec![AUTHORIZATION_MAGIC];
        message.extend_from_slice(&rlp::encode_list(&payload));
        keccak256(&message)
    }

    /// The signer, if the signature is valid (EIP-2 low s, y parity 0 or 1).
    pub fn authority(&self) -> Option<Address> {
        let y_parity = match self.y_parity {
            y if y.is_zero() => false,
            y if y == U256::from(1u64) => true,
            _ => return None,
        };
        recover_signer(&self.signing_hash(), y_parity, self.r, self.s)
    }

    /// Whether the entry may apply on `chain_id` (zero means any chain).
    pub fn applies_on(&self, chain_id: u64) -> bool {
        self.chain_id.is_zero() || self.chain_id == U256::from(chain_id)
    }
}

/// The address `code` delegates to, if it is a designator.
pub fn delegated_address(code: &[u8]) -> Option<Address> {
    if code.len() != DESIGNATOR_LEN || code[..3] != DESIGNATOR_PREFIX {
        return None;
    }
    code[3..].try_into().ok()
}

/// The code that delegates to `address`; none at all for the zero address (EIP-7702 clears
/// the authority's code then).
pub fn designator(address: &Address) -> Vec<u8> {
    if *address == [0u8; 20] {
        return Vec::new();
    }
    let mut code = DESIGNATOR_PREFIX.to_vec();
    code.extend_from_slice(address);
    code
}

/// Applies a set-code transaction's authorizations in order, after the sender's nonce is
/// bumped and before execution (so a revert of the execution keeps them). An invalid entry
/// is skipped, not an error. Returns the refund for authorities that already existed.
pub fn apply_authorizations(
    state: &mut State<'_>,
    chain_id: u64,
    authorizations: &[Authorization],
) -> Result<u64, Fatal> {
    let mut refund = 0;
    for authorization in authorizations {
        if let Some(existed) = apply(state, chain_id, authorization)? {
            if existed {
                refund += PER_EMPTY_ACCOUNT_COST - PER_AUTH_BASE_COST;
            }
        }
    }
    Ok(refund)
}

/// One authorization: `None` if it is skipped, else whether the authority existed.
fn apply(
    state: &mut State<'_>,
    chain_id: u64,
    authorization: &Authorization,
) -> Result<Option<bool>, Fatal> {
    if !authorization.applies_on(chain_id) || authorization.nonce == u64::MAX {
        return Ok(None);
    }
    let Some(authority) = authorization.authority() else {
        return Ok(None);
    };
    state.warm_account(&authority);
    let account = state.account(&authority)?;
    if account.has_code() && delegated_address(&state.code(&authority)?).is_none() {
        return Ok(None);
    }
    if account.nonce != authorization.nonce {
        return Ok(None);
    }
    state.deploy_code(&authority, designator(&authorization.address))?;
    state.update_account(&authority, |account| account.nonce += 1)?;
    Ok(Some(!account.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn designators_round_trip_and_only_exact_ones_count() {
        let target = [0x42; 20];
        let code = designator(&target);
        assert_eq!(code.len(), DESIGNATOR_LEN);
        assert_eq!(delegated_address(&code), Some(target));
        assert_eq!(designator(&[0; 20]), Vec::<u8>::new());
        let mut longer = code.clone();
        longer.push(0);
        assert_eq!(delegated_address(&longer), None);
        let mut other_version = code;
        other_version[2] = 1;
        assert_eq!(delegated_address(&other_version), None);
    }
}
