package io.github.basis4j.models.metaformer;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Identity;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import java.util.function.Supplier;

/**
 * The inverted separable convolution of MobileNetV2 as MetaFormer's token mixer (CDFFormer's first two stages),
 * the reference's {@code SepConv(dim, expansion_ratio=2, act1_layer=StarReLU, act2_layer=nn.Identity, bias=False,
 * kernel_size=7, padding=3)}: {@code pwconv1} (dim → 2·dim), act1, a 7×7 depthwise {@code dwconv}, act2,
 * {@code pwconv2} (→ dim). The reference permutes to NCHW around the depthwise convolution; our convolution
 * takes channel-last maps, so nothing is permuted.
 *
 * <p>Shapes: x {@code [n, h, w, dim]} → the same shape, for any h, w.
 *
 * <p>State: {@code pwconv1.weight [2·dim, dim]}, {@code act1.*}, {@code dwconv.weight [2·dim, 1, 7, 7]},
 * {@code pwconv2.weight [dim, 2·dim]}.
 */
public final class SepConv extends Module {
    /** The reference's {@code kernel_size}. */
    public static final int KERNEL_SIZE = 7;
    /** The reference's {@code padding}. */
    public static final int PADDING = 3;

    private final Linear pwconv1;
    private final Module act1;
    private final Conv2d dwconv;
    private final Module act2;
    private final Linear pwconv2;

    /**
     * @param dim  channels of the map
     * @param act1 makes the activation after pwconv1
     * @param rng  the source of initial weights
     */
    public SepConv(int dim, Supplier<Module> act1, Rng rng) {
        int med = DynamicFilter.EXPANSION_RATIO * dim;
        this.pwconv1 = registerModule("pwconv1", new Linear(dim, med, false, rng));
        this.act1 = registerModule("act1", act1.get());
        this.dwconv = registerModule("dwconv", Conv2d.builder().setInChannels(med).setOutChannels(med).setKernelSize(KERNEL_SIZE)
                .optPadding(PADDING).optGroups(med).optBias(false).setRng(rng).build());
        this.act2 = registerModule("act2", new Identity());
        this.pwconv2 = registerModule("pwconv2", new Linear(med, dim, false, rng));
    }

    /** x {@code [n, h, w, dim]} → the same shape. */
    @Override
    public Variable forward(Variable x) {
        return pwconv2.forward(act2.forward(dwconv.forward(Mlp.activate(act1, pwconv1.forward(x)))));
    }
}
