package io.github.basis4j.simd.ops;

/**
 * Stride, zero padding, dilation and groups of a 2-D convolution, per axis as in
 * {@code torch.nn.functional.conv2d}; the constructor rejects impossible values.
 *
 * @param strideH   vertical stride, ≥ 1
 * @param strideW   horizontal stride, ≥ 1
 * @param padH      zero rows added above and below, ≥ 0
 * @param padW      zero columns added left and right, ≥ 0
 * @param dilationH vertical spacing of the kernel taps, ≥ 1
 * @param dilationW horizontal spacing of the kernel taps, ≥ 1
 * @param groups    channel groups, ≥ 1 (input and output channels must be multiples of it)
 */
public record Conv2dParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
    /** Stride 1, no padding, no dilation, one group. */
    public static final Conv2dParams DEFAULT = new Conv2dParams(1, 1, 0, 0, 1, 1, 1);

    /** Validates every field; the message names the field, the bound and the value. */
    public Conv2dParams {
        atLeast("strideH", strideH, 1);
        atLeast("strideW", strideW, 1);
        atLeast("padH", padH, 0);
        atLeast("padW", padW, 0);
        atLeast("dilationH", dilationH, 1);
        atLeast("dilationW", dilationW, 1);
        atLeast("groups", groups, 1);
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) throw new IllegalArgumentException("conv2d: " + name + " must be >= " + min + ", got " + value);
    }

    /** The same stride and padding on both axes, no dilation, one group. */
    public static Conv2dParams of(int stride, int padding) {
        return new Conv2dParams(stride, stride, padding, padding, 1, 1, 1);
    }

    /** The same stride, padding and dilation on both axes, with {@code groups} groups. */
    public static Conv2dParams of(int stride, int padding, int dilation, int groups) {
        return new Conv2dParams(stride, stride, padding, padding, dilation, dilation, groups);
    }

    /** A copy with another number of groups. */
    public Conv2dParams withGroups(int g) {
        return new Conv2dParams(strideH, strideW, padH, padW, dilationH, dilationW, g);
    }

    /** A copy with the same dilation {@code d} on both axes. */
    public Conv2dParams withDilation(int d) {
        return new Conv2dParams(strideH, strideW, padH, padW, d, d, groups);
    }
}
