package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Pool;

/**
 * Adaptive average pooling to a fixed output size, mirroring {@code torch.nn.AdaptiveAvgPool2d((oh, ow))}:
 * output row i averages input rows {@code [⌊i·h/oh⌋, ⌈(i+1)·h/oh⌉)}, columns likewise.
 *
 * <p>Shapes: x {@code [n, h, w, c]} → {@code [n, oh, ow, c]}. No state. {@code AdaptiveAvgPool2d(1)} is the
 * global average pooling before a classifier. The functional twin is
 * {@link Pool#adaptiveAvgPool2d(Variable, int, int)}.
 */
public final class AdaptiveAvgPool2d extends Module {
    private final int outH;
    private final int outW;

    /** A square {@code size × size} output. */
    public AdaptiveAvgPool2d(int size) {
        this(size, size);
    }

    /** An {@code outH × outW} output. */
    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be >= 1, got " + outH + "x" + outW);
        }
        this.outH = outH;
        this.outW = outW;
    }

    /** x {@code [n, h, w, c]} → {@code [n, outH, outW, c]}. */
    @Override
    public Variable forward(Variable x) {
        return Pool.adaptiveAvgPool2d(x, outH, outW);
    }
}
