package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Pool;

/**
 * Average pooling over square windows of channel-last maps, mirroring {@code torch.nn.AvgPool2d(kernel,
 * stride, padding, ceil_mode=False, count_include_pad)}.
 *
 * <p>Shapes: x {@code [n, h, w, c]} → {@code [n, oh, ow, c]} with {@code oh = ⌊(h + 2·padding − kernel)/stride⌋ + 1},
 * likewise ow. With {@code countIncludePad} (PyTorch's default) every window divides by kernel², padding
 * included; otherwise by the number of real elements. No state. The functional twin is
 * {@link Pool#avgPool2d(Variable, int, int, int, boolean)}.
 */
public final class AvgPool2d extends Module {
    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean countIncludePad;

    /** Stride equal to the kernel, no padding (PyTorch's defaults). */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0, true);
    }

    /** A {@code kernel × kernel} window moved by stride over maps zero-padded by padding. */
    public AvgPool2d(int kernel, int stride, int padding, boolean countIncludePad) {
        Pools.check("AvgPool2d", kernel, stride, padding);
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.countIncludePad = countIncludePad;
    }

    /** x {@code [n, h, w, c]} → {@code [n, oh, ow, c]}. */
    @Override
    public Variable forward(Variable x) {
        return Pool.avgPool2d(x, kernel, stride, padding, countIncludePad);
    }
}
