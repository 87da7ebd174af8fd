package io.github.basis4j.fft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import org.junit.jupiter.api.Test;

/** Round trip, Parseval, Hermitian symmetry and linearity of the public Tensor API, and the layout converters. */
class RealFft2dPropertiesTest {
    /** Planes covering even/odd, prime (Bluestein), power-of-two and network sizes. */
    private static final int[][] PLANES = {{1, 1}, {1, 2}, {2, 1}, {3, 5}, {6, 7}, {7, 7}, {8, 8}, {13, 10}, {14, 14},
        {17, 19}, {28, 28}, {31, 12}, {37, 41}, {56, 56}, {64, 64}};

    private static Tensor random(long seed, int... dims) {
        int size = 1;
        for (int d : dims) size *= d;
        return Tensor.of(Numerics.randomFloats(size, seed), dims);
    }

    @Test
    void irfft2UndoesRfft2ForEveryNorm() {
        for (int[] p : PLANES) {
            for (Norm norm : Norm.values()) {
                Tensor x = random(p[0] * 100L + p[1], 2, p[0], p[1], 3);
                Tensor back = RealFft2d.irfft2(RealFft2d.rfft2(x, norm), p[0], p[1], norm);
                assertThat(back.shape()).isEqualTo(x.shape());
                Numerics.assertClose("round trip " + p[0] + "×" + p[1] + " " + norm, x.toArray(), back.toArray(), 0, 2e-5);
            }
        }
    }

    @Test
    void orthoPreservesEnergyCountingMirroredBinsTwice() {
        for (int[] p : PLANES) {
            int h = p[0], w = p[1], c = 5, wc = w / 2 + 1;
            Tensor x = random(h * 31L + w, 1, h, w, c);
            float[] spec = RealFft2d.rfft2(x, Norm.ORTHO).toArray();
            double energy = 0;
            for (float v : x.toArray()) energy += (double) v * v;
            double spectral = 0;
            for (int y = 0; y < h; y++) {
                for (int k = 0; k < wc; k++) {
                    // Bins 1..ceil(W/2)-1 stand for themselves and their conjugate mirror W − k.
                    double weight = k == 0 || 2 * k == w ? 1 : 2;
                    for (int ch = 0; ch < c; ch++) {
                        int re = (int) ComplexLayout.realIndex(0, y, k, ch, h, wc, c);
                        spectral += weight * ((double) spec[re] * spec[re] + (double) spec[re + c] * spec[re + c]);
                    }
                }
            }
            assertThat(spectral).as("Parseval " + h + "×" + w).isCloseTo(energy, within(1e-5 * energy));
        }
    }

    @Test
    void theDcAndNyquistColumnsAreHermitianAlongH() {
        for (int[] p : PLANES) {
            int h = p[0], w = p[1], c = 4, wc = w / 2 + 1;
            float[] spec = RealFft2d.rfft2(random(h * 7L + w, 1, h, w, c), Norm.BACKWARD).toArray();
            int[] columns = w % 2 == 0 ? new int[] {0, wc - 1} : new int[] {0};
            for (int k : columns) {
                for (int y = 0; y < h; y++) {
                    int mirror = (h - y) % h;
                    for (int ch = 0; ch < c; ch++) {
                        int a = (int) ComplexLayout.realIndex(0, y, k, ch, h, wc, c);
                        int b = (int) ComplexLayout.realIndex(0, mirror, k, ch, h, wc, c);
                        double tol = 1e-5 * Math.sqrt(h * w) * 4;
                        assertThat(spec[a]).as("Re X[%d,%d] vs its mirror", y, k).isCloseTo(spec[b], within((float) tol));
                        assertThat(spec[a + c]).as("Im X[%d,%d] vs −Im of its mirror", y, k).isCloseTo(-spec[b + c], within((float) tol));
                    }
                }
            }
        }
    }

    @Test
    void bothTransformsAreLinear() {
        float alpha = 0.7f, beta = -1.3f;
        for (int[] p : PLANES) {
            int h = p[0], w = p[1];
            Tensor a = random(1, 1, h, w, 3), b = random(2, 1, h, w, 3);
            float[] mix = new float[a.size()];
            for (int i = 0; i < mix.length; i++) mix[i] = alpha * a.get(i) + beta * b.get(i);
            float[] fa = RealFft2d.rfft2(a, Norm.ORTHO).toArray(), fb = RealFft2d.rfft2(b, Norm.ORTHO).toArray();
            float[] fm = RealFft2d.rfft2(Tensor.of(mix, 1, h, w, 3), Norm.ORTHO).toArray();
            float[] expected = new float[fa.length];
            for (int i = 0; i < fa.length; i++) expected[i] = alpha * fa[i] + beta * fb[i];
            Numerics.assertClose("rfft2 linearity " + h + "×" + w, expected, fm, 0, 2e-5 * Math.sqrt(h * w));

            Tensor sa = RealFft2d.rfft2(a, Norm.BACKWARD), sb = RealFft2d.rfft2(b, Norm.FORWARD);
            float[] smix = new float[sa.size()];
            for (int i = 0; i < smix.length; i++) smix[i] = alpha * sa.get(i) + beta * sb.get(i);
            float[] ia = RealFft2d.irfft2(sa, h, w, Norm.ORTHO).toArray(), ib = RealFft2d.irfft2(sb, h, w, Norm.ORTHO).toArray();
            float[] im = RealFft2d.irfft2(Tensor.of(smix, sa.shape().dims()), h, w, Norm.ORTHO).toArray();
            float[] expectedInv = new float[ia.length];
            for (int i = 0; i < ia.length; i++) expectedInv[i] = alpha * ia[i] + beta * ib[i];
            Numerics.assertClose("irfft2 linearity " + h + "×" + w, expectedInv, im, 0, 2e-5 * Math.sqrt(h * w));
        }
    }

    @Test
    void layoutConvertersRoundTripAndFollowTheDocumentedIndices() {
        int n = 2, h = 3, w = 6, c = 5, wc = w / 2 + 1;
        Tensor x = random(9, n, h, w, c);
        Tensor spec = RealFft2d.rfft2(x, Norm.BACKWARD);
        assertThat(spec.shape().dims()).containsExactly(n, h, wc, 2, c);
        double[] naive = NaiveFft2d.rfft2(FftAssertions.toDouble(x.data(), 0, x.size()), n, h, w, c, 1);
        Tensor torchLayout = ComplexLayout.toViewAsReal(spec);
        assertThat(torchLayout.shape().dims()).containsExactly(n, h, wc, c, 2);
        for (int s = 0; s < n; s++) {
            for (int y = 0; y < h; y++) {
                for (int k = 0; k < wc; k++) {
                    for (int ch = 0; ch < c; ch++) {
                        int re = (int) ComplexLayout.realIndex(s, y, k, ch, h, wc, c);
                        assertThat(re).isEqualTo((((s * h + y) * wc + k) * 2) * c + ch);
                        assertThat((double) spec.get(re)).isCloseTo(naive[re], within(1e-4));
                        assertThat((double) spec.get(re + c)).isCloseTo(naive[re + c], within(1e-4));
                        assertThat(torchLayout.at(s, y, k, ch, 0)).isEqualTo(spec.get(re));
                        assertThat(torchLayout.at(s, y, k, ch, 1)).isEqualTo(spec.get(re + c));
                    }
                }
            }
        }
        Numerics.assertBitIdentical("fromViewAsReal(toViewAsReal(X))", spec.toArray(),
                ComplexLayout.fromViewAsReal(torchLayout).toArray());
    }
}
