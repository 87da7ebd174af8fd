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
        assertBackwardIsGradient("rfft2Backward", false,
                (x, p, norm) -> NaiveFft2d.rfft2(x, p.n(), p.h(), p.w(), p.c(), norm.forwardScale(p.points())),
                (g, grad, p, norm) -> RealFft2d.rfft2Backward(kernels, g, 0, grad, 0, p.n(), p.h(), p.w(), p.c(), norm), 5);
    }

    @Test
    void irfft2BackwardIsTheGradientOfIrfft2IncludingTheIgnoredImaginaryParts() {
        assertBackwardIsGradient("irfft2Backward", true,
                (spec, p, norm) -> NaiveFft2d.irfft2(spec, p.n(), p.h(), p.w(), p.c(), norm.inverseScale(p.points())),
                (g, grad, p, norm) -> RealFft2d.irfft2Backward(kernels, g, 0, grad, 0, p.n(), p.h(), p.w(), p.c(), norm), 3);
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

    /** n images of h×w with c channels: the sizes of the real maps and of their half spectra. */
    private record Planes(int n, int h, int w, int c) {
        int realSize() {
            return n * h * w * c;
        }

        int complexSize() {
            return 2 * n * h * (w / 2 + 1) * c;
        }

        long points() {
            return (long) h * w;
        }
    }

    /** A transform's double-precision reference, from its input to its output. */
    private interface Reference {
        double[] apply(double[] in, Planes p, Norm norm);
    }

    /** A backward kernel: adds into {@code gradIn} the input gradient for the output gradient {@code gradOut}. */
    private interface Backward {
        void addInto(float[] gradOut, float[] gradIn, Planes p, Norm norm);
    }

    /**
     * For every plane and norm, with L(v) = Σ g·reference(v) for a random g: {@code backward} adds ∂L/∂v, from
     * central differences of the reference, onto a non-zero starting gradient. The input is the half spectrum when
     * {@code spectrumIn}, the real map otherwise; {@code seed} varies the random data between transforms.
     */
    private static void assertBackwardIsGradient(String op, boolean spectrumIn, Reference reference, Backward backward, int seed) {
        for (int[] plane : PLANES) {
            for (Norm norm : Norm.values()) {
                Planes p = new Planes(2, plane[0], plane[1], 3);
                int inSize = spectrumIn ? p.complexSize() : p.realSize(), outSize = spectrumIn ? p.realSize() : p.complexSize();
                float[] g = Numerics.randomFloats(outSize, 11L * p.h() + p.w() + 100L * seed);
                double[] v = Numerics.toDouble(Numerics.randomFloats(inSize, (long) seed * p.h() + p.w()));
                double[] numeric = Numerics.numericGradient(u -> {
                    double[] y = reference.apply(u, p, norm);
                    double loss = 0;
                    for (int i = 0; i < y.length; i++) loss += g[i] * y[i];
                    return loss;
                }, v, STEP);

                float[] base = Numerics.randomFloats(inSize, 99 + seed);
                float[] grad = base.clone();
                backward.addInto(g, grad, p, norm);
                double[] expected = new double[inSize];
                for (int i = 0; i < inSize; i++) expected[i] = base[i] + numeric[i];
                FftAssertions.assertClose(op + " " + p.h() + "×" + p.w() + " " + norm + " (accumulated)", expected, grad, 0, p.points());
            }
        }
    }
}
