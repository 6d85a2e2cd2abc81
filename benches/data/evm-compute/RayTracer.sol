// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// A small ray tracer in 16.16 fixed point: four spheres (one a floor), a directional
/// light with shadows, a checkered floor. Renders width x height pixels and returns a
/// checksum of their colours and how many pixels hit a sphere.
contract RayTracer {
    int256 private constant ONE = 1 << 16;
    uint256 private constant SPHERES = 4;
    uint256 private constant NONE = type(uint256).max;

    function render(uint256 width, uint256 height) external pure returns (uint256 checksum, uint256 hits) {
        for (uint256 y = 0; y < height; ++y) {
            for (uint256 x = 0; x < width; ++x) {
                (uint256 rgb, bool hit) = pixel(x, y, width, height);
                unchecked {
                    checksum = (checksum * 1000003) ^ rgb;
                }
                if (hit) ++hits;
            }
        }
    }

    /// The colour (0xRRGGBB) of pixel (x, y) and whether its ray hit a sphere.
    function pixel(uint256 x, uint256 y, uint256 width, uint256 height)
        private
        pure
        returns (uint256 rgb, bool hit)
    {
        (int256 dx, int256 dy, int256 dz) = normalize(
            ((2 * int256(x) + 1 - int256(width)) * ONE) / int256(height),
            ((int256(height) - 2 * int256(y) - 1) * ONE) / int256(height),
            -2 * ONE
        );
        (uint256 index, int256 t) = nearest(0, ONE / 2, 0, dx, dy, dz);
        if (index == NONE) return (sky(dy), false);
        return (shade(index, dx * t / ONE, ONE / 2 + dy * t / ONE, dz * t / ONE), true);
    }

    function sky(int256 dy) private pure returns (uint256) {
        uint256 blue = uint256(128 + (dy * 127) / ONE);
        return (blue / 2 << 16) | (blue * 3 / 4 << 8) | blue;
    }

    /// Lambert shading with a shadow ray, at point (px, py, pz) on sphere `index`.
    function shade(uint256 index, int256 px, int256 py, int256 pz) private pure returns (uint256) {
        (int256 nx, int256 ny, int256 nz) = normal(index, px, py, pz);
        int256 light = ONE / 8 + (lit(px, py, pz, nx, ny, nz) * 7) / 8;
        uint256 colour = index == 0 && checkered(px, pz) ? 0x303030 : colourOf(index);
        return scale(colour >> 16, light) << 16 | scale((colour >> 8) & 0xff, light) << 8 | scale(colour & 0xff, light);
    }

    function normal(uint256 index, int256 px, int256 py, int256 pz) private pure returns (int256, int256, int256) {
        (int256 cx, int256 cy, int256 cz, int256 r) = sphere(index);
        return (((px - cx) * ONE) / r, ((py - cy) * ONE) / r, ((pz - cz) * ONE) / r);
    }

    /// The light's intensity at p with unit normal n: zero when another sphere shadows it.
    function lit(int256 px, int256 py, int256 pz, int256 nx, int256 ny, int256 nz) private pure returns (int256) {
        (int256 lx, int256 ly, int256 lz) = normalize(-ONE, 2 * ONE, ONE);
        int256 lambert = dot(nx, ny, nz, lx, ly, lz);
        if (lambert <= 0) return 0;
        int256 eps = ONE / 64;
        (uint256 blocker,) = nearest(px + (nx * eps) / ONE, py + (ny * eps) / ONE, pz + (nz * eps) / ONE, lx, ly, lz);
        return blocker == NONE ? lambert : int256(0);
    }

    function checkered(int256 px, int256 pz) private pure returns (bool) {
        return (uint256(px + 64 * ONE) / uint256(ONE) + uint256(pz + 64 * ONE) / uint256(ONE)) % 2 == 1;
    }

    function scale(uint256 channel, int256 light) private pure returns (uint256) {
        return (channel * uint256(light)) / uint256(ONE);
    }

    /// The nearest sphere the ray (origin o, unit direction d) hits, and the distance.
    function nearest(int256 ox, int256 oy, int256 oz, int256 dx, int256 dy, int256 dz)
        private
        pure
        returns (uint256 index, int256 best)
    {
        index = NONE;
        best = type(int256).max;
        for (uint256 i = 0; i < SPHERES; ++i) {
            int256 t = intersect(i, ox, oy, oz, dx, dy, dz);
            if (t > 0 && t < best) {
                best = t;
                index = i;
            }
        }
    }

    /// The distance along the ray to sphere `i`, or -1 when it misses.
    function intersect(uint256 i, int256 ox, int256 oy, int256 oz, int256 dx, int256 dy, int256 dz)
        private
        pure
        returns (int256)
    {
        (int256 cx, int256 cy, int256 cz, int256 r) = sphere(i);
        int256 lx = ox - cx;
        int256 ly = oy - cy;
        int256 lz = oz - cz;
        int256 b = dot(lx, ly, lz, dx, dy, dz);
        int256 c = dot(lx, ly, lz, lx, ly, lz) - (r * r) / ONE;
        int256 disc = (b * b) / ONE - c;
        if (disc < 0) return -1;
        int256 root = int256(sqrt(uint256(disc * ONE)));
        int256 t = -b - root;
        if (t <= ONE / 256) t = -b + root;
        return t > ONE / 256 ? t : -1;
    }

    /// Sphere `i`: centre and radius.
    function sphere(uint256 i) private pure returns (int256, int256, int256, int256) {
        if (i == 0) return (0, -1000 * ONE, -3 * ONE, 1000 * ONE);
        if (i == 1) return (-ONE, ONE / 2, -4 * ONE, ONE);
        if (i == 2) return (ONE + ONE / 2, ONE / 4, -5 * ONE, ONE / 2 + ONE / 4);
        return (ONE / 4, ONE / 4, -2 * ONE - ONE / 2, ONE / 4);
    }

    function colourOf(uint256 i) private pure returns (uint256) {
        if (i == 0) return 0xd0d0d0;
        if (i == 1) return 0xe04030;
        if (i == 2) return 0x30c050;
        return 0x4060e0;
    }

    function dot(int256 ax, int256 ay, int256 az, int256 bx, int256 by, int256 bz) private pure returns (int256) {
        return (ax * bx + ay * by + az * bz) / ONE;
    }

    function normalize(int256 x, int256 y, int256 z) private pure returns (int256, int256, int256) {
        int256 len = int256(sqrt(uint256(x * x + y * y + z * z)));
        return ((x * ONE) / len, (y * ONE) / len, (z * ONE) / len);
    }

    /// floor(sqrt(n)) by Newton's method from a power of two above the root.
    function sqrt(uint256 n) private pure returns (uint256) {
        if (n == 0) return 0;
        uint256 x = 1;
        uint256 bits = n;
        while (bits > 0) {
            bits >>= 2;
            x <<= 1;
        }
        uint256 y = (x + n / x) / 2;
        while (y < x) {
            x = y;
            y = (x + n / x) / 2;
        }
        return x;
    }
}
