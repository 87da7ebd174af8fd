package io.github.basis4j.models.metaformer;

import io.github.basis4j.fft.Norm;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Pool;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.functional.Spectral;
import io.github.basis4j.nn.init.Init;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Identity;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.StarReLU;
import io.github.basis4j.simd.Shape;
import java.util.function.Supplier;

/**
 * DFFormer's dynamic filter token mixer (Tatsunami &amp; Taki, arXiv 2303.03932), the reference's
 * {@code DynamicFilter(dim, expansion_ratio=2, reweight_expansion_ratio=.25, act1_layer=StarReLU,
 * act2_layer=nn.Identity, bias=False, num_filters=4, size)}:
 * <pre>
 *   routeing = softmax_F(reweight(mean_HW(x)).view(N, F, M))          M = 2·dim
 *   y = pwconv2(act2(irfft2(rfft2(act1(pwconv1(x))) · Σ_f routeing[:, f, :] · K_f)))
 * </pre>
 * with the FFTs over H and W, norm {@code ortho}, and K the learnt bank of F complex filters, one value per
 * frequency shared by all channels.
 *
 * <p>Shapes: x {@code [n, size, W, dim]} → the same shape, where the bank fixes the spectrum to
 * {@code [size, W/2 + 1]}; a model for another resolution is built with its own sizes (see
 * {@link MetaFormers#loadResized}).
 *
 * <p>State, in the reference's order: {@code complex_weights [size, W/2+1, F, 2]} (N(0, 0.02²), PyTorch's
 * {@code view_as_real} layout), {@code pwconv1.weight [M, dim]}, {@code act1.*}, {@code reweight.*} (an
 * {@link Mlp} dim → ⌊ratio·dim⌋ → F·M with StarReLU), {@code pwconv2.weight [dim, M]}.
 */
public final class DynamicFilter extends Module {
    /** The reference's {@code expansion_ratio}. */
    public static final int EXPANSION_RATIO = 2;
    /** The reference's default {@code num_filters}. */
    public static final int DEFAULT_NUM_FILTERS = 4;
    /** The reference's default {@code reweight_expansion_ratio}. */
    public static final double DEFAULT_REWEIGHT_RATIO = 0.25;
    /** The standard deviation of the reference's {@code torch.randn(...) * 0.02} filter initialisation. */
    public static final double FILTER_INIT_STD = 0.02;

    private final int numFilters;
    private final int medChannels;
    private final Parameter complexWeights;
    private final Linear pwconv1;
    private final Module act1;
    private final Mlp reweight;
    private final Module act2;
    private final Linear pwconv2;

    /**
     * @param dim           channels of the map
     * @param height        rows of the map (the reference's {@code size[0]})
     * @param width         columns of the map; the bank has {@code width/2 + 1} columns
     * @param numFilters    F, filters in the bank
     * @param reweightRatio hidden width of the reweight MLP relative to dim
     * @param act1          makes the activation after pwconv1 (StarReLU in the reference)
     * @param rng           the source of initial weights
     */
    public DynamicFilter(int dim, int height, int width, int numFilters, double reweightRatio, Supplier<Module> act1, Rng rng) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("DynamicFilter: the map must be at least 1x1, got " + height + "x" + width);
        }
        if (numFilters < 1) throw new IllegalArgumentException("DynamicFilter: numFilters must be >= 1, got " + numFilters);
        this.numFilters = numFilters;
        this.medChannels = EXPANSION_RATIO * dim;
        this.complexWeights = registerParameter("complex_weights", Shape.of(height, width / 2 + 1, numFilters, 2));
        Init.normal(complexWeights.value(), 0.0, FILTER_INIT_STD, rng);
        this.pwconv1 = registerModule("pwconv1", new Linear(dim, medChannels, false, rng));
        this.act1 = registerModule("act1", act1.get());
        this.reweight = registerModule("reweight", new Mlp(dim, reweightRatio, numFilters * medChannels, StarReLU::new, 0.0, rng));
        this.act2 = registerModule("act2", new Identity());
        this.pwconv2 = registerModule("pwconv2", new Linear(medChannels, dim, false, rng));
    }

    /** x {@code [n, size, W, dim]} → the same shape. */
    @Override
    public Variable forward(Variable x) {
        int n = x.shape().dim(0);
        Variable pooled = Pool.globalMean(x);
        Variable routeing = Activation.softmax(Shapes.reshape(reweight.forward(pooled), n, numFilters, medChannels), 1);
        Variable y = Mlp.activate(act1, pwconv1.forward(x));
        // In inference y is the activation's fresh output, which nothing else holds: the mixer overwrites it.
        y = NoGrad.isGradEnabled() ? Spectral.dynamicFilterMixer(y, routeing, complexWeights, Norm.ORTHO)
                : Spectral.dynamicFilterMixerInPlace(y, routeing, complexWeights, Norm.ORTHO);
        return pwconv2.forward(act2.forward(y));
    }

    /** The filter bank {@code [size, W/2+1, F, 2]}. */
    public Parameter complexWeights() {
        return complexWeights;
    }
}
