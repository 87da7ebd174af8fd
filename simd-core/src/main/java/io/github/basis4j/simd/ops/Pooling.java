package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.PoolGeometry;
import io.github.basis4j.simd.spi.PoolKernels;

/**
 * Pooling over NHWC feature maps {@code [n, h, w, c]}: max, average, adaptive average and global mean,
 * with their backwards. Validates every argument and delegates to the current backend's
 * {@link PoolKernels}.
 *
 * <p>Semantics are PyTorch's ({@code MaxPool2d}, {@code AvgPool2d}, {@code AdaptiveAvgPool2d},
 * {@code mean((2, 3))}) with dilation 1 and {@code ceil_mode=False}: the output size along an axis is
 * {@link #outputSize}. Padding is symmetric and at most half the window, as PyTorch demands.
 *
 * <p>Forwards overwrite {@code y}; backwards add into {@code dx} (zero it first).
 */
public final class Pooling {
    private Pooling() {
    }

    private static PoolKernels kernels() {
        return Backends.current().pool();
    }

    /** {@code (size + 2·pad − kernel) / stride + 1}: PyTorch's pooled size with {@code ceil_mode=False}. */
    public static int outputSize(int size, int kernel, int stride, int pad) {
        return (size + 2 * pad - kernel) / stride + 1;
    }

    private static PoolGeometry geometry(String op, Tensor x, int kernelH, int kernelW, int strideH, int strideW,
                                         int padH, int padW) {
        Checks.nhwc(op, "x", x);
        Checks.atLeast(op, "kernelH", kernelH, 1);
        Checks.atLeast(op, "kernelW", kernelW, 1);
        Checks.atLeast(op, "strideH", strideH, 1);
        Checks.atLeast(op, "strideW", strideW, 1);
        Checks.atLeast(op, "padH", padH, 0);
        Checks.atLeast(op, "padW", padW, 0);
        if (2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException(op + ": padding must be at most half the window, got pad ("
                    + padH + ", " + padW + ") for a " + kernelH + "×" + kernelW + " window");
        }
        int h = x.dim(1), w = x.dim(2);
        if (h + 2 * padH < kernelH || w + 2 * padW < kernelW) {
            throw new IllegalArgumentException(op + ": the " + kernelH + "×" + kernelW + " window does not fit x " + x.shape()
                    + " padded by (" + padH + ", " + padW + ")");
        }
        return new PoolGeometry(x.dim(0), h, w, x.dim(3), kernelH, kernelW, strideH, strideW, padH, padW,
                outputSize(h, kernelH, strideH, padH), outputSize(w, kernelW, strideW, padW));
    }

    private static void output(String op, String name, PoolGeometry g, Tensor y) {
        Checks.shape(op, name, "[n, outH, outW, c]", y, g.n(), g.outH(), g.outW(), g.c());
    }

    private static PoolGeometry geometryFromGradients(String op, Tensor dy, Tensor dx, int kernelH, int kernelW,
                                                      int strideH, int strideW, int padH, int padW) {
        Checks.nhwc(op, "dy", dy);
        PoolGeometry g = geometry(op, dx, kernelH, kernelW, strideH, strideW, padH, padW);
        output(op, "dy", g, dy);
        Checks.disjoint(op, "dx", dx, "dy", dy);
        return g;
    }

    /**
     * Max pooling: x [n, h, w, c] → a new y [n, outH, outW, c]; {@code argmax} (at least
     * {@code y.size()} ints) receives each output's winning input index {@code ih·w + iw} within its plane.
     */
    public static Tensor maxPool2d(Tensor x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                                   int[] argmax) {
        PoolGeometry g = geometry("maxPool2d", x, kernelH, kernelW, strideH, strideW, padH, padW);
        Tensor y = Tensor.zeros(g.n(), g.outH(), g.outW(), g.c());
        maxPool2d(x, kernelH, kernelW, strideH, strideW, padH, padW, y, argmax);
        return y;
    }

