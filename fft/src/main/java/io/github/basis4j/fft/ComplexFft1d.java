package io.github.basis4j.fft;

import io.github.basis4j.simd.spi.FftKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A plan for batched complex 1-D FFTs of one length and direction over complex channel vectors
 * (split re/im, see {@link FftKernels}): {@code X_k = Σ_j x_j·exp(∓2πijk/L)}, unnormalised, minus
 * sign forward, plus sign inverse.
 *
 * <p><b>Elements.</b> The sequence has {@code L} elements; element {@code e} is a run of
 * {@code blocks} consecutive complex channel vectors ({@code blocks·2·c} floats) at
 * {@code off + e·stride}. A row of a channel-last plane is a sequence of single vectors
 * ({@code blocks = 1}); a strip of {@code B} adjacent spectrum columns transformed along H is a
 * sequence whose elements are {@code B} vectors each, {@code Wc·2·C} floats apart. The same
 * arithmetic is applied to every vector of an element, so a result never depends on how columns
 * are grouped into strips.
 *
 * <p><b>Algorithm.</b> Lengths whose prime factors are all ≤ 7 use a mixed-radix Stockham
 * autosort FFT (radix 8 first, then 4, 2, 3, 5, 7): pass {@code i} with radix {@code p} splits each
 * sub-transform of length {@code p·m} with stride {@code s} into {@code p} of length {@code m},
 * reading {@code x[q + s(j + r·m)]} and writing {@code y[q + s(p·j + k)] = w^{jk}·DFT_p(…)_k}. The
 * first pass reads the caller's input, the last writes the caller's output, the passes between
 * ping-pong in the workspace, so input and output may be the same array and neither needs to be
 * contiguous. Any other length uses Bluestein's chirp-z algorithm over a 7-smooth padded length.
 * Twiddles are computed in double with the angle index reduced modulo the length, then rounded to
 * float once.
 *
 * <p>Immutable and thread-safe; one instance per (length, direction) is cached.
 */
final class ComplexFft1d {
    /** The radices the Stockham passes use, in the order they are taken out of the length. */
    private static final int[] RADICES = {8, 4, 2, 3, 5, 7};

    private static final ConcurrentHashMap<Long, ComplexFft1d> CACHE = new ConcurrentHashMap<>();

    final int length;
    final boolean inverse;

    // Stockham passes (empty for Bluestein and for length 1).
    private final int[] radix, subLength, stride;
    private final float[][] twiddles;

    // Bluestein: chirp exp(∓iπj²/L) for j < L, the kernel's padded spectrum (already divided by the
    // padded length), and the two smooth transforms of the padded length.
    private final int padded;
    private final float[] chirp, kernelSpectrum;
    private final ComplexFft1d paddedForward, paddedInverse;

    private ComplexFft1d(int length, boolean inverse) {
        this.length = length;
        this.inverse = inverse;
        List<Integer> factors = smoothFactors(length);
        if (factors != null) {
            int passes = factors.size();
            radix = new int[passes];
            subLength = new int[passes];
            stride = new int[passes];
            twiddles = new float[passes][];
            int n = length, s = 1;
            for (int i = 0; i < passes; i++) {
                int p = factors.get(i), m = n / p;
                radix[i] = p;
                subLength[i] = m;
                stride[i] = s;
                twiddles[i] = passTwiddles(p, m, inverse);
                n = m;
                s *= p;
            }
            padded = 0;
            chirp = kernelSpectrum = null;
            paddedForward = paddedInverse = null;
        } else {
            radix = subLength = stride = new int[0];
            twiddles = new float[0][];
            padded = smoothAtLeast(2 * length - 1);
            chirp = chirp(length, inverse);
            kernelSpectrum = bluesteinKernel(length, padded, inverse);
            paddedForward = of(padded, false);
            paddedInverse = of(padded, true);
        }
    }

    /** The cached plan for this length and direction. */
    static ComplexFft1d of(int length, boolean inverse) {
        if (length < 1) throw new IllegalArgumentException("fft: transform length must be >= 1, got " + length);
        Long key = 2L * length + (inverse ? 1 : 0);
        ComplexFft1d plan = CACHE.get(key);
        if (plan == null) {
            // Built outside the map: a Bluestein plan asks the cache for its padded plans.
            ComplexFft1d fresh = new ComplexFft1d(length, inverse);
            plan = CACHE.putIfAbsent(key, fresh);
            if (plan == null) plan = fresh;
        }
        return plan;
    }

    /** Whether this plan uses Bluestein's algorithm (the length has a prime factor above 7). */
    boolean isBluestein() {
        return chirp != null;
    }

