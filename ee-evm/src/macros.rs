//! The few macros every instruction uses: charge gas, pop and push the stack, and unwrap
//! host results. Each ends the instruction (after setting the halt) when it fails.

/// Charges `cost` gas or halts out of gas.
macro_rules! gas {
    ($interp:expr, $cost:expr) => {
        if !$interp.gas.charge($cost) {
            $interp.halt($crate::interpreter::OUT_OF_GAS);
            return;
        }
    };
}

/// Charges `cycles` of the native cost model or halts out of native resources.
macro_rules! native {
    ($host:expr, $interp:expr, $cycles:expr) => {
        if !$host.charge_native($cycles) {
            $interp.halt($crate::interpreter::OUT_OF_NATIVE);
            return;
        }
    };
}

/// Pops values from the stack into the named bindings, top first.
macro_rules! pop {
    ($interp:expr, $($name:ident),+) => {
        let [$($name),+] = step!($interp, $interp.stack.pop_n());
    };
}

/// Pops `$a` and binds `$top` to the new top of the stack (to overwrite it in place).
macro_rules! pop_top {
    ($interp:expr, $($name:ident),* ; $top:ident) => {
        let ([$($name),*], $top) = step!($interp, $interp.stack.pop_n_top());
    };
}

macro_rules! push {
    ($interp:expr, $value:expr) => {
        step!($interp, $interp.stack.push($value))
    };
}

/// Unwraps a [`crate::stack::Step`]; its `Err` halts the frame with that reason.
macro_rules! step {
    ($interp:expr, $result:expr) => {
        match $result {
            Ok(value) => value,
            Err(reason) => {
                $interp.halt(reason);
                return;
            }
        }
    };
}

/// Unwraps a host result; a [`zkos_system::Fatal`] ends the frame and the block.
macro_rules! host {
    ($interp:expr, $result:expr) => {
        match $result {
            Ok(value) => value,
            Err(fatal) => {
                $interp.fatal(fatal);
                return;
            }
        }
    };
}

/// Converts a stack value to `usize`, or halts out of gas when it cannot be an offset
/// of any memory that could be paid for.
macro_rules! as_usize_or_oog {
    ($interp:expr, $value:expr) => {
        match $crate::interpreter::to_usize($value) {
            Some(value) => value,
            None => {
                $interp.halt($crate::interpreter::OUT_OF_GAS);
                return;
            }
        }
    };
}

/// Fails the instruction in a static context (state changes are forbidden).
macro_rules! require_non_static {
    ($interp:expr) => {
        if $interp.context.is_static {
            $interp.halt($crate::interpreter::STATIC_STATE_CHANGE);
            return;
        }
    };
}
