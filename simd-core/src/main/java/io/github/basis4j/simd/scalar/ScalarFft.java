package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.spi.FftKernels;

/**
 * Plain-loop {@link FftKernels}: the test oracle and the fallback. Layouts and formulas are those of
 * {@link FftKernels}; each kernel here is the twin of the method of the same name in
 * {@code io.github.basis4j.simd.panama.PanamaFft}.
 *
 * <p>Each kernel also exists as a public static {@code …Range} method over the channel range
 * {@code [c0, c1)}: the Panama twin runs its vector body over the channels that fill whole vectors
 * and hands the remaining channels to that method, so the tail follows exactly the oracle's formulas.
 */
public final class ScalarFft implements FftKernels {
    // sin/cos of 2π·k/p, computed in double and rounded once.
    private static final float C3 = (float) Math.cos(2 * Math.PI / 3), S3 = (float) Math.sin(2 * Math.PI / 3);
    private static final float C51 = (float) Math.cos(2 * Math.PI / 5), S51 = (float) Math.sin(2 * Math.PI / 5);
    private static final float C52 = (float) Math.cos(4 * Math.PI / 5), S52 = (float) Math.sin(4 * Math.PI / 5);
    private static final float C71 = (float) Math.cos(2 * Math.PI / 7), S71 = (float) Math.sin(2 * Math.PI / 7);
    private static final float C72 = (float) Math.cos(4 * Math.PI / 7), S72 = (float) Math.sin(4 * Math.PI / 7);
    private static final float C73 = (float) Math.cos(6 * Math.PI / 7), S73 = (float) Math.sin(6 * Math.PI / 7);
    private static final float SQRT_HALF = (float) Math.sqrt(0.5);

    @Override
    public void radix2(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                       float[] tw, int twOff, int count, int c) {
        radix2Range(inverse, src, srcOff, srcStride, dst, dstOff, dstStride, tw, twOff, count, c, 0, c);
    }

    @Override
    public void radix3(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                       float[] tw, int twOff, int count, int c) {
        radix3Range(inverse, src, srcOff, srcStride, dst, dstOff, dstStride, tw, twOff, count, c, 0, c);
    }

    @Override
    public void radix4(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                       float[] tw, int twOff, int count, int c) {
        radix4Range(inverse, src, srcOff, srcStride, dst, dstOff, dstStride, tw, twOff, count, c, 0, c);
    }

    @Override
    public void radix5(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                       float[] tw, int twOff, int count, int c) {
        radix5Range(inverse, src, srcOff, srcStride, dst, dstOff, dstStride, tw, twOff, count, c, 0, c);
    }

    @Override
    public void radix7(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                       float[] tw, int twOff, int count, int c) {
        radix7Range(inverse, src, srcOff, srcStride, dst, dstOff, dstStride, tw, twOff, count, c, 0, c);
    }

    @Override
    public void radix8(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                       float[] tw, int twOff, int count, int c) {
        radix8Range(inverse, src, srcOff, srcStride, dst, dstOff, dstStride, tw, twOff, count, c, 0, c);
    }

    @Override
    public void complexMultiply(float[] src, int srcOff, int srcStride, float[] w, int wOff,
                                float[] dst, int dstOff, int dstStride, int n, int blocks, int c) {
        complexMultiplyRange(src, srcOff, srcStride, w, wOff, dst, dstOff, dstStride, n, blocks, c, 0, c);
    }

    @Override
    public void realForwardPost(float[] src, int srcOff, float[] dst, int dstOff, float[] tw, int twOff, int m, int c,
                                float edgeScale, float midScale) {
        realForwardPostRange(src, srcOff, dst, dstOff, tw, twOff, m, c, edgeScale, midScale, 0, c);
    }

    @Override
    public void realInversePre(float[] src, int srcOff, float[] dst, int dstOff, float[] tw, int twOff, int m, int c,
                               float edgeScale, float midScale) {
        realInversePreRange(src, srcOff, dst, dstOff, tw, twOff, m, c, edgeScale, midScale, 0, c);
    }

    @Override
    public void hermitianExtend(float[] src, int srcOff, float[] dst, int dstOff, int w, int c,
                                float edgeScale, float midScale) {
        hermitianExtendRange(src, srcOff, dst, dstOff, w, c, edgeScale, midScale, 0, c);
    }

