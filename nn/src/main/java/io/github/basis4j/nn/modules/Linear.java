package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Dense;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;

/**
 * Fully connected layer {@code y = x·Wᵀ + b}, mirroring {@code torch.nn.Linear(in, out, bias)}.
 *
 * <p>Shapes: x {@code [..., in]} → y {@code [..., out]}; on a channel-last map {@code [n, h, w, in]} this
 * is a pointwise (1×1) projection, as MetaFormer's {@code nn.Linear} on {@code [B, H, W, C]}.
 *
 * <p>State (PyTorch's names and layout): {@code weight [out, in]}, then {@code bias [out]} if the layer has
 * one. Both start from PyTorch's default U(−1/√in, 1/√in), weight drawn first.
 *
 * <p>The functional twin is {@link Dense#linear(Variable, Variable, Variable)}.
 */
public final class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A {@code [in] → [out]} layer, with a bias if {@code bias}.
     *
     * @param rng the source of the initial weights
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear: inFeatures and outFeatures must be >= 1, got " + inFeatures + ", " + outFeatures);
        }
        Args.requireRng("Linear", rng);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Shape.of(outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", Shape.of(outFeatures)) : null;
        LayerInit.pytorchDefault(this.weight, this.bias, rng);
    }

    /** x {@code [..., in]} → {@code [..., out]}. */
    @Override
    public Variable forward(Variable x) {
        return Dense.linear(x, weight, bias);
    }

    /**
     * Inference only: x {@code [..., in]} → {@code out} {@code [..., out]}, overwritten (scratch the caller owns);
     * returns a constant viewing out. Equal, bit for bit, to {@link #forward}.
     *
     * @throws IllegalStateException when the graph is being recorded
     */
    public Variable forwardInto(Variable x, Tensor out) {
        return Dense.linearInto(x, weight, bias, out);
    }

    /** The weight {@code [out, in]}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null. */
    public Parameter bias() {
        return bias;
    }

    /** Input features. */
    public int inFeatures() {
        return inFeatures;
    }

    /** Output features. */
    public int outFeatures() {
        return outFeatures;
    }
}
