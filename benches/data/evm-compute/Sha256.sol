// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// SHA-256 (FIPS 180-4) in plain EVM code: no precompile, no KECCAK256.
contract Sha256 {
    function hash(bytes calldata data) external pure returns (bytes32) {
        uint32[8] memory h = [
            uint32(0x6a09e667), 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
        ];
        bytes memory padded = pad(data);
        uint32[64] memory w;
        for (uint256 offset = 0; offset < padded.length; offset += 64) {
            schedule(padded, offset, w);
            compress(h, w);
        }
        return digest(h);
    }

    /// The message, a 0x80 byte, zeros and the bit length, to a multiple of 64 bytes.
    function pad(bytes calldata data) private pure returns (bytes memory padded) {
        uint256 len = data.length;
        uint256 total = ((len + 8) / 64 + 1) * 64;
        padded = new bytes(total);
        for (uint256 i = 0; i < len; ++i) {
            padded[i] = data[i];
        }
        padded[len] = 0x80;
        uint256 bits = len * 8;
        for (uint256 i = 0; i < 8; ++i) {
            padded[total - 1 - i] = bytes1(uint8(bits >> (8 * i)));
        }
    }

    function schedule(bytes memory block_, uint256 offset, uint32[64] memory w) private pure {
        for (uint256 t = 0; t < 16; ++t) {
            uint256 at = offset + 4 * t;
            w[t] = (uint32(uint8(block_[at])) << 24) | (uint32(uint8(block_[at + 1])) << 16)
                | (uint32(uint8(block_[at + 2])) << 8) | uint32(uint8(block_[at + 3]));
        }
        unchecked {
            for (uint256 t = 16; t < 64; ++t) {
                uint32 w15 = w[t - 15];
                uint32 w2 = w[t - 2];
                uint32 s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3);
                uint32 s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10);
                w[t] = w[t - 16] + s0 + w[t - 7] + s1;
            }
        }
    }

    function compress(uint32[8] memory h, uint32[64] memory w) private pure {
        uint32 a = h[0];
        uint32 b = h[1];
        uint32 c = h[2];
        uint32 d = h[3];
        uint32 e = h[4];
        uint32 f = h[5];
        uint32 g = h[6];
        uint32 k = h[7];
        unchecked {
            for (uint256 t = 0; t < 64; ++t) {
                uint32 t1 = k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g))
                    + roundConstant(t) + w[t];
                uint32 t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
                k = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
            }
            h[0] += a;
            h[1] += b;
            h[2] += c;
            h[3] += d;
            h[4] += e;
            h[5] += f;
            h[6] += g;
            h[7] += k;
        }
    }

    function rotr(uint32 x, uint8 n) private pure returns (uint32) {
        return (x >> n) | (x << (32 - n));
    }

    /// K[t]: the first 32 bits of the fractional parts of the cube roots of the first 64
    /// primes, packed eight to a word.
    function roundConstant(uint256 t) private pure returns (uint32) {
        uint256 word;
        uint256 group = t / 8;
        if (group == 0) word = 0x428a2f9871374491b5c0fbcfe9b5dba53956c25b59f111f1923f82a4ab1c5ed5;
        else if (group == 1) word = 0xd807aa9812835b01243185be550c7dc372be5d7480deb1fe9bdc06a7c19bf174;
        else if (group == 2) word = 0xe49b69c1efbe47860fc19dc6240ca1cc2de92c6f4a7484aa5cb0a9dc76f988da;
        else if (group == 3) word = 0x983e5152a831c66db00327c8bf597fc7c6e00bf3d5a7914706ca635114292967;
        else if (group == 4) word = 0x27b70a852e1b21384d2c6dfc53380d13650a7354766a0abb81c2c92e92722c85;
        else if (group == 5) word = 0xa2bfe8a1a81a664bc24b8b70c76c51a3d192e819d6990624f40e3585106aa070;
        else if (group == 6) word = 0x19a4c1161e376c082748774c34b0bcb5391c0cb34ed8aa4a5b9cca4f682e6ff3;
        else word = 0x748f82ee78a5636f84c878148cc7020890befffaa4506cebbef9a3f7c67178f2;
        return uint32(word >> (32 * (7 - (t % 8))));
    }

    function digest(uint32[8] memory h) private pure returns (bytes32 out) {
        uint256 packed = 0;
        for (uint256 i = 0; i < 8; ++i) {
            packed = (packed << 32) | h[i];
        }
        out = bytes32(packed);
    }
}