    /** Max pooling into y [n, outH, outW, c]; see {@link #maxPool2d(Tensor, int, int, int, int, int, int, int[])}. */
    public static void maxPool2d(Tensor x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                                 Tensor y, int[] argmax) {
        String op = "maxPool2d";
        PoolGeometry g = geometry(op, x, kernelH, kernelW, strideH, strideW, padH, padW);
        output(op, "y", g, y);
        Checks.disjoint(op, "y", y, "x", x);
        argmaxArray(op, argmax, g.outputSize());
        kernels().maxPool2dForward(x.data(), x.offset(), g, y.data(), y.offset(), argmax, 0);
    }

    private static void argmaxArray(String op, int[] argmax, int size) {
        Checks.notNull(op, "argmax", argmax);
        if (argmax.length < size) {
            throw new IllegalArgumentException(op + ": argmax must hold n·outH·outW·c = " + size + " indices, got an array of " + argmax.length);
        }
    }

    /**
     * Backward of max pooling: {@code dx[b, argmax / w, argmax % w, ch] += dy[b, oy, ox, ch]}. dy is
     * [n, outH, outW, c], dx [n, h, w, c]; argmax is the forward's, each index in {@code [0, h·w)}.
     */
    public static void maxPool2dBackward(Tensor dy, int[] argmax, Tensor dx) {
        String op = "maxPool2dBackward";
        Checks.nhwc(op, "dy", dy);
        Checks.nhwc(op, "dx", dx);
        if (dy.dim(0) != dx.dim(0) || dy.dim(3) != dx.dim(3)) {
            throw new IllegalArgumentException(op + ": dy must be [n, outH, outW, c] with n, c of dx " + dx.shape() + ", got " + dy.shape());
        }
        Checks.disjoint(op, "dx", dx, "dy", dy);
        argmaxArray(op, argmax, dy.size());
        int plane = dx.dim(1) * dx.dim(2);
        for (int i = 0; i < dy.size(); i++) {
            if (argmax[i] < 0 || argmax[i] >= plane) {
                throw new IllegalArgumentException(op + ": argmax[" + i + "] must be in [0, h·w) = [0, " + plane + "), got " + argmax[i]);
            }
        }
        PoolGeometry g = new PoolGeometry(dx.dim(0), dx.dim(1), dx.dim(2), dx.dim(3), 1, 1, 1, 1, 0, 0, dy.dim(1), dy.dim(2));
        kernels().maxPool2dBackward(dy.data(), dy.offset(), argmax, 0, g, dx.data(), dx.offset());
    }

    /**
     * Average pooling: x [n, h, w, c] → a new y [n, outH, outW, c]. {@code countIncludePad} divides by
     * the window size including padding (PyTorch's default) instead of by the real elements in it.
     */
    public static Tensor avgPool2d(Tensor x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                                   boolean countIncludePad) {
        PoolGeometry g = geometry("avgPool2d", x, kernelH, kernelW, strideH, strideW, padH, padW);
        Tensor y = Tensor.zeros(g.n(), g.outH(), g.outW(), g.c());
        avgPool2d(x, kernelH, kernelW, strideH, strideW, padH, padW, countIncludePad, y);
        return y;
    }

    /** Average pooling into y [n, outH, outW, c]. */
    public static void avgPool2d(Tensor x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                                 boolean countIncludePad, Tensor y) {
        String op = "avgPool2d";
        PoolGeometry g = geometry(op, x, kernelH, kernelW, strideH, strideW, padH, padW);
        output(op, "y", g, y);
        Checks.disjoint(op, "y", y, "x", x);
        kernels().avgPool2dForward(x.data(), x.offset(), g, countIncludePad, y.data(), y.offset());
    }

    /** Backward of average pooling: dy [n, outH, outW, c] spread over dx [n, h, w, c] ({@code +=}). */
    public static void avgPool2dBackward(Tensor dy, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                                         boolean countIncludePad, Tensor dx) {
        PoolGeometry g = geometryFromGradients("avgPool2dBackward", dy, dx, kernelH, kernelW, strideH, strideW, padH, padW);
        kernels().avgPool2dBackward(dy.data(), dy.offset(), g, countIncludePad, dx.data(), dx.offset());
    }

