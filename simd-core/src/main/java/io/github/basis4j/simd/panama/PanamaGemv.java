package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector × matrix products {@link PanamaGemm} hands over when C has a single row (m = 1: a linear
 * layer at batch 1, or its input gradient) or a single column (n = 1). The tiled path would compute an
 * 8-row micro-tile for one live row (or a 16-column vector for one live column) and pack a panel that
 * is used once; here every element of the matrix is loaded once and used once, which is all a
 * memory-bound product can do.
 *
 * <p>Computes {@code y[j·yStride] = alpha · Σ_p x[p·xStride] · M(p, j) + beta · y[j·yStride]} for
 * {@code j < n}, {@code p < k}, where M is [k, n] stored either row-major ({@code M(p, j) =
 * mat[mOff + p·ldm + j]}) or transposed ({@code M(p, j) = mat[mOff + j·ldm + p]}). With beta = 0, y is
 * not read. Its scalar twin is {@code ScalarGemm.sgemm} at m = 1 or n = 1.
 *
 * <p>Threading: the outputs are cut into blocks of a size that depends on n and k only, one
 * {@link Parallel} chunk each; every output is summed by one thread in an order fixed by k and the
 * vector width alone, so the thread count never changes the bits.
 */
final class PanamaGemv {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final int L = F.length();
    /** Row-major M: columns per register block, four vectors (four independent FMA chains). */
    private static final int AXPY_BLOCK = 4 * L;
    /** Transposed M: rows of M (dot products) per register block, sharing each load of x. */
    private static final int DOT_BLOCK = 4;
    /**
     * Multiply-adds per parallel chunk, at least: about 30 µs of memory-bound work, well above the cost
     * of handing a chunk to another thread.
     */
    private static final int CHUNK_WORK = 1 << 17;

    private PanamaGemv() {
    }

    /**
     * {@code y = alpha · xᵀ·M + beta · y} as described in the class comment; x has k elements, y has n.
     *
     * @param transM whether M is stored transposed ([n, k] row-major) rather than [k, n] row-major
     */
    static void gemv(boolean transM, int n, int k, float alpha, float[] x, int xOff, int xStride,
                     float[] mat, int mOff, int ldm, float beta, float[] y, int yOff, int yStride) {
        assert n > 0 && k > 0 : "empty product";
        int block = transM ? DOT_BLOCK : AXPY_BLOCK;
        int cols = Math.max(block, roundUp((CHUNK_WORK + k - 1) / k, block));
        if (transM) {
            // The dot products load x a vector at a time, so a strided x is first copied contiguous.
            float[] xs = x;
            int xsOff = xOff;
            if (xStride != 1) {
                xs = GemmWorkspace.get().vector(k);
                for (int p = 0; p < k; p++) xs[p] = x[xOff + p * xStride];
                xsOff = 0;
            }
            float[] xc = xs;
            int xcOff = xsOff;
            Parallel.forChunks(n, cols, (chunk, from, to) ->
                    dots(from, to, k, alpha, xc, xcOff, mat, mOff, ldm, beta, y, yOff, yStride));
        } else {
            Parallel.forChunks(n, cols, (chunk, from, to) ->
                    axpys(from, to, k, alpha, x, xOff, xStride, mat, mOff, ldm, beta, y, yOff, yStride));
        }
    }

    /**
     * Outputs {@code [from, to)} for a row-major M: each is one lane of a vector accumulator that
     * collects {@code x[p]·M[p, block]} over p in ascending order.
     */
    private static void axpys(int from, int to, int k, float alpha, float[] x, int xOff, int xStride,
                              float[] mat, int mOff, int ldm, float beta, float[] y, int yOff, int yStride) {
        float[] acc = GemmWorkspace.get().accumulators(AXPY_BLOCK);
        int j = from;
        for (; j <= to - AXPY_BLOCK; j += AXPY_BLOCK) {
            // Four accumulators: each FMA waits on its own chain only, so four are in flight at once.
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
            for (int p = 0; p < k; p++) {
                FloatVector xv = FloatVector.broadcast(F, x[xOff + p * xStride]);
                int row = mOff + p * ldm + j;
                a0 = xv.fma(FloatVector.fromArray(F, mat, row), a0);
                a1 = xv.fma(FloatVector.fromArray(F, mat, row + L), a1);
                a2 = xv.fma(FloatVector.fromArray(F, mat, row + 2 * L), a2);
                a3 = xv.fma(FloatVector.fromArray(F, mat, row + 3 * L), a3);
            }
            a0.intoArray(acc, 0);
            a1.intoArray(acc, L);
            a2.intoArray(acc, 2 * L);
            a3.intoArray(acc, 3 * L);
            store(acc, AXPY_BLOCK, j, alpha, beta, y, yOff, yStride);
        }
        for (; j < to; j += L) {
            // Tail: one vector at a time, the last one masked (masked-off lanes load zero and are not stored).
            VectorMask<Float> live = F.indexInRange(j, to);
            FloatVector a0 = FloatVector.zero(F);
            for (int p = 0; p < k; p++) {
                FloatVector xv = FloatVector.broadcast(F, x[xOff + p * xStride]);
                a0 = xv.fma(FloatVector.fromArray(F, mat, mOff + p * ldm + j, live), a0);
            }
            a0.intoArray(acc, 0);
            store(acc, Math.min(L, to - j), j, alpha, beta, y, yOff, yStride);
        }
    }

