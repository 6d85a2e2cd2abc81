//! The Cancun gas schedule: every constant in one place, plus the formulas that are more
//! than a constant (memory expansion, SSTORE net metering, the 63/64 rule).
use zkos_system::U256;

pub const ZERO: u64 = 0;
pub const BASE: u64 = 2;
pub const VERYLOW: u64 = 3;
pub const LOW: u64 = 5;
pub const MID: u64 = 8;
pub const HIGH: u64 = 10;
pub const JUMPDEST: u64 = 1;
pub const EXP: u64 = 10;
pub const EXP_BYTE: u64 = 50;
pub const KECCAK256: u64 = 30;
pub const KECCAK256_WORD: u64 = 6;
pub const COPY_WORD: u64 = 3;
pub const MEMORY_WORD: u64 = 3;
pub const QUADRATIC_DIVISOR: u64 = 512;
pub const LOG: u64 = 375;
pub const LOG_TOPIC: u64 = 375;
pub const LOG_DATA: u64 = 8;
pub const BLOCKHASH: u64 = 20;
pub const SELFBALANCE: u64 = 5;
pub const TRANSIENT: u64 = 100;

/// EIP-2929.
pub const WARM_ACCESS: u64 = 100;
pub const COLD_ACCOUNT_ACCESS: u64 = 2_600;
pub const COLD_SLOAD: u64 = 2_100;

/// EIP-2200 / EIP-3529.
pub const SSTORE_SET: u64 = 20_000;
pub const SSTORE_RESET: u64 = 5_000 - COLD_SLOAD;
pub const SSTORE_CLEARS_REFUND: i64 = 4_800;
pub const SSTORE_STIPEND_GUARD: u64 = 2_300;

pub const CALL_VALUE: u64 = 9_000;
pub const CALL_STIPEND: u64 = 2_300;
pub const NEW_ACCOUNT: u64 = 25_000;
pub const SELFDESTRUCT: u64 = 5_000;

pub const CREATE: u64 = 32_000;
pub const CODE_DEPOSIT_BYTE: u64 = 200;
/// EIP-3860: per 32-byte word of init code.
pub const INIT_CODE_WORD: u64 = 2;
/// EIP-170.
pub const MAX_CODE_SIZE: usize = 24_576;
/// EIP-3860.
pub const MAX_INIT_CODE_SIZE: usize = 2 * MAX_CODE_SIZE;

pub fn words(len: usize) -> u64 {
    (len as u64).div_ceil(32)
}

/// Takes `cost` from `remaining`; `false` when it is more than what remains (and the frame
/// must halt, which consumes all its gas, so what is left then no longer matters). One
/// subtraction in place, where `checked_sub` loads, compares and stores.
#[inline(always)]
pub fn charge(remaining: &mut u64, cost: u64) -> bool {
    let (left, short) = remaining.overflowing_sub(cost);
    *remaining = left;
    !short
}

/// Total cost of a memory of `words` 32-byte words.
pub fn memory_cost(words: u64) -> u64 {
    MEMORY_WORD
        .saturating_mul(words)
        .saturating_add(words.saturating_mul(words) / QUADRATIC_DIVISOR)
}

/// EXP beyond its static gas: 50 per byte of the exponent.
pub fn exp_cost(exponent: &U256) -> u64 {
    EXP_BYTE * exponent.bit_len().div_ceil(8) as u64
}

/// LOG0 .. LOG4's static gas: the base and the topics (the data is charged per byte).
pub const fn log(topics: u64) -> u64 {
    LOG + LOG_TOPIC * topics
}

/// All but one 64th (EIP-150): the most gas a frame may hand to a child.
pub fn all_but_one_64th(gas: u64) -> u64 {
    gas - gas / 64
}

/// SSTORE cost without the cold surcharge (EIP-2200 with EIP-2929 prices).
pub fn sstore_cost(original: &U256, current: &U256, new: &U256) -> u64 {
    if current == new || original != current {
        WARM_ACCESS
    } else if original.is_zero() {
        SSTORE_SET
    } else {
        SSTORE_RESET
    }
}

/// SSTORE refund counter change (EIP-2200 with EIP-3529 values).
pub fn sstore_refund(original: &U256, current: &U256, new: &U256) -> i64 {
    if current == new {
        return 0;
    }
    if original == current {
        return if new.is_zero() {
            SSTORE_CLEARS_REFUND
        } else {
            0
        };
    }
    let mut refund = 0;
    if !original.is_zero() {
        if current.is_zero() {
            refund -= SSTORE_CLEARS_REFUND;
        } else if new.is_zero() {
            refund += SSTORE_CLEARS_REFUND;
        }
    }
    if original == new {
        let restored = if original.is_zero() {
            SSTORE_SET
        } else {
            SSTORE_RESET
        };
        refund += (restored - WARM_ACCESS) as i64;
    }
    refund
}

pub use zkos_system::blob::blob_base_fee;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_cost_matches_the_yellow_paper() {
        assert_eq!(memory_cost(1), 3);
        assert_eq!(memory_cost(32), 98);
        assert_eq!(memory_cost(1024), 3 * 1024 + 2048);
    }

    #[test]
    fn sstore_refunds_follow_eip_3529_examples() {
        let (zero, one, two) = (U256::ZERO, U256::from(1), U256::from(2));
        // 0 -> 1 -> 0 in one transaction: 20000 charged, 19900 back.
        assert_eq!(sstore_cost(&zero, &zero, &one), 20_000);
        assert_eq!(sstore_cost(&zero, &one, &zero), 100);
        assert_eq!(sstore_refund(&zero, &one, &zero), 19_900);
        // 1 -> 0: clearing refund 4800; 1 -> 0 -> 1 takes it back and adds 2800.
        assert_eq!(sstore_refund(&one, &one, &zero), 4_800);
        assert_eq!(sstore_refund(&one, &zero, &one), -4_800 + 2_800);
        assert_eq!(sstore_cost(&one, &one, &two), 2_900);
    }
}