    /** The radices of the Stockham passes, in order (empty for Bluestein and length 1). */
    int[] radices() {
        return radix.clone();
    }

    /** Floats of scratch {@link #transform} needs for elements of {@code blocks} vectors of {@code c} channels. */
    int workspaceFloats(int blocks, int c) {
        long e = 2L * blocks * c;
        long need = chirp != null
                ? padded * e + Math.max(paddedForward.workspaceFloats(blocks, c), paddedInverse.workspaceFloats(blocks, c))
                : 2L * length * e;
        if (need > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("fft: a transform of length " + length + " over " + blocks + "×" + c
                    + " channels needs " + need + " floats of scratch, more than a Java array holds");
        }
        return (int) need;
    }

    /**
     * Transforms the {@code length} elements at {@code src[srcOff + e·srcStride]} into
     * {@code dst[dstOff + e·dstStride]}; elements are {@code blocks} vectors of {@code c} channels.
     * {@code src} and {@code dst} may be the same elements (in place). {@code ws} from
     * {@code wsOff} provides {@link #workspaceFloats} floats of scratch.
     */
    void transform(FftKernels k, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                   int blocks, int c, float[] ws, int wsOff) {
        if (chirp != null) {
            bluestein(k, src, srcOff, srcStride, dst, dstOff, dstStride, blocks, c, ws, wsOff);
            return;
        }
        int e = 2 * blocks * c;
        int passes = radix.length;
        if (passes == 0) {
            if (src != dst || srcOff != dstOff) System.arraycopy(src, srcOff, dst, dstOff, e);
            return;
        }
        float[] in = src;
        int inOff = srcOff, inStride = srcStride;
        for (int i = 0; i < passes; i++) {
            boolean last = i == passes - 1;
            float[] out = last ? dst : ws;
            int outOff = last ? dstOff : wsOff + (i & 1) * length * e;
            int outStride = last ? dstStride : e;
            pass(k, radix[i], subLength[i], stride[i], twiddles[i], in, inOff, inStride, out, outOff, outStride, blocks, c, e);
            in = out;
            inOff = outOff;
            inStride = outStride;
        }
    }

    /** One Stockham pass; one kernel call per twiddle group when both sides are contiguous. */
    private void pass(FftKernels k, int p, int m, int s, float[] tw, float[] in, int inOff, int inStride,
                      float[] out, int outOff, int outStride, int blocks, int c, int e) {
        boolean contiguous = inStride == e && outStride == e;
        for (int j = 0; j < m; j++) {
            // Group 0's twiddles are all 1: skip the multiplications.
            float[] t = j == 0 ? null : tw;
            int twOff = j * (p - 1) * 2;
            if (contiguous) {
                butterfly(k, p, in, inOff + s * j * e, s * m * e, out, outOff + s * p * j * e, s * e, t, twOff, s * blocks, c);
            } else {
                for (int q = 0; q < s; q++) {
                    butterfly(k, p, in, inOff + (q + s * j) * inStride, s * m * inStride,
                            out, outOff + (q + s * p * j) * outStride, s * outStride, t, twOff, blocks, c);
                }
            }
        }
    }

    private void butterfly(FftKernels k, int p, float[] src, int srcOff, int srcStride, float[] dst, int dstOff,
                           int dstStride, float[] tw, int twOff, int count, int c) {
        switch (p) {
            case 2 -> k.radix2(inverse, src, srcOff, srcStride, dst, dstOff, dstStride, tw, twOff, count, c);
            case 3 -> k.radix3(inverse, src, srcOff, srcStride, dst, dstOff, dstStride, tw, twOff, count, c);
            case 4 -> k.radix4(inverse, src, srcOff, srcStride, dst, dstOff, dstStride, tw, twOff, count, c);
            case 5 -> k.radix5(inverse, src, srcOff, srcStride, dst, dstOff, dstStride, tw, twOff, count, c);
            case 7 -> k.radix7(inverse, src, srcOff, srcStride, dst, dstOff, dstStride, tw, twOff, count, c);
            case 8 -> k.radix8(inverse, src, srcOff, srcStride, dst, dstOff, dstStride, tw, twOff, count, c);
            default -> throw new AssertionError("no butterfly for radix " + p);
        }
    }

