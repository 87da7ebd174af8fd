package io.github.basis4j.fft;

import static io.github.basis4j.simd.testing.Numerics.assertBitIdentical;
import static io.github.basis4j.simd.testing.Numerics.assertClose;
import static io.github.basis4j.simd.testing.Numerics.assertGradient;
import static io.github.basis4j.simd.testing.Numerics.numericGradient;
import static io.github.basis4j.simd.testing.Numerics.randomFloats;
import static io.github.basis4j.simd.testing.Numerics.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockComplexLinear} against the reference's formula evaluated naively in double (AFNO2D's pairs of
 * {@code einsum('...bi,bio->...bo')}: real parts {@code xr·W0 - xi·W1 + B0}, imaginary parts {@code xi·W0 + xr·W1 + B1}),
 * its gradients against central differences of that double formula, accumulation, offsets, threads and bad input.
 */
class BlockComplexLinearTest {
    /** Configurations {N, H, Wc, nb, in, out}: one block, square and non-square blocks, odd sizes. */
    private static final int[][] CASES = {{1, 1, 1, 1, 1, 1}, {2, 3, 2, 2, 3, 3}, {1, 4, 3, 3, 2, 5}, {2, 2, 3, 4, 5, 2}};

    private static Tensor random(long seed, int... dims) {
        return Tensor.of(randomFloats(Math.toIntExact(Shape.of(dims).size()), seed), dims);
    }

    /** The reference's formula in double; x, w, b flat in the layouts of {@link BlockComplexLinear}. */
    private static double[] naive(double[] x, double[] w, double[] b, int rows, int nb, int in, int out) {
        double[] y = new double[rows * 2 * nb * out];
        int c = nb * in, co = nb * out, im = nb * in * out;
        for (int r = 0; r < rows; r++) {
            for (int blk = 0; blk < nb; blk++) {
                for (int o = 0; o < out; o++) {
                    double re = b == null ? 0 : b[blk * out + o], ii = b == null ? 0 : b[(nb + blk) * out + o];
                    for (int i = 0; i < in; i++) {
                        double xr = x[r * 2 * c + blk * in + i], xi = x[r * 2 * c + c + blk * in + i];
                        double w0 = w[(blk * in + i) * out + o], w1 = w[im + (blk * in + i) * out + o];
                        re += xr * w0 - xi * w1;
                        ii += xi * w0 + xr * w1;
                    }
                    y[r * 2 * co + blk * out + o] = re;
                    y[r * 2 * co + co + blk * out + o] = ii;
                }
            }
        }
        return y;
    }

