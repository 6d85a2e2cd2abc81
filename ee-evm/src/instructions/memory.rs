//! MLOAD, MSTORE, MSTORE8, MSIZE, MCOPY, KECCAK256.
use crate::gas;
use crate::interpreter::Interpreter;
use crate::native;
use zkos_system::ee::Host;
use zkos_system::U256;

pub fn mload(interp: &mut Interpreter, _: &mut dyn Host) {
    pop!(interp, offset);
    let offset = as_usize_or_oog!(interp, offset);
    if interp.expand_memory(offset, 32) {
        push!(interp, interp.memory.word(offset));
    }
}

pub fn mstore(interp: &mut Interpreter, _: &mut dyn Host) {
    pop!(interp, offset, value);
    let offset = as_usize_or_oog!(interp, offset);
    if interp.expand_memory(offset, 32) {
        interp.memory.set_word(offset, &value);
    }
}

pub fn mstore8(interp: &mut Interpreter, _: &mut dyn Host) {
    pop!(interp, offset, value);
    let offset = as_usize_or_oog!(interp, offset);
    if interp.expand_memory(offset, 1) {
        interp.memory.slice_mut(offset, 1)[0] = value.byte(0);
    }
}

pub fn msize(interp: &mut Interpreter, _: &mut dyn Host) {
    push!(interp, U256::from(interp.memory.len()));
}

pub fn mcopy(interp: &mut Interpreter, _: &mut dyn Host) {
    pop!(interp, target, source, len);
    let len = as_usize_or_oog!(interp, len);
    gas!(interp, gas::COPY_WORD * gas::words(len));
    if len == 0 {
        return;
    }
    let target = as_usize_or_oog!(interp, target);
    let source = as_usize_or_oog!(interp, source);
    if interp.expand_memory(target.max(source), len) {
        interp.memory.copy_within(source, target, len);
    }
}

pub fn keccak256(interp: &mut Interpreter, host: &mut dyn Host) {
    pop!(interp, offset, len);
    let Some((offset, len)) = interp.memory_range(offset, len) else {
        return;
    };
    gas!(interp, gas::KECCAK256_WORD * gas::words(len));
    native!(host, interp, native::keccak(len));
    let hash = interp.keccak_cache.hash(interp.memory.slice(offset, len));
    push!(interp, U256::from_be_bytes(hash));
}