    @Override
    public void scale(float[] src, int srcOff, float[] dst, int dstOff, int n, float factor) {
        assert n >= 0 && srcOff >= 0 && dstOff >= 0;
        for (int i = 0; i < n; i++) dst[dstOff + i] = factor * src[srcOff + i];
    }

    /** {@link #radix2} over channels {@code [c0, c1)} only. */
    public static void radix2Range(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff,
                                   int dstStride, float[] tw, int twOff, int count, int c, int c0, int c1) {
        assert 0 <= c0 && c0 <= c1 && c1 <= c && count >= 0;
        boolean twiddled = tw != null;
        float w1r = twiddled ? tw[twOff] : 1f, w1i = twiddled ? tw[twOff + 1] : 0f;
        for (int b = 0; b < count; b++) {
            int s0 = srcOff + 2 * b * c, d0 = dstOff + 2 * b * c;
            for (int ch = c0; ch < c1; ch++) {
                int i0 = s0 + ch, i1 = i0 + srcStride;
                float a0r = src[i0], a0i = src[i0 + c], a1r = src[i1], a1i = src[i1 + c];
                float y1r = a0r - a1r, y1i = a0i - a1i;
                int o0 = d0 + ch, o1 = o0 + dstStride;
                dst[o0] = a0r + a1r;
                dst[o0 + c] = a0i + a1i;
                if (twiddled) {
                    dst[o1] = y1r * w1r - y1i * w1i;
                    dst[o1 + c] = y1r * w1i + y1i * w1r;
                } else {
                    dst[o1] = y1r;
                    dst[o1 + c] = y1i;
                }
            }
        }
    }

    /** {@link #radix3} over channels {@code [c0, c1)} only. */
    public static void radix3Range(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff,
                                   int dstStride, float[] tw, int twOff, int count, int c, int c0, int c1) {
        assert 0 <= c0 && c0 <= c1 && c1 <= c && count >= 0;
        // ω = cos(2π/3) + i·sn with sn = −sin (forward) or +sin (inverse).
        float sn = inverse ? S3 : -S3;
        for (int b = 0; b < count; b++) {
            int s0 = srcOff + 2 * b * c, d0 = dstOff + 2 * b * c;
            for (int ch = c0; ch < c1; ch++) {
                int i0 = s0 + ch, i1 = i0 + srcStride, i2 = i1 + srcStride;
                float a0r = src[i0], a0i = src[i0 + c];
                float sr = src[i1] + src[i2], si = src[i1 + c] + src[i2 + c];
                float dr = src[i1] - src[i2], di = src[i1 + c] - src[i2 + c];
                float ar = a0r + C3 * sr, ai = a0i + C3 * si;
                float br = sn * dr, bi = sn * di;
                int o0 = d0 + ch;
                dst[o0] = a0r + sr;
                dst[o0 + c] = a0i + si;
                store(dst, o0 + dstStride, c, ar - bi, ai + br, tw, twOff, 1);
                store(dst, o0 + 2 * dstStride, c, ar + bi, ai - br, tw, twOff, 2);
            }
        }
    }

    /** {@link #radix4} over channels {@code [c0, c1)} only. */
    public static void radix4Range(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff,
                                   int dstStride, float[] tw, int twOff, int count, int c, int c0, int c1) {
        assert 0 <= c0 && c0 <= c1 && c1 <= c && count >= 0;
        for (int b = 0; b < count; b++) {
            int s0 = srcOff + 2 * b * c, d0 = dstOff + 2 * b * c;
            for (int ch = c0; ch < c1; ch++) {
                int i0 = s0 + ch, i1 = i0 + srcStride, i2 = i1 + srcStride, i3 = i2 + srcStride;
                float t0r = src[i0] + src[i2], t0i = src[i0 + c] + src[i2 + c];
                float t1r = src[i0] - src[i2], t1i = src[i0 + c] - src[i2 + c];
                float t2r = src[i1] + src[i3], t2i = src[i1 + c] + src[i3 + c];
                float t3r = src[i1] - src[i3], t3i = src[i1 + c] - src[i3 + c];
                // Forward: y1 = t1 − i·t3, y3 = t1 + i·t3; the inverse swaps them.
                float ur = inverse ? -t3i : t3i, ui = inverse ? t3r : -t3r;
                int o0 = d0 + ch;
                dst[o0] = t0r + t2r;
                dst[o0 + c] = t0i + t2i;
                store(dst, o0 + dstStride, c, t1r + ur, t1i + ui, tw, twOff, 1);
                store(dst, o0 + 2 * dstStride, c, t0r - t2r, t0i - t2i, tw, twOff, 2);
                store(dst, o0 + 3 * dstStride, c, t1r - ur, t1i - ui, tw, twOff, 3);
            }
        }
    }

