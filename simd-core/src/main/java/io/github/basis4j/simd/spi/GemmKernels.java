package io.github.basis4j.simd.spi;

/**
 * Single-precision matrix products on row-major arrays, in BLAS terms:
 * {@code C = alpha · op(A) · op(B) + beta · C} with {@code op(X) = X} or {@code Xᵀ}.
 *
 * <p>Dimensions: {@code op(A)} is [m, k], {@code op(B)} is [k, n], C is [m, n]. Leading dimensions
 * are row strides: A is stored as [m, lda] ({@code transA = false}) or [k, lda] ({@code transA = true}),
 * likewise B; C is [m, ldc]. When {@code beta == 0} C is overwritten without being read (NaNs in C do
 * not propagate), as in BLAS.
 *
 * <p>Threading: implementations split C into tiles in a fixed order over {@code Parallel}, each tile
 * summed over k in the same order whatever the thread count, so results are bit-identical for any
 * number of threads. Implemented by {@code ScalarGemm} (the oracle) and {@code PanamaGemm}.
 */
public interface GemmKernels {
    /** {@code C = alpha · op(A) · op(B) + beta · C}. */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /**
     * {@code batch} independent products; product {@code i} reads A at {@code aOff + i·strideA}, B at
     * {@code bOff + i·strideB} and writes C at {@code cOff + i·strideC}. A stride of 0 reuses the
     * same matrix for every product (a shared weight).
     */
    default void sgemmStridedBatched(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                     float[] a, int aOff, int lda, int strideA,
                                     float[] b, int bOff, int ldb, int strideB,
                                     float beta, float[] c, int cOff, int ldc, int strideC, int batch) {
        for (int i = 0; i < batch; i++) {
            sgemm(transA, transB, m, n, k, alpha, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb,
                    beta, c, cOff + i * strideC, ldc);
        }
    }
}
