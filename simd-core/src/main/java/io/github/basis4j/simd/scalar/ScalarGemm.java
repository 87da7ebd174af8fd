package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.GemmKernels;

/**
 * Plain-loop {@link GemmKernels}: the oracle for {@code PanamaGemm} and the fallback.
 *
 * <p>Rows of C are split into fixed chunks over {@link Parallel}; each element's sum over k runs in
 * ascending k order, whatever the thread count.
 */
public final class ScalarGemm implements GemmKernels {
    /** Rows of C per parallel chunk. */
    private static final int ROW_GRAIN = 16;

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Parallel.forRange(m, ROW_GRAIN, (from, to) -> {
            float[] acc = new float[n];
            for (int i = from; i < to; i++) {
                java.util.Arrays.fill(acc, 0f);
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (transB) {
                        for (int j = 0; j < n; j++) acc[j] += aip * b[bOff + j * ldb + p];
                    } else {
                        int row = bOff + p * ldb;
                        for (int j = 0; j < n; j++) acc[j] += aip * b[row + j];
                    }
                }
                int crow = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[crow + j] = beta == 0f ? alpha * acc[j] : alpha * acc[j] + beta * c[crow + j];
                }
            }
        });
    }
}