    /**
     * Adaptive average pooling to a new y [n, outH, outW, c]: output row i averages input rows
     * {@code [⌊i·h/outH⌋, ⌈(i+1)·h/outH⌉)}, columns likewise (PyTorch {@code AdaptiveAvgPool2d}).
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        Checks.nhwc("adaptiveAvgPool2d", "x", x);
        Checks.atLeast("adaptiveAvgPool2d", "outH", outH, 1);
        Checks.atLeast("adaptiveAvgPool2d", "outW", outW, 1);
        Tensor y = Tensor.zeros(x.dim(0), outH, outW, x.dim(3));
        adaptiveAvgPool2d(x, y);
        return y;
    }

    /** Adaptive average pooling into y [n, outH, outW, c]; the output size is y's. */
    public static void adaptiveAvgPool2d(Tensor x, Tensor y) {
        String op = "adaptiveAvgPool2d";
        Checks.nhwc(op, "x", x);
        Checks.nhwc(op, "y", y);
        adaptiveShapes(op, "y", y, x);
        Checks.disjoint(op, "y", y, "x", x);
        kernels().adaptiveAvgPool2dForward(x.data(), x.offset(), x.dim(0), x.dim(1), x.dim(2), x.dim(3),
                y.dim(1), y.dim(2), y.data(), y.offset());
    }

    private static void adaptiveShapes(String op, String outName, Tensor out, Tensor in) {
        if (out.dim(0) != in.dim(0) || out.dim(3) != in.dim(3) || out.dim(1) < 1 || out.dim(2) < 1 || in.dim(1) < 1 || in.dim(2) < 1) {
            throw new IllegalArgumentException(op + ": " + outName + " must be [n, outH, outW, c] = [" + in.dim(0) + ", outH >= 1, outW >= 1, "
                    + in.dim(3) + "] over a non-empty input " + in.shape() + ", got " + out.shape());
        }
    }

    /** Backward of adaptive average pooling: dy [n, outH, outW, c] spread over dx [n, h, w, c] ({@code +=}). */
    public static void adaptiveAvgPool2dBackward(Tensor dy, Tensor dx) {
        String op = "adaptiveAvgPool2dBackward";
        Checks.nhwc(op, "dy", dy);
        Checks.nhwc(op, "dx", dx);
        adaptiveShapes(op, "dy", dy, dx);
        Checks.disjoint(op, "dx", dx, "dy", dy);
        kernels().adaptiveAvgPool2dBackward(dy.data(), dy.offset(), dx.dim(0), dx.dim(1), dx.dim(2), dx.dim(3),
                dy.dim(1), dy.dim(2), dx.data(), dx.offset());
    }

    /** Mean over h and w: x [n, h, w, c] → a new [n, c]. */
    public static Tensor globalMean(Tensor x) {
        Checks.nhwc("globalMean", "x", x);
        Tensor y = Tensor.zeros(x.dim(0), x.dim(3));
        globalMean(x, y);
        return y;
    }

    /** Mean over h and w into y [n, c]. */
    public static void globalMean(Tensor x, Tensor y) {
        String op = "globalMean";
        Checks.nhwc(op, "x", x);
        if (x.dim(1) < 1 || x.dim(2) < 1) throw new IllegalArgumentException(op + ": x must have h, w >= 1, got " + x.shape());
        Checks.shape(op, "y", "[n, c]", y, x.dim(0), x.dim(3));
        Checks.disjoint(op, "y", y, "x", x);
        kernels().globalMeanForward(x.data(), x.offset(), x.dim(0), x.dim(1), x.dim(2), x.dim(3), y.data(), y.offset());
    }

    /** Backward of the global mean: {@code dx[b, i, j, ch] += dy[b, ch] / (h·w)}; dy [n, c], dx [n, h, w, c]. */
    public static void globalMeanBackward(Tensor dy, Tensor dx) {
        String op = "globalMeanBackward";
        Checks.nhwc(op, "dx", dx);
        if (dx.dim(1) < 1 || dx.dim(2) < 1) throw new IllegalArgumentException(op + ": dx must have h, w >= 1, got " + dx.shape());
        Checks.shape(op, "dy", "[n, c]", dy, dx.dim(0), dx.dim(3));
        Checks.disjoint(op, "dx", dx, "dy", dy);
        kernels().globalMeanBackward(dy.data(), dy.offset(), dx.dim(0), dx.dim(1), dx.dim(2), dx.dim(3), dx.data(), dx.offset());
    }
}