    /** {@link #radix5} over channels {@code [c0, c1)} only. */
    public static void radix5Range(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff,
                                   int dstStride, float[] tw, int twOff, int count, int c, int c0, int c1) {
        assert 0 <= c0 && c0 <= c1 && c1 <= c && count >= 0;
        float sg = inverse ? 1f : -1f;
        float s1 = sg * S51, s2 = sg * S52;
        for (int b = 0; b < count; b++) {
            int s0 = srcOff + 2 * b * c, d0 = dstOff + 2 * b * c;
            for (int ch = c0; ch < c1; ch++) {
                int i0 = s0 + ch, i1 = i0 + srcStride, i2 = i1 + srcStride, i3 = i2 + srcStride, i4 = i3 + srcStride;
                float a0r = src[i0], a0i = src[i0 + c];
                // Symmetric sums and differences of the inputs r and p − r.
                float p1r = src[i1] + src[i4], p1i = src[i1 + c] + src[i4 + c];
                float m1r = src[i1] - src[i4], m1i = src[i1 + c] - src[i4 + c];
                float p2r = src[i2] + src[i3], p2i = src[i2 + c] + src[i3 + c];
                float m2r = src[i2] - src[i3], m2i = src[i2 + c] - src[i3 + c];
                float a1r = a0r + C51 * p1r + C52 * p2r, a1i = a0i + C51 * p1i + C52 * p2i;
                float b1r = s1 * m1r + s2 * m2r, b1i = s1 * m1i + s2 * m2i;
                float a2r = a0r + C52 * p1r + C51 * p2r, a2i = a0i + C52 * p1i + C51 * p2i;
                float b2r = s2 * m1r - s1 * m2r, b2i = s2 * m1i - s1 * m2i;
                int o0 = d0 + ch;
                dst[o0] = a0r + p1r + p2r;
                dst[o0 + c] = a0i + p1i + p2i;
                store(dst, o0 + dstStride, c, a1r - b1i, a1i + b1r, tw, twOff, 1);
                store(dst, o0 + 4 * dstStride, c, a1r + b1i, a1i - b1r, tw, twOff, 4);
                store(dst, o0 + 2 * dstStride, c, a2r - b2i, a2i + b2r, tw, twOff, 2);
                store(dst, o0 + 3 * dstStride, c, a2r + b2i, a2i - b2r, tw, twOff, 3);
            }
        }
    }

