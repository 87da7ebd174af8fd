package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Norm;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;

/**
 * Layer normalisation over the last (channel) axis: {@code y = (x − mean)/√(var + eps)·weight + bias} with
 * each position's mean and biased variance over its c channels.
 *
 * <p>Mirrors MetaFormer's {@code LayerNormGeneral(c, normalized_dim=(-1,), scale, bias, eps)} on
 * channel-last input, its {@code LayerNormWithoutBias(c, eps)} (DFFormer's norm layer:
 * {@code bias=false, eps=1e-6}), and {@code torch.nn.LayerNorm(c, eps)} (scale and bias).
 *
 * <p>Shapes: x {@code [..., c]} (rank ≥ 2; {@code [n, h, w, c]} for maps) → y of x's shape.
 *
 * <p>State: {@code weight [c]} (ones) when scaling, then {@code bias [c]} (zeros) when shifting.
 *
 * <p>The functional twin is {@link Norm#layerNormChannels}.
 */
public final class LayerNormChannels extends Module {
    /** The eps of {@code torch.nn.LayerNorm} and MetaFormer's {@code LayerNormGeneral}. */
    public static final double DEFAULT_EPS = 1e-5;

    private final int channels;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;

    /** Scale and shift with eps 1e-5, as {@code torch.nn.LayerNorm(c)}. */
    public LayerNormChannels(int channels) {
        this(channels, DEFAULT_EPS, true, true);
    }

    /** A learnable scale and, if {@code bias}, a learnable shift. */
    public LayerNormChannels(int channels, double eps, boolean bias) {
        this(channels, eps, true, bias);
    }

    /**
     * A layer norm over c channels.
     *
     * @param scale whether there is a learnable {@code weight}
     * @param bias  whether there is a learnable {@code bias}
     */
    public LayerNormChannels(int channels, double eps, boolean scale, boolean bias) {
        if (channels < 1) throw new IllegalArgumentException("LayerNormChannels: channels must be >= 1, got " + channels);
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("LayerNormChannels: eps must be finite and > 0, got " + eps);
        }
        this.channels = channels;
        this.eps = eps;
        this.weight = scale ? registerParameter("weight", new Parameter(Tensor.full(Shape.of(channels), 1f))) : null;
        this.bias = bias ? registerParameter("bias", Shape.of(channels)) : null;
    }

    /** x {@code [..., c]} → the same shape. */
    @Override
    public Variable forward(Variable x) {
        return Norm.layerNormChannels(x, weight, bias, eps);
    }

    /** Channels c. */
    public int channels() {
        return channels;
    }

    /** The value added to the variance before the square root. */
    public double eps() {
        return eps;
    }

    /** The scale {@code [c]}, or null. */
    public Parameter weight() {
        return weight;
    }

    /** The shift {@code [c]}, or null. */
    public Parameter bias() {
        return bias;
    }
}
