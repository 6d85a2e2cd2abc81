//! SLOAD, SSTORE (EIP-2200 / EIP-2929 / EIP-3529), TLOAD, TSTORE (EIP-1153).
use crate::gas;
use crate::interpreter::{Interpreter, OUT_OF_GAS};
use zkos_system::ee::Host;

pub fn sload(interp: &mut Interpreter, host: &mut dyn Host) {
    pop!(interp, slot);
    let slot = slot.to_be_bytes::<32>();
    let address = interp.context.address;
    let cost = if host.warm_slot(&address, &slot) {
        gas::COLD_SLOAD
    } else {
        gas::WARM_ACCESS
    };
    gas!(interp, cost);
    let value = host!(interp, host.sload(&address, &slot));
    push!(interp, value.current);
}

pub fn sstore(interp: &mut Interpreter, host: &mut dyn Host) {
    require_non_static!(interp);
    pop!(interp, slot, value);
    // EIP-2200: SSTORE needs more than the call stipend left.
    if interp.gas.remaining <= gas::SSTORE_STIPEND_GUARD {
        interp.halt(OUT_OF_GAS);
        return;
    }
    let slot = slot.to_be_bytes::<32>();
    let address = interp.context.address;
    let cold = if host.warm_slot(&address, &slot) {
        gas::COLD_SLOAD
    } else {
        0
    };
    // On out of gas the frame fails and the system reverts the write with it.
    let before = host!(interp, host.sstore(&address, &slot, value));
    gas!(
        interp,
        cold + gas::sstore_cost(&before.original, &before.current, &value)
    );
    interp.gas.refund += gas::sstore_refund(&before.original, &before.current, &value);
}

pub fn tload(interp: &mut Interpreter, host: &mut dyn Host) {
    pop_top!(interp, ; slot);
    *slot = host.tload(&interp.context.address, &slot.to_be_bytes::<32>());
}

pub fn tstore(interp: &mut Interpreter, host: &mut dyn Host) {
    require_non_static!(interp);
    pop!(interp, slot, value);
    host.tstore(&interp.context.address, &slot.to_be_bytes::<32>(), value);
}