    /** {@link #radix7} over channels {@code [c0, c1)} only. */
    public static void radix7Range(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff,
                                   int dstStride, float[] tw, int twOff, int count, int c, int c0, int c1) {
        assert 0 <= c0 && c0 <= c1 && c1 <= c && count >= 0;
        float sg = inverse ? 1f : -1f;
        float s1 = sg * S71, s2 = sg * S72, s3 = sg * S73;
        for (int b = 0; b < count; b++) {
            int s0 = srcOff + 2 * b * c, d0 = dstOff + 2 * b * c;
            for (int ch = c0; ch < c1; ch++) {
                int i0 = s0 + ch;
                int i1 = i0 + srcStride, i2 = i1 + srcStride, i3 = i2 + srcStride;
                int i4 = i3 + srcStride, i5 = i4 + srcStride, i6 = i5 + srcStride;
                float a0r = src[i0], a0i = src[i0 + c];
                float p1r = src[i1] + src[i6], p1i = src[i1 + c] + src[i6 + c];
                float m1r = src[i1] - src[i6], m1i = src[i1 + c] - src[i6 + c];
                float p2r = src[i2] + src[i5], p2i = src[i2 + c] + src[i5 + c];
                float m2r = src[i2] - src[i5], m2i = src[i2 + c] - src[i5 + c];
                float p3r = src[i3] + src[i4], p3i = src[i3 + c] + src[i4 + c];
                float m3r = src[i3] - src[i4], m3i = src[i3 + c] - src[i4 + c];
                // cos(2π·k·r/7) and sin(2π·k·r/7) reduced to the three base angles (k·r mod 7).
                float a1r = a0r + C71 * p1r + C72 * p2r + C73 * p3r, a1i = a0i + C71 * p1i + C72 * p2i + C73 * p3i;
                float b1r = s1 * m1r + s2 * m2r + s3 * m3r, b1i = s1 * m1i + s2 * m2i + s3 * m3i;
                float a2r = a0r + C72 * p1r + C73 * p2r + C71 * p3r, a2i = a0i + C72 * p1i + C73 * p2i + C71 * p3i;
                float b2r = s2 * m1r - s3 * m2r - s1 * m3r, b2i = s2 * m1i - s3 * m2i - s1 * m3i;
                float a3r = a0r + C73 * p1r + C71 * p2r + C72 * p3r, a3i = a0i + C73 * p1i + C71 * p2i + C72 * p3i;
                float b3r = s3 * m1r - s1 * m2r + s2 * m3r, b3i = s3 * m1i - s1 * m2i + s2 * m3i;
                int o0 = d0 + ch;
                dst[o0] = a0r + p1r + p2r + p3r;
                dst[o0 + c] = a0i + p1i + p2i + p3i;
                store(dst, o0 + dstStride, c, a1r - b1i, a1i + b1r, tw, twOff, 1);
                store(dst, o0 + 6 * dstStride, c, a1r + b1i, a1i - b1r, tw, twOff, 6);
                store(dst, o0 + 2 * dstStride, c, a2r - b2i, a2i + b2r, tw, twOff, 2);
                store(dst, o0 + 5 * dstStride, c, a2r + b2i, a2i - b2r, tw, twOff, 5);
                store(dst, o0 + 3 * dstStride, c, a3r - b3i, a3i + b3r, tw, twOff, 3);
                store(dst, o0 + 4 * dstStride, c, a3r + b3i, a3i - b3r, tw, twOff, 4);
            }
        }
    }

