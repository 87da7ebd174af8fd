package io.github.basis4j.simd;

import java.util.Arrays;

/**
 * An immutable tensor shape: the size of each dimension, outermost first (row-major).
 *
 * <p>Feature maps inside basis4j are channel-last, {@code [N, H, W, C]}; weights keep PyTorch's
 * layout ({@code [OC, IC/groups, KH, KW]}) in checkpoints and are repacked once at load.
 */
public final class Shape {
    private final int[] dims;
    private final long size;

    private Shape(int[] dims) {
        long s = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException(
                        "shape: dimension " + i + " must be >= 0, got " + dims[i] + " in " + Arrays.toString(dims));
            }
            s *= dims[i];
        }
        this.dims = dims;
        this.size = s;
    }

    /** A shape with the given dimensions (copied). Negative sizes are rejected. */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code i}; negative {@code i} counts from the end ({@code -1} is the last). */
    public int dim(int i) {
        int j = i < 0 ? dims.length + i : i;
        if (j < 0 || j >= dims.length) {
            throw new IllegalArgumentException("shape: axis " + i + " is out of range for rank " + dims.length + " shape " + this);
        }
        return dims[j];
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements (product of the dimensions; 1 for a scalar shape). */
    public long size() {
        return size;
    }

    /** Number of elements as an int; throws if the tensor would not fit a Java array. */
    public int sizeAsInt() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape: " + this + " has " + size + " elements, more than a Java array holds");
        }
        return (int) size;
    }

    /** Row-major strides in elements. */
    public long[] strides() {
        long[] st = new long[dims.length];
        long s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= dims[i];
        }
        return st;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** PyTorch-like text, e.g. {@code [128, 32, 32, 16]}. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }

    /** The CLI's compact form, e.g. {@code 16x3x3x3}; a scalar is the empty string. */
    public String toCompactString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) sb.append('x');
            sb.append(dims[i]);
        }
        return sb.toString();
    }
}
