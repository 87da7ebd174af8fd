package io.github.basis4j.simd;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A dense, contiguous, row-major float32 tensor: a {@code float[]}, an offset into it and a {@link Shape}.
 *
 * <p>Element {@code (i0, …, ik)} lives at {@code data[offset + Σ ij·stride(j)]} with row-major strides.
 * Views ({@link #reshape}, {@link #slice}) share the array and cost nothing; anything that would need
 * a non-contiguous layout ({@link #permute}) copies. Feature maps are channel-last {@code [N, H, W, C]}.
 *
 * <p>Tensors are not thread-safe for concurrent writes; kernels write disjoint ranges under
 * {@link Parallel}.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final Shape shape;

    private Tensor(float[] data, int offset, Shape shape) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
    }

    /** Wraps {@code data} (not copied) as a tensor of the given shape; the sizes must agree exactly. */
    public static Tensor wrap(float[] data, Shape shape) {
        return wrap(data, 0, shape);
    }

    /** Wraps {@code data[offset …]} (not copied) as a tensor of the given shape. */
    public static Tensor wrap(float[] data, int offset, Shape shape) {
        if (data == null) throw new IllegalArgumentException("tensor: data must not be null");
        if (offset < 0 || offset + shape.size() > data.length) {
            throw new IllegalArgumentException("tensor: shape " + shape + " needs " + shape.size()
                    + " elements from offset " + offset + ", but the array has " + data.length);
        }
        return new Tensor(data, offset, shape);
    }

    /** Wraps {@code data} (not copied); {@code data.length} must equal the product of {@code dims}. */
    public static Tensor of(float[] data, int... dims) {
        Shape s = Shape.of(dims);
        if (s.size() != data.length) {
            throw new IllegalArgumentException("tensor: shape " + s + " needs " + s.size() + " elements, got an array of " + data.length);
        }
        return new Tensor(data, 0, s);
    }

    /** A new zero-filled tensor. */
    public static Tensor zeros(int... dims) {
        return zeros(Shape.of(dims));
    }

    /** A new zero-filled tensor. */
    public static Tensor zeros(Shape shape) {
        return new Tensor(new float[shape.sizeAsInt()], 0, shape);
    }

    /** A new tensor filled with {@code value}. */
    public static Tensor full(Shape shape, float value) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** A new tensor of independent uniform samples in [lo, hi) from a seeded generator (tests, benchmarks). */
    public static Tensor uniform(Shape shape, float lo, float hi, long seed) {
        if (!(hi > lo)) throw new IllegalArgumentException("tensor: uniform needs lo < hi, got lo=" + lo + " hi=" + hi);
        Tensor t = zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.data.length; i++) t.data[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return t;
    }

    /** The backing array (shared). Elements start at {@link #offset()}. */
    public float[] data() {
        return data;
    }

    /** Index of the first element in {@link #data()}. */
    public int offset() {
        return offset;
    }

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    /** Size of dimension {@code i} (negative counts from the end). */
    public int dim(int i) {
        return shape.dim(i);
    }

    /** Number of elements. */
    public int size() {
        return (int) shape.size();
    }

    /** Element at a flat row-major index. */
    public float get(int flatIndex) {
        checkFlat(flatIndex);
        return data[offset + flatIndex];
    }

    /** Sets the element at a flat row-major index. */
    public void set(int flatIndex, float value) {
        checkFlat(flatIndex);
        data[offset + flatIndex] = value;
    }

    /** Element at a multi-index. */
    public float at(int... index) {
        return data[offset + flatIndex(index)];
    }

    private void checkFlat(int i) {
        if (i < 0 || i >= size()) {
            throw new IllegalArgumentException("tensor: flat index " + i + " out of range for shape " + shape);
        }
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.rank()) {
            throw new IllegalArgumentException("tensor: index of rank " + index.length + " for a tensor of shape " + shape);
        }
        int flat = 0;
        for (int d = 0; d < index.length; d++) {
            int n = shape.dim(d);
            if (index[d] < 0 || index[d] >= n) {
                throw new IllegalArgumentException("tensor: index " + Arrays.toString(index) + " out of range for shape " + shape);
            }
            flat = flat * n + index[d];
        }
        return flat;
    }

    /** A view with another shape of the same size (free: the data are contiguous). */
    public Tensor reshape(int... dims) {
        Shape s = Shape.of(dims);
        if (s.size() != shape.size()) {
            throw new IllegalArgumentException("reshape: cannot view " + shape + " (" + shape.size() + " elements) as " + s
                    + " (" + s.size() + " elements)");
        }
        return new Tensor(data, offset, s);
    }

    /** A view of rows {@code [from, to)} of the leading dimension (free). */
    public Tensor slice(int from, int to) {
        if (shape.rank() == 0) throw new IllegalArgumentException("slice: a scalar tensor has no leading dimension");
        int n = shape.dim(0);
        if (from < 0 || to > n || from > to) {
            throw new IllegalArgumentException("slice: range [" + from + ", " + to + ") out of [0, " + n + "] for shape " + shape);
        }
        int[] d = shape.dims();
        int inner = n == 0 ? 0 : (int) (shape.size() / n);
        d[0] = to - from;
        return new Tensor(data, offset + from * inner, Shape.of(d));
    }

    /** A new tensor with its own array holding the same values. */
    public Tensor copy() {
        return new Tensor(toArray(), 0, shape);
    }

    /** The elements in a new array of exactly {@link #size()} elements. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size());
    }

    /** Copies {@code src} into this tensor; the shapes must be equal. */
    public void copyFrom(Tensor src) {
        if (!src.shape.equals(shape)) {
            throw new IllegalArgumentException("copyFrom: source shape " + src.shape + " differs from target shape " + shape);
        }
        System.arraycopy(src.data, src.offset, data, offset, size());
    }

    /** Sets every element to {@code value}. */
    public void fill(float value) {
        Arrays.fill(data, offset, offset + size(), value);
    }

    /**
     * A copy with the axes reordered: output axis {@code i} is input axis {@code axes[i]}
     * (as {@code torch.permute}). E.g. NCHW→NHWC is {@code permute(0, 2, 3, 1)}.
     */
    public Tensor permute(int... axes) {
        int r = shape.rank();
        if (axes.length != r) {
            throw new IllegalArgumentException("permute: need " + r + " axes for shape " + shape + ", got " + Arrays.toString(axes));
        }
        boolean[] seen = new boolean[r];
        for (int a : axes) {
            if (a < 0 || a >= r || seen[a]) {
                throw new IllegalArgumentException("permute: axes " + Arrays.toString(axes) + " are not a permutation of 0.." + (r - 1));
            }
            seen[a] = true;
        }
        int[] inDims = shape.dims();
        long[] inStrides = shape.strides();
        int[] outDims = new int[r];
        long[] strideOfOut = new long[r];
        for (int i = 0; i < r; i++) {
            outDims[i] = inDims[axes[i]];
            strideOfOut[i] = inStrides[axes[i]];
        }
        Tensor out = zeros(Shape.of(outDims));
        if (out.size() == 0) return out;
        // Odometer walk over the output in row-major order, tracking the matching input position.
        int[] idx = new int[r];
        long src = 0;
        float[] o = out.data;
        for (int k = 0; k < o.length; k++) {
            o[k] = data[offset + (int) src];
            for (int d = r - 1; d >= 0; d--) {
                if (++idx[d] < outDims[d]) {
                    src += strideOfOut[d];
                    break;
                }
                src -= strideOfOut[d] * (outDims[d] - 1);
                idx[d] = 0;
            }
        }
        return out;
    }

    /** NCHW → NHWC copy (PyTorch's activation layout to ours). */
    public Tensor nchwToNhwc() {
        requireRank(4, "nchwToNhwc");
        return permute(0, 2, 3, 1);
    }

    /** NHWC → NCHW copy (ours to PyTorch's). */
    public Tensor nhwcToNchw() {
        requireRank(4, "nhwcToNchw");
        return permute(0, 3, 1, 2);
    }

    private void requireRank(int r, String op) {
        if (shape.rank() != r) {
            throw new IllegalArgumentException(op + ": expected a rank-" + r + " tensor, got shape " + shape);
        }
    }

    @Override
    public String toString() {
        int n = Math.min(size(), 8);
        StringBuilder sb = new StringBuilder("Tensor").append(shape).append(" [");
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            sb.append(data[offset + i]);
        }
        if (size() > n) sb.append(", …");
        return sb.append(']').toString();
    }
}
