//! w-NAF digits against ruint: odd, in range, spaced, and summing to the scalar.
use proptest::prelude::*;
use ruint::aliases::{U256 as Int, U512};
use zkos_ecc::{wnaf, wnaf_into};
use zkos_guest_rt::U256;

fn words(value: Int) -> U256 {
    U256(core::array::from_fn(|i| {
        (value >> (32 * i)).as_limbs()[0] as u32
    }))
}

fn scalar_value() -> impl Strategy<Value = Int> {
    prop_oneof![
        any::<[u8; 32]>().prop_map(Int::from_be_bytes),
        (0u64..5000).prop_map(|k| Int::MAX - Int::from(k)),
        (0u64..5000).prop_map(Int::from),
        any::<u64>().prop_map(Int::from),
        any::<u128>().prop_map(Int::from),
    ]
}

/// Checks that `digits` are a w-NAF of `value` (odd, in range, spaced by `width`, summing
/// to it) and that `len` is one past the highest non-zero one.
fn check_wnaf(digits: &[i16], len: usize, value: Int, width: u32) -> Result<(), TestCaseError> {
    let mut sum = U512::ZERO;
    let mut last_nonzero: Option<usize> = None;
    for (i, &digit) in digits.iter().enumerate() {
        if digit == 0 {
            continue;
        }
        prop_assert!(
            digit % 2 != 0 && digit.unsigned_abs() < 1 << (width - 1),
            "digit {digit}"
        );
        if let Some(last) = last_nonzero {
            prop_assert!(i - last >= width as usize, "digits at {last} and {i}");
        }
        last_nonzero = Some(i);
        let term = U512::from(digit.unsigned_abs()) << i;
        sum = if digit > 0 {
            sum.wrapping_add(term)
        } else {
            sum.wrapping_sub(term)
        };
    }
    prop_assert_eq!(sum, U512::from(value));
    prop_assert_eq!(len, last_nonzero.map_or(0, |i| i + 1));
    Ok(())
}

proptest! {
    #[test]
    fn wnaf_digits_sum_to_the_scalar(value in scalar_value(), width in 2u32..=16) {
        let digits = wnaf(&words(value), width);
        let mut same = [0i16; 257];
        let len = wnaf_into(&words(value), width, &mut same);
        prop_assert_eq!(same, digits);
        check_wnaf(&digits, len, value, width)?;
    }

    /// 129 digits hold a scalar below 2^128: the last position takes only the carry.
    #[test]
    fn short_digits_hold_a_128_bit_scalar(value in scalar_value(), width in 2u32..=16) {
        let value = value & (Int::MAX >> 128);
        let mut digits = [0i16; 129];
        let len = wnaf_into(&words(value), width, &mut digits);
        check_wnaf(&digits, len, value, width)?;
    }

    #[test]
    fn a_scalar_longer_than_its_digits_is_refused(value in 1u128.., shift in 128usize..256) {
        let value = (Int::from(value) << shift) | (Int::from(1u8) << 128);
        let mut digits = [0i16; 129];
        let refused = std::panic::catch_unwind(move || {
            wnaf_into(&words(value), 5, &mut digits);
        });
        prop_assert!(refused.is_err());
    }
}
