package io.github.basis4j.models.metaformer;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Identity;
import io.github.basis4j.nn.modules.LayerNormChannels;
import io.github.basis4j.nn.modules.Module;

/**
 * MetaFormer's stem and stage transitions, the reference's {@code Downsampling(in, out, kernel_size, stride,
 * padding, pre_norm, post_norm, pre_permute)}: an optional {@code pre_norm}, a convolution with bias, an optional
 * {@code post_norm}; both norms are the bias-free channel LayerNorm with eps 1e-6. The reference permutes
 * between NCHW and NHWC around its convolution; here maps stay channel-last.
 *
 * <p>Shapes: x {@code [n, h, w, in]} → {@code [n, oh, ow, out]} (convolution arithmetic).
 *
 * <p>State: {@code pre_norm.weight [in]} if pre-normed, {@code conv.weight [out, in, k, k]}, {@code conv.bias},
 * {@code post_norm.weight [out]} if post-normed.
 */
public final class Downsampling extends Module {
    /** The eps of MetaFormer's {@code LayerNormGeneral(bias=False, eps=1e-6)}. */
    public static final double NORM_EPS = 1e-6;
    /** The stem's convolution: 7×7, stride 4, padding 2. */
    static final int STEM_KERNEL = 7;
    static final int STEM_STRIDE = 4;
    static final int STEM_PADDING = 2;
    /** A transition's convolution: 3×3, stride 2, padding 1. */
    static final int TRANSITION_KERNEL = 3;
    static final int TRANSITION_STRIDE = 2;
    static final int TRANSITION_PADDING = 1;

    private final Module preNorm;
    private final Conv2d conv;
    private final Module postNorm;

    /**
     * @param preNorm  whether a norm over the input channels comes first (stages 2-4)
     * @param postNorm whether a norm over the output channels comes last (the stem)
     * @param rng      the source of initial weights
     */
    public Downsampling(int in, int out, int kernel, int stride, int padding, boolean preNorm, boolean postNorm, Rng rng) {
        this.preNorm = registerModule("pre_norm", preNorm ? new LayerNormChannels(in, NORM_EPS, true, false) : new Identity());
        this.conv = registerModule("conv", new Conv2d(in, out, kernel, stride, padding, true, rng));
        this.postNorm = registerModule("post_norm", postNorm ? new LayerNormChannels(out, NORM_EPS, true, false) : new Identity());
    }

    /** The stem: 7×7 stride 4 padding 2, then a norm. */
    public static Downsampling stem(int in, int out, Rng rng) {
        return new Downsampling(in, out, STEM_KERNEL, STEM_STRIDE, STEM_PADDING, false, true, rng);
    }

    /** A stage transition: a norm, then 3×3 stride 2 padding 1. */
    public static Downsampling transition(int in, int out, Rng rng) {
        return new Downsampling(in, out, TRANSITION_KERNEL, TRANSITION_STRIDE, TRANSITION_PADDING, true, false, rng);
    }

    /** x {@code [n, h, w, in]} → {@code [n, oh, ow, out]}. */
    @Override
    public Variable forward(Variable x) {
        return postNorm.forward(conv.forward(preNorm.forward(x)));
    }
}
