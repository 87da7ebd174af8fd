package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.ReductionKernels;

/**
 * Reductions on tensors: sum, mean and max over one axis (PyTorch's {@code keepdim=False}: the axis is
 * removed), softmax and log-softmax over the last axis, argmax and top-k over the last axis. Validates
 * every argument and delegates to the current backend's {@link ReductionKernels}.
 *
 * <p>Axes may be negative, counting from the end ({@code -1} is the last). Backward ops add into their
 * gradient tensors ({@code +=}); the caller zeroes them first. Errors are
 * {@link IllegalArgumentException}s naming the operation, the argument, what was expected and what came.
 */
public final class Reductions {
    private Reductions() {
    }

    /**
     * The result of {@link #max}: the maxima, shaped as x without the reduced axis, and for each the index
     * along the axis where it was found (the first one; a NaN wins), row-major like {@code values}.
     */
    public record MaxResult(Tensor values, int[] indices) {
    }

    /**
     * The result of {@link #topK}: values shaped as x with the last axis cut to k, sorted descending
     * (equal values in ascending index order), and their indices along the last axis, row-major alike.
     */
    public record TopK(Tensor values, int[] indices) {
    }

    private static ReductionKernels k() {
        return Backends.current().reductions();
    }

    // ---- sum, mean, max over an axis ---------------------------------------------------------------

    /** {@code Σ} over {@code axis}; the result drops that axis (x [2, 3, 4], axis 1 → [2, 4]). */
    public static Tensor sum(Tensor x, int axis) {
        View v = view("sum", x, axis);
        Tensor y = Tensor.zeros(v.reduced);
        k().sumForward(x.data(), x.offset(), y.data(), y.offset(), v.outer, v.axis, v.inner);
        return y;
    }

    /** Backward of {@link #sum}: {@code dx[…, a, …] += dy[…, …]}; dx has x's shape, dy the reduced one. */
    public static void sumBackward(Tensor dy, int axis, Tensor dx) {
        View v = backwardView("sumBackward", dy, axis, dx);
        k().sumBackward(dy.data(), dy.offset(), dx.data(), dx.offset(), v.outer, v.axis, v.inner);
    }

    /** The mean over {@code axis}; the result drops that axis. An empty axis gives NaN, as PyTorch. */
    public static Tensor mean(Tensor x, int axis) {
        View v = view("mean", x, axis);
        Tensor y = Tensor.zeros(v.reduced);
        k().meanForward(x.data(), x.offset(), y.data(), y.offset(), v.outer, v.axis, v.inner);
        return y;
    }

    /** Backward of {@link #mean}: {@code dx[…, a, …] += dy[…, …] / axisLength}. */
    public static void meanBackward(Tensor dy, int axis, Tensor dx) {
        View v = backwardView("meanBackward", dy, axis, dx);
        k().meanBackward(dy.data(), dy.offset(), dx.data(), dx.offset(), v.outer, v.axis, v.inner);
    }

    /** The maximum over {@code axis} and its index (the first; a NaN wins); the axis must not be empty. */
    public static MaxResult max(Tensor x, int axis) {
        View v = view("max", x, axis);
        if (v.axis == 0) {
            throw new IllegalArgumentException("max: axis " + axis + " of x " + x.shape() + " is empty; a maximum needs at least one element");
        }
        Tensor y = Tensor.zeros(v.reduced);
        int[] idx = new int[y.size()];
        k().maxForward(x.data(), x.offset(), y.data(), y.offset(), idx, 0, v.outer, v.axis, v.inner);
        return new MaxResult(y, idx);
    }

