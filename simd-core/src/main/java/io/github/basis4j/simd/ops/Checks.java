package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;

/**
 * Argument checks shared by the facades. Every failure is an {@link IllegalArgumentException} whose
 * message names the operation and the argument and gives what was expected and what came.
 */
final class Checks {
    private Checks() {
    }

    static void notNull(String op, String name, Object t) {
        if (t == null) throw new IllegalArgumentException(op + ": " + name + " must not be null");
    }

    /** An NHWC feature map: rank 4. */
    static void nhwc(String op, String name, Tensor t) {
        notNull(op, name, t);
        if (t.rank() != 4) {
            throw new IllegalArgumentException(op + ": " + name + " must be an NHWC feature map [n, h, w, c], got shape " + t.shape());
        }
    }

    static void shape(String op, String name, String dims, Tensor t, int... expected) {
        notNull(op, name, t);
        Shape want = Shape.of(expected);
        if (!t.shape().equals(want)) {
            throw new IllegalArgumentException(op + ": " + name + " must be " + dims + " = " + want + ", got " + t.shape());
        }
    }

    static void atLeast(String op, String name, int value, int min) {
        if (value < min) throw new IllegalArgumentException(op + ": " + name + " must be >= " + min + ", got " + value);
    }

    /** Output tensors must not share elements with inputs the kernel still reads. */
    static void disjoint(String op, String outName, Tensor out, String inName, Tensor in) {
        if (out.data() != in.data()) return;
        long o0 = out.offset(), o1 = o0 + out.size(), i0 = in.offset(), i1 = i0 + in.size();
        if (o0 < i1 && i0 < o1) {
            throw new IllegalArgumentException(op + ": " + outName + " must not overlap " + inName + " (they share an array at offsets "
                    + o0 + ".." + o1 + " and " + i0 + ".." + i1 + ")");
        }
    }
}
