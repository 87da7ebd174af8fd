package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Elementwise;

/**
 * The residual sum {@code out = a + b} of two tensors of the same shape ({@code out += shortcut} in a
 * ResNet block, {@code x = x + token_mixer(norm(x))} in a MetaFormer block, a sum of regulariser terms).
 * There is no broadcasting: shapes must match exactly.
 * The gradient flows unchanged to both operands.
 */
public final class Residual {
    private Residual() {
    }

    /** {@code torch.add(a, b)} for two tensors of one shape; the result has that shape. */
    public static Variable add(Variable a, Variable b) {
        if (a == null || b == null) throw new IllegalArgumentException("add: a and b must not be null");
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException("add: b must have the shape of a " + a.shape() + " (no broadcasting), got " + b.shape());
        }
        Tensor y = Elementwise.add(a.value(), b.value());
        return Graph.record(y, new Node(a, b) {
            @Override public String name() { return "add"; }

            @Override
            protected void backward(Tensor g) {
                if (needsGrad(0)) Elementwise.axpy(1f, g, gradOf(0));
                if (needsGrad(1)) Elementwise.axpy(1f, g, gradOf(1));
            }
        });
    }
}
