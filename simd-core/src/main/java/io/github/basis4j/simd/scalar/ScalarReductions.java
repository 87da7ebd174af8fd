package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.ReductionKernels;
import java.util.Arrays;

/**
 * Plain-loop {@link ReductionKernels}: the test oracle and the fallback. Twin of
 * {@code io.github.basis4j.simd.panama.PanamaReductions}, method for method.
 *
 * <p>Each output is summed in ascending index order in float; {@code exp} and {@code log} are
 * {@link Math}'s, in double, rounded once. Threading: the outer dimension (rows) is cut into chunks of
 * about {@link #GRAIN} elements over {@link Parallel}; one row never spans two threads.
 */
public final class ScalarReductions implements ReductionKernels {
    /** Elements per parallel chunk (rows are grouped until a chunk holds about this many). */
    static final int GRAIN = 1 << 14;

    /** Rows per chunk when each row holds {@code rowSize} elements: at least one. */
    static int rowGrain(long rowSize) {
        return (int) Math.max(1, GRAIN / Math.max(1, rowSize));
    }

    @Override
    public void sumForward(float[] x, int xOff, float[] y, int yOff, int outer, int axis, int inner) {
        reduceSum(x, xOff, y, yOff, outer, axis, inner, false);
    }

    @Override
    public void meanForward(float[] x, int xOff, float[] y, int yOff, int outer, int axis, int inner) {
        reduceSum(x, xOff, y, yOff, outer, axis, inner, true);
    }

    private static void reduceSum(float[] x, int xOff, float[] y, int yOff, int outer, int axis, int inner,
                                  boolean mean) {
        Parallel.forRange(outer, rowGrain((long) axis * inner), (from, to) -> {
            for (int o = from; o < to; o++) {
                int in = xOff + o * axis * inner, out = yOff + o * inner;
                for (int i = 0; i < inner; i++) {
                    float s = 0f;
                    for (int a = 0; a < axis; a++) s += x[in + a * inner + i];
                    y[out + i] = mean ? s / axis : s;
                }
            }
        });
    }

    @Override
    public void sumBackward(float[] dy, int dyOff, float[] dx, int dxOff, int outer, int axis, int inner) {
        broadcastBack(dy, dyOff, dx, dxOff, outer, axis, inner, false);
    }

    @Override
    public void meanBackward(float[] dy, int dyOff, float[] dx, int dxOff, int outer, int axis, int inner) {
        broadcastBack(dy, dyOff, dx, dxOff, outer, axis, inner, true);
    }

    private static void broadcastBack(float[] dy, int dyOff, float[] dx, int dxOff, int outer, int axis, int inner,
                                      boolean mean) {
        Parallel.forRange(outer, rowGrain((long) axis * inner), (from, to) -> {
            for (int o = from; o < to; o++) {
                int g = dyOff + o * inner, out = dxOff + o * axis * inner;
                for (int a = 0; a < axis; a++) {
                    for (int i = 0; i < inner; i++) {
                        float d = dy[g + i];
                        dx[out + a * inner + i] += mean ? d / axis : d;
                    }
                }
            }
        });
    }

    @Override
    public void maxForward(float[] x, int xOff, float[] y, int yOff, int[] argmax, int argmaxOff,
                           int outer, int axis, int inner) {
        assert axis >= 1 : "max over an empty axis";
        Parallel.forRange(outer, rowGrain((long) axis * inner), (from, to) -> {
            for (int o = from; o < to; o++) {
                int in = xOff + o * axis * inner;
                for (int i = 0; i < inner; i++) {
                    float best = x[in + i];
                    int bestA = 0;
                    for (int a = 1; a < axis; a++) {
                        float v = x[in + a * inner + i];
                        if (beats(v, best)) {
                            best = v;
                            bestA = a;
                        }
                    }
                    y[yOff + o * inner + i] = best;
                    argmax[argmaxOff + o * inner + i] = bestA;
                }
            }
        });
    }

    /** Whether v replaces the running maximum: strictly greater, or the first NaN (NaN propagates). */
    private static boolean beats(float v, float best) {
        return v > best || (v != v && best == best);
    }

    @Override
    public void maxBackward(float[] dy, int dyOff, int[] argmax, int argmaxOff, float[] dx, int dxOff,
                            int outer, int axis, int inner) {
        // A scatter: each output's gradient lands on one input of its own slice, so rows stay disjoint.
        Parallel.forRange(outer, rowGrain((long) axis * inner), (from, to) -> {
            for (int o = from; o < to; o++) {
                for (int i = 0; i < inner; i++) {
                    int a = argmax[argmaxOff + o * inner + i];
                    dx[dxOff + (o * axis + a) * inner + i] += dy[dyOff + o * inner + i];
                }
            }
        });
    }

