package io.github.basis4j.simd.spi;

/**
 * Sums, means and maxima over an axis, softmax and log-softmax over the last axis, argmax and top-k.
 *
 * <p>Layouts: axis reductions view x as {@code [outer, axis, inner]} (any tensor, reduced over one of
 * its dimensions: outer is the product of the dimensions before it, inner of those after it) and write
 * y as {@code [outer, inner]}. Last-axis kernels view x as {@code [rows, n]}.
 *
 * <p>Semantics are PyTorch's: {@code max} returns the first index of the maximum and a NaN wins (it
 * propagates, with its index); softmax and log-softmax subtract the row maximum first, so inputs of
 * any magnitude (±1e4 and beyond) neither overflow nor lose the distribution.
 *
 * <p>Contracts: forward kernels overwrite their outputs, which never alias inputs. Backward kernels
 * add into their gradient buffers ({@code +=}); the caller zeroes them first. Arguments are only
 * asserted; the facade {@code io.github.basis4j.simd.ops.Reductions} validates.
 *
 * <p>Threading: rows (the outer dimension) are cut into fixed chunks over {@code Parallel}; each row is
 * reduced by one thread in a fixed order, so results are bit-identical for any thread count.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarReductions} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaReductions} (Vector API).
 */
public interface ReductionKernels {

    /** {@code y[o, i] = Σ_a x[o, a, i]}; x is [outer, axis, inner], y is [outer, inner]. */
    void sumForward(float[] x, int xOff, float[] y, int yOff, int outer, int axis, int inner);

    /** Backward of {@link #sumForward}: {@code dx[o, a, i] += dy[o, i]}. */
    void sumBackward(float[] dy, int dyOff, float[] dx, int dxOff, int outer, int axis, int inner);

    /** {@code y[o, i] = Σ_a x[o, a, i] / axis}; x is [outer, axis, inner], y is [outer, inner]. */
    void meanForward(float[] x, int xOff, float[] y, int yOff, int outer, int axis, int inner);

    /** Backward of {@link #meanForward}: {@code dx[o, a, i] += dy[o, i] / axis}. */
    void meanBackward(float[] dy, int dyOff, float[] dx, int dxOff, int outer, int axis, int inner);

    /**
     * {@code y[o, i] = max_a x[o, a, i]} and {@code argmax[o, i]} = the first a attaining it (a NaN wins);
     * x is [outer, axis, inner] with axis ≥ 1, y and argmax are [outer, inner].
     */
    void maxForward(float[] x, int xOff, float[] y, int yOff, int[] argmax, int argmaxOff,
                    int outer, int axis, int inner);

    /** Backward of {@link #maxForward}: {@code dx[o, argmax[o, i], i] += dy[o, i]}. */
    void maxBackward(float[] dy, int dyOff, int[] argmax, int argmaxOff, float[] dx, int dxOff,
                     int outer, int axis, int inner);

    /** Row-wise softmax over the last axis: {@code y[r, j] = exp(x[r, j] − m_r) / Σ_k exp(x[r, k] − m_r)}. */
    void softmaxForward(float[] x, int xOff, float[] y, int yOff, int rows, int n);

    /** Backward of {@link #softmaxForward} from its output: {@code dx[r, j] += y[r, j]·(dy[r, j] − Σ_k dy[r, k]·y[r, k])}. */
    void softmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int n);

    /** Row-wise log-softmax over the last axis: {@code y[r, j] = (x[r, j] − m_r) − log Σ_k exp(x[r, k] − m_r)}. */
    void logSoftmaxForward(float[] x, int xOff, float[] y, int yOff, int rows, int n);

    /** Backward of {@link #logSoftmaxForward} from its output: {@code dx[r, j] += dy[r, j] − exp(y[r, j])·Σ_k dy[r, k]}. */
    void logSoftmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int rows, int n);

    /** {@code index[r]} = the first j maximising {@code x[r, j]} (a NaN wins); x is [rows, n], n ≥ 1. */
    void argmax(float[] x, int xOff, int[] index, int indexOff, int rows, int n);

    /**
     * The k largest entries of each row of x [rows, n], 1 ≤ k ≤ n, into values and indices [rows, k],
     * sorted descending; equal values keep ascending index order. Order is the total order of
     * {@link Float#compare} (NaN above +∞, +0 above −0), as {@code torch.topk}'s for NaN.
     */
    void topK(float[] x, int xOff, int k, float[] values, int valuesOff, int[] indices, int indicesOff,
              int rows, int n);
}
