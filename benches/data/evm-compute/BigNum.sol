// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// 1024-bit Montgomery arithmetic over eight 128-bit limbs (least significant first),
/// each held in a uint256 so that a limb product plus two carries never overflows.
contract BigNum {
    uint256 private constant LIMBS = 8;
    uint256 private constant MASK = type(uint128).max;

    /// Squares `base` `squarings` times in Montgomery form modulo the odd `modulus`:
    /// x <- x * x / R mod modulus, R = 2^1024. Returns the final x.
    function run(uint256[8] calldata base, uint256[8] calldata modulus, uint256 squarings)
        external
        pure
        returns (uint256[8] memory x)
    {
        uint256[8] memory m = modulus;
        x = base;
        uint256 mInv = negInverse(m[0]);
        for (uint256 i = 0; i < squarings; ++i) {
            x = montMul(x, x, m, mInv);
        }
    }

    /// -m0^-1 mod 2^128 by Newton's iteration (each step doubles the correct low bits).
    function negInverse(uint256 m0) private pure returns (uint256) {
        unchecked {
            uint256 inv = m0;
            for (uint256 i = 0; i < 7; ++i) {
                inv = (inv * (2 - m0 * inv)) & MASK;
            }
            return (0 - inv) & MASK;
        }
    }

    /// a * b / R mod m (coarsely integrated operand scanning), with a final subtraction.
    function montMul(uint256[8] memory a, uint256[8] memory b, uint256[8] memory m, uint256 mInv)
        private
        pure
        returns (uint256[8] memory)
    {
        uint256[10] memory t;
        unchecked {
            for (uint256 i = 0; i < LIMBS; ++i) {
                uint256 carry = 0;
                uint256 ai = a[i];
                for (uint256 j = 0; j < LIMBS; ++j) {
                    uint256 sum = t[j] + ai * b[j] + carry;
                    t[j] = sum & MASK;
                    carry = sum >> 128;
                }
                uint256 top = t[LIMBS] + carry;
                t[LIMBS] = top & MASK;
                t[LIMBS + 1] = top >> 128;

                uint256 q = (t[0] * mInv) & MASK;
                carry = (t[0] + q * m[0]) >> 128;
                for (uint256 j = 1; j < LIMBS; ++j) {
                    uint256 sum = t[j] + q * m[j] + carry;
                    t[j - 1] = sum & MASK;
                    carry = sum >> 128;
                }
                top = t[LIMBS] + carry;
                t[LIMBS - 1] = top & MASK;
                t[LIMBS] = t[LIMBS + 1] + (top >> 128);
            }
        }
        return reduceOnce(t, m);
    }

    /// t - m when t >= m (t < 2m here), else t, as eight limbs.
    function reduceOnce(uint256[10] memory t, uint256[8] memory m)
        private
        pure
        returns (uint256[8] memory r)
    {
        bool subtract = t[LIMBS] != 0;
        if (!subtract) {
            subtract = true;
            for (uint256 k = LIMBS; k > 0; --k) {
                if (t[k - 1] != m[k - 1]) {
                    subtract = t[k - 1] > m[k - 1];
                    break;
                }
            }
        }
        unchecked {
            uint256 borrow = 0;
            for (uint256 j = 0; j < LIMBS; ++j) {
                if (subtract) {
                    uint256 diff = t[j] - m[j] - borrow;
                    borrow = diff >> 255;
                    r[j] = diff & MASK;
                } else {
                    r[j] = t[j];
                }
            }
        }
    }
}
