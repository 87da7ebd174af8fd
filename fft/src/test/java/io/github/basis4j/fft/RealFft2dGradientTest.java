package io.github.basis4j.fft;

import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.FftKernels;
import io.github.basis4j.simd.testing.Numerics;
import org.junit.jupiter.api.Test;

/**
 * The adjoints against central finite differences of the double-precision reference: for a random
 * weight vector g, L(x) = Σ g·rfft2(x) and L(X) = Σ g·irfft2(X); the backward kernels must give
 * ∂L/∂x and ∂L/∂X (PyTorch's convention: ∂L/∂Re in the real slot, ∂L/∂Im in the imaginary slot),
 * added onto non-zero starting gradients.
 */
class RealFft2dGradientTest {
    /** Small planes: even and odd widths, H = 1, a Nyquist bin, a Bluestein length (11). */
    private static final int[][] PLANES = {{1, 1}, {1, 4}, {2, 2}, {3, 4}, {4, 5}, {5, 6}, {2, 7}, {6, 3}, {11, 4}};
    /** The reference is linear, so the step only trades rounding against nothing: any moderate value works. */
    private static final double STEP = 1e-2;

    private final FftKernels kernels = Backends.current().fft();

    @Test
    void rfft2BackwardIsTheGradientOfRfft2() {
        for (int[] p : PLANES) {
            for (Norm norm : Norm.values()) {
                int n = 2, h = p[0], w = p[1], c = 3, wc = w / 2 + 1;
                long points = (long) h * w;
                int complexSize = 2 * n * h * wc * c, realSize = n * h * w * c;
                float[] g = Numerics.randomFloats(complexSize, 11 * h + w);
                double[] x = Numerics.toDouble(Numerics.randomFloats(realSize, 5 * h + w));
                double scale = norm.forwardScale(points);
                double[] numeric = Numerics.numericGradient(v -> {
                    double[] y = NaiveFft2d.rfft2(v, n, h, w, c, scale);
                    double loss = 0;
                    for (int i = 0; i < y.length; i++) loss += g[i] * y[i];
                    return loss;
                }, x, STEP);

                float[] base = Numerics.randomFloats(realSize, 99);
                float[] grad = base.clone();
                RealFft2d.rfft2Backward(kernels, g, 0, grad, 0, n, h, w, c, norm);
                double[] expected = new double[realSize];
                for (int i = 0; i < realSize; i++) expected[i] = base[i] + numeric[i];
                FftAssertions.assertClose("rfft2Backward " + h + "×" + w + " " + norm + " (accumulated)", expected, grad, 0, points);
            }
        }
    }

    @Test
    void irfft2BackwardIsTheGradientOfIrfft2IncludingTheIgnoredImaginaryParts() {
        for (int[] p : PLANES) {
            for (Norm norm : Norm.values()) {
                int n = 2, h = p[0], w = p[1], c = 3, wc = w / 2 + 1;
                long points = (long) h * w;
                int complexSize = 2 * n * h * wc * c, realSize = n * h * w * c;
                float[] g = Numerics.randomFloats(realSize, 13 * h + w);
                double[] spec = Numerics.toDouble(Numerics.randomFloats(complexSize, 3 * h + w));
                double scale = norm.inverseScale(points);
                double[] numeric = Numerics.numericGradient(v -> {
                    double[] y = NaiveFft2d.irfft2(v, n, h, w, c, scale);
                    double loss = 0;
                    for (int i = 0; i < y.length; i++) loss += g[i] * y[i];
                    return loss;
                }, spec, STEP);

                float[] base = Numerics.randomFloats(complexSize, 77);
                float[] grad = base.clone();
                RealFft2d.irfft2Backward(kernels, g, 0, grad, 0, n, h, w, c, norm);
                double[] expected = new double[complexSize];
                for (int i = 0; i < complexSize; i++) expected[i] = base[i] + numeric[i];
                FftAssertions.assertClose("irfft2Backward " + h + "×" + w + " " + norm + " (accumulated)", expected, grad, 0, points);
            }
        }
    }

    @Test
    void tensorBackwardsAccumulateAtTheTensorsOffsets() {
        int n = 1, h = 4, w = 6, c = 2;
        Tensor x = Tensor.of(Numerics.randomFloats(n * h * w * c, 1), n, h, w, c);
        Tensor dSpec = RealFft2d.rfft2(x, Norm.ORTHO);
        // A gradient tensor living at an offset inside a larger array, already holding values.
        float[] backing = Numerics.randomFloats(7 + x.size(), 2);
        Tensor gradX = Tensor.wrap(backing, 7, x.shape());
        float[] before = gradX.toArray();
        RealFft2d.rfft2Backward(dSpec, gradX, Norm.ORTHO);
        float[] direct = new float[x.size()];
        RealFft2d.rfft2Backward(dSpec.data(), 0, direct, 0, n, h, w, c, Norm.ORTHO);
        for (int i = 0; i < direct.length; i++) direct[i] += before[i];
        Numerics.assertClose("rfft2Backward(Tensor) at an offset", direct, gradX.toArray(), 0, 1e-6);

        float[] specBacking = Numerics.randomFloats(3 + dSpec.size(), 4);
        Tensor gradSpec = Tensor.wrap(specBacking, 3, dSpec.shape());
        float[] specBefore = gradSpec.toArray();
        RealFft2d.irfft2Backward(x, gradSpec, Norm.FORWARD);
        float[] directSpec = new float[dSpec.size()];
        RealFft2d.irfft2Backward(x.data(), 0, directSpec, 0, n, h, w, c, Norm.FORWARD);
        for (int i = 0; i < directSpec.length; i++) directSpec[i] += specBefore[i];
        Numerics.assertClose("irfft2Backward(Tensor) at an offset", directSpec, gradSpec.toArray(), 0, 1e-6);
    }
}
