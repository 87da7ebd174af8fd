package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Pool;

/**
 * Max pooling over square windows of channel-last maps, mirroring {@code torch.nn.MaxPool2d(kernel, stride,
 * padding)} with dilation 1 and {@code ceil_mode=False}.
 *
 * <p>Shapes: x {@code [n, h, w, c]} → {@code [n, oh, ow, c]} with {@code oh = ⌊(h + 2·padding − kernel)/stride⌋ + 1},
 * likewise ow. No state. The functional twin is {@link Pool#maxPool2d(Variable, int, int, int)}.
 */
public final class MaxPool2d extends Module {
    private final int kernel;
    private final int stride;
    private final int padding;

    /** Stride equal to the kernel, no padding (PyTorch's defaults). */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /** A {@code kernel × kernel} window moved by stride, over maps zero-padded (never winning) by padding. */
    public MaxPool2d(int kernel, int stride, int padding) {
        Pools.check("MaxPool2d", kernel, stride, padding);
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** x {@code [n, h, w, c]} → {@code [n, oh, ow, c]}. */
    @Override
    public Variable forward(Variable x) {
        return Pool.maxPool2d(x, kernel, stride, padding);
    }
}