    /**
     * Outputs {@code [from, to)} for a transposed M: each is the dot product of x (contiguous) with
     * row j of the stored [n, k] matrix, summed a vector at a time and then across lanes in lane order.
     */
    private static void dots(int from, int to, int k, float alpha, float[] x, int xOff, float[] mat, int mOff,
                             int ldm, float beta, float[] y, int yOff, int yStride) {
        float[] acc = GemmWorkspace.get().accumulators(DOT_BLOCK * L);
        int j = from;
        for (; j <= to - DOT_BLOCK; j += DOT_BLOCK) {
            int r0 = mOff + j * ldm, r1 = r0 + ldm, r2 = r1 + ldm, r3 = r2 + ldm;
            FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
            int p = 0;
            for (; p <= k - L; p += L) {
                FloatVector xv = FloatVector.fromArray(F, x, xOff + p);
                a0 = xv.fma(FloatVector.fromArray(F, mat, r0 + p), a0);
                a1 = xv.fma(FloatVector.fromArray(F, mat, r1 + p), a1);
                a2 = xv.fma(FloatVector.fromArray(F, mat, r2 + p), a2);
                a3 = xv.fma(FloatVector.fromArray(F, mat, r3 + p), a3);
            }
            if (p < k) {
                // Depth tail: masked-off lanes load zero on both sides and add 0·0.
                VectorMask<Float> live = F.indexInRange(p, k);
                FloatVector xv = FloatVector.fromArray(F, x, xOff + p, live);
                a0 = xv.fma(FloatVector.fromArray(F, mat, r0 + p, live), a0);
                a1 = xv.fma(FloatVector.fromArray(F, mat, r1 + p, live), a1);
                a2 = xv.fma(FloatVector.fromArray(F, mat, r2 + p, live), a2);
                a3 = xv.fma(FloatVector.fromArray(F, mat, r3 + p, live), a3);
            }
            a0.intoArray(acc, 0);
            a1.intoArray(acc, L);
            a2.intoArray(acc, 2 * L);
            a3.intoArray(acc, 3 * L);
            for (int r = 0; r < DOT_BLOCK; r++) storeSum(acc, r * L, j + r, alpha, beta, y, yOff, yStride);
        }
        for (; j < to; j++) {
            int r0 = mOff + j * ldm;
            FloatVector a0 = FloatVector.zero(F);
            for (int p = 0; p < k; p += L) {
                VectorMask<Float> live = F.indexInRange(p, k);
                a0 = FloatVector.fromArray(F, x, xOff + p, live).fma(FloatVector.fromArray(F, mat, r0 + p, live), a0);
            }
            a0.intoArray(acc, 0);
            storeSum(acc, 0, j, alpha, beta, y, yOff, yStride);
        }
    }

    /** Writes {@code count} outputs from {@code acc[0..count)} to y, starting at output j. */
    private static void store(float[] acc, int count, int j, float alpha, float beta, float[] y, int yOff,
                              int yStride) {
        for (int i = 0; i < count; i++) {
            int yi = yOff + (j + i) * yStride;
            y[yi] = beta == 0f ? alpha * acc[i] : alpha * acc[i] + beta * y[yi];
        }
    }

    /**
     * Sums the L lanes at {@code acc[at]} in lane order and writes output j. A fixed scalar order, rather
     * than {@code reduceLanes}, whose association order the Vector API leaves open (and which may differ
     * between the intrinsic and the Java fallback), keeps the bits reproducible.
     */
    private static void storeSum(float[] acc, int at, int j, float alpha, float beta, float[] y, int yOff,
                                 int yStride) {
        float sum = acc[at];
        for (int i = 1; i < L; i++) sum += acc[at + i];
        int yi = yOff + j * yStride;
        y[yi] = beta == 0f ? alpha * sum : alpha * sum + beta * y[yi];
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }
}