    /** Backward of {@link #max}: {@code dx[…, indices[i], …] += dy[i]}; indices as {@link MaxResult#indices}. */
    public static void maxBackward(Tensor dy, int[] indices, int axis, Tensor dx) {
        View v = backwardView("maxBackward", dy, axis, dx);
        if (indices == null || indices.length != dy.size()) {
            throw new IllegalArgumentException("maxBackward: indices must hold one index per element of dy (" + dy.size()
                    + "), got " + (indices == null ? "null" : indices.length));
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= v.axis) {
                throw new IllegalArgumentException("maxBackward: indices[" + i + "] must be in [0, " + v.axis + "), got " + indices[i]);
            }
        }
        k().maxBackward(dy.data(), dy.offset(), indices, 0, dx.data(), dx.offset(), v.outer, v.axis, v.inner);
    }

    // ---- softmax, log-softmax ----------------------------------------------------------------------

    /** Softmax over the last axis, shifted by each row's maximum (stable for any magnitude); a new tensor. */
    public static Tensor softmax(Tensor x) {
        return softmax(x, Tensor.zeros(lastAxisShape("softmax", x)));
    }

    /** {@code out = softmax(x)} over the last axis; out has x's shape and must not share its array range. */
    public static Tensor softmax(Tensor x, Tensor out) {
        int n = lastAxis("softmax", x);
        requireOutput("softmax", x, out);
        k().softmaxForward(x.data(), x.offset(), out.data(), out.offset(), x.size() / n, n);
        return out;
    }

    /** Backward of {@link #softmax} from its output y: {@code dx += y·(dy − Σ_row dy·y)}. */
    public static void softmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        int n = lastAxisBackward("softmaxBackward", y, dy, dx);
        k().softmaxBackward(y.data(), y.offset(), dy.data(), dy.offset(), dx.data(), dx.offset(), y.size() / n, n);
    }

    /** Log-softmax over the last axis, {@code (x − max) − log Σ exp(x − max)}; a new tensor. */
    public static Tensor logSoftmax(Tensor x) {
        return logSoftmax(x, Tensor.zeros(lastAxisShape("logSoftmax", x)));
    }

    /** {@code out = logSoftmax(x)} over the last axis; returns out. */
    public static Tensor logSoftmax(Tensor x, Tensor out) {
        int n = lastAxis("logSoftmax", x);
        requireOutput("logSoftmax", x, out);
        k().logSoftmaxForward(x.data(), x.offset(), out.data(), out.offset(), x.size() / n, n);
        return out;
    }

    /** Backward of {@link #logSoftmax} from its output y: {@code dx += dy − exp(y)·Σ_row dy}. */
    public static void logSoftmaxBackward(Tensor y, Tensor dy, Tensor dx) {
        int n = lastAxisBackward("logSoftmaxBackward", y, dy, dx);
        k().logSoftmaxBackward(y.data(), y.offset(), dy.data(), dy.offset(), dx.data(), dx.offset(), y.size() / n, n);
    }

    // ---- argmax, top-k -----------------------------------------------------------------------------

    /** For each row of the last axis, the index of its first maximum (a NaN wins); one int per row. */
    public static int[] argmax(Tensor x) {
        int n = lastAxis("argmax", x);
        int[] idx = new int[x.size() / n];
        k().argmax(x.data(), x.offset(), idx, 0, idx.length, n);
        return idx;
    }

    /** The k largest entries of each row of the last axis, sorted descending; 1 ≤ k ≤ last dimension. */
    public static TopK topK(Tensor x, int k) {
        int n = lastAxis("topK", x);
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("topK: k must be in [1, " + n + "] for x " + x.shape() + ", got " + k);
        }
        int[] dims = x.shape().dims();
        dims[dims.length - 1] = k;
        Tensor values = Tensor.zeros(dims);
        int[] idx = new int[values.size()];
        k().topK(x.data(), x.offset(), k, values.data(), values.offset(), idx, 0, x.size() / n, n);
        return new TopK(values, idx);
    }

    // ---- validation --------------------------------------------------------------------------------

    /** x seen as [outer, axis, inner] around one of its axes, and the shape without that axis. */
    private record View(int outer, int axis, int inner, Shape reduced) {
    }

    private static int normaliseAxis(String op, Shape s, int axis) {
        int r = s.rank();
        if (axis < -r || axis >= r) {
            throw new IllegalArgumentException(op + ": axis must be in [" + (-r) + ", " + r + ") for shape " + s + ", got " + axis);
        }
        return axis < 0 ? axis + r : axis;
    }

    private static View viewOf(String op, Shape s, int axis) {
        int a = normaliseAxis(op, s, axis);
        int[] dims = s.dims();
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++) outer *= dims[i];
        for (int i = a + 1; i < dims.length; i++) inner *= dims[i];
        int[] reduced = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) if (i != a) reduced[j++] = dims[i];
        return new View(outer, dims[a], inner, Shape.of(reduced));
    }

    private static View view(String op, Tensor x, int axis) {
        Elementwise.requireNonNull(op, "x", x);
        return viewOf(op, x.shape(), axis);
    }

    private static View backwardView(String op, Tensor dy, int axis, Tensor dx) {
        Elementwise.requireNonNull(op, "dy", dy);
        Elementwise.requireNonNull(op, "dx", dx);
        View v = viewOf(op, dx.shape(), axis);
        if (!dy.shape().equals(v.reduced)) {
            throw new IllegalArgumentException(op + ": dy must be " + v.reduced + " (dx " + dx.shape() + " without axis "
                    + axis + "), got " + dy.shape());
        }
        return v;
    }

    private static Shape lastAxisShape(String op, Tensor x) {
        lastAxis(op, x);
        return x.shape();
    }

    /** The length of x's last axis, which must exist and be non-empty. */
    private static int lastAxis(String op, Tensor x) {
        Elementwise.requireNonNull(op, "x", x);
        if (x.rank() < 1 || x.dim(-1) < 1) {
            throw new IllegalArgumentException(op + ": x must have a non-empty last axis, got shape " + x.shape());
        }
        return x.dim(-1);
    }

    private static void requireOutput(String op, Tensor x, Tensor out) {
        Elementwise.requireNonNull(op, "out", out);
        Elementwise.requireSameShape(op, "out", out, "x", x);
        // Rows are read three times (max, sum, normalise): writing over x would corrupt later passes.
        if (out.data() == x.data() && out.offset() < x.offset() + x.size() && x.offset() < out.offset() + out.size()) {
            throw new IllegalArgumentException(op + ": out must not share elements with x (elements [" + out.offset() + ", "
                    + (out.offset() + out.size()) + ") vs [" + x.offset() + ", " + (x.offset() + x.size()) + ")); use a separate tensor");
        }
    }

    private static int lastAxisBackward(String op, Tensor y, Tensor dy, Tensor dx) {
        int n = lastAxis(op, y);
        Elementwise.requireNonNull(op, "dy", dy);
        Elementwise.requireNonNull(op, "dx", dx);
        Elementwise.requireSameShape(op, "dy", dy, "y", y);
        Elementwise.requireSameShape(op, "dx", dx, "y", y);
        return n;
    }
}
