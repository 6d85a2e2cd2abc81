//! Two's complement views of U256 for the signed opcodes.
use zkos_system::U256;

fn is_negative(value: &U256) -> bool {
    value.bit(255)
}

fn negate(value: U256) -> U256 {
    (!value).wrapping_add(U256::from(1))
}

fn abs(value: U256) -> U256 {
    if is_negative(&value) {
        negate(value)
    } else {
        value
    }
}

/// Signed less-than.
pub fn lt(a: &U256, b: &U256) -> bool {
    match (is_negative(a), is_negative(b)) {
        (true, false) => true,
        (false, true) => false,
        _ => a < b,
    }
}

/// SDIV: truncates toward zero; x / 0 = 0; MIN / -1 = MIN.
pub fn div(a: U256, b: U256) -> U256 {
    if b.is_zero() {
        return U256::ZERO;
    }
    let quotient = abs(a) / abs(b);
    if is_negative(&a) != is_negative(&b) {
        negate(quotient)
    } else {
        quotient
    }
}

/// SMOD: the sign of the dividend; x % 0 = 0.
pub fn rem(a: U256, b: U256) -> U256 {
    if b.is_zero() {
        return U256::ZERO;
    }
    let remainder = abs(a) % abs(b);
    if is_negative(&a) {
        negate(remainder)
    } else {
        remainder
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(value: i64) -> U256 {
        if value < 0 {
            negate(U256::from(value.unsigned_abs()))
        } else {
            U256::from(value)
        }
    }

    #[test]
    fn signed_division_truncates_toward_zero() {
        assert_eq!(div(int(-7), int(2)), int(-3));
        assert_eq!(div(int(7), int(-2)), int(-3));
        assert_eq!(rem(int(-7), int(2)), int(-1));
        assert_eq!(rem(int(7), int(-2)), int(1));
        let min = U256::from(1) << 255;
        assert_eq!(div(min, int(-1)), min);
        assert!(lt(&int(-1), &int(0)));
        assert!(!lt(&int(1), &int(-5)));
    }
}
