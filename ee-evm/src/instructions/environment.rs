//! What a frame knows about its call and other accounts: ADDRESS .. EXTCODEHASH.
use crate::gas;
use crate::interpreter::{Interpreter, RETURN_DATA_OUT_OF_BOUNDS};
use zkos_system::ee::Host;
use zkos_system::{Address, U256};

pub fn address_word(address: &Address) -> U256 {
    U256::from_be_slice(address)
}

pub fn word_address(word: &U256) -> Address {
    let bytes = word.to_be_bytes::<32>();
    bytes[12..].try_into().unwrap()
}

/// EIP-2929: the access cost of an account, warming it.
pub fn account_access_cost(host: &mut dyn Host, address: &Address) -> u64 {
    if host.warm_account(address) {
        gas::COLD_ACCOUNT_ACCESS
    } else {
        gas::WARM_ACCESS
    }
}

pub fn address(interp: &mut Interpreter, _: &mut dyn Host) {
    push!(interp, address_word(&interp.context.address));
}

pub fn balance(interp: &mut Interpreter, host: &mut dyn Host) {
    pop!(interp, word);
    let address = word_address(&word);
    gas!(interp, account_access_cost(host, &address));
    let account = host!(interp, host.account(&address));
    push!(interp, account.balance);
}

pub fn origin(interp: &mut Interpreter, host: &mut dyn Host) {
    push!(interp, address_word(&host.tx().origin));
}

pub fn caller(interp: &mut Interpreter, _: &mut dyn Host) {
    push!(interp, address_word(&interp.context.caller));
}

pub fn callvalue(interp: &mut Interpreter, _: &mut dyn Host) {
    push!(interp, interp.context.value);
}

pub fn calldataload(interp: &mut Interpreter, _: &mut dyn Host) {
    pop!(interp, offset);
    let input = &interp.context.input;
    let mut word = [0u8; 32];
    if let Ok(offset) = usize::try_from(offset) {
        if offset < input.len() {
            let available = (input.len() - offset).min(32);
            word[..available].copy_from_slice(&input[offset..offset + available]);
        }
    }
    push!(interp, U256::from_be_bytes(word));
}

pub fn calldatasize(interp: &mut Interpreter, _: &mut dyn Host) {
    push!(interp, U256::from(interp.context.input.len()));
}

/// The memory range and gas of a *COPY instruction beyond its static gas (`access_cost`
/// and the words copied); `None` once it halted.
fn copy_range(
    interp: &mut Interpreter,
    offset: U256,
    len: U256,
    access_cost: u64,
) -> Option<(usize, usize)> {
    let (offset, len) = interp.memory_range(offset, len)?;
    if !interp
        .gas
        .charge(access_cost + gas::COPY_WORD * gas::words(len))
    {
        interp.halt(crate::interpreter::OUT_OF_GAS);
        return None;
    }
    Some((offset, len))
}

pub fn calldatacopy(interp: &mut Interpreter, _: &mut dyn Host) {
    pop!(interp, memory_offset, data_offset, len);
    let Some((offset, len)) = copy_range(interp, memory_offset, len, 0) else {
        return;
    };
    if len > 0 {
        interp
            .memory
            .copy_from(offset, &interp.context.input, data_offset, len);
    }
}

pub fn codesize(interp: &mut Interpreter, _: &mut dyn Host) {
    push!(interp, U256::from(interp.code().original().len()));
}

pub fn codecopy(interp: &mut Interpreter, _: &mut dyn Host) {
    pop!(interp, memory_offset, code_offset, len);
    let Some((offset, len)) = copy_range(interp, memory_offset, len, 0) else {
        return;
    };
    if len > 0 {
        let code = interp.code().clone();
        interp
            .memory
            .copy_from(offset, code.original(), code_offset, len);
    }
}

pub fn gasprice(interp: &mut Interpreter, host: &mut dyn Host) {
    push!(interp, host.tx().gas_price);
}

pub fn extcodesize(interp: &mut Interpreter, host: &mut dyn Host) {
    pop!(interp, word);
    let address = word_address(&word);
    gas!(interp, account_access_cost(host, &address));
    let account = host!(interp, host.account(&address));
    push!(interp, U256::from(account.code_len));
}

pub fn extcodecopy(interp: &mut Interpreter, host: &mut dyn Host) {
    pop!(interp, word, memory_offset, code_offset, len);
    let address = word_address(&word);
    let access = account_access_cost(host, &address);
    let Some((offset, len)) = copy_range(interp, memory_offset, len, access) else {
        return;
    };
    if len > 0 {
        let code = host!(interp, host.code(&address));
        interp.memory.copy_from(offset, &code, code_offset, len);
    }
}

pub fn returndatasize(interp: &mut Interpreter, _: &mut dyn Host) {
    push!(interp, U256::from(interp.return_data.len()));
}

pub fn returndatacopy(interp: &mut Interpreter, _: &mut dyn Host) {
    pop!(interp, memory_offset, data_offset, len);
    let end = data_offset.checked_add(len);
    if end.is_none_or(|end| end > U256::from(interp.return_data.len())) {
        interp.halt(RETURN_DATA_OUT_OF_BOUNDS);
        return;
    }
    let Some((offset, len)) = copy_range(interp, memory_offset, len, 0) else {
        return;
    };
    if len > 0 {
        let data = core::mem::take(&mut interp.return_data);
        interp.memory.copy_from(offset, &data, data_offset, len);
        interp.return_data = data;
    }
}

pub fn extcodehash(interp: &mut Interpreter, host: &mut dyn Host) {
    pop!(interp, word);
    let address = word_address(&word);
    gas!(interp, account_access_cost(host, &address));
    let account = host!(interp, host.account(&address));
    let hash = if account.is_empty() {
        U256::ZERO
    } else {
        U256::from_be_bytes(account.code_hash)
    };
    push!(interp, hash);
}
