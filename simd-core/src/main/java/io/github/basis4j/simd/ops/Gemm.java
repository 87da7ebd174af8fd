package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;

/**
 * Matrix products on tensors: validates shapes and delegates to the current backend's
 * {@link io.github.basis4j.simd.spi.GemmKernels}.
 */
public final class Gemm {
    private Gemm() {
    }

    /**
     * {@code c = alpha · op(a) · op(b) + beta · c} for rank-2 tensors, with {@code op(x)} = x or xᵀ.
     * op(a) is [m, k], op(b) is [k, n], c is [m, n].
     */
    public static void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        requireRank2("a", a);
        requireRank2("b", b);
        requireRank2("c", c);
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (kb != k) {
            throw new IllegalArgumentException("gemm: b must be " + (transB ? "[n, k] = [" + n + ", " + k + "]" : "[k, n] = [" + k + ", " + n + "]")
                    + " to match a " + a.shape() + (transA ? "ᵀ" : "") + ", got " + b.shape());
        }
        if (c.dim(0) != m || c.dim(1) != n) {
            throw new IllegalArgumentException("gemm: c must be [m, n] = [" + m + ", " + n + "], got " + c.shape());
        }
        Backends.current().gemm().sgemm(transA, transB, m, n, k, alpha,
                a.data(), a.offset(), a.dim(1), b.data(), b.offset(), b.dim(1), beta, c.data(), c.offset(), n);
    }

    /** A new [m, n] tensor {@code a · b}. */
    public static Tensor matmul(Tensor a, Tensor b) {
        requireRank2("a", a);
        requireRank2("b", b);
        Tensor c = Tensor.zeros(a.dim(0), b.dim(1));
        gemm(false, false, 1f, a, b, 0f, c);
        return c;
    }

    private static void requireRank2(String name, Tensor t) {
        if (t.rank() != 2) {
            throw new IllegalArgumentException("gemm: " + name + " must be a rank-2 matrix, got shape " + t.shape());
        }
    }
}