    private static double dot(double[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Test
    void forwardMatchesTheReferenceFormula() {
        for (int[] k : CASES) {
            int n = k[0], h = k[1], wc = k[2], nb = k[3], in = k[4], out = k[5], rows = n * h * wc;
            Tensor x = random(1, n, h, wc, 2, nb * in), w = random(2, 2, nb, in, out), b = random(3, 2, nb, out);
            double[] expected = naive(toDouble(x.toArray()), toDouble(w.toArray()), toDouble(b.toArray()), rows, nb, in, out);
            Tensor y = BlockComplexLinear.forward(x, w, b);
            assertThat(y.shape()).isEqualTo(Shape.of(n, h, wc, 2, nb * out));
            assertClose("forward " + Shape.of(k), toFloat(expected), y.toArray(), 1e-5, 1e-6);
            double[] noBias = naive(toDouble(x.toArray()), toDouble(w.toArray()), null, rows, nb, in, out);
            assertClose("forward without bias " + Shape.of(k), toFloat(noBias), BlockComplexLinear.forward(x, w, null).toArray(), 1e-5, 1e-6);
        }
    }

    /**
     * Central differences of L = Σ r·y with y from the double formula (linear in each argument, so the step leaves
     * only double rounding), against the float backward, which must add onto what the buffers held.
     */
    @Test
    void gradientsMatchFiniteDifferencesInDoubleAndAccumulate() {
        for (int[] k : CASES) {
            int n = k[0], h = k[1], wc = k[2], nb = k[3], in = k[4], out = k[5], rows = n * h * wc;
            Tensor x = random(11, n, h, wc, 2, nb * in), w = random(12, 2, nb, in, out), b = random(13, 2, nb, out);
            float[] r = randomFloats(rows * 2 * nb * out, 14);
            double[] xd = toDouble(x.toArray()), wd = toDouble(w.toArray()), bd = toDouble(b.toArray());
            double[] gx = numericGradient(v -> dot(naive(v, wd, bd, rows, nb, in, out), r), xd, 1e-3);
            double[] gw = numericGradient(v -> dot(naive(xd, v, bd, rows, nb, in, out), r), wd, 1e-3);
            double[] gb = numericGradient(v -> dot(naive(xd, wd, v, rows, nb, in, out), r), bd, 1e-3);
            float prior = 0.25f;
            Tensor dx = filled(x.shape(), prior), dw = filled(w.shape(), prior), db = filled(b.shape(), prior);
            BlockComplexLinear.backward(x, w, Tensor.of(r, n, h, wc, 2, nb * out), dx, dw, db);
            assertGradient("dx " + Shape.of(k), shift(gx, prior), dx.toArray(), 0, 1e-4, 1e-5);
            assertGradient("dw " + Shape.of(k), shift(gw, prior), dw.toArray(), 0, 1e-4, 1e-5);
            assertGradient("db " + Shape.of(k), shift(gb, prior), db.toArray(), 0, 1e-4, 1e-5);
        }
    }

    @Test
    void skippedGradientsAndOffsetViewsChangeNothingElse() {
        Tensor x = random(21, 2, 3, 2, 2, 6), w = random(22, 2, 2, 3, 4), b = random(23, 2, 2, 4), g = random(24, 2, 3, 2, 2, 8);
        Tensor xv = Tensor.wrap(new float[5 + x.size()], 5, x.shape());
        xv.copyFrom(x);
        Tensor wv = Tensor.wrap(new float[3 + w.size()], 3, w.shape());
        wv.copyFrom(w);
        assertBitIdentical("offset views", BlockComplexLinear.forward(x, w, b).toArray(), BlockComplexLinear.forward(xv, wv, b).toArray());
        Tensor dwAll = Tensor.zeros(w.shape()), dwOnly = Tensor.zeros(w.shape());
        BlockComplexLinear.backward(x, w, g, Tensor.zeros(x.shape()), dwAll, Tensor.zeros(b.shape()));
        BlockComplexLinear.backward(x, w, g, null, dwOnly, null);
        assertBitIdentical("weight gradient alone", dwAll.toArray(), dwOnly.toArray());
        // Gradient buffers at an offset: the guard values around them stay untouched.
        float[] backing = new float[2 + x.size() + 2];
        java.util.Arrays.fill(backing, 7f);
        Tensor dxv = Tensor.wrap(backing, 2, x.shape());
        dxv.copyFrom(Tensor.zeros(x.shape()));
        Tensor dx = Tensor.zeros(x.shape());
        BlockComplexLinear.backward(x, w, g, dx, null, null);
        BlockComplexLinear.backward(xv, wv, g, dxv, null, null);
        assertBitIdentical("dx at an offset", dx.toArray(), dxv.toArray());
        assertThat(new float[] {backing[0], backing[1], backing[backing.length - 2], backing[backing.length - 1]}).containsOnly(7f);
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalBits() {
        // Big enough for the batched GEMM to split its work.
        Tensor x = random(31, 2, 28, 15, 2, 128), w = random(32, 2, 8, 16, 16), b = random(33, 2, 8, 16), g = random(34, 2, 28, 15, 2, 128);
        int before = Parallel.threads();
        float[][] results = new float[2][];
        try {
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t);
                Tensor dx = Tensor.zeros(x.shape()), dw = Tensor.zeros(w.shape()), db = Tensor.zeros(b.shape());
                BlockComplexLinear.backward(x, w, g, dx, dw, db);
                float[] y = BlockComplexLinear.forward(x, w, b).toArray();
                results[t - 1] = concat(y, dx.toArray(), dw.toArray(), db.toArray());
            }
        } finally {
            Parallel.setThreads(before);
        }
        assertBitIdentical("1 vs 2 threads", results[0], results[1]);
    }

    @Test
    void badArgumentsNameWhatWasExpected() {
        Tensor x = Tensor.zeros(1, 2, 2, 2, 6), w = Tensor.zeros(2, 2, 3, 4);
        assertThatThrownBy(() -> BlockComplexLinear.forward(Tensor.zeros(1, 2, 2, 6), w, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockComplexLinear: x must be a half spectrum [N, H, Wc, 2, C]");
        assertThatThrownBy(() -> BlockComplexLinear.forward(x, Tensor.zeros(1, 2, 3, 4), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight must be [2, nb, in, out]").hasMessageContaining("[1, 2, 3, 4]");
        assertThatThrownBy(() -> BlockComplexLinear.forward(Tensor.zeros(1, 2, 2, 2, 5), w, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x must have nb·in = 2·3 = 6 channels");
        assertThatThrownBy(() -> BlockComplexLinear.forward(x, w, Tensor.zeros(2, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bias must be [2, 2, 4], got [2, 2, 3]");
        assertThatThrownBy(() -> BlockComplexLinear.backward(x, w, Tensor.zeros(1, 2, 2, 2, 6), null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockComplexLinearBackward: gradY must be [1, 2, 2, 2, 8]");
        assertThatThrownBy(() -> BlockComplexLinear.backward(x, w, Tensor.zeros(1, 2, 2, 2, 8), Tensor.zeros(1, 2, 2, 2, 8), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gradX must be [1, 2, 2, 2, 6]");
    }

    private static Tensor filled(Shape s, float v) {
        Tensor t = Tensor.zeros(s);
        for (int i = 0; i < t.size(); i++) t.set(i, v);
        return t;
    }

    private static double[] shift(double[] g, double by) {
        double[] o = new double[g.length];
        for (int i = 0; i < g.length; i++) o[i] = g[i] + by;
        return o;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] o = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, o, at, p.length);
            at += p.length;
        }
        return o;
    }
}
