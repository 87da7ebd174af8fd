package io.github.basis4j.nn.train;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Dense;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.init.FanMode;
import io.github.basis4j.nn.init.Init;
import io.github.basis4j.nn.init.Nonlinearity;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;

/**
 * Small models for the trainer's tests, built from the ops on main, plus two test-only ops the trainer
 * tests need and nn.functional does not have yet: ReLU and a sum of squares (an L2 penalty).
 */
final class TestModels {
    private TestModels() {
    }

    /** {@code torch.nn.Linear(in, out)} with PyTorch's default initialisation. */
    static final class Linear extends Module {
        final Parameter weight;
        final Parameter bias;

        Linear(int in, int out, Rng rng) {
            weight = registerParameter("weight", Shape.of(out, in));
            bias = registerParameter("bias", Shape.of(out));
            Init.kaimingUniform(weight.value(), Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, rng);
            double bound = 1 / Math.sqrt(in);
            Init.uniform(bias.value(), -bound, bound, rng);
        }

        @Override
        public Variable forward(Variable x) {
            return Dense.linear(x, weight, bias);
        }
    }

    /** Flatten then one linear layer: a softmax-regression classifier of [B, H, W, C] images. */
    static final class LinearClassifier extends Module {
        final Linear fc;

        LinearClassifier(int in, int classes, long seed) {
            fc = registerModule("fc", new Linear(in, classes, Rng.of(seed)));
        }

        @Override
        public Variable forward(Variable x) {
            return fc.forward(Shapes.flatten(x));
        }
    }

    /** Flatten, linear, ReLU, linear. */
    static final class Mlp extends Module {
        final Linear fc1;
        final Linear fc2;

        Mlp(int in, int hidden, int classes, long seed) {
            Rng rng = Rng.of(seed);
            fc1 = registerModule("fc1", new Linear(in, hidden, rng));
            fc2 = registerModule("fc2", new Linear(hidden, classes, rng));
        }

        @Override
        public Variable forward(Variable x) {
            return fc2.forward(relu(fc1.forward(Shapes.flatten(x))));
        }
    }

    /** max(x, 0), gradient 1 where x > 0. */
    static Variable relu(Variable x) {
        Tensor xv = x.value();
        Tensor y = Tensor.zeros(xv.shape());
        for (int i = 0; i < xv.size(); i++) y.set(i, Math.max(xv.get(i), 0f));
        return Graph.record(y, new Node(x) {
            @Override public String name() { return "relu"; }

            @Override
            protected void backward(Tensor g) {
                Tensor dx = gradOf(0);
                for (int i = 0; i < xv.size(); i++) if (xv.get(i) > 0) dx.set(i, dx.get(i) + g.get(i));
            }
        });
    }

    /** {@code scale·Σ w²} as a one-element variable. */
    static Variable sumOfSquares(Variable w, double scale) {
        Tensor wv = w.value();
        double s = 0;
        for (int i = 0; i < wv.size(); i++) s += (double) wv.get(i) * wv.get(i);
        Tensor y = Tensor.full(Shape.of(1), (float) (scale * s));
        return Graph.record(y, new Node(w) {
            @Override public String name() { return "sumOfSquares"; }

            @Override
            protected void backward(Tensor g) {
                Tensor dw = gradOf(0);
                float c = (float) (2 * scale) * g.get(0);
                for (int i = 0; i < wv.size(); i++) dw.set(i, dw.get(i) + c * wv.get(i));
            }
        });
    }
}
