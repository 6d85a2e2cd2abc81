//! Instructions that leave the frame: CREATE, CREATE2, the CALL family, SELFDESTRUCT.
use crate::gas;
use crate::instructions::environment::{account_access_cost, word_address};
use crate::interpreter::{Interpreter, INIT_CODE_TOO_LARGE, STATIC_STATE_CHANGE};
use zkos_system::ee::{CallKind, CallRequest, CreateRequest, CreateScheme, FrameStep, Host};
use zkos_system::U256;

pub fn create(interp: &mut Interpreter, _: &mut dyn Host) {
    create_with(interp, false);
}

pub fn create2(interp: &mut Interpreter, _: &mut dyn Host) {
    create_with(interp, true);
}

/// The system checks the balance, the nonce, the depth and collisions, and derives
/// the address; the frame charges gas and hands over the init code.
fn create_with(interp: &mut Interpreter, is_create2: bool) {
    require_non_static!(interp);
    pop!(interp, value, offset, len);
    let scheme = if is_create2 {
        pop!(interp, salt);
        CreateScheme::Create2 {
            salt: salt.to_be_bytes::<32>(),
        }
    } else {
        CreateScheme::Create
    };
    let Some((offset, len)) = interp.memory_range(offset, len) else {
        return;
    };
    if len > gas::MAX_INIT_CODE_SIZE {
        interp.halt(INIT_CODE_TOO_LARGE);
        return;
    }
    let words = gas::words(len);
    let hashing = if is_create2 {
        gas::KECCAK256_WORD * words
    } else {
        0
    };
    gas!(interp, gas::INIT_CODE_WORD * words + hashing);
    let gas_limit = gas::all_but_one_64th(interp.gas.remaining);
    gas!(interp, gas_limit);
    let request = CreateRequest {
        caller: interp.context.address,
        value,
        init_code: interp.memory.slice(offset, len).to_vec(),
        gas_limit,
        scheme,
    };
    interp.suspend_create(FrameStep::Create(request));
}

pub fn call(interp: &mut Interpreter, host: &mut dyn Host) {
    call_with(interp, host, CallKind::Call);
}

pub fn callcode(interp: &mut Interpreter, host: &mut dyn Host) {
    call_with(interp, host, CallKind::CallCode);
}

pub fn delegatecall(interp: &mut Interpreter, host: &mut dyn Host) {
    call_with(interp, host, CallKind::DelegateCall);
}

pub fn staticcall(interp: &mut Interpreter, host: &mut dyn Host) {
    call_with(interp, host, CallKind::StaticCall);
}

fn call_with(interp: &mut Interpreter, host: &mut dyn Host, kind: CallKind) {
    pop!(interp, requested_gas, to);
    let value = match kind {
        CallKind::Call | CallKind::CallCode => {
            pop!(interp, value);
            value
        }
        CallKind::DelegateCall => interp.context.value,
        CallKind::StaticCall => U256::ZERO,
    };
    pop!(interp, in_offset, in_len, out_offset, out_len);
    let moves_value = matches!(kind, CallKind::Call | CallKind::CallCode) && !value.is_zero();
    if kind == CallKind::Call && moves_value && interp.context.is_static {
        interp.halt(STATIC_STATE_CHANGE);
        return;
    }
    let Some(input) = interp.memory_range(in_offset, in_len) else {
        return;
    };
    let Some(output) = interp.memory_range(out_offset, out_len) else {
        return;
    };
    let to = word_address(&to);
    let mut cost = account_access_cost(host, &to);
    if let Some(delegate) = host!(interp, host.delegation(&to)) {
        cost += account_access_cost(host, &delegate);
    }
    if moves_value {
        cost += gas::CALL_VALUE;
        if kind == CallKind::Call && host!(interp, host.account(&to)).is_empty() {
            cost += gas::NEW_ACCOUNT;
        }
    }
    gas!(interp, cost);
    let available = gas::all_but_one_64th(interp.gas.remaining);
    let mut gas_limit = u64::try_from(requested_gas)
        .unwrap_or(u64::MAX)
        .min(available);
    gas!(interp, gas_limit);
    if moves_value {
        gas_limit += gas::CALL_STIPEND;
    }
    let context = &interp.context;
    let (caller, target) = match kind {
        CallKind::Call | CallKind::StaticCall => (context.address, to),
        CallKind::CallCode => (context.address, context.address),
        CallKind::DelegateCall => (context.caller, context.address),
    };
    let request = CallRequest {
        kind,
        caller,
        target,
        code_address: to,
        value,
        input: interp.memory.slice(input.0, input.1).to_vec(),
        gas_limit,
        is_static: context.is_static || kind == CallKind::StaticCall,
    };
    interp.suspend_call(FrameStep::Call(request), output);
}

pub fn selfdestruct(interp: &mut Interpreter, host: &mut dyn Host) {
    require_non_static!(interp);
    pop!(interp, beneficiary);
    let beneficiary = word_address(&beneficiary);
    let address = interp.context.address;
    let mut cost = 0;
    if host.warm_account(&beneficiary) {
        cost += gas::COLD_ACCOUNT_ACCESS;
    }
    let balance = host!(interp, host.account(&address)).balance;
    if !balance.is_zero() && host!(interp, host.account(&beneficiary)).is_empty() {
        cost += gas::NEW_ACCOUNT;
    }
    gas!(interp, cost);
    host!(interp, host.selfdestruct(&address, &beneficiary));
    interp.succeed();
}