    /** {@link #radix8} over channels {@code [c0, c1)} only. */
    public static void radix8Range(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff,
                                   int dstStride, float[] tw, int twOff, int count, int c, int c0, int c1) {
        assert 0 <= c0 && c0 <= c1 && c1 <= c && count >= 0;
        // ±i rotation sign: forward multiplies by −i, inverse by +i.
        float g = inverse ? 1f : -1f;
        for (int b = 0; b < count; b++) {
            int s0 = srcOff + 2 * b * c, d0 = dstOff + 2 * b * c;
            for (int ch = c0; ch < c1; ch++) {
                int i0 = s0 + ch;
                float x0r = src[i0], x0i = src[i0 + c];
                float x1r = src[i0 + srcStride], x1i = src[i0 + srcStride + c];
                float x2r = src[i0 + 2 * srcStride], x2i = src[i0 + 2 * srcStride + c];
                float x3r = src[i0 + 3 * srcStride], x3i = src[i0 + 3 * srcStride + c];
                float x4r = src[i0 + 4 * srcStride], x4i = src[i0 + 4 * srcStride + c];
                float x5r = src[i0 + 5 * srcStride], x5i = src[i0 + 5 * srcStride + c];
                float x6r = src[i0 + 6 * srcStride], x6i = src[i0 + 6 * srcStride + c];
                float x7r = src[i0 + 7 * srcStride], x7i = src[i0 + 7 * srcStride + c];
                // Radix-4 over the even inputs (0, 2, 4, 6): E0..E3.
                float t0r = x0r + x4r, t0i = x0i + x4i, t1r = x0r - x4r, t1i = x0i - x4i;
                float t2r = x2r + x6r, t2i = x2i + x6i, t3r = x2r - x6r, t3i = x2i - x6i;
                float e0r = t0r + t2r, e0i = t0i + t2i, e2r = t0r - t2r, e2i = t0i - t2i;
                float e1r = t1r - g * t3i, e1i = t1i + g * t3r, e3r = t1r + g * t3i, e3i = t1i - g * t3r;
                // Radix-4 over the odd inputs (1, 3, 5, 7): O0..O3.
                float u0r = x1r + x5r, u0i = x1i + x5i, u1r = x1r - x5r, u1i = x1i - x5i;
                float u2r = x3r + x7r, u2i = x3i + x7i, u3r = x3r - x7r, u3i = x3i - x7i;
                float o0r = u0r + u2r, o0i = u0i + u2i, o2r = u0r - u2r, o2i = u0i - u2i;
                float o1r = u1r - g * u3i, o1i = u1i + g * u3r, o3r = u1r + g * u3i, o3i = u1i - g * u3r;
                // ω8^k·O_k: ω8 = √½·(1 + g·i), ω8² = g·i, ω8³ = √½·(−1 + g·i).
                float q1r = SQRT_HALF * (o1r - g * o1i), q1i = SQRT_HALF * (o1i + g * o1r);
                float q2r = -g * o2i, q2i = g * o2r;
                float q3r = -SQRT_HALF * (o3r + g * o3i), q3i = SQRT_HALF * (g * o3r - o3i);
                int y0 = d0 + ch;
                dst[y0] = e0r + o0r;
                dst[y0 + c] = e0i + o0i;
                store(dst, y0 + dstStride, c, e1r + q1r, e1i + q1i, tw, twOff, 1);
                store(dst, y0 + 2 * dstStride, c, e2r + q2r, e2i + q2i, tw, twOff, 2);
                store(dst, y0 + 3 * dstStride, c, e3r + q3r, e3i + q3i, tw, twOff, 3);
                store(dst, y0 + 4 * dstStride, c, e0r - o0r, e0i - o0i, tw, twOff, 4);
                store(dst, y0 + 5 * dstStride, c, e1r - q1r, e1i - q1i, tw, twOff, 5);
                store(dst, y0 + 6 * dstStride, c, e2r - q2r, e2i - q2i, tw, twOff, 6);
                store(dst, y0 + 7 * dstStride, c, e3r - q3r, e3i - q3i, tw, twOff, 7);
            }
        }
    }

    /** {@link #complexMultiply} over channels {@code [c0, c1)} only. */
    public static void complexMultiplyRange(float[] src, int srcOff, int srcStride, float[] w, int wOff,
                                            float[] dst, int dstOff, int dstStride, int n, int blocks, int c,
                                            int c0, int c1) {
        assert 0 <= c0 && c0 <= c1 && c1 <= c && n >= 0 && blocks >= 0;
        for (int e = 0; e < n; e++) {
            float wr = w[wOff + 2 * e], wi = w[wOff + 2 * e + 1];
            for (int b = 0; b < blocks; b++) {
                int s0 = srcOff + e * srcStride + 2 * b * c, d0 = dstOff + e * dstStride + 2 * b * c;
                for (int ch = c0; ch < c1; ch++) {
                    float xr = src[s0 + ch], xi = src[s0 + c + ch];
                    dst[d0 + ch] = xr * wr - xi * wi;
                    dst[d0 + c + ch] = xr * wi + xi * wr;
                }
            }
        }
    }

    /** {@link #realForwardPost} over channels {@code [c0, c1)} only. */
    public static void realForwardPostRange(float[] src, int srcOff, float[] dst, int dstOff, float[] tw, int twOff,
                                            int m, int c, float edgeScale, float midScale, int c0, int c1) {
        assert 0 <= c0 && c0 <= c1 && c1 <= c && m >= 1;
        int two = 2 * c;
        for (int k = 0; 2 * k <= m; k++) {
            int mk = m - k;
            // The even/odd split halves the sums: fold that ½ into the output scale.
            float s = 0.5f * (k == 0 ? edgeScale : midScale);
            float wr = tw[twOff + 2 * k], wi = tw[twOff + 2 * k + 1];
            int zk = srcOff + k * two, zmk = srcOff + (k == 0 ? 0 : mk) * two;
            int xk = dstOff + k * two, xmk = dstOff + mk * two;
            for (int ch = c0; ch < c1; ch++) {
                float a = src[zk + ch], bb = src[zk + c + ch], cc = src[zmk + ch], d = src[zmk + c + ch];
                // 2E = Z_k + conj(Z_{m−k}), 2O = (Z_k − conj(Z_{m−k}))/i, T = w^k·2O.
                float er = a + cc, ei = bb - d, or = bb + d, oi = cc - a;
                float tr = wr * or - wi * oi, ti = wr * oi + wi * or;
                dst[xk + ch] = s * (er + tr);
                dst[xk + c + ch] = s * (ei + ti);
                if (mk != k) {
                    // X_{m−k} = conj(E − T).
                    dst[xmk + ch] = s * (er - tr);
                    dst[xmk + c + ch] = s * (ti - ei);
                }
            }
        }
    }

