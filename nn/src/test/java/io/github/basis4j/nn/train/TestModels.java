package io.github.basis4j.nn.train;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Pool;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;

/**
 * Small models for the trainer's tests, built from nn's modules, plus a sum of squares (an L2 penalty)
 * as a test-only regulariser op.
 */
final class TestModels {
    private TestModels() {
    }

    /** Flatten then one linear layer: a softmax-regression classifier of [B, H, W, C] images. */
    static final class LinearClassifier extends Module {
        final Linear fc;

        LinearClassifier(int in, int classes, long seed) {
            fc = registerModule("fc", new Linear(in, classes, true, Rng.of(seed)));
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
            fc1 = registerModule("fc1", new Linear(in, hidden, true, rng));
            fc2 = registerModule("fc2", new Linear(hidden, classes, true, rng));
        }

        @Override
        public Variable forward(Variable x) {
            return fc2.forward(Activation.relu(fc1.forward(Shapes.flatten(x))));
        }
    }

    /**
     * {@code conv3x3(c→c1) → BatchNorm → ReLU → maxpool 2 → conv3x3(c1→c2) → BatchNorm → ReLU → maxpool 2 →
     * flatten → linear}, on {@code [B, 28, 28, c]} images, channel-last throughout, PyTorch's default
     * initialisation.
     */
    static final class SmallCnn extends Module {
        final Conv2d conv1;
        final BatchNorm2d bn1;
        final Conv2d conv2;
        final BatchNorm2d bn2;
        final Linear fc;

        SmallCnn(int in, int c1, int c2, int classes, long seed) {
            Rng rng = Rng.of(seed);
            conv1 = registerModule("conv1", new Conv2d(in, c1, 3, 1, 1, false, rng));
            bn1 = registerModule("bn1", new BatchNorm2d(c1));
            conv2 = registerModule("conv2", new Conv2d(c1, c2, 3, 1, 1, false, rng));
            bn2 = registerModule("bn2", new BatchNorm2d(c2));
            fc = registerModule("fc", new Linear(7 * 7 * c2, classes, true, rng));
        }

        @Override
        public Variable forward(Variable x) {
            Variable h = Pool.maxPool2d(Activation.relu(bn1.forward(conv1.forward(x))), 2, 2, 0);
            h = Pool.maxPool2d(Activation.relu(bn2.forward(conv2.forward(h))), 2, 2, 0);
            return fc.forward(Shapes.flatten(h));
        }
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
