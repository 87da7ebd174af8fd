package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Elementwise;

/**
 * Activation functions recorded for autograd: ReLU, exact GELU, StarReLU, SquaredReLU, sigmoid and tanh.
 * Each takes a tensor of any shape and returns a new tensor of the same shape. simd-core's
 * {@link Elementwise} facade validates the arguments and runs the backend's kernels, forward and backward;
 * backward adds into the input gradients. ReLU-family backwards use the saved input; sigmoid and tanh use
 * their saved output, from which their derivatives follow. Saved tensors are references, not copies: inputs
 * and parameters must not change between forward and backward (optimisers step after backward).
 */
public final class Activation {
    private Activation() {
    }

    /** {@code torch.relu}: {@code y = max(x, 0)}; the gradient at 0 is 0, as PyTorch's. */
    public static Variable relu(Variable x) {
        Tensor xv = Arith.value("relu", "x", x);
        Tensor y = Elementwise.relu(xv);
        return Graph.record(y, new Node(x) {
            @Override public String name() { return "relu"; }

            @Override
            protected void backward(Tensor g) {
                Elementwise.reluBackward(xv, g, gradOf(0));
            }
        });
    }

    /** {@code torch.nn.functional.gelu(x)} (exact, erf-based, PyTorch's default): {@code y = x·Φ(x)}. */
    public static Variable gelu(Variable x) {
        Tensor xv = Arith.value("gelu", "x", x);
        Tensor y = Elementwise.gelu(xv);
        return Graph.record(y, new Node(x) {
            @Override public String name() { return "gelu"; }

            @Override
            protected void backward(Tensor g) {
                Elementwise.geluBackward(xv, g, gradOf(0));
            }
        });
    }

    /**
     * MetaFormer's StarReLU {@code y = s·relu(x)² + b}, with s and b of shape {@code [1]} (MetaFormer's
     * parameters). Gradients reach x, s and b: {@code dx = dy·2s·relu(x)}, {@code ds = Σ dy·relu(x)²},
     * {@code db = Σ dy}.
     */
    public static Variable starRelu(Variable x, Variable scale, Variable bias) {
        String op = "starRelu";
        Tensor xv = Arith.value(op, "x", x), s = Arith.value(op, "scale", scale), b = Arith.value(op, "bias", bias);
        Tensor y = Elementwise.starRelu(xv, s, b);
        return Graph.record(y, new Node(x, scale, bias) {
            @Override public String name() { return "starRelu"; }

            @Override
            protected void backward(Tensor g) {
                Elementwise.starReluBackward(xv, s, g, needsGrad(0) ? gradOf(0) : null,
                        needsGrad(1) ? gradOf(1) : null, needsGrad(2) ? gradOf(2) : null);
            }
        });
    }

    /** MetaFormer's SquaredReLU (So et al., Primer): {@code y = relu(x)²}. */
    public static Variable squaredRelu(Variable x) {
        Tensor xv = Arith.value("squaredRelu", "x", x);
        Tensor y = Elementwise.squaredRelu(xv);
        return Graph.record(y, new Node(x) {
            @Override public String name() { return "squaredRelu"; }

            @Override
            protected void backward(Tensor g) {
                Elementwise.squaredReluBackward(xv, g, gradOf(0));
            }
        });
    }

    /** {@code torch.sigmoid}: {@code y = 1/(1 + e^(−x))}; backward uses y: {@code dx = dy·y·(1 − y)}. */
    public static Variable sigmoid(Variable x) {
        Tensor y = Elementwise.sigmoid(Arith.value("sigmoid", "x", x));
        return Graph.record(y, new Node(x) {
            @Override public String name() { return "sigmoid"; }

            @Override
            protected void backward(Tensor g) {
                Elementwise.sigmoidBackward(y, g, gradOf(0));
            }
        });
    }

    /** {@code torch.tanh}; backward uses y: {@code dx = dy·(1 − y²)}. */
    public static Variable tanh(Variable x) {
        Tensor y = Elementwise.tanh(Arith.value("tanh", "x", x));
        return Graph.record(y, new Node(x) {
            @Override public String name() { return "tanh"; }

            @Override
            protected void backward(Tensor g) {
                Elementwise.tanhBackward(y, g, gradOf(0));
            }
        });
    }
}