    /** {@link #realInversePre} over channels {@code [c0, c1)} only. */
    public static void realInversePreRange(float[] src, int srcOff, float[] dst, int dstOff, float[] tw, int twOff,
                                           int m, int c, float edgeScale, float midScale, int c0, int c1) {
        assert 0 <= c0 && c0 <= c1 && c1 <= c && m >= 1;
        int two = 2 * c;
        for (int k = 0; 2 * k <= m; k++) {
            int mk = m - k;
            boolean edge = k == 0;
            float s = edge ? edgeScale : midScale;
            float vr = tw[twOff + 2 * k], vi = tw[twOff + 2 * k + 1];
            int xk = srcOff + k * two, xmk = srcOff + mk * two;
            int zk = dstOff + k * two, zmk = dstOff + mk * two;
            for (int ch = c0; ch < c1; ch++) {
                float a = s * src[xk + ch], cc = s * src[xmk + ch];
                // The DC and Nyquist bins are real by definition: their imaginary parts are ignored.
                float bb = edge ? 0f : s * src[xk + c + ch], d = edge ? 0f : s * src[xmk + c + ch];
                // F = X_k + conj(X_{m−k}), G = X_k − conj(X_{m−k}), U = v^k·G.
                float fr = a + cc, fi = bb - d, gr = a - cc, gi = bb + d;
                float ur = vr * gr - vi * gi, ui = vr * gi + vi * gr;
                dst[zk + ch] = fr - ui;
                dst[zk + c + ch] = fi + ur;
                if (!edge && mk != k) {
                    // Z_{m−k} = conj(F − i·U).
                    dst[zmk + ch] = fr + ui;
                    dst[zmk + c + ch] = ur - fi;
                }
            }
        }
    }

    /** {@link #hermitianExtend} over channels {@code [c0, c1)} only. */
    public static void hermitianExtendRange(float[] src, int srcOff, float[] dst, int dstOff, int w, int c,
                                            float edgeScale, float midScale, int c0, int c1) {
        assert 0 <= c0 && c0 <= c1 && c1 <= c && w >= 1;
        int two = 2 * c;
        for (int ch = c0; ch < c1; ch++) {
            dst[dstOff + ch] = edgeScale * src[srcOff + ch];
            dst[dstOff + c + ch] = 0f;
        }
        for (int k = 1; 2 * k <= w; k++) {
            int xk = srcOff + k * two, yk = dstOff + k * two, ymk = dstOff + (w - k) * two;
            if (2 * k == w) {
                for (int ch = c0; ch < c1; ch++) {
                    dst[yk + ch] = edgeScale * src[xk + ch];
                    dst[yk + c + ch] = 0f;
                }
            } else {
                for (int ch = c0; ch < c1; ch++) {
                    float re = midScale * src[xk + ch], im = midScale * src[xk + c + ch];
                    dst[yk + ch] = re;
                    dst[yk + c + ch] = im;
                    dst[ymk + ch] = re;
                    dst[ymk + c + ch] = -im;
                }
            }
        }
    }

    /** Stores y·w_k, or y itself when {@code tw} is null (unit twiddles); w_k is read at {@code twOff + 2(k−1)}. */
    private static void store(float[] dst, int at, int c, float yr, float yi, float[] tw, int twOff, int k) {
        if (tw == null) {
            dst[at] = yr;
            dst[at + c] = yi;
        } else {
            float wr = tw[twOff + 2 * (k - 1)], wi = tw[twOff + 2 * (k - 1) + 1];
            dst[at] = yr * wr - yi * wi;
            dst[at + c] = yr * wi + yi * wr;
        }
    }
}
