package io.github.basis4j.nn.train;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Tensor;

/**
 * The training objective: the data loss plus the regularisers' penalties, all one-element variables.
 * Its backward passes the output gradient unchanged to every term.
 */
final class Sum {
    private Sum() {
    }

    /** {@code terms[0] + terms[1] + …}, each a one-element variable; the sum is taken in double, in order. */
    static Variable of(Variable... terms) {
        double s = 0;
        for (Variable t : terms) s += t.value().get(0);
        Tensor out = Tensor.full(terms[0].shape(), (float) s);
        return Graph.record(out, new Node(terms) {
            @Override
            public String name() {
                return "objective";
            }

            @Override
            protected void backward(Tensor g) {
                float go = g.get(0);
                for (int i = 0; i < terms.length; i++) {
                    if (needsGrad(i)) {
                        Tensor dst = gradOf(i);
                        dst.set(0, dst.get(0) + go);
                    }
                }
            }
        });
    }
}
