package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Padding;

/**
 * Zero padding and strided subsampling ops recorded for autograd, over channel-last feature maps
 * {@code x [n, h, w, c]}; simd-core's {@link Padding} facade validates and moves the data. Each backward is
 * the adjoint: a crop, a strided scatter, or a channel slice, added into x's gradient.
 */
public final class Pad {
    private Pad() {
    }

    /**
     * Spatial zero padding, {@code torch.nn.functional.pad(x, (left, right, top, bottom))} on NCHW:
     * x {@code [n, h, w, c]} → {@code [n, top + h + bottom, left + w + right, c]}.
     */
    public static Variable pad2d(Variable x, int top, int bottom, int left, int right) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            Tensor xv = Pool.nonNull("pad2d", x);
            Tensor y = Padding.pad2d(xv, top, bottom, left, right);
            return Graph.record(y, new Node(x) {
                @Override public String name() { return "pad2d"; }

                @Override
                protected void backward(Tensor g) {
                    Padding.pad2dBackward(g, top, bottom, left, right, gradOf(0));
                }
            });
        }
    }

    /**
     * Strided subsampling {@code x[:, :, ::strideH, ::strideW]} (NCHW indexing): x {@code [n, h, w, c]} →
     * {@code [n, ⌈h/strideH⌉, ⌈w/strideW⌉, c]}.
     */
    public static Variable subsample(Variable x, int strideH, int strideW) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            return subsamplePadChannels("subsample", x, strideH, strideW, 0, 0);
        }
    }

    /**
     * Channel zero padding, {@code F.pad(x, (0, 0, 0, 0, before, after))} on NCHW: x {@code [n, h, w, c]} →
     * {@code [n, h, w, before + c + after]}, the new channels zero.
     */
    public static Variable padChannels(Variable x, int before, int after) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            return subsamplePadChannels("padChannels", x, 1, 1, before, after);
        }
    }

    /**
     * The option-A shortcut of the CIFAR ResNets (He et al. 2016; the DSFB reference's {@code LambdaLayer},
     * {@code F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes // 4, planes // 4))}): subsample by 2 and add
     * {@code planes / 4} zero channels on each side. x {@code [n, h, w, c]} →
     * {@code [n, ⌈h/2⌉, ⌈w/2⌉, c + 2·(planes / 4)]}; with {@code c = planes / 2} that is {@code planes} channels.
     */
    public static Variable optionAShortcut(Variable x, int planes) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            if (planes < 0) throw new IllegalArgumentException("optionAShortcut: planes must be >= 0, got " + planes);
            return subsamplePadChannels("optionAShortcut", x, 2, 2, planes / 4, planes / 4);
        }
    }

    private static Variable subsamplePadChannels(String op, Variable x, int strideH, int strideW, int before, int after) {
        Tensor xv = Pool.nonNull(op, x);
        Tensor y = Padding.subsamplePadChannels(xv, strideH, strideW, before, after);
        return Graph.record(y, new Node(x) {
            @Override public String name() { return op; }

            @Override
            protected void backward(Tensor g) {
                Padding.subsamplePadChannelsBackward(g, strideH, strideW, before, after, gradOf(0));
            }
        });
    }
}