    @Override
    public void softmaxForward(float[] x, int xOff, float[] y, int yOff, int rows, int n) {
        Parallel.forRange(rows, rowGrain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int in = xOff + r * n, out = yOff + r * n;
                float m = rowMax(x, in, n);
                float s = 0f;
                for (int j = 0; j < n; j++) {
                    float e = (float) Math.exp(x[in + j] - m);
                    y[out + j] = e;
                    s += e;
                }
                for (int j = 0; j < n; j++) y[out + j] /= s;
            }
        });
    }

    /** The row maximum, NaN if the row holds one (so the row's softmax is NaN, as PyTorch's). */
    private static float rowMax(float[] x, int off, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) m = Math.max(m, x[off + j]);
        return m;
    }

    @Override
    public void softmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int n) {
        Parallel.forRange(rows, rowGrain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int yr = yOff + r * n, gr = dyOff + r * n, dr = dxOff + r * n;
                float dot = 0f;
                for (int j = 0; j < n; j++) dot += dy[gr + j] * y[yr + j];
                for (int j = 0; j < n; j++) dx[dr + j] += y[yr + j] * (dy[gr + j] - dot);
            }
        });
    }

    @Override
    public void logSoftmaxForward(float[] x, int xOff, float[] y, int yOff, int rows, int n) {
        Parallel.forRange(rows, rowGrain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int in = xOff + r * n, out = yOff + r * n;
                float m = rowMax(x, in, n);
                float s = 0f;
                for (int j = 0; j < n; j++) s += (float) Math.exp(x[in + j] - m);
                float logS = (float) Math.log(s);
                // (x − m) − log s rather than x − (m + log s): x − m is exact near the maximum.
                for (int j = 0; j < n; j++) y[out + j] = (x[in + j] - m) - logS;
            }
        });
    }

    @Override
    public void logSoftmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int n) {
        Parallel.forRange(rows, rowGrain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int yr = yOff + r * n, gr = dyOff + r * n, dr = dxOff + r * n;
                float s = 0f;
                for (int j = 0; j < n; j++) s += dy[gr + j];
                for (int j = 0; j < n; j++) dx[dr + j] += dy[gr + j] - (float) Math.exp(y[yr + j]) * s;
            }
        });
    }

    @Override
    public void argmax(float[] x, int xOff, int[] index, int indexOff, int rows, int n) {
        assert n >= 1 : "argmax of an empty row";
        Parallel.forRange(rows, rowGrain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int in = xOff + r * n;
                float best = x[in];
                int bestJ = 0;
                for (int j = 1; j < n; j++) {
                    if (beats(x[in + j], best)) {
                        best = x[in + j];
                        bestJ = j;
                    }
                }
                index[indexOff + r] = bestJ;
            }
        });
    }

    @Override
    public void topK(float[] x, int xOff, int k, float[] values, int valuesOff, int[] indices, int indicesOff,
                     int rows, int n) {
        topKRows(x, xOff, k, values, valuesOff, indices, indicesOff, rows, n);
    }

    /**
     * Top-k by sorting packed keys: each entry becomes one long, {@code (~sortable(x) << 32) | j}, so an
     * ascending sort of the longs orders values descending and, among equal values, indices ascending,
     * with no comparator and no boxing. {@code sortable} maps float bits to an int of the same order as
     * {@link Float#compare}. Shared with the vector backend: a sort has no useful vector form.
     */
    public static void topKRows(float[] x, int xOff, int k, float[] values, int valuesOff, int[] indices,
                                int indicesOff, int rows, int n) {
        assert k >= 1 && k <= n : "topK needs 1 <= k <= n";
        Parallel.forRange(rows, rowGrain(n), (from, to) -> {
            long[] keys = new long[n];
            for (int r = from; r < to; r++) {
                int in = xOff + r * n;
                for (int j = 0; j < n; j++) {
                    int bits = Float.floatToIntBits(x[in + j]);
                    int sortable = bits < 0 ? bits ^ 0x7fffffff : bits;
                    keys[j] = ((long) ~sortable << 32) | j;
                }
                Arrays.sort(keys);
                for (int t = 0; t < k; t++) {
                    int j = (int) keys[t];
                    values[valuesOff + r * k + t] = x[in + j];
                    indices[indicesOff + r * k + t] = j;
                }
            }
        });
    }
}
