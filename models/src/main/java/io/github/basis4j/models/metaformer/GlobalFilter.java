package io.github.basis4j.models.metaformer;

import io.github.basis4j.fft.Norm;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Spectral;
import io.github.basis4j.nn.init.Init;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Identity;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import java.util.function.Supplier;

/**
 * GFFormer's global filter token mixer, the reference's {@code GlobalFilter(dim, expansion_ratio=2,
 * act1_layer=StarReLU, act2_layer=nn.Identity, bias=False, size)}: one learnt complex filter per frequency and
 * channel, {@code y = pwconv2(act2(irfft2(rfft2(act1(pwconv1(x))) · K)))} with the FFTs over H and W, norm
 * {@code ortho}.
 *
 * <p>Shapes: x {@code [n, size, W, dim]} → the same shape.
 *
 * <p>State, in the reference's order: {@code complex_weights [size, W/2+1, 2·dim, 2]} (N(0, 0.02²)),
 * {@code pwconv1.weight [2·dim, dim]}, {@code act1.*}, {@code pwconv2.weight [dim, 2·dim]}.
 */
public final class GlobalFilter extends Module {
    private final Parameter complexWeights;
    private final Linear pwconv1;
    private final Module act1;
    private final Module act2;
    private final Linear pwconv2;

    /**
     * @param dim    channels of the map
     * @param height rows of the map
     * @param width  columns of the map; the filter has {@code width/2 + 1} columns
     * @param act1   makes the activation after pwconv1
     * @param rng    the source of initial weights
     */
    public GlobalFilter(int dim, int height, int width, Supplier<Module> act1, Rng rng) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("GlobalFilter: the map must be at least 1x1, got " + height + "x" + width);
        }
        int med = DynamicFilter.EXPANSION_RATIO * dim;
        this.complexWeights = registerParameter("complex_weights", Shape.of(height, width / 2 + 1, med, 2));
        Init.normal(complexWeights.value(), 0.0, DynamicFilter.FILTER_INIT_STD, rng);
        this.pwconv1 = registerModule("pwconv1", new Linear(dim, med, false, rng));
        this.act1 = registerModule("act1", act1.get());
        this.act2 = registerModule("act2", new Identity());
        this.pwconv2 = registerModule("pwconv2", new Linear(med, dim, false, rng));
    }

    /** x {@code [n, size, W, dim]} → the same shape. */
    @Override
    public Variable forward(Variable x) {
        int h = x.shape().dim(1), w = x.shape().dim(2);
        Variable y = act1.forward(pwconv1.forward(x));
        Variable spec = Spectral.globalFilter(Spectral.rfft2(y, Norm.ORTHO), complexWeights, w);
        return pwconv2.forward(act2.forward(Spectral.irfft2(spec, h, w, Norm.ORTHO)));
    }

    /** The filter {@code [size, W/2+1, 2·dim, 2]}. */
    public Parameter complexWeights() {
        return complexWeights;
    }
}