    /**
     * Bluestein: {@code X_k = b_k · Σ_j (x_j·b_j)·conj(b)_{k−j}} with the chirp {@code b_j = exp(∓iπj²/L)},
     * the sum a cyclic convolution of padded length done with two smooth FFTs.
     */
    private void bluestein(FftKernels k, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                           int blocks, int c, float[] ws, int wsOff) {
        int e = 2 * blocks * c;
        int inner = wsOff + padded * e;
        k.complexMultiply(src, srcOff, srcStride, chirp, 0, ws, wsOff, e, length, blocks, c);
        Arrays.fill(ws, wsOff + length * e, wsOff + padded * e, 0f);
        paddedForward.transform(k, ws, wsOff, e, ws, wsOff, e, blocks, c, ws, inner);
        k.complexMultiply(ws, wsOff, e, kernelSpectrum, 0, ws, wsOff, e, padded, blocks, c);
        paddedInverse.transform(k, ws, wsOff, e, ws, wsOff, e, blocks, c, ws, inner);
        k.complexMultiply(ws, wsOff, e, chirp, 0, dst, dstOff, dstStride, length, blocks, c);
    }

    /** The radices of a 7-smooth length in pass order, or null when a larger prime divides it. */
    private static List<Integer> smoothFactors(int length) {
        List<Integer> f = new ArrayList<>();
        int n = length;
        for (int p : RADICES) {
            while (n % p == 0) {
                f.add(p);
                n /= p;
            }
        }
        return n == 1 ? f : null;
    }

    /** The smallest 7-smooth integer ≥ n. */
    static int smoothAtLeast(int n) {
        for (int m = Math.max(1, n); ; m++) {
            int r = m;
            for (int p : new int[] {2, 3, 5, 7}) {
                while (r % p == 0) r /= p;
            }
            if (r == 1) return m;
        }
    }

    /** w^{jk} for j < m, 1 ≤ k < p with w = exp(∓2πi/(p·m)), as (re, im) at {@code 2(j(p−1) + k−1)}. */
    private static float[] passTwiddles(int p, int m, boolean inverse) {
        int n = p * m;
        double sign = inverse ? 1 : -1;
        float[] tw = new float[2 * m * (p - 1)];
        for (int j = 0; j < m; j++) {
            for (int kk = 1; kk < p; kk++) {
                double ang = sign * 2 * Math.PI * (((long) j * kk) % n) / n;
                int at = 2 * (j * (p - 1) + kk - 1);
                tw[at] = (float) Math.cos(ang);
                tw[at + 1] = (float) Math.sin(ang);
            }
        }
        return tw;
    }

    /** The angles ∓πj²/L of the chirp for j < L; j² is reduced modulo 2L (the period) in exact integers. */
    private static double[] chirpAngles(int length, boolean inverse) {
        double sign = inverse ? 1 : -1;
        long period = 2L * length;
        double[] ang = new double[length];
        for (int j = 0; j < length; j++) ang[j] = sign * Math.PI * (((long) j * j) % period) / length;
        return ang;
    }

    /** exp(i·angle) for each chirp angle, as (re, im) pairs. */
    private static float[] chirp(int length, boolean inverse) {
        double[] ang = chirpAngles(length, inverse);
        float[] b = new float[2 * length];
        for (int j = 0; j < length; j++) {
            b[2 * j] = (float) Math.cos(ang[j]);
            b[2 * j + 1] = (float) Math.sin(ang[j]);
        }
        return b;
    }

    /**
     * Forward DFT, in double, of the conjugate chirp laid out cyclically over the padded length
     * ({@code conj(b_m)} at {@code m} and at {@code padded − m}), divided by the padded length so the
     * unnormalised inverse completes the convolution. O(padded²), once per plan.
     */
    private static float[] bluesteinKernel(int length, int padded, boolean inverse) {
        double[] ang = chirpAngles(length, inverse);
        double[] re = new double[padded], im = new double[padded];
        for (int m = 0; m < length; m++) {
            re[m] = Math.cos(ang[m]);
            im[m] = -Math.sin(ang[m]);
            if (m > 0) {
                re[padded - m] = re[m];
                im[padded - m] = im[m];
            }
        }
        double[] cos = new double[padded], sin = new double[padded];
        for (int t = 0; t < padded; t++) {
            cos[t] = Math.cos(-2 * Math.PI * t / padded);
            sin[t] = Math.sin(-2 * Math.PI * t / padded);
        }
        float[] out = new float[2 * padded];
        for (int f = 0; f < padded; f++) {
            double sr = 0, si = 0;
            for (int t = 0; t < padded; t++) {
                int idx = (int) (((long) t * f) % padded);
                sr += re[t] * cos[idx] - im[t] * sin[idx];
                si += re[t] * sin[idx] + im[t] * cos[idx];
            }
            out[2 * f] = (float) (sr / padded);
            out[2 * f + 1] = (float) (si / padded);
        }
        return out;
    }
}
