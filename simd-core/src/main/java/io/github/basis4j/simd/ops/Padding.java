package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.PoolKernels;

/**
 * Zero padding, strided subsampling and channel zero-padding of NHWC feature maps {@code [n, h, w, c]},
 * with their backwards. Validates every argument and delegates to the current backend's
 * {@link PoolKernels}.
 *
 * <p>The option-A shortcut of the CIFAR ResNets (He et al.; the DSFB reference's {@code LambdaLayer},
 * {@code F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes//4, planes//4))} in NCHW) is
 * {@code subsamplePadChannels(x, 2, 2, planes / 4, planes / 4)}.
 *
 * <p>Forwards overwrite their output; backwards add into {@code dx} (zero it first).
 */
public final class Padding {
    private Padding() {
    }

    private static PoolKernels kernels() {
        return Backends.current().pool();
    }

    /** ⌈size / stride⌉: the length of {@code x[::stride]} along an axis of {@code size}. */
    public static int subsampledSize(int size, int stride) {
        return (size + stride - 1) / stride;
    }

    private static void sides(String op, int top, int bottom, int left, int right) {
        Checks.atLeast(op, "top", top, 0);
        Checks.atLeast(op, "bottom", bottom, 0);
        Checks.atLeast(op, "left", left, 0);
        Checks.atLeast(op, "right", right, 0);
    }

    /**
     * Zero padding of h and w: x [n, h, w, c] → a new [n, top + h + bottom, left + w + right, c]
     * (PyTorch {@code F.pad(x, (left, right, top, bottom))} in NCHW).
     */
    public static Tensor pad2d(Tensor x, int top, int bottom, int left, int right) {
        Checks.nhwc("pad2d", "x", x);
        sides("pad2d", top, bottom, left, right);
        Tensor y = Tensor.zeros(x.dim(0), top + x.dim(1) + bottom, left + x.dim(2) + right, x.dim(3));
        pad2d(x, top, bottom, left, right, y);
        return y;
    }

    /** Zero padding into y [n, top + h + bottom, left + w + right, c]. */
    public static void pad2d(Tensor x, int top, int bottom, int left, int right, Tensor y) {
        String op = "pad2d";
        Checks.nhwc(op, "x", x);
        sides(op, top, bottom, left, right);
        Checks.shape(op, "y", "[n, top + h + bottom, left + w + right, c]", y,
                x.dim(0), top + x.dim(1) + bottom, left + x.dim(2) + right, x.dim(3));
        Checks.disjoint(op, "y", y, "x", x);
        kernels().pad2dForward(x.data(), x.offset(), x.dim(0), x.dim(1), x.dim(2), x.dim(3), top, bottom, left, right,
                y.data(), y.offset());
    }

    /** Backward of zero padding, the crop: {@code dx += dy[:, top : top + h, left : left + w, :]}. */
    public static void pad2dBackward(Tensor dy, int top, int bottom, int left, int right, Tensor dx) {
        String op = "pad2dBackward";
        Checks.nhwc(op, "dx", dx);
        sides(op, top, bottom, left, right);
        Checks.shape(op, "dy", "[n, top + h + bottom, left + w + right, c]", dy,
                dx.dim(0), top + dx.dim(1) + bottom, left + dx.dim(2) + right, dx.dim(3));
        Checks.disjoint(op, "dx", dx, "dy", dy);
        kernels().pad2dBackward(dy.data(), dy.offset(), dx.dim(0), dx.dim(1), dx.dim(2), dx.dim(3), top, bottom, left, right,
                dx.data(), dx.offset());
    }

    /** Strided subsampling {@code x[:, ::strideH, ::strideW, :]}: a new [n, ⌈h/strideH⌉, ⌈w/strideW⌉, c]. */
    public static Tensor subsample(Tensor x, int strideH, int strideW) {
        return subsamplePadChannels(x, strideH, strideW, 0, 0);
    }

