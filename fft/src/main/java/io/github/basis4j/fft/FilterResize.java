package io.github.basis4j.fft;

import io.github.basis4j.simd.Tensor;

/**
 * Bicubic resize of a spectral filter bank, so filters learned at one resolution run at another: exactly
 * PyTorch's {@code F.interpolate(bank, size, mode="bicubic", align_corners=True)} ({@code upsample_bicubic2d}) as
 * DFFormer's {@code resize_complex_weight} applies it, and its backward.
 *
 * <p><b>Layout.</b> A bank is {@code [h, w, ...]}: the two leading axes are resized and all trailing axes are
 * flattened into {@code D} independent real planes (DFFormer's {@code [H, Wc, F, 2]}: D = 2F, the reference's
 * {@code reshape(1, h, w, F·2)}; a global filter {@code [H, Wc, 2, C]}: D = 2C). Real and imaginary parts are
 * resized separately, as in the reference.
 *
 * <p><b>Numerics.</b> Per axis, output index {@code o} reads source position {@code s = o·(in−1)/(out−1)}
 * ({@code 0} when {@code out == 1}), taps {@code floor(s) − 1 … floor(s) + 2} clamped to the border, with Keys'
 * cubic convolution weights at {@code A = −0.75}. Weights come from double positions; the sums run in float in
 * PyTorch's order (each of the four rows over its four columns, then the rows, taps ascending). Results agree with
 * PyTorch 1.13 to a few 1e-6 relative to the bank's magnitude: it rounds source positions and weights to float,
 * which moves its weights by up to a float ulp of the position (1.9e-6 near 27).
 *
 * <p><b>Threading.</b> Single-threaded: banks are small (at most a few hundred thousand floats) and are resized
 * once per forward, far below the cost of the transforms around them.
 */
public final class FilterResize {
    /** Keys' cubic convolution parameter, PyTorch's choice (OpenCV's too). */
    private static final double A = -0.75;
    /** Taps per output sample per axis. */
    private static final int TAPS = 4;

    private FilterResize() {
    }

