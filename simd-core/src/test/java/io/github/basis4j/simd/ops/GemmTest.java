package io.github.basis4j.simd.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import org.junit.jupiter.api.Test;

/** The {@link Gemm} facade: results on tensors (with offsets), and the messages of its validation. */
class GemmTest {
    private static Tensor random(long seed, int... dims) {
        return Tensor.of(Numerics.randomFloats((int) Shape.of(dims).size(), seed), dims);
    }

    /** Naive double-precision op(a)·op(b) for rank-2 tensors. */
    private static float[] product(Tensor a, boolean transA, Tensor b, boolean transB) {
        int m = transA ? a.dim(1) : a.dim(0), k = transA ? a.dim(0) : a.dim(1), n = transB ? b.dim(0) : b.dim(1);
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) (transA ? a.at(p, i) : a.at(i, p)) * (transB ? b.at(j, p) : b.at(p, j));
                }
                out[i * n + j] = (float) s;
            }
        }
        return out;
    }

    @Test
    void gemmComputesAlphaProductPlusBetaCOnOffsetTensors() {
        // Tensors that start inside larger arrays: the facade must pass their offsets through.
        float[] store = Numerics.randomFloats(10 + 23 * 19 + 19 * 37 + 23 * 37, 5);
        Tensor a = Tensor.wrap(store, 10, Shape.of(19, 23));            // transposed: op(a) is [23, 19]
        Tensor b = Tensor.wrap(store, 10 + 23 * 19, Shape.of(19, 37));
        Tensor c = Tensor.wrap(store, 10 + 23 * 19 + 19 * 37, Shape.of(23, 37));
        float[] c0 = c.toArray();
        float[] ab = product(a, true, b, false);
        Gemm.gemm(true, false, 2f, a, b, -1f, c);
        float[] expected = new float[ab.length];
        for (int i = 0; i < ab.length; i++) expected[i] = 2f * ab[i] - c0[i];
        Numerics.assertClose("gemm(aᵀ, b)", expected, c.toArray(), 1e-5, 1e-5);
    }

    @Test
    void matmulMultiplies() {
        Tensor a = random(1, 33, 17), b = random(2, 17, 5);
        Numerics.assertClose("matmul", product(a, false, b, false), Gemm.matmul(a, b).toArray(), 1e-5, 1e-5);
    }

    @Test
    void linearIsXTimesWeightTransposedPlusBias() {
        Tensor x = random(3, 49, 40), w = random(4, 24, 40), bias = random(5, 24);
        float[] xw = product(x, false, w, true);
        float[] expected = new float[xw.length];
        for (int i = 0; i < xw.length; i++) expected[i] = xw[i] + bias.get(i % 24);
        Tensor y = Gemm.linear(x, w, bias);
        assertEquals(Shape.of(49, 24), y.shape());
        Numerics.assertClose("linear with bias", expected, y.toArray(), 1e-5, 1e-5);
        Numerics.assertClose("linear without bias", xw, Gemm.linear(x, w, null).toArray(), 1e-5, 1e-5);
    }

    @Test
    void gemmBatchedSharesALeadingOneAcrossTheBatch() {
        Tensor a = random(6, 3, 9, 14), w = random(7, 1, 14, 11);
        Tensor c = Tensor.zeros(3, 9, 11);
        Gemm.gemmBatched(false, false, 1f, a, w, 0f, c);
        Tensor w2 = w.reshape(14, 11);
        for (int i = 0; i < 3; i++) {
            Tensor ai = a.slice(i, i + 1).reshape(9, 14);
            Numerics.assertClose("batch " + i, product(ai, false, w2, false), c.slice(i, i + 1).toArray(), 1e-5, 1e-5);
        }
        Tensor bt = random(8, 3, 11, 14);   // transposed b, one per product
        Gemm.gemmBatched(false, true, 1f, a, bt, 0f, c);
        for (int i = 0; i < 3; i++) {
            Tensor ai = a.slice(i, i + 1).reshape(9, 14), bi = bt.slice(i, i + 1).reshape(11, 14);
            Numerics.assertClose("transposed batch " + i, product(ai, false, bi, true), c.slice(i, i + 1).toArray(), 1e-5, 1e-5);
        }
    }

    private static void assertMessage(String expected, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void gemmNamesTheMismatchedArgument() {
        Tensor a = Tensor.zeros(3136, 576), c = Tensor.zeros(3136, 64);
        assertMessage("gemm: b must be [k, n] = [576, 64] to match a [3136, 576], got [64, 576]",
                () -> Gemm.gemm(false, false, 1f, a, Tensor.zeros(64, 576), 0f, c));
        assertMessage("gemm: b must be [n, k] = [64, 576] to match a [3136, 576], got [576, 64]",
                () -> Gemm.gemm(false, true, 1f, a, Tensor.zeros(576, 64), 0f, c));
        assertMessage("gemm: c must be [m, n] = [576, 64] to match a [3136, 576] (transposed), got [3136, 64]",
                () -> Gemm.gemm(true, false, 1f, a, Tensor.zeros(3136, 64), 0f, c));
        assertMessage("gemm: a must be a rank-2 tensor, got shape [2, 3, 4]",
                () -> Gemm.gemm(false, false, 1f, Tensor.zeros(2, 3, 4), a, 0f, c));
        assertMessage("gemm: c must not be null", () -> Gemm.gemm(false, false, 1f, a, a, 0f, null));
        Tensor shared = Tensor.zeros(8, 8);
        assertMessage("gemm: c must not overlap a (same array, elements [0, 64) and [0, 64))",
                () -> Gemm.gemm(false, false, 1f, shared, Tensor.zeros(8, 8), 0f, shared));
    }

    @Test
    void matmulLinearAndBatchedNameTheMismatchedArgument() {
        assertMessage("matmul: b must be [k, n] with k = 576 to match a [3136, 576], got [64, 576]",
                () -> Gemm.matmul(Tensor.zeros(3136, 576), Tensor.zeros(64, 576)));
        assertMessage("linear: weight must be [out, in] with in = 40 to match x [8, 40], got [40, 24]",
                () -> Gemm.linear(Tensor.zeros(8, 40), Tensor.zeros(40, 24), null));
        assertMessage("linear: bias must be [out] = [24] to match weight [24, 40], got [40]",
                () -> Gemm.linear(Tensor.zeros(8, 40), Tensor.zeros(24, 40), Tensor.zeros(40)));
        Tensor c = Tensor.zeros(3, 9, 11);
        assertMessage("gemmBatched: a must be [batch or 1, m, k] = [3, 9, 14] to match c [3, 9, 11], got [2, 9, 14]",
                () -> Gemm.gemmBatched(false, false, 1f, Tensor.zeros(2, 9, 14), Tensor.zeros(1, 14, 11), 0f, c));
        assertMessage("gemmBatched: b must be [batch or 1, k, n] = [3, 14, 11] to match a [3, 9, 14] and c [3, 9, 11], got [3, 11, 14]",
                () -> Gemm.gemmBatched(false, false, 1f, Tensor.zeros(3, 9, 14), Tensor.zeros(3, 11, 14), 0f, c));
    }
}
