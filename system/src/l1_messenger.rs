//! The L1 messenger system contract at `0x…8008`, served by the system for every execution
//! environment:
//! - `sendToL1(bytes) returns (bytes32)` (selector `0x62f84b24`) sends `bytes` to L1 from
//!   `msg.sender` and returns its keccak256;
//! - `withdraw(address)` (selector `0x51cff8d9`), payable, burns `msg.value` and sends
//!   `abi.encodePacked(bytes4(0x6c0960f9), l1Receiver, amount)` to L1 from the messenger
//!   itself, so that L1 can tell a withdrawal from a message that only looks like one.
//!
//! Both emit `L1MessageSent(address indexed sender, bytes32 indexed hash, bytes message)`.
//! Messages and logs are journaled: a message sent in a frame that reverts is dropped.
use crate::ee::{CallKind, CallRequest, FrameResult, Halt, Status};
use crate::executor::gas;
use crate::frames::Context;
use crate::state::{L2ToL1Message, Log};
use crate::types::{b256_from_hex, keccak256, Address, B256, U256};
use crate::Fatal;
use alloc::vec;
use alloc::vec::Vec;

pub const L1_MESSENGER: Address = {
    let mut address = [0u8; 20];
    address[18] = 0x80;
    address[19] = 0x08;
    address
};
pub const SEND_TO_L1_SELECTOR: [u8; 4] = [0x62, 0xf8, 0x4b, 0x24];
pub const WITHDRAW_SELECTOR: [u8; 4] = [0x51, 0xcf, 0xf8, 0xd9];
/// The selector L1's bridge finalises withdrawals with (`finalizeEthWithdrawal`'s message).
pub const WITHDRAWAL_MESSAGE_SELECTOR: [u8; 4] = [0x6c, 0x09, 0x60, 0xf9];
/// `keccak256("L1MessageSent(address,bytes32,bytes)")`, the event's topic 0 (checked by a test).
const MESSAGE_SENT_TOPIC: B256 =
    b256_from_hex("3a36e47291f4201faf137fab081d92295bce2d53be2c6ca68ba82c7faa9ce241");

/// Runs a call to the messenger; the value has already moved to it.
pub fn call(ctx: &mut Context<'_, '_>, request: &CallRequest) -> Result<FrameResult, Fatal> {
    let revert = Ok(FrameResult::early(Status::Revert, request.gas_limit));
    if request.kind != CallKind::Call {
        return revert;
    }
    if request.is_static {
        let halt = Halt::Exceptional("L1 messenger called in a static context");
        return Ok(FrameResult::early(Status::Halt(halt), 0));
    }
    let Some((selector, arguments)) = request.input.split_first_chunk::<4>() else {
        return revert;
    };
    match *selector {
        SEND_TO_L1_SELECTOR if request.value.is_zero() => match abi_bytes(arguments) {
            Some(message) => send_to_l1(ctx, request, message.to_vec()),
            None => revert,
        },
        WITHDRAW_SELECTOR => match abi_address(arguments) {
            Some(receiver) => withdraw(ctx, request, &receiver),
            None => revert,
        },
        _ => revert,
    }
}

fn send_to_l1(
    ctx: &mut Context<'_, '_>,
    request: &CallRequest,
    message: Vec<u8>,
) -> Result<FrameResult, Fatal> {
    let cost = gas::send_to_l1(message.len());
    let Some(gas_left) = request.gas_limit.checked_sub(cost) else {
        return Ok(out_of_gas());
    };
    let hash = emit(ctx, request.caller, message);
    Ok(FrameResult {
        status: Status::Success,
        gas_left,
        gas_refund: 0,
        output: hash.to_vec(),
    })
}

fn withdraw(
    ctx: &mut Context<'_, '_>,
    request: &CallRequest,
    receiver: &Address,
) -> Result<FrameResult, Fatal> {
    let Some(gas_left) = request.gas_limit.checked_sub(gas::WITHDRAW) else {
        return Ok(out_of_gas());
    };
    let amount = request.value;
    ctx.state
        .update_account(&L1_MESSENGER, |account| account.balance -= amount)?;
    emit(ctx, L1_MESSENGER, withdrawal_message(receiver, amount));
    Ok(FrameResult::early(Status::Success, gas_left))
}

/// `0x6c0960f9 ‖ l1Receiver (20 bytes) ‖ amount (32 bytes, BE)`.
pub fn withdrawal_message(receiver: &Address, amount: U256) -> Vec<u8> {
    let mut message = Vec::with_capacity(4 + 20 + 32);
    message.extend_from_slice(&WITHDRAWAL_MESSAGE_SELECTOR);
    message.extend_from_slice(receiver);
    message.extend_from_slice(&amount.to_be_bytes::<32>());
    message
}

fn out_of_gas() -> FrameResult {
    FrameResult::early(Status::Halt(Halt::Exceptional("out of gas")), 0)
}

/// Records the message and its `L1MessageSent` log; returns the message's hash.
fn emit(ctx: &mut Context<'_, '_>, sender: Address, message: Vec<u8>) -> B256 {
    let hash = keccak256(&message);
    let mut sender_topic = [0u8; 32];
    sender_topic[12..].copy_from_slice(&sender);
    ctx.state.push_log(Log {
        address: L1_MESSENGER,
        topics: vec![MESSAGE_SENT_TOPIC, sender_topic, hash],
        data: abi_encode_bytes(&message),
    });
    ctx.state.push_message(L2ToL1Message {
        sender,
        data: message,
    });
    hash
}

/// A word of ABI arguments as a length or offset that fits memory.
fn abi_usize(word: &[u8]) -> Option<usize> {
    let value = U256::try_from_be_slice(word)?;
    usize::try_from(value)
        .ok()
        .filter(|&v| v <= u32::MAX as usize)
}

/// The single `bytes` argument of an ABI-encoded call (after the selector).
fn abi_bytes(arguments: &[u8]) -> Option<&[u8]> {
    let offset = abi_usize(arguments.get(..32)?)?;
    let len_end = offset.checked_add(32)?;
    let len = abi_usize(arguments.get(offset..len_end)?)?;
    arguments.get(len_end..len_end.checked_add(len)?)
}

/// The single `address` argument: one word whose top 12 bytes are zero.
fn abi_address(arguments: &[u8]) -> Option<Address> {
    let word = arguments.get(..32)?;
    if word[..12].iter().any(|&byte| byte != 0) {
        return None;
    }
    word[12..].try_into().ok()
}

/// `abi.encode(bytes)`: offset 32, length, the bytes padded to a whole word.
fn abi_encode_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 64 + bytes.len().div_ceil(32) * 32];
    out[31] = 32;
    out[32..64].copy_from_slice(&U256::from(bytes.len()).to_be_bytes::<32>());
    out[64..64 + bytes.len()].copy_from_slice(bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_topic_is_the_signatures_keccak() {
        let signature = b"L1MessageSent(address,bytes32,bytes)";
        assert_eq!(MESSAGE_SENT_TOPIC, keccak256(signature));
    }

    #[test]
    fn selectors_are_the_functions_keccak() {
        let selector =
            |signature: &[u8]| -> [u8; 4] { keccak256(signature)[..4].try_into().unwrap() };
        assert_eq!(SEND_TO_L1_SELECTOR, selector(b"sendToL1(bytes)"));
        assert_eq!(WITHDRAW_SELECTOR, selector(b"withdraw(address)"));
        assert_eq!(
            WITHDRAWAL_MESSAGE_SELECTOR,
            selector(b"finalizeEthWithdrawal(uint256,uint256,uint16,bytes,bytes32[])")
        );
    }
}
