package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Tensor;

/**
 * The residual sum {@code out = a + b} of two tensors of the same shape ({@code out += shortcut} in a
 * ResNet block, {@code x = x + token_mixer(norm(x))} in a MetaFormer block, a sum of regulariser terms).
 * There is no broadcasting: shapes must match exactly.
 *
 * <p>simd-core has no elementwise facade yet, so the sum and its backward (the gradient flows unchanged to
 * both operands) are plain loops here.
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
        Tensor av = a.value(), bv = b.value();
        Tensor y = Tensor.zeros(av.shape());
        float[] yd = y.data(), ad = av.data(), bd = bv.data();
        int aOff = av.offset(), bOff = bv.offset(), n = y.size();
        for (int i = 0; i < n; i++) yd[i] = ad[aOff + i] + bd[bOff + i];
        return Graph.record(y, new Node(a, b) {
            @Override public String name() { return "add"; }

            @Override
            protected void backward(Tensor g) {
                if (needsGrad(0)) accumulate(g, gradOf(0));
                if (needsGrad(1)) accumulate(g, gradOf(1));
            }
        });
    }

    private static void accumulate(Tensor g, Tensor d) {
        float[] gd = g.data(), dd = d.data();
        int gOff = g.offset(), dOff = d.offset(), n = d.size();
        for (int i = 0; i < n; i++) dd[dOff + i] += gd[gOff + i];
    }
}
