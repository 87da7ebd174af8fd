package io.github.basis4j.nn.init;

import io.github.basis4j.simd.Shape;

/**
 * Fan in and fan out of a weight in PyTorch's layout, as
 * {@code torch.nn.init._calculate_fan_in_and_fan_out} computes them: for a shape
 * {@code [out, in, k1, k2, …]} (a linear's {@code [out, in]}, a convolution's {@code [OC, IC/groups, KH, KW]})
 * the receptive field is {@code k1·k2·…} (1 for rank 2), {@code fanIn = in·receptive} and
 * {@code fanOut = out·receptive}. Grouped convolutions therefore count {@code IC/groups}, as PyTorch does.
 *
 * @param fanIn  inputs feeding one output unit
 * @param fanOut outputs one input unit feeds
 */
public record Fans(long fanIn, long fanOut) {
    /** The fans of a weight of this shape; rank below 2 is rejected, as in PyTorch. */
    public static Fans of(Shape shape) {
        if (shape.rank() < 2) {
            throw new IllegalArgumentException("init: fan in and fan out need a tensor of rank >= 2 ([out, in, …]), got shape "
                    + shape);
        }
        long receptive = 1;
        for (int d = 2; d < shape.rank(); d++) receptive *= shape.dim(d);
        return new Fans((long) shape.dim(1) * receptive, (long) shape.dim(0) * receptive);
    }

    /** {@link #fanIn()} or {@link #fanOut()}. */
    public long get(FanMode mode) {
        return mode == FanMode.FAN_IN ? fanIn : fanOut;
    }
}
