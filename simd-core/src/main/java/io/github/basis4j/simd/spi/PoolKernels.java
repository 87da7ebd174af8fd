package io.github.basis4j.simd.spi;

/**
 * Max, average, adaptive-average and global pooling, zero padding, channel zero-padding and strided
 * subsampling, forward and backward, on channel-last {@code [n, h, w, c]} feature maps.
 *
 * <p>Semantics are PyTorch's ({@code MaxPool2d}, {@code AvgPool2d}, {@code AdaptiveAvgPool2d},
 * {@code F.pad}, {@code x[:, :, ::s, ::s]}) transposed to NHWC. Every method works on arrays, offsets
 * and sizes and only asserts its arguments; {@code io.github.basis4j.simd.ops.Pooling} and
 * {@code io.github.basis4j.simd.ops.Padding} validate.
 *
 * <p>Forward kernels overwrite their outputs. Backward kernels add into their gradient buffers
 * ({@code +=}); the caller zeroes them first. Outputs never alias inputs.
 *
 * <p>Threading: forwards split output rows, backwards split the batch (so overlapping windows of one
 * sample add into {@code dx} in one fixed order); no result depends on the thread count.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarPooling} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaPooling} (Vector API, lanes across channels).
 */
public interface PoolKernels {
    /**
     * Max pooling with implicit {@code −∞} padding (PyTorch {@code MaxPool2d}, dilation 1): x is
     * {@code g.inputSize()} elements [n, h, w, c], y and argmax are {@code g.outputSize()} elements
     * [n, outH, outW, c]. {@code argmax} receives the winner's flat index {@code ih·w + iw} within its
     * input plane, as PyTorch's {@code return_indices}; ties go to the first element in row-major window
     * order and a NaN wins (propagates), as in PyTorch. Every window must hold at least one input element
     * (PyTorch's {@code pad ≤ kernel / 2}).
     */
    void maxPool2dForward(float[] x, int xOff, PoolGeometry g, float[] y, int yOff, int[] argmax, int argmaxOff);

    /**
     * Backward of {@link #maxPool2dForward}: {@code dx[b, argmax / w, argmax % w, c] += dy[b, oy, ox, c]}.
     * dy and argmax are [n, outH, outW, c], dx is [n, h, w, c].
     */
    void maxPool2dBackward(float[] dy, int dyOff, int[] argmax, int argmaxOff, PoolGeometry g, float[] dx, int dxOff);

    /**
     * Average pooling with implicit zero padding (PyTorch {@code AvgPool2d}, no divisor override): each
     * output is its window's sum divided by the window size clipped to the padded input
     * ({@code countIncludePad}, PyTorch's default) or by the number of real input elements in it.
     * x is [n, h, w, c], y is [n, outH, outW, c].
     */
    void avgPool2dForward(float[] x, int xOff, PoolGeometry g, boolean countIncludePad, float[] y, int yOff);

    /** Backward of {@link #avgPool2dForward}: every input of a window gets {@code dy / divisor} added. */
    void avgPool2dBackward(float[] dy, int dyOff, PoolGeometry g, boolean countIncludePad, float[] dx, int dxOff);

    /**
     * Adaptive average pooling (PyTorch {@code AdaptiveAvgPool2d}): output row {@code i} averages input
     * rows {@code [⌊i·h/outH⌋, ⌈(i+1)·h/outH⌉)}, columns likewise. x is [n, h, w, c], y is
     * [n, outH, outW, c].
     */
    void adaptiveAvgPool2dForward(float[] x, int xOff, int n, int h, int w, int c, int outH, int outW,
                                  float[] y, int yOff);

    /** Backward of {@link #adaptiveAvgPool2dForward}: each window's inputs get {@code dy / windowSize} added. */
    void adaptiveAvgPool2dBackward(float[] dy, int dyOff, int n, int h, int w, int c, int outH, int outW,
                                   float[] dx, int dxOff);

    /** Mean over h and w: x [n, h, w, c] → y [n, c] (PyTorch {@code x.mean((2, 3))} in NCHW). */
    void globalMeanForward(float[] x, int xOff, int n, int h, int w, int c, float[] y, int yOff);

    /** Backward of {@link #globalMeanForward}: {@code dx[b, i, j, ch] += dy[b, ch] / (h·w)}. */
    void globalMeanBackward(float[] dy, int dyOff, int n, int h, int w, int c, float[] dx, int dxOff);

    /**
     * Zero padding of the spatial axes (PyTorch {@code F.pad(x, (left, right, top, bottom))} in NCHW):
     * x [n, h, w, c] → y [n, top + h + bottom, left + w + right, c], the border zero.
     */
    void pad2dForward(float[] x, int xOff, int n, int h, int w, int c, int top, int bottom, int left, int right,
                      float[] y, int yOff);

    /**
     * Backward of {@link #pad2dForward}: the crop, {@code dx += dy[:, top : top + h, left : left + w, :]}.
     * dy is [n, top + h + bottom, left + w + right, c], dx is [n, h, w, c].
     */
    void pad2dBackward(float[] dy, int dyOff, int n, int h, int w, int c, int top, int bottom, int left, int right,
                       float[] dx, int dxOff);

    /**
     * Strided subsampling followed by channel zero-padding: x [n, h, w, c] →
     * y [n, ⌈h/strideH⌉, ⌈w/strideW⌉, before + c + after] with
     * {@code y[b, i, j, before + ch] = x[b, i·strideH, j·strideW, ch]} and zero channels
     * {@code [0, before)} and {@code [before + c, before + c + after)}. Strides 1 give plain channel
     * padding, {@code before = after = 0} plain subsampling {@code x[:, ::sh, ::sw, :]}; stride 2 with
     * {@code planes/4} on each side is the option-A shortcut of the CIFAR ResNets.
     */
    void subsamplePadChannelsForward(float[] x, int xOff, int n, int h, int w, int c, int strideH, int strideW,
                                     int before, int after, float[] y, int yOff);

    /**
     * Backward of {@link #subsamplePadChannelsForward}:
     * {@code dx[b, i·strideH, j·strideW, ch] += dy[b, i, j, before + ch]}; the other dx elements are
     * untouched.
     */
    void subsamplePadChannelsBackward(float[] dy, int dyOff, int n, int h, int w, int c, int strideH, int strideW,
                                      int before, int after, float[] dx, int dxOff);
}