    /** Backward of {@link #subsample}: {@code dx[:, ::strideH, ::strideW, :] += dy}. */
    public static void subsampleBackward(Tensor dy, int strideH, int strideW, Tensor dx) {
        subsamplePadChannelsBackward(dy, strideH, strideW, 0, 0, dx);
    }

    /** Channel zero-padding: x [n, h, w, c] → a new [n, h, w, before + c + after], the new channels zero. */
    public static Tensor padChannels(Tensor x, int before, int after) {
        return subsamplePadChannels(x, 1, 1, before, after);
    }

    /** Backward of {@link #padChannels}: {@code dx += dy[..., before : before + c]}. */
    public static void padChannelsBackward(Tensor dy, int before, int after, Tensor dx) {
        subsamplePadChannelsBackward(dy, 1, 1, before, after, dx);
    }

    private static void subsampleArgs(String op, int strideH, int strideW, int before, int after) {
        Checks.atLeast(op, "strideH", strideH, 1);
        Checks.atLeast(op, "strideW", strideW, 1);
        Checks.atLeast(op, "before", before, 0);
        Checks.atLeast(op, "after", after, 0);
    }

    /**
     * Subsampling then channel zero-padding: x [n, h, w, c] → a new
     * [n, ⌈h/strideH⌉, ⌈w/strideW⌉, before + c + after] holding {@code x[:, ::strideH, ::strideW, :]} in
     * channels {@code [before, before + c)} and zeros elsewhere.
     */
    public static Tensor subsamplePadChannels(Tensor x, int strideH, int strideW, int before, int after) {
        String op = "subsamplePadChannels";
        Checks.nhwc(op, "x", x);
        subsampleArgs(op, strideH, strideW, before, after);
        Tensor y = Tensor.zeros(x.dim(0), subsampledSize(x.dim(1), strideH), subsampledSize(x.dim(2), strideW),
                before + x.dim(3) + after);
        subsamplePadChannels(x, strideH, strideW, before, after, y);
        return y;
    }

    /** {@link #subsamplePadChannels(Tensor, int, int, int, int)} into y. */
    public static void subsamplePadChannels(Tensor x, int strideH, int strideW, int before, int after, Tensor y) {
        String op = "subsamplePadChannels";
        Checks.nhwc(op, "x", x);
        subsampleArgs(op, strideH, strideW, before, after);
        Checks.shape(op, "y", "[n, ⌈h/strideH⌉, ⌈w/strideW⌉, before + c + after]", y, x.dim(0),
                subsampledSize(x.dim(1), strideH), subsampledSize(x.dim(2), strideW), before + x.dim(3) + after);
        Checks.disjoint(op, "y", y, "x", x);
        kernels().subsamplePadChannelsForward(x.data(), x.offset(), x.dim(0), x.dim(1), x.dim(2), x.dim(3),
                strideH, strideW, before, after, y.data(), y.offset());
    }

    /**
     * Backward of {@link #subsamplePadChannels(Tensor, int, int, int, int)}:
     * {@code dx[:, ::strideH, ::strideW, :] += dy[..., before : before + c]}.
     */
    public static void subsamplePadChannelsBackward(Tensor dy, int strideH, int strideW, int before, int after, Tensor dx) {
        String op = "subsamplePadChannelsBackward";
        Checks.nhwc(op, "dx", dx);
        subsampleArgs(op, strideH, strideW, before, after);
        Checks.shape(op, "dy", "[n, ⌈h/strideH⌉, ⌈w/strideW⌉, before + c + after]", dy, dx.dim(0),
                subsampledSize(dx.dim(1), strideH), subsampledSize(dx.dim(2), strideW), before + dx.dim(3) + after);
        Checks.disjoint(op, "dx", dx, "dy", dy);
        kernels().subsamplePadChannelsBackward(dy.data(), dy.offset(), dx.dim(0), dx.dim(1), dx.dim(2), dx.dim(3),
                strideH, strideW, before, after, dx.data(), dx.offset());
    }
}
