package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;

/**
 * StarReLU {@code y = s·relu(x)² + b} (Yu et al., "MetaFormer Baselines for Vision", 2022), mirroring
 * MetaFormer's {@code StarReLU(scale_value, bias_value, scale_learnable, bias_learnable)}.
 *
 * <p>Shapes: any → the same shape. State: {@code scale [1]} (scaleValue), then {@code bias [1]} (biasValue).
 * A parameter that is not learnable stays in the state dict and the parameter list, as PyTorch keeps a
 * {@code requires_grad=False} parameter, but no gradient reaches it, so optimisers skip it.
 *
 * <p>The functional twin is {@link Activation#starRelu(Variable, Variable, Variable)}.
 */
public final class StarReLU extends Module {
    private final Parameter scale;
    private final Parameter bias;
    private final boolean scaleLearnable;
    private final boolean biasLearnable;

    /** MetaFormer's default: scale 1, bias 0, both learnable. */
    public StarReLU() {
        this(1.0, 0.0, true, true);
    }

    /**
     * {@code StarReLU(scale_value, bias_value, scale_learnable, bias_learnable)}.
     *
     * @param scaleValue     the initial s
     * @param biasValue      the initial b
     * @param scaleLearnable whether s receives gradients
     * @param biasLearnable  whether b receives gradients
     */
    public StarReLU(double scaleValue, double biasValue, boolean scaleLearnable, boolean biasLearnable) {
        if (!Double.isFinite(scaleValue) || !Double.isFinite(biasValue)) {
            throw new IllegalArgumentException("StarReLU: scaleValue and biasValue must be finite, got " + scaleValue + ", " + biasValue);
        }
        this.scale = registerParameter("scale", new Parameter(Tensor.full(Shape.of(1), (float) scaleValue)));
        this.bias = registerParameter("bias", new Parameter(Tensor.full(Shape.of(1), (float) biasValue)));
        this.scaleLearnable = scaleLearnable;
        this.biasLearnable = biasLearnable;
    }

    /** x of any shape → the same shape. */
    @Override
    public Variable forward(Variable x) {
        // A frozen parameter enters as a constant view of its value, so the graph sends it no gradient.
        Variable s = scaleLearnable ? scale : Variable.constant(scale.value());
        Variable b = biasLearnable ? bias : Variable.constant(bias.value());
        return Activation.starRelu(x, s, b);
    }

    /**
     * Inference only: x's value overwritten with StarReLU(x), for a tensor the caller owns and will not read again;
     * returns x. Equal, bit for bit, to {@link #forward}.
     *
     * @throws IllegalStateException when the graph is being recorded
     */
    public Variable forwardInPlace(Variable x) {
        return Activation.starReluInPlace(x, scale, bias);
    }

    /** The scale s {@code [1]}. */
    public Parameter scale() {
        return scale;
    }

    /** The bias b {@code [1]}. */
    public Parameter bias() {
        return bias;
    }
}
