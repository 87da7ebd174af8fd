package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Pooling;

/**
 * Pooling ops recorded for autograd, over channel-last feature maps {@code x [n, h, w, c]}. simd-core's
 * {@link Pooling} facade validates the arguments and does the arithmetic; semantics are PyTorch's with
 * dilation 1 and {@code ceil_mode=False}, so an output axis has {@code ⌊(size + 2·pad − kernel)/stride⌋ + 1}
 * elements and padding may be at most half the window.
 */
public final class Pool {
    private Pool() {
    }

    /**
     * {@code torch.nn.functional.max_pool2d(x, kernel, stride, padding)} with a square window:
     * x {@code [n, h, w, c]} → {@code [n, outH, outW, c]}.
     */
    public static Variable maxPool2d(Variable x, int kernel, int stride, int padding) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            return maxPool2d(x, kernel, kernel, stride, stride, padding, padding);
        }
    }

    /**
     * {@code max_pool2d} with a {@code kernelH × kernelW} window, per-axis stride and padding (padded
     * positions never win). Backward sends each output's gradient to the input that won its window (the
     * first in row-major order on a tie, as PyTorch on CPU).
     */
    public static Variable maxPool2d(Variable x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            Tensor xv = nonNull("maxPool2d", x);
            int[] argmax = argmaxFor(xv, kernelH, kernelW, strideH, strideW, padH, padW);
            Tensor y = Pooling.maxPool2d(xv, kernelH, kernelW, strideH, strideW, padH, padW, argmax);
            return Graph.record(y, new Node(x) {
                @Override public String name() { return "maxPool2d"; }

                @Override
                protected void backward(Tensor g) {
                    Pooling.maxPool2dBackward(g, argmax, gradOf(0));
                }
            });
        }
    }

    /**
     * {@code torch.nn.functional.avg_pool2d(x, kernel, stride, padding, count_include_pad=countIncludePad)}
     * with a square window: x {@code [n, h, w, c]} → {@code [n, outH, outW, c]}. {@code countIncludePad}
     * (PyTorch's default) divides by the whole window, padding included; otherwise by the real elements.
     */
    public static Variable avgPool2d(Variable x, int kernel, int stride, int padding, boolean countIncludePad) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            return avgPool2d(x, kernel, kernel, stride, stride, padding, padding, countIncludePad);
        }
    }

    /** {@code avg_pool2d} with a {@code kernelH × kernelW} window and per-axis stride and padding. */
    public static Variable avgPool2d(Variable x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                                     boolean countIncludePad) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            Tensor xv = nonNull("avgPool2d", x);
            Tensor y = Pooling.avgPool2d(xv, kernelH, kernelW, strideH, strideW, padH, padW, countIncludePad);
            return Graph.record(y, new Node(x) {
                @Override public String name() { return "avgPool2d"; }

                @Override
                protected void backward(Tensor g) {
                    Pooling.avgPool2dBackward(g, kernelH, kernelW, strideH, strideW, padH, padW, countIncludePad, gradOf(0));
                }
            });
        }
    }

    /**
     * {@code torch.nn.functional.adaptive_avg_pool2d(x, (outH, outW))}: x {@code [n, h, w, c]} →
     * {@code [n, outH, outW, c]}, output row i averaging input rows {@code [⌊i·h/outH⌋, ⌈(i+1)·h/outH⌉)},
     * columns likewise (windows overlap when the sizes do not divide).
     */
    public static Variable adaptiveAvgPool2d(Variable x, int outH, int outW) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            Tensor xv = nonNull("adaptiveAvgPool2d", x);
            Tensor y = Pooling.adaptiveAvgPool2d(xv, outH, outW);
            return Graph.record(y, new Node(x) {
                @Override public String name() { return "adaptiveAvgPool2d"; }

                @Override
                protected void backward(Tensor g) {
                    Pooling.adaptiveAvgPool2dBackward(g, gradOf(0));
                }
            });
        }
    }

    /**
     * Mean over the spatial axes: x {@code [n, h, w, c]} → {@code [n, c]}, MetaFormer's {@code x.mean([1, 2])}
     * before its head on channel-last maps ({@code adaptive_avg_pool2d(x, 1)} then flatten in NCHW networks).
     */
    public static Variable globalMean(Variable x) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            Tensor xv = nonNull("globalMean", x);
            Tensor y = Pooling.globalMean(xv);
            return Graph.record(y, new Node(x) {
                @Override public String name() { return "globalMean"; }

                @Override
                protected void backward(Tensor g) {
                    Pooling.globalMeanBackward(g, gradOf(0));
                }
            });
        }
    }

    /**
     * One argmax slot per output element. The facade validates the geometry before it looks at argmax, so
     * for arguments it will reject this returns an empty array and leaves the message to the facade.
     */
    private static int[] argmaxFor(Tensor x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        if (x.rank() != 4 || strideH < 1 || strideW < 1) return new int[0];
        int outH = Pooling.outputSize(x.dim(1), kernelH, strideH, padH);
        int outW = Pooling.outputSize(x.dim(2), kernelW, strideW, padW);
        return outH < 1 || outW < 1 ? new int[0] : new int[x.dim(0) * outH * outW * x.dim(3)];
    }

    static Tensor nonNull(String op, Variable x) {
        if (x == null) throw new IllegalArgumentException(op + ": x must not be null");
        return x.value();
    }
}