    /**
     * A new bank {@code [outH, outW, ...]}: {@code bank [h, w, ...]} resized bicubically with aligned corners.
     *
     * @param bank rank ≥ 2, {@code h, w ≥ 1}
     * @param outH target rows (≥ 1)
     * @param outW target columns (≥ 1), e.g. {@code W/2 + 1} for a half spectrum of width W
     */
    public static Tensor resize(Tensor bank, int outH, int outW) {
        requireBank("resize", "bank", bank);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("resize: target size must be at least 1x1, got " + outH + "x" + outW);
        }
        int[] dims = bank.shape().dims();
        dims[0] = outH;
        dims[1] = outW;
        Tensor out = Tensor.zeros(dims);
        resize(bank, out);
        return out;
    }

    /** Resizes {@code bank [h, w, ...]} into {@code out [outH, outW, ...]} (overwritten); trailing axes must agree. */
    public static void resize(Tensor bank, Tensor out) {
        requireBank("resize", "bank", bank);
        requireBank("resize", "out", out);
        requireSameTrailing("resize", bank, out);
        int inH = bank.dim(0), inW = bank.dim(1), outH = out.dim(0), outW = out.dim(1);
        int d = bank.size() / (inH * inW);
        int[] iy = new int[outH * TAPS], ix = new int[outW * TAPS];
        float[] wy = new float[outH * TAPS], wx = new float[outW * TAPS];
        taps(inH, outH, iy, wy);
        taps(inW, outW, ix, wx);
        float[] src = bank.data(), dst = out.data();
        int so = bank.offset();
        int rowStride = inW * d;
        for (int oy = 0; oy < outH; oy++) {
            int t = oy * TAPS;
            int r0 = so + iy[t] * rowStride, r1 = so + iy[t + 1] * rowStride;
            int r2 = so + iy[t + 2] * rowStride, r3 = so + iy[t + 3] * rowStride;
            float y0 = wy[t], y1 = wy[t + 1], y2 = wy[t + 2], y3 = wy[t + 3];
            for (int ox = 0; ox < outW; ox++) {
                int u = ox * TAPS;
                int c0 = ix[u] * d, c1 = ix[u + 1] * d, c2 = ix[u + 2] * d, c3 = ix[u + 3] * d;
                float x0 = wx[u], x1 = wx[u + 1], x2 = wx[u + 2], x3 = wx[u + 3];
                int o = out.offset() + (oy * outW + ox) * d;
                for (int p = 0; p < d; p++) {
                    // Rows first, each a sum over its four columns, then the rows summed: PyTorch's order.
                    float v = row(src, r0 + p, c0, c1, c2, c3, x0, x1, x2, x3) * y0;
                    v += row(src, r1 + p, c0, c1, c2, c3, x0, x1, x2, x3) * y1;
                    v += row(src, r2 + p, c0, c1, c2, c3, x0, x1, x2, x3) * y2;
                    v += row(src, r3 + p, c0, c1, c2, c3, x0, x1, x2, x3) * y3;
                    dst[o + p] = v;
                }
            }
        }
    }

    private static float row(float[] src, int base, int c0, int c1, int c2, int c3, float x0, float x1, float x2, float x3) {
        float t = src[base + c0] * x0;
        t += src[base + c1] * x1;
        t += src[base + c2] * x2;
        t += src[base + c3] * x3;
        return t;
    }

    /**
     * Backward of {@link #resize(Tensor, Tensor)}: adds the gradient with respect to the bank into {@code gradBank}
     * ({@code +=}); each output gradient is spread over its 16 taps with the forward's weights, taps clamped at the
     * border accumulating there. Sizes come from the two shapes.
     *
     * @param gradOut  gradient of the loss with respect to the resized bank, {@code [outH, outW, ...]}
     * @param gradBank gradient buffer shaped like the source bank, {@code [h, w, ...]}
     */
    public static void resizeBackward(Tensor gradOut, Tensor gradBank) {
        requireBank("resizeBackward", "gradOut", gradOut);
        requireBank("resizeBackward", "gradBank", gradBank);
        requireSameTrailing("resizeBackward", gradBank, gradOut);
        int inH = gradBank.dim(0), inW = gradBank.dim(1), outH = gradOut.dim(0), outW = gradOut.dim(1);
        int d = gradBank.size() / (inH * inW);
        int[] iy = new int[outH * TAPS], ix = new int[outW * TAPS];
        float[] wy = new float[outH * TAPS], wx = new float[outW * TAPS];
        taps(inH, outH, iy, wy);
        taps(inW, outW, ix, wx);
        float[] g = gradOut.data(), gb = gradBank.data();
        int bo = gradBank.offset();
        // PyTorch's order per plane: output pixels row-major, column taps outer, row taps inner, value·wy·wx.
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                int o = gradOut.offset() + (oy * outW + ox) * d;
                for (int i = 0; i < TAPS; i++) {
                    float xw = wx[ox * TAPS + i];
                    int col = ix[ox * TAPS + i];
                    for (int j = 0; j < TAPS; j++) {
                        float yw = wy[oy * TAPS + j];
                        int b = bo + (iy[oy * TAPS + j] * inW + col) * d;
                        for (int p = 0; p < d; p++) gb[b + p] += g[o + p] * yw * xw;
                    }
                }
            }
        }
    }

    /**
     * Source taps and weights along one axis: for output {@code o}, {@code idx[4o + i]} is the clamped source index
     * of tap {@code i} and {@code w[4o + i]} its weight. Positions and weights are computed in double and rounded
     * once, so they are the exact weights to float precision; PyTorch's float arithmetic lands within about an ulp of
     * the position from them.
     */
    private static void taps(int in, int out, int[] idx, float[] w) {
        for (int o = 0; o < out; o++) {
            double real = out > 1 ? (double) (in - 1) * o / (out - 1) : 0;
            int base = (int) Math.floor(real);
            double t = real - base;
            w[o * TAPS] = (float) cubicOuter(t + 1);
            w[o * TAPS + 1] = (float) cubicInner(t);
            w[o * TAPS + 2] = (float) cubicInner(1 - t);
            w[o * TAPS + 3] = (float) cubicOuter(2 - t);
            for (int i = 0; i < TAPS; i++) idx[o * TAPS + i] = Math.clamp(base - 1 + i, 0, in - 1);
        }
    }

    /** Keys' kernel for {@code |x| ≤ 1}: {@code ((A + 2)x − (A + 3))x² + 1}. */
    private static double cubicInner(double x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    /** Keys' kernel for {@code 1 < |x| < 2}: {@code ((Ax − 5A)x + 8A)x − 4A}. */
    private static double cubicOuter(double x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }

    private static void requireBank(String op, String name, Tensor t) {
        if (t.rank() < 2 || t.dim(0) < 1 || t.dim(1) < 1) {
            throw new IllegalArgumentException(op + ": " + name + " must be a filter bank [h, w, ...] with h, w >= 1, got " + t.shape());
        }
    }

    private static void requireSameTrailing(String op, Tensor bank, Tensor resized) {
        int[] a = bank.shape().dims(), b = resized.shape().dims();
        boolean same = a.length == b.length;
        for (int i = 2; same && i < a.length; i++) same = a[i] == b[i];
        if (!same) {
            int[] expected = a.clone();
            if (b.length >= 2) {
                expected[0] = b[0];
                expected[1] = b[1];
            }
            throw new IllegalArgumentException(op + ": the resized bank must keep the bank's trailing axes, "
                    + java.util.Arrays.toString(expected) + " for a bank " + bank.shape() + ", got " + resized.shape());
        }
    }
}
