package io.github.basis4j.nn.train;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Conv;
import io.github.basis4j.nn.functional.Dense;
import io.github.basis4j.nn.functional.Norm;
import io.github.basis4j.nn.functional.Pool;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.init.FanMode;
import io.github.basis4j.nn.init.Init;
import io.github.basis4j.nn.init.Nonlinearity;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Conv2dParams;

/**
 * Small models for the trainer's tests, built from nn.functional's ops, plus two test-only ops that
 * nn.functional does not have: ReLU (until the activation ops land) and a sum of squares (an L2 penalty).
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

    /**
     * {@code conv3x3(c→c1) → BatchNorm → ReLU → maxpool 2 → conv3x3(c1→c2) → BatchNorm → ReLU → maxpool 2 →
     * flatten → linear}, on {@code [B, 28, 28, c]} images, channel-last throughout; PyTorch's default
     * initialisation (conv and linear weights kaiming-uniform with a = √5, batch-norm scale 1, shift 0).
     */
    static final class SmallCnn extends Module {
        /** PyTorch's BatchNorm2d defaults. */
        private static final double BN_MOMENTUM = 0.1;
        private static final double BN_EPS = 1e-5;
        private static final Conv2dParams SAME_3X3 = Conv2dParams.of(1, 1);

        final Conv3x3 conv1;
        final BatchNorm bn1;
        final Conv3x3 conv2;
        final BatchNorm bn2;
        final Linear fc;

        SmallCnn(int in, int c1, int c2, int classes, long seed) {
            Rng rng = Rng.of(seed);
            conv1 = registerModule("conv1", new Conv3x3(in, c1, rng));
            bn1 = registerModule("bn1", new BatchNorm(c1));
            conv2 = registerModule("conv2", new Conv3x3(c1, c2, rng));
            bn2 = registerModule("bn2", new BatchNorm(c2));
            fc = registerModule("fc", new Linear(7 * 7 * c2, classes, rng));
        }

        @Override
        public Variable forward(Variable x) {
            Variable h = Pool.maxPool2d(relu(bn1.forward(conv1.forward(x))), 2, 2, 0);
            h = Pool.maxPool2d(relu(bn2.forward(conv2.forward(h))), 2, 2, 0);
            return fc.forward(Shapes.flatten(h));
        }

        /** {@code torch.nn.Conv2d(in, out, 3, padding=1, bias=False)} over channel-last maps. */
        static final class Conv3x3 extends Module {
            final Parameter weight;

            Conv3x3(int in, int out, Rng rng) {
                weight = registerParameter("weight", Shape.of(out, in, 3, 3));
                Init.kaimingUniform(weight.value(), Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, rng);
            }

            @Override
            public Variable forward(Variable x) {
                return Conv.conv2d(x, weight, null, SAME_3X3);
            }
        }

        /** {@code torch.nn.BatchNorm2d(c)} over channel-last maps (without num_batches_tracked). */
        static final class BatchNorm extends Module {
            final Parameter weight;
            final Parameter bias;
            final Tensor runningMean;
            final Tensor runningVar;

            BatchNorm(int c) {
                weight = registerParameter("weight", new Parameter(Tensor.full(Shape.of(c), 1f)));
                bias = registerParameter("bias", Shape.of(c));
                runningMean = registerBuffer("running_mean", Tensor.zeros(Shape.of(c)));
                runningVar = registerBuffer("running_var", Tensor.full(Shape.of(c), 1f));
            }

            @Override
            public Variable forward(Variable x) {
                return Norm.batchNorm2d(x, weight, bias, runningMean, runningVar, isTraining(), BN_MOMENTUM, BN_EPS);
            }
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
