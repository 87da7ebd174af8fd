package io.github.basis4j.simd;

import java.util.Arrays;

/**
 * Finds NaN and ±∞ in float data and says where they are, for the checks that stop a bad value at the
 * boundary where it came in (an input batch, a loss, a gradient, a checkpoint) instead of letting it spread.
 *
 * <p>The scan is one pass: chunks of {@value #CHUNK} elements are first reduced to the largest exponent field
 * (an integer max, which the JIT vectorises), and only a chunk whose maximum is all ones (NaN or ±∞) is searched
 * element by element. Stateless and thread-safe.
 */
public final class NonFinite {
    /** Exponent bits of a float; all ones means NaN or ±∞. */
    private static final int EXPONENT = 0x7f80_0000;
    /** Elements per quick chunk: small enough to stay in L1 for the second, exact pass. */
    private static final int CHUNK = 4096;

    private NonFinite() {
    }

    /**
     * The index, relative to {@code off}, of the first NaN or ±∞ in {@code a[off, off + n)}, or -1 if there is none.
     */
    public static int firstIndex(float[] a, int off, int n) {
        if (a == null || off < 0 || n < 0 || off > a.length - n) {
            throw new IllegalArgumentException("NonFinite.firstIndex: range [" + off + ", " + off + " + " + n + ") outside an array of "
                    + (a == null ? "null" : a.length));
        }
        for (int start = 0; start < n; start += CHUNK) {
            int end = Math.min(n, start + CHUNK);
            int maxExponent = 0;
            for (int i = start; i < end; i++) maxExponent = Math.max(maxExponent, Float.floatToRawIntBits(a[off + i]) & EXPONENT);
            if (maxExponent != EXPONENT) continue;
            for (int i = start; i < end; i++) if (!Float.isFinite(a[off + i])) return i;
        }
        return -1;
    }

    /** The index of the first NaN or ±∞ of {@code t} in row-major order, or -1. */
    public static int firstIndex(Tensor t) {
        return firstIndex(t.data(), t.offset(), t.size());
    }

    /**
     * Where the first NaN or ±∞ of {@code t} is, as {@code "NaN at [1, 0, 2]"} (the index in {@code t}'s shape),
     * or null if every element is finite.
     */
    public static String locate(Tensor t) {
        int i = firstIndex(t);
        if (i < 0) return null;
        return t.data()[t.offset() + i] + " at " + Arrays.toString(index(t.shape(), i));
    }

    /** The multi-index of row-major position {@code flat} in {@code shape}. */
    public static int[] index(Shape shape, int flat) {
        int[] dims = shape.dims();
        int[] idx = new int[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = flat % dims[d];
            flat /= dims[d];
        }
        return idx;
    }

    /**
     * Throws unless every element of the batch {@code t} {@code [N, …]} is finite; the message names
     * {@code what}, the sample (the index along the first dimension), and the index inside the sample in the
     * dimension names of {@code layout} (one letter per dimension, e.g. {@code "NCHW"}).
     *
     * @throws IllegalArgumentException naming the first non-finite element, e.g. {@code "forward: input holds NaN
     *     in sample 2 at [c=1, h=3, w=4] of [N=4, C=3, H=32, W=32]"}
     */
    public static void requireFiniteBatch(String what, Tensor t, String layout) {
        if (layout.length() != t.rank() || t.rank() == 0) {
            throw new IllegalArgumentException("NonFinite.requireFiniteBatch: layout '" + layout + "' does not name the " + t.rank()
                    + " dimensions of " + t.shape());
        }
        int i = firstIndex(t);
        if (i < 0) return;
        int[] idx = index(t.shape(), i);
        StringBuilder at = new StringBuilder("[");
        StringBuilder of = new StringBuilder("[");
        for (int d = 0; d < idx.length; d++) {
            char name = layout.charAt(d);
            if (d > 0) {
                if (d > 1) at.append(", ");
                at.append(Character.toLowerCase(name)).append('=').append(idx[d]);
                of.append(", ");
            }
            of.append(Character.toUpperCase(name)).append('=').append(t.dim(d));
        }
        throw new IllegalArgumentException(what + " holds " + t.data()[t.offset() + i] + " in sample " + idx[0] + " at "
                + at.append(']') + " of " + of.append(']'));
    }
}
