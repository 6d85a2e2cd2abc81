//! The block and transaction environment: BLOCKHASH .. BLOBBASEFEE.
use crate::gas;
use crate::instructions::environment::address_word;
use crate::interpreter::Interpreter;
use zkos_system::ee::Host;
use zkos_system::U256;

pub fn blockhash(interp: &mut Interpreter, host: &mut dyn Host) {
    pop_top!(interp, ; number);
    *number = match u64::try_from(*number) {
        Ok(number) => U256::from_be_bytes(host!(interp, host.block_hash(number))),
        Err(_) => U256::ZERO,
    };
}

pub fn coinbase(interp: &mut Interpreter, host: &mut dyn Host) {
    push!(interp, address_word(&host.block().coinbase));
}

pub fn timestamp(interp: &mut Interpreter, host: &mut dyn Host) {
    push!(interp, U256::from(host.block().timestamp));
}

pub fn number(interp: &mut Interpreter, host: &mut dyn Host) {
    push!(interp, U256::from(host.block().number));
}

pub fn prevrandao(interp: &mut Interpreter, host: &mut dyn Host) {
    push!(interp, U256::from_be_bytes(host.block().prevrandao));
}

pub fn gaslimit(interp: &mut Interpreter, host: &mut dyn Host) {
    push!(interp, U256::from(host.block().gas_limit));
}

pub fn chainid(interp: &mut Interpreter, host: &mut dyn Host) {
    push!(interp, U256::from(host.block().chain_id));
}

pub fn selfbalance(interp: &mut Interpreter, host: &mut dyn Host) {
    let account = host!(interp, host.account(&interp.context.address));
    push!(interp, account.balance);
}

pub fn basefee(interp: &mut Interpreter, host: &mut dyn Host) {
    push!(interp, host.block().base_fee);
}

pub fn blobhash(interp: &mut Interpreter, host: &mut dyn Host) {
    pop_top!(interp, ; index);
    let hashes = &host.tx().blob_hashes;
    *index = match usize::try_from(*index) {
        Ok(i) if i < hashes.len() => U256::from_be_bytes(hashes[i]),
        _ => U256::ZERO,
    };
}

pub fn blobbasefee(interp: &mut Interpreter, host: &mut dyn Host) {
    push!(
        interp,
        U256::from(gas::blob_base_fee(
            host.block().spec,
            host.block().excess_blob_gas
        ))
    );
}
