package io.github.basis4j.simd.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.simd.spi.FftKernels;
import io.github.basis4j.simd.testing.BackendPair;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FftKernels}: the scalar oracle against naive double-precision DFT formulas, and the backend
 * under test against the oracle, over awkward channel counts, at non-zero offsets, with guard values
 * around every output that must stay untouched.
 */
class FftKernelsTest {
    /** Channel counts: the shared awkward sizes up to 127, where no vector width divides most of them. */
    private static final int[] CHANNELS = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 127};
    /** A value no kernel computes from inputs in [-1, 1): a changed guard shows a stray store. */
    private static final float GUARD = -12345.25f;
    /** Offsets in front of the first input and output, so a kernel that ignores an offset is caught. */
    private static final int SRC_OFF = 5, DST_OFF = 11;
    /** Float kernels against double formulas: a few ulps of sums of up to 8 terms of magnitude ≤ 8. */
    private static final double ORACLE_TOL = 2e-5;
    /** Vector against scalar: same formulas, possibly fused or reassociated by the JIT. */
    private static final double TWIN_TOL = 1e-5;

    private final FftKernels oracle = BackendPair.oracle().fft();
    private final FftKernels underTest = BackendPair.underTest().fft();

    private interface Butterfly {
        void run(FftKernels k, boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff,
                 int dstStride, float[] tw, int twOff, int count, int c);
    }

    private static Butterfly radix(int p) {
        return switch (p) {
            case 2 -> FftKernels::radix2;
            case 3 -> FftKernels::radix3;
            case 4 -> FftKernels::radix4;
            case 5 -> FftKernels::radix5;
            case 7 -> FftKernels::radix7;
            case 8 -> FftKernels::radix8;
            default -> throw new IllegalArgumentException("no radix " + p);
        };
    }

    private static float[] guarded(int n) {
        float[] a = new float[n];
        Arrays.fill(a, GUARD);
        return a;
    }

    @Test
    void butterfliesMatchTheDftFormulaAndTheirTwins() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int p : new int[] {2, 3, 4, 5, 7, 8}) {
            for (int c : CHANNELS) {
                for (int count : new int[] {1, 3}) {
                    for (boolean inverse : new boolean[] {false, true}) {
                        for (boolean twiddled : new boolean[] {false, true}) {
                            checkButterfly(p, c, count, inverse, twiddled, rnd.nextLong());
                        }
                    }
                }
            }
        }
    }

    private void checkButterfly(int p, int c, int count, boolean inverse, boolean twiddled, long seed) {
        int run = count * 2 * c;
        // Gaps between runs (strides larger than a run) must be neither read nor written.
        int srcStride = run + 3, dstStride = run + 4;
        float[] src = Numerics.randomFloats(SRC_OFF + p * srcStride, seed);
        float[] tw = twiddled ? Numerics.randomFloats(2 * (p - 1) + 2, seed + 1) : null;
        int twOff = twiddled ? 2 : 0;
        int dstLen = DST_OFF + p * dstStride + 2;
        float[] expected = guarded(dstLen);
        double sign = inverse ? 1 : -1;
        for (int b = 0; b < count; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int k = 0; k < p; k++) {
                    double re = 0, im = 0;
                    for (int r = 0; r < p; r++) {
                        int at = SRC_OFF + r * srcStride + 2 * b * c + ch;
                        double ang = sign * 2 * Math.PI * ((r * k) % p) / p;
                        double xr = src[at], xi = src[at + c];
                        re += xr * Math.cos(ang) - xi * Math.sin(ang);
                        im += xr * Math.sin(ang) + xi * Math.cos(ang);
                    }
                    if (twiddled && k > 0) {
                        double wr = tw[twOff + 2 * (k - 1)], wi = tw[twOff + 2 * (k - 1) + 1];
                        double t = re * wr - im * wi;
                        im = re * wi + im * wr;
                        re = t;
                    }
                    int out = DST_OFF + k * dstStride + 2 * b * c + ch;
                    expected[out] = (float) re;
                    expected[out + c] = (float) im;
                }
            }
        }
        String what = "radix" + p + " c=" + c + " count=" + count + (inverse ? " inverse" : " forward")
                + (twiddled ? " twiddled" : "");
        float[] scalar = guarded(dstLen);
        radix(p).run(oracle, inverse, src, SRC_OFF, srcStride, scalar, DST_OFF, dstStride, tw, twOff, count, c);
        Numerics.assertClose(what + " (scalar vs DFT)", expected, scalar, 0, ORACLE_TOL);
        float[] vector = guarded(dstLen);
        radix(p).run(underTest, inverse, src, SRC_OFF, srcStride, vector, DST_OFF, dstStride, tw, twOff, count, c);
        Numerics.assertClose(what + " (vector vs scalar)", scalar, vector, 0, TWIN_TOL);

        // In place: same array, offsets and strides for inputs and outputs.
        float[] inPlace = src.clone();
        radix(p).run(underTest, inverse, inPlace, SRC_OFF, srcStride, inPlace, SRC_OFF, srcStride, tw, twOff, count, c);
        for (int k = 0; k < p; k++) {
            Numerics.assertClose(what + " in place, output " + k, scalar, DST_OFF + k * dstStride,
                    inPlace, SRC_OFF + k * srcStride, run, 0, TWIN_TOL);
        }
    }

    @Test
    void complexMultiplyScalesEachElementByItsOwnFactor() {
        for (int c : CHANNELS) {
            int n = 3, blocks = 2;
            int elem = blocks * 2 * c, srcStride = elem + 1, dstStride = elem + 2;
            float[] src = Numerics.randomFloats(SRC_OFF + n * srcStride, c);
            float[] w = Numerics.randomFloats(1 + 2 * n, c + 100);
            float[] expected = guarded(DST_OFF + n * dstStride);
            for (int e = 0; e < n; e++) {
                double wr = w[1 + 2 * e], wi = w[2 + 2 * e];
                for (int b = 0; b < blocks; b++) {
                    for (int ch = 0; ch < c; ch++) {
                        int s = SRC_OFF + e * srcStride + 2 * b * c + ch, d = DST_OFF + e * dstStride + 2 * b * c + ch;
                        expected[d] = (float) (src[s] * wr - src[s + c] * wi);
                        expected[d + c] = (float) (src[s] * wi + src[s + c] * wr);
                    }
                }
            }
            float[] scalar = guarded(expected.length), vector = guarded(expected.length);
            oracle.complexMultiply(src, SRC_OFF, srcStride, w, 1, scalar, DST_OFF, dstStride, n, blocks, c);
            underTest.complexMultiply(src, SRC_OFF, srcStride, w, 1, vector, DST_OFF, dstStride, n, blocks, c);
            Numerics.assertClose("complexMultiply c=" + c + " (scalar vs formula)", expected, scalar, 0, 1e-6);
            Numerics.assertClose("complexMultiply c=" + c + " (vector vs scalar)", scalar, vector, 0, 1e-6);
        }
    }

    /** exp(sign·2πik/w) for k ≤ m/2 as (re, im) pairs after {@code off} leading floats. */
    private static float[] postTwiddles(int m, double sign, int off) {
        float[] tw = new float[off + 2 * (m / 2 + 1)];
        for (int k = 0; 2 * k <= m; k++) {
            double ang = sign * 2 * Math.PI * k / (2.0 * m);
            tw[off + 2 * k] = (float) Math.cos(ang);
            tw[off + 2 * k + 1] = (float) Math.sin(ang);
        }
        return tw;
    }

    @Test
    void realForwardPostGivesTheHalfSpectrumOfTheRealRow() {
        float edge = 0.75f, mid = 1.5f;
        for (int m : new int[] {1, 2, 3, 4, 7, 8}) {
            int w = 2 * m;
            for (int c : CHANNELS) {
                float[] x = Numerics.randomFloats(w * c, 31L * m + c);
                // Z = DFT_m(z) with z_j = x_{2j} + i·x_{2j+1}, in double, stored split per channel vector.
                float[] z = new float[SRC_OFF + 2 * m * c];
                for (int k = 0; k < m; k++) {
                    for (int ch = 0; ch < c; ch++) {
                        double re = 0, im = 0;
                        for (int j = 0; j < m; j++) {
                            double ang = -2 * Math.PI * ((long) j * k % m) / m;
                            double zr = x[2 * j * c + ch], zi = x[(2 * j + 1) * c + ch];
                            re += zr * Math.cos(ang) - zi * Math.sin(ang);
                            im += zr * Math.sin(ang) + zi * Math.cos(ang);
                        }
                        z[SRC_OFF + 2 * k * c + ch] = (float) re;
                        z[SRC_OFF + 2 * k * c + c + ch] = (float) im;
                    }
                }
                float[] expected = guarded(DST_OFF + 2 * (m + 1) * c + 3);
                for (int k = 0; k <= m; k++) {
                    double s = k == 0 || k == m ? edge : mid;
                    for (int ch = 0; ch < c; ch++) {
                        double re = 0, im = 0;
                        for (int j = 0; j < w; j++) {
                            double ang = -2 * Math.PI * ((long) j * k % w) / w;
                            re += x[j * c + ch] * Math.cos(ang);
                            im += x[j * c + ch] * Math.sin(ang);
                        }
                        expected[DST_OFF + 2 * k * c + ch] = (float) (s * re);
                        expected[DST_OFF + 2 * k * c + c + ch] = (float) (s * im);
                    }
                }
                float[] tw = postTwiddles(m, -1, 4);
                String what = "realForwardPost m=" + m + " c=" + c;
                float[] scalar = guarded(expected.length), vector = guarded(expected.length);
                oracle.realForwardPost(z, SRC_OFF, scalar, DST_OFF, tw, 4, m, c, edge, mid);
                underTest.realForwardPost(z, SRC_OFF, vector, DST_OFF, tw, 4, m, c, edge, mid);
                Numerics.assertClose(what + " (scalar vs DFT)", expected, scalar, 0, 1e-4 * m);
                Numerics.assertClose(what + " (vector vs scalar)", scalar, vector, 0, TWIN_TOL * m);
                // In place: the m vectors of Z followed by room for the (m+1)-th bin.
                float[] inPlace = Arrays.copyOf(z, z.length + 2 * c);
                underTest.realForwardPost(inPlace, SRC_OFF, inPlace, SRC_OFF, tw, 4, m, c, edge, mid);
                Numerics.assertClose(what + " in place", scalar, DST_OFF, inPlace, SRC_OFF, 2 * (m + 1) * c, 0, TWIN_TOL * m);
            }
        }
    }

    @Test
    void realInversePreFeedsAHalfLengthInverseThatGivesTheC2rRow() {
        float edge = 0.5f, mid = 1.25f;
        for (int m : new int[] {1, 2, 3, 4, 7, 8}) {
            int w = 2 * m;
            for (int c : CHANNELS) {
                // Random bins, with non-zero imaginary parts at DC and Nyquist that must be ignored.
                float[] spec = Numerics.randomFloats(SRC_OFF + 2 * (m + 1) * c, 17L * m + c);
                float[] tw = postTwiddles(m, +1, 2);
                String what = "realInversePre m=" + m + " c=" + c;
                float[] scalar = guarded(DST_OFF + 2 * m * c + 3), vector = guarded(scalar.length);
                oracle.realInversePre(spec, SRC_OFF, scalar, DST_OFF, tw, 2, m, c, edge, mid);
                underTest.realInversePre(spec, SRC_OFF, vector, DST_OFF, tw, 2, m, c, edge, mid);
                Numerics.assertClose(what + " (vector vs scalar)", scalar, vector, 0, TWIN_TOL * m);
                assertThat(scalar[DST_OFF + 2 * m * c]).isEqualTo(GUARD);
                assertThat(scalar[DST_OFF - 1]).isEqualTo(GUARD);
                for (int ch = 0; ch < c; ch++) {
                    for (int j = 0; j < m; j++) {
                        // z_j = IDFT_m(Z)_j in double must be x_{2j} + i·x_{2j+1} of the c2r row.
                        double zr = 0, zi = 0;
                        for (int k = 0; k < m; k++) {
                            double ang = 2 * Math.PI * ((long) j * k % m) / m;
                            double ar = scalar[DST_OFF + 2 * k * c + ch], ai = scalar[DST_OFF + 2 * k * c + c + ch];
                            zr += ar * Math.cos(ang) - ai * Math.sin(ang);
                            zi += ar * Math.sin(ang) + ai * Math.cos(ang);
                        }
                        double tol = 1e-4 * w;
                        assertThat(zr).as(what + " x[%d] ch %d", 2 * j, ch)
                                .isCloseTo(c2r(spec, SRC_OFF, w, c, ch, 2 * j, edge, mid), org.assertj.core.data.Offset.offset(tol));
                        assertThat(zi).as(what + " x[%d] ch %d", 2 * j + 1, ch)
                                .isCloseTo(c2r(spec, SRC_OFF, w, c, ch, 2 * j + 1, edge, mid), org.assertj.core.data.Offset.offset(tol));
                    }
                }
                float[] inPlace = spec.clone();
                underTest.realInversePre(inPlace, SRC_OFF, inPlace, SRC_OFF, tw, 2, m, c, edge, mid);
                Numerics.assertClose(what + " in place", scalar, DST_OFF, inPlace, SRC_OFF, 2 * m * c, 0, TWIN_TOL * m);
            }
        }
    }

    /** pocketfft's c2r at one point: Re(X_0) + 2·Σ_mid Re(X_k·e^{+}) + Re(X_{w/2})·(−1)^n, with scales. */
    private static double c2r(float[] spec, int off, int w, int c, int ch, int n, double edge, double mid) {
        double sum = edge * spec[off + ch];
        for (int k = 1; 2 * k <= w; k++) {
            double re = spec[off + 2 * k * c + ch], im = spec[off + 2 * k * c + c + ch];
            double ang = 2 * Math.PI * ((long) n * k % w) / w;
            if (2 * k == w) {
                sum += edge * re * Math.cos(ang);
            } else {
                sum += 2 * mid * (re * Math.cos(ang) - im * Math.sin(ang));
            }
        }
        return sum;
    }

    @Test
    void hermitianExtendBuildsTheFullConjugateSymmetricSpectrum() {
        float edge = 0.5f, mid = 2f;
        for (int w : new int[] {1, 2, 3, 4, 7, 8}) {
            int wc = w / 2 + 1;
            for (int c : CHANNELS) {
                float[] spec = Numerics.randomFloats(SRC_OFF + 2 * wc * c, 5L * w + c);
                float[] expected = guarded(DST_OFF + 2 * w * c + 2);
                for (int k = 0; k < w; k++) {
                    int kk = Math.min(k, w - k);
                    boolean edgeBin = kk == 0 || 2 * kk == w;
                    double s = edgeBin ? edge : mid;
                    for (int ch = 0; ch < c; ch++) {
                        double re = spec[SRC_OFF + 2 * kk * c + ch], im = spec[SRC_OFF + 2 * kk * c + c + ch];
                        expected[DST_OFF + 2 * k * c + ch] = (float) (s * re);
                        expected[DST_OFF + 2 * k * c + c + ch] = edgeBin ? 0f : (float) (s * (k == kk ? im : -im));
                    }
                }
                float[] scalar = guarded(expected.length), vector = guarded(expected.length);
                oracle.hermitianExtend(spec, SRC_OFF, scalar, DST_OFF, w, c, edge, mid);
                underTest.hermitianExtend(spec, SRC_OFF, vector, DST_OFF, w, c, edge, mid);
                Numerics.assertClose("hermitianExtend w=" + w + " c=" + c + " (scalar)", expected, scalar, 0, 1e-6);
                Numerics.assertClose("hermitianExtend w=" + w + " c=" + c + " (vector)", scalar, vector, 0, 1e-6);
            }
        }
    }

    @Test
    void scaleMultipliesEveryFloatAndNothingElse() {
        for (int n : Numerics.AWKWARD_SIZES) {
            float[] src = Numerics.randomFloats(SRC_OFF + n, n);
            float[] expected = guarded(DST_OFF + n + 2);
            for (int i = 0; i < n; i++) expected[DST_OFF + i] = (float) (0.3 * src[SRC_OFF + i]);
            float[] scalar = guarded(expected.length), vector = guarded(expected.length);
            oracle.scale(src, SRC_OFF, scalar, DST_OFF, n, 0.3f);
            underTest.scale(src, SRC_OFF, vector, DST_OFF, n, 0.3f);
            Numerics.assertClose("scale n=" + n + " (scalar)", expected, scalar, 0, 1e-6);
            Numerics.assertClose("scale n=" + n + " (vector)", scalar, vector, 0, 1e-6);
        }
    }
}
