package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.scalar.ScalarReductions;
import io.github.basis4j.simd.spi.ReductionKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link ReductionKernels}; each method mirrors its twin in
 * {@code io.github.basis4j.simd.scalar.ScalarReductions}.
 *
 * <p>Axis reductions over {@code [outer, axis, inner]} put the lanes across the contiguous axis: across
 * {@code inner} when it is larger than one (each output sums its inputs in ascending {@code a}, the
 * scalar twin's order, so those agree bit for bit), along {@code axis} when {@code inner == 1} (a
 * horizontal reduction with several accumulators; the order differs from the scalar twin by rounding
 * only). Last-axis kernels (softmax, log-softmax, argmax) work along each row.
 *
 * <p>{@code maxBackward} (a scatter) and {@code topK} (a sort) have no useful vector form and share the
 * scalar code.
 *
 * <p>Threading: rows (the outer dimension) in fixed chunks of about {@link #GRAIN} elements over
 * {@link Parallel}; one row never spans two threads, so results do not depend on the thread count.
 */
public final class PanamaReductions implements ReductionKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final int L = F.length();
    /** Elements per parallel chunk, as the scalar twin. */
    private static final int GRAIN = 1 << 14;

    private final ScalarReductions scalar = new ScalarReductions();

    private static int rowGrain(long rowSize) {
        return (int) Math.max(1, GRAIN / Math.max(1, rowSize));
    }

    // ---- sum, mean ---------------------------------------------------------------------------------

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
                if (inner == 1) {
                    float s = rowSum(x, in, axis);
                    y[out] = mean ? s / axis : s;
                    continue;
                }
                int i = 0;
                for (int bound = F.loopBound(inner); i < bound; i += L) {
                    FloatVector s = FloatVector.zero(F);
                    for (int a = 0; a < axis; a++) s = s.add(FloatVector.fromArray(F, x, in + a * inner + i));
                    (mean ? s.div(axis) : s).intoArray(y, out + i);
                }
                for (; i < inner; i++) {
                    float s = 0f;
                    for (int a = 0; a < axis; a++) s += x[in + a * inner + i];
                    y[out + i] = mean ? s / axis : s;
                }
            }
        });
    }

    /**
     * Σ x[off, off + n). Four accumulators: a vector add has a latency of about four cycles while two
     * loads issue per cycle, so one chain would leave the adders idle most of the time.
     */
    private static float rowSum(float[] x, int off, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        int j = 0;
        for (int bound = n - 4 * L; j <= bound; j += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(F, x, off + j));
            a1 = a1.add(FloatVector.fromArray(F, x, off + j + L));
            a2 = a2.add(FloatVector.fromArray(F, x, off + j + 2 * L));
            a3 = a3.add(FloatVector.fromArray(F, x, off + j + 3 * L));
        }
        for (int bound = F.loopBound(n); j < bound; j += L) a0 = a0.add(FloatVector.fromArray(F, x, off + j));
        float s = PanamaLanes.sum(a0.add(a1).add(a2.add(a3)));
        for (; j < n; j++) s += x[off + j];
        return s;
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
                if (inner == 1) {
                    // The whole slice gets one value: broadcast it along the axis.
                    float d = mean ? dy[g] / axis : dy[g];
                    addConstant(dx, out, axis, d);
                    continue;
                }
                for (int a = 0; a < axis; a++) {
                    int row = out + a * inner, i = 0;
                    for (int bound = F.loopBound(inner); i < bound; i += L) {
                        FloatVector d = FloatVector.fromArray(F, dy, g + i);
                        if (mean) d = d.div(axis);
                        FloatVector.fromArray(F, dx, row + i).add(d).intoArray(dx, row + i);
                    }
                    for (; i < inner; i++) dx[row + i] += mean ? dy[g + i] / axis : dy[g + i];
                }
            }
        });
    }

    /** {@code z[off, off + n) += d}. */
    private static void addConstant(float[] z, int off, int n, float d) {
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += L) FloatVector.fromArray(F, z, off + j).add(d).intoArray(z, off + j);
        for (; j < n; j++) z[off + j] += d;
    }

    // ---- max, argmax -------------------------------------------------------------------------------

    @Override
    public void maxForward(float[] x, int xOff, float[] y, int yOff, int[] argmax, int argmaxOff,
                           int outer, int axis, int inner) {
        assert axis >= 1 : "max over an empty axis";
        Parallel.forRange(outer, rowGrain((long) axis * inner), (from, to) -> {
            for (int o = from; o < to; o++) {
                int in = xOff + o * axis * inner, out = o * inner;
                if (inner == 1) {
                    int j = rowArgmax(x, in, axis);
                    y[yOff + out] = x[in + j];
                    argmax[argmaxOff + out] = j;
                    continue;
                }
                int i = 0;
                for (int bound = F.loopBound(inner); i < bound; i += L) {
                    // Running maximum and its index per lane; a lane switches on a strictly greater value
                    // or on its first NaN, which keeps the first index of the maximum as the scalar twin.
                    FloatVector best = FloatVector.fromArray(F, x, in + i);
                    IntVector bestA = IntVector.zero(I);
                    for (int a = 1; a < axis; a++) {
                        FloatVector v = FloatVector.fromArray(F, x, in + a * inner + i);
                        VectorMask<Float> take = v.compare(VectorOperators.GT, best)
                                .or(v.test(VectorOperators.IS_NAN).andNot(best.test(VectorOperators.IS_NAN)));
                        best = best.blend(v, take);
                        bestA = bestA.blend(a, take.cast(I));
                    }
                    best.intoArray(y, yOff + out + i);
                    bestA.intoArray(argmax, argmaxOff + out + i);
                }
                for (; i < inner; i++) {
                    float best = x[in + i];
                    int bestA = 0;
                    for (int a = 1; a < axis; a++) {
                        float v = x[in + a * inner + i];
                        if (v > best || (v != v && best == best)) {
                            best = v;
                            bestA = a;
                        }
                    }
                    y[yOff + out + i] = best;
                    argmax[argmaxOff + out + i] = bestA;
                }
            }
        });
    }

    /**
     * The first index of the maximum of {@code x[off, off + n)}, n ≥ 1, or of its first NaN. Two passes
     * over the row (which stays in cache): a lanewise maximum, which propagates NaN as {@link Math#max},
     * then a search for the first lane equal to it. Two accumulators for the maximum hide its latency.
     */
    private static int rowArgmax(float[] x, int off, int n) {
        float m = rowMax(x, off, n);
        boolean nan = m != m;
        int j = 0;
        for (int bound = F.loopBound(n); j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(F, x, off + j);
            VectorMask<Float> hit = nan ? v.test(VectorOperators.IS_NAN) : v.compare(VectorOperators.EQ, m);
            if (hit.anyTrue()) return j + hit.firstTrue();
        }
        for (; j < n; j++) {
            float v = x[off + j];
            if (nan ? v != v : v == m) return j;
        }
        throw new AssertionError("the row maximum was not found in its row");
    }

    /** The maximum of {@code x[off, off + n)}, NaN if any element is NaN, −∞ for n = 0. */
    private static float rowMax(float[] x, int off, int n) {
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0;
        int j = 0;
        for (int bound = n - 2 * L; j <= bound; j += 2 * L) {
            m0 = m0.max(FloatVector.fromArray(F, x, off + j));
            m1 = m1.max(FloatVector.fromArray(F, x, off + j + L));
        }
        for (int bound = F.loopBound(n); j < bound; j += L) m0 = m0.max(FloatVector.fromArray(F, x, off + j));
        float m = m0.max(m1).reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) m = Math.max(m, x[off + j]);
        return m;
    }

    @Override
    public void maxBackward(float[] dy, int dyOff, int[] argmax, int argmaxOff, float[] dx, int dxOff,
                            int outer, int axis, int inner) {
        scalar.maxBackward(dy, dyOff, argmax, argmaxOff, dx, dxOff, outer, axis, inner);
    }

    @Override
    public void argmax(float[] x, int xOff, int[] index, int indexOff, int rows, int n) {
        assert n >= 1 : "argmax of an empty row";
        Parallel.forRange(rows, rowGrain(n), (from, to) -> {
            for (int r = from; r < to; r++) index[indexOff + r] = rowArgmax(x, xOff + r * n, n);
        });
    }

    @Override
    public void topK(float[] x, int xOff, int k, float[] values, int valuesOff, int[] indices, int indicesOff,
                     int rows, int n) {
        ScalarReductions.topKRows(x, xOff, k, values, valuesOff, indices, indicesOff, rows, n);
    }

    // ---- softmax, log-softmax ----------------------------------------------------------------------

    @Override
    public void softmaxForward(float[] x, int xOff, float[] y, int yOff, int rows, int n) {
        Parallel.forRange(rows, rowGrain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int in = xOff + r * n, out = yOff + r * n;
                float m = rowMax(x, in, n);
                // One accumulator: the exp before each add leaves far more work than the add's latency.
                FloatVector acc = FloatVector.zero(F);
                int j = 0;
                for (int bound = F.loopBound(n); j < bound; j += L) {
                    FloatVector e = PanamaMath.exp(FloatVector.fromArray(F, x, in + j).sub(m));
                    e.intoArray(y, out + j);
                    acc = acc.add(e);
                }
                if (j < n) {
                    VectorMask<Float> tail = F.indexInRange(j, n);
                    FloatVector e = PanamaMath.exp(FloatVector.fromArray(F, x, in + j, tail).sub(m));
                    e.intoArray(y, out + j, tail);
                    acc = acc.add(e, tail);
                }
                float s = PanamaLanes.sum(acc);
                j = 0;
                for (int bound = F.loopBound(n); j < bound; j += L) {
                    FloatVector.fromArray(F, y, out + j).div(s).intoArray(y, out + j);
                }
                for (; j < n; j++) y[out + j] /= s;
            }
        });
    }

    @Override
    public void softmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int n) {
        Parallel.forRange(rows, rowGrain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int yr = yOff + r * n, gr = dyOff + r * n, dr = dxOff + r * n;
                float dot = rowDot(dy, gr, y, yr, n);
                int j = 0;
                for (int bound = F.loopBound(n); j < bound; j += L) {
                    FloatVector diff = FloatVector.fromArray(F, dy, gr + j).sub(dot);
                    FloatVector t = FloatVector.fromArray(F, y, yr + j).mul(diff);
                    FloatVector.fromArray(F, dx, dr + j).add(t).intoArray(dx, dr + j);
                }
                for (; j < n; j++) dx[dr + j] += y[yr + j] * (dy[gr + j] - dot);
            }
        });
    }

    /** Σ u·v over n elements; four FMA accumulators for the same latency reason as {@link #rowSum}. */
    private static float rowDot(float[] u, int uOff, float[] v, int vOff, int n) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        int j = 0;
        for (int bound = n - 4 * L; j <= bound; j += 4 * L) {
            a0 = FloatVector.fromArray(F, u, uOff + j).fma(FloatVector.fromArray(F, v, vOff + j), a0);
            a1 = FloatVector.fromArray(F, u, uOff + j + L).fma(FloatVector.fromArray(F, v, vOff + j + L), a1);
            a2 = FloatVector.fromArray(F, u, uOff + j + 2 * L).fma(FloatVector.fromArray(F, v, vOff + j + 2 * L), a2);
            a3 = FloatVector.fromArray(F, u, uOff + j + 3 * L).fma(FloatVector.fromArray(F, v, vOff + j + 3 * L), a3);
        }
        for (int bound = F.loopBound(n); j < bound; j += L) {
            a0 = FloatVector.fromArray(F, u, uOff + j).fma(FloatVector.fromArray(F, v, vOff + j), a0);
        }
        float s = PanamaLanes.sum(a0.add(a1).add(a2.add(a3)));
        for (; j < n; j++) s += u[uOff + j] * v[vOff + j];
        return s;
    }

    @Override
    public void logSoftmaxForward(float[] x, int xOff, float[] y, int yOff, int rows, int n) {
        Parallel.forRange(rows, rowGrain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int in = xOff + r * n, out = yOff + r * n;
                float m = rowMax(x, in, n);
                FloatVector acc = FloatVector.zero(F);
                int j = 0;
                for (int bound = F.loopBound(n); j < bound; j += L) {
                    acc = acc.add(PanamaMath.exp(FloatVector.fromArray(F, x, in + j).sub(m)));
                }
                if (j < n) {
                    VectorMask<Float> tail = F.indexInRange(j, n);
                    acc = acc.add(PanamaMath.exp(FloatVector.fromArray(F, x, in + j, tail).sub(m)), tail);
                }
                float logS = (float) Math.log(PanamaLanes.sum(acc));
                // (x − m) − log s rather than x − (m + log s): x − m is exact near the maximum.
                j = 0;
                for (int bound = F.loopBound(n); j < bound; j += L) {
                    FloatVector.fromArray(F, x, in + j).sub(m).sub(logS).intoArray(y, out + j);
                }
                for (; j < n; j++) y[out + j] = (x[in + j] - m) - logS;
            }
        });
    }

    @Override
    public void logSoftmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int n) {
        Parallel.forRange(rows, rowGrain(n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int yr = yOff + r * n, gr = dyOff + r * n, dr = dxOff + r * n;
                float s = rowSum(dy, gr, n);
                int j = 0;
                for (int bound = F.loopBound(n); j < bound; j += L) {
                    FloatVector p = PanamaMath.exp(FloatVector.fromArray(F, y, yr + j)).mul(s);
                    FloatVector d = FloatVector.fromArray(F, dy, gr + j).sub(p);
                    FloatVector.fromArray(F, dx, dr + j).add(d).intoArray(dx, dr + j);
                }
                if (j < n) {
                    VectorMask<Float> tail = F.indexInRange(j, n);
                    FloatVector p = PanamaMath.exp(FloatVector.fromArray(F, y, yr + j, tail)).mul(s);
                    FloatVector d = FloatVector.fromArray(F, dy, gr + j, tail).sub(p);
                    FloatVector.fromArray(F, dx, dr + j, tail).add(d).intoArray(dx, dr + j, tail);
                }
            }
        });
    }
}
