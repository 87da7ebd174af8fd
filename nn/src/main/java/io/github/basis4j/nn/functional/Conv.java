package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Conv2dParams;
import io.github.basis4j.simd.ops.Convolutions;
import io.github.basis4j.simd.ops.PackedConv2dWeight;

/**
 * Convolution ops recorded for autograd, over channel-last (NHWC) feature maps. The arithmetic is
 * simd-core's {@link Convolutions} facade, which validates shapes and routes depthwise convolutions
 * ({@code groups == c == oc}) to their own kernels; this class only wires forward and backward into the graph.
 */
public final class Conv {
    private Conv() {
    }

    /**
     * {@code torch.nn.functional.conv2d(x, weight, bias, stride, padding, dilation, groups)} on NHWC maps.
     *
     * <p>x is {@code [n, h, w, c]}; weight keeps PyTorch's layout {@code [oc, c/groups, kh, kw]} (so modules
     * keep their {@code state_dict} shapes); bias is {@code [oc]} or null; the result is {@code [n, oh, ow, oc]}
     * with {@code oh = ⌊(h + 2·padH − dilationH·(kh − 1) − 1)/strideH⌋ + 1}, likewise ow. Backward adds
     * dX (conv2dBackwardInput) and dWeight, dBias (conv2dBackwardWeight) into the inputs' gradients; it
     * keeps references to x's and weight's values, which must not change before backward.
     *
     * @throws IllegalArgumentException from the facade, naming the argument, when shapes or params do not fit
     */
    public static Variable conv2d(Variable x, Variable weight, Variable bias, Conv2dParams params) {
        if (x == null || weight == null) throw new IllegalArgumentException("conv2d: x and weight must not be null");
        Tensor xv = x.value(), w = weight.value();
        try (var _ = OpProfiler.time(category(xv, w, params))) {
            Tensor b = bias == null ? null : bias.value();
            Tensor y = Convolutions.conv2d(xv, w, b, params);
            return Graph.record(y, new Node(x, weight, bias) {
                @Override public String name() { return "conv2d"; }

                @Override
                protected void backward(Tensor g) {
                    if (needsGrad(0)) Convolutions.conv2dBackwardInput(g, w, params, gradOf(0));
                    boolean wantWeight = needsGrad(1), wantBias = bias != null && needsGrad(2);
                    if (wantWeight || wantBias) {
                        // The weight kernel always produces dWeight; a frozen weight gets a scratch buffer.
                        Tensor dw = wantWeight ? gradOf(1) : Tensor.zeros(w.shape());
                        Convolutions.conv2dBackwardWeight(xv, g, params, dw, wantBias ? gradOf(2) : null);
                    }
                }
            });
        }
    }

    /**
     * The same convolution with weights packed beforehand ({@link PackedConv2dWeight}), for inference: it records
     * no graph. x {@code [n, h, w, c]}, bias {@code [oc]} or null → {@code [n, oh, ow, oc]}, bit-identical to
     * {@link #conv2d(Variable, Variable, Variable, Conv2dParams)} on the weight it was packed from.
     *
     * @throws IllegalStateException    when the graph is being recorded and x or bias needs a gradient: a packed
     *                                  copy has no gradient to give, and dropping x's would be silent
     * @throws IllegalArgumentException from the facade when shapes or params do not fit
     */
    public static Variable conv2d(Variable x, PackedConv2dWeight weight, Variable bias, Conv2dParams params) {
        if (x == null || weight == null) throw new IllegalArgumentException("conv2d: x and weight must not be null");
        if (NoGrad.isGradEnabled() && (x.requiresGrad() || bias != null && bias.requiresGrad())) {
            throw new IllegalStateException("conv2d: packed weights are for inference; x or bias requires a gradient"
                    + " while the graph is recorded (use a NoGrad scope or the unpacked weight)");
        }
        Tensor xv = x.value();
        boolean depthwise = params != null && xv.rank() == 4 && params.groups() == xv.dim(3) && params.groups() == weight.oc();
        try (var _ = OpProfiler.time(depthwise ? OpCategory.DEPTHWISE_CONV : OpCategory.CONV)) {
            return Variable.constant(Convolutions.conv2d(xv, weight, bias == null ? null : bias.value(), params));
        }
    }

    /**
     * Depthwise (the facade's rule: {@code groups == c == oc}, with x {@code [n, h, w, c]} and weight
     * {@code [oc, c/groups, kh, kw]}) or any other convolution, for the profiler; shapes the facade will
     * reject count as other convolutions.
     */
    private static OpCategory category(Tensor x, Tensor w, Conv2dParams params) {
        boolean depthwise = params != null && x.rank() == 4 && w.rank() == 4
                && params.groups() == x.dim(3) && params.groups() == w.dim(0);
        return depthwise ? OpCategory.DEPTHWISE_CONV : OpCategory.CONV;
    }
}
