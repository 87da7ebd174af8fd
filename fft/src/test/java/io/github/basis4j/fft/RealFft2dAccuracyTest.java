package io.github.basis4j.fft;

import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.FftKernels;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * rfft2 and irfft2 against the naive double-precision DFT ({@link NaiveFft2d}): every H, W in
 * 1..64, primes up to 127, every norm, several channel counts, batches at offsets.
 */
class RealFft2dAccuracyTest {
    private static final Norm[] NORMS = Norm.values();
    private final FftKernels kernels = Backends.current().fft();

    /** One forward and one inverse check of [n, h, w, c] with the given norm; arrays start at offsets. */
    private void check(int n, int h, int w, int c, Norm norm, long seed) {
        int wc = w / 2 + 1;
        int realSize = n * h * w * c, complexSize = 2 * n * h * wc * c;
        long points = (long) h * w;
        String what = "[" + n + ", " + h + ", " + w + ", " + c + "] " + norm;

        int xOff = 3, sOff = 5;
        float[] x = Numerics.randomFloats(xOff + realSize, seed);
        float[] spec = new float[sOff + complexSize + 2];
        Arrays.fill(spec, Float.NaN);
        RealFft2d.rfft2(kernels, x, xOff, spec, sOff, n, h, w, c, norm);
        double[] expected = NaiveFft2d.rfft2(FftAssertions.toDouble(x, xOff, realSize), n, h, w, c, norm.forwardScale(points));
        FftAssertions.assertClose("rfft2 " + what, expected, spec, sOff, points);
        Numerics.assertBitIdentical("rfft2 " + what + " guard", new float[] {Float.NaN, Float.NaN},
                Arrays.copyOfRange(spec, sOff + complexSize, sOff + complexSize + 2));

        // A random spectrum, not Hermitian, with imaginary DC/Nyquist parts that irfft2 must ignore.
        float[] in = Numerics.randomFloats(sOff + complexSize, seed + 1);
        float[] inCopy = in.clone();
        float[] y = new float[xOff + realSize];
        RealFft2d.irfft2(kernels, in, sOff, y, xOff, n, h, w, c, norm);
        double[] expectedY = NaiveFft2d.irfft2(FftAssertions.toDouble(in, sOff, complexSize), n, h, w, c, norm.inverseScale(points));
        FftAssertions.assertClose("irfft2 " + what, expectedY, y, xOff, points);
        Numerics.assertBitIdentical("irfft2 " + what + " leaves its input alone", inCopy, in);
    }

    @Test
    void everyPlaneSizeUpTo64() {
        for (int h = 1; h <= 64; h++) {
            for (int w = 1; w <= 64; w++) {
                // One channel keeps the double reference cheap; the sweep checks the plans' structure
                // (factorisations, Bluestein, odd and even widths), the channel tests the vector bodies.
                check(1, h, w, 1, NORMS[(h + w) % 3], 1000L * h + w);
            }
        }
    }

    @Test
    void primesUpTo127EveryNorm() {
        int[][] sizes = {{97, 101}, {127, 11}, {13, 127}, {1, 113}, {109, 2}, {67, 74}};
        for (int[] s : sizes) {
            for (Norm norm : NORMS) check(1, s[0], s[1], 3, norm, s[0] * 7L + s[1]);
        }
    }

    @Test
    void severalChannelCountsAndBatches() {
        int[][] sizes = {{7, 7}, {14, 14}, {5, 12}, {8, 9}, {11, 6}};
        for (int c : new int[] {1, 3, 16, 17, 100}) {
            for (int[] s : sizes) {
                for (Norm norm : NORMS) check(2, s[0], s[1], c, norm, c * 131L + s[0] * 7L + s[1]);
            }
        }
    }

    @Test
    void singleChannelPowerOfTwoPlanesThatThePlannerGivesToJTransforms() {
        for (Norm norm : NORMS) check(2, 64, 128, 1, norm, norm.ordinal());
    }

    @Test
    void networkShapes() {
        check(1, 56, 56, 32, Norm.ORTHO, 1);
        check(1, 28, 28, 48, Norm.ORTHO, 2);
    }
}
