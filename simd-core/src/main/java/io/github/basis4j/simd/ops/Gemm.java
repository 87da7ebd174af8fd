package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.GemmKernels;

/**
 * Matrix products on tensors: validates shapes and delegates to the current backend's
 * {@link GemmKernels}. Linear layers ({@link #linear}) and 1×1 convolutions over NHWC maps
 * ([n·h·w, c] rows) are GEMMs directly; other convolutions reach GEMM through im2col.
 *
 * <p>Every tensor is contiguous and row-major, so a [rows, cols] matrix has leading dimension cols.
 * The output must not share memory with an input. Results are bit-identical for any thread count.
 */
public final class Gemm {
    private Gemm() {
    }

    /**
     * {@code c = alpha · op(a) · op(b) + beta · c} for rank-2 tensors, with {@code op(x)} = x or xᵀ.
     *
     * @param a [m, k], or [k, m] when {@code transA}
     * @param b [k, n], or [n, k] when {@code transB}
     * @param c [m, n]; when {@code beta == 0} its old contents are ignored (NaNs included)
     * @throws IllegalArgumentException naming the mismatched argument, the expected and the actual shape
     */
    public static void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        requireRank("gemm", "a", a, 2);
        requireRank("gemm", "b", b, 2);
        requireRank("gemm", "c", c, 2);
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int n = c.dim(1);
        Shape bWanted = transB ? Shape.of(n, k) : Shape.of(k, n);
        if (!b.shape().equals(bWanted)) {
            throw new IllegalArgumentException("gemm: b must be " + (transB ? "[n, k] = " : "[k, n] = ") + bWanted
                    + " to match " + describeA(a, transA) + ", got " + b.shape());
        }
        if (c.dim(0) != m) {
            throw new IllegalArgumentException("gemm: c must be [m, n] = " + Shape.of(m, n) + " to match "
                    + describeA(a, transA) + ", got " + c.shape());
        }
        requireDisjoint("gemm", c, a, "a");
        requireDisjoint("gemm", c, b, "b");
        Backends.current().gemm().sgemm(transA, transB, m, n, k, alpha,
                a.data(), a.offset(), a.dim(1), b.data(), b.offset(), b.dim(1), beta, c.data(), c.offset(), n);
    }

    /**
     * A new [m, n] tensor {@code a · b}.
     *
     * @param a [m, k]
     * @param b [k, n]
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        requireRank("matmul", "a", a, 2);
        requireRank("matmul", "b", b, 2);
        if (b.dim(0) != a.dim(1)) {
            throw new IllegalArgumentException("matmul: b must be [k, n] with k = " + a.dim(1) + " to match a "
                    + a.shape() + ", got " + b.shape());
        }
        Tensor c = Tensor.zeros(a.dim(0), b.dim(1));
        gemm(false, false, 1f, a, b, 0f, c);
        return c;
    }

    /**
     * A fully connected layer as one GEMM: a new [m, n] tensor {@code y = x · weightᵀ + bias}, with
     * PyTorch's weight layout. A 1×1 convolution over an NHWC map is the same call on the map viewed
     * as [n·h·w, c].
     *
     * @param x      [m, k] (one row per sample or pixel)
     * @param weight [n, k] (out features × in features)
     * @param bias   [n], or null for none
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        requireRank("linear", "x", x, 2);
        requireRank("linear", "weight", weight, 2);
        int m = x.dim(0), k = x.dim(1), n = weight.dim(0);
        if (weight.dim(1) != k) {
            throw new IllegalArgumentException("linear: weight must be [out, in] with in = " + k + " to match x "
                    + x.shape() + ", got " + weight.shape());
        }
        Tensor y = Tensor.zeros(m, n);
        float beta = 0f;
        if (bias != null) {
            if (!bias.shape().equals(Shape.of(n))) {
                throw new IllegalArgumentException("linear: bias must be [out] = " + Shape.of(n) + " to match weight "
                        + weight.shape() + ", got " + bias.shape());
            }
            // Start every row of y from the bias and let the product accumulate onto it (beta = 1).
            for (int i = 0; i < m; i++) System.arraycopy(bias.data(), bias.offset(), y.data(), i * n, n);
            beta = 1f;
        }
        Backends.current().gemm().sgemm(false, true, m, n, k, 1f,
                x.data(), x.offset(), k, weight.data(), weight.offset(), k, beta, y.data(), 0, n);
        return y;
    }

    /**
     * A batch of products {@code c[i] = alpha · op(a[i]) · op(b[i]) + beta · c[i]} over rank-3 tensors
     * (strided-batched GEMM). An input with a leading dimension of 1 is shared by every product, as a
     * weight is.
     *
     * @param a [batch or 1, m, k], or [batch or 1, k, m] when {@code transA}
     * @param b [batch or 1, k, n], or [batch or 1, n, k] when {@code transB}
     * @param c [batch, m, n]
     */
    public static void gemmBatched(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta,
                                   Tensor c) {
        requireRank("gemmBatched", "a", a, 3);
        requireRank("gemmBatched", "b", b, 3);
        requireRank("gemmBatched", "c", c, 3);
        int batch = c.dim(0), m = c.dim(1), n = c.dim(2);
        int k = transA ? a.dim(1) : a.dim(2);
        Shape aWanted = transA ? Shape.of(batch, k, m) : Shape.of(batch, m, k);
        if ((a.dim(0) != batch && a.dim(0) != 1) || !sameMatrix(a, aWanted)) {
            throw new IllegalArgumentException("gemmBatched: a must be " + (transA ? "[batch or 1, k, m] = " : "[batch or 1, m, k] = ")
                    + aWanted + " to match c " + c.shape() + ", got " + a.shape());
        }
        Shape bWanted = transB ? Shape.of(batch, n, k) : Shape.of(batch, k, n);
        if ((b.dim(0) != batch && b.dim(0) != 1) || !sameMatrix(b, bWanted)) {
            throw new IllegalArgumentException("gemmBatched: b must be " + (transB ? "[batch or 1, n, k] = " : "[batch or 1, k, n] = ")
                    + bWanted + " to match a " + a.shape() + (transA ? " (transposed)" : "") + " and c " + c.shape()
                    + ", got " + b.shape());
        }
        requireDisjoint("gemmBatched", c, a, "a");
        requireDisjoint("gemmBatched", c, b, "b");
        int strideA = a.dim(0) == 1 ? 0 : m * k, strideB = b.dim(0) == 1 ? 0 : k * n;
        Backends.current().gemm().sgemmStridedBatched(transA, transB, m, n, k, alpha,
                a.data(), a.offset(), a.dim(2), strideA, b.data(), b.offset(), b.dim(2), strideB,
                beta, c.data(), c.offset(), n, m * n, batch);
    }

    private static boolean sameMatrix(Tensor t, Shape wanted) {
        return t.dim(1) == wanted.dim(1) && t.dim(2) == wanted.dim(2);
    }

    private static String describeA(Tensor a, boolean transA) {
        return transA ? "a " + a.shape() + " (transposed)" : "a " + a.shape();
    }

    private static void requireRank(String op, String name, Tensor t, int rank) {
        if (t == null) throw new IllegalArgumentException(op + ": " + name + " must not be null");
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + name + " must be a rank-" + rank + " tensor, got shape " + t.shape());
        }
    }

    /** The output is written while the inputs are read, so they must not share elements. */
    private static void requireDisjoint(String op, Tensor out, Tensor in, String inName) {
        if (out.data() != in.data()) return;
        long outEnd = out.offset() + out.shape().size(), inEnd = in.offset() + in.shape().size();
        if (out.offset() < inEnd && in.offset() < outEnd) {
            throw new IllegalArgumentException(op + ": c must not overlap " + inName + " (same array, elements ["
                    + out.offset() + ", " + outEnd + ") and [" + in.offset() + ", " + inEnd + "))");
        }
    }
}
