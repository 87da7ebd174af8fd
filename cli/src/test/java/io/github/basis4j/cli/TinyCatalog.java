package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Pool;
import io.github.basis4j.nn.functional.Regularizers;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A catalog of two tiny models for the command tests, fast enough to train an epoch in a second:
 * {@code TinyNet}, whose stem convolution stands in for a stage's shared basis (it gets the orthogonality
 * penalty and its gradient norm is logged as {@code stage1}), and {@code TinyPlain}, the same network
 * without shared bases. Both: conv 3×3 stride 2 (C → 4, no bias), batch norm, ReLU, max-pool 2, flatten,
 * linear; native input 28×28×C (C = 1 unless asked), 10 classes unless asked.
 */
final class TinyCatalog implements ModelCatalog {
    static final String SHARED = "TinyNet";
    static final String PLAIN = "TinyPlain";
    static final int WIDTH = 4;
    static final int SIDE = 28;
    /** The λ a TinyNet trains with when --lambda is not given. */
    static final double DEFAULT_LAMBDA = 0.5;

    @Override
    public CliModel create(ModelRequest r) {
        boolean shared;
        if (r.name().equalsIgnoreCase(SHARED)) shared = true;
        else if (r.name().equalsIgnoreCase(PLAIN)) shared = false;
        else throw new IllegalArgumentException("unknown model '" + r.name() + "'; known models: " + String.join(", ", names()));
        int c = r.inChannels().orElse(1), k = r.numClasses().orElse(10);
        TinyNet net = new TinyNet(c, k, SIDE, r.seed());
        Optional<CliModel.Orthogonality> orth = shared
                ? Optional.of(new CliModel.Orthogonality(DEFAULT_LAMBDA, lambda -> m -> Regularizers.orthogonalityPenalty(net.conv1.weight(), null,
                        lambda / (WIDTH * WIDTH))))
                : Optional.empty();
        return new CliModel(shared ? SHARED : PLAIN, net, new InputSize(SIDE, SIDE, c), k, orth,
                shared ? Map.of("stage1", List.of(net.conv1.weight())) : Map.of());
    }

    @Override
    public List<String> names() {
        return List.of(SHARED, PLAIN);
    }

    /** The network of both entries. */
    static final class TinyNet extends Module {
        final Conv2d conv1;
        final BatchNorm2d bn1;
        final Linear fc;

        TinyNet(int inChannels, int classes, int side, long seed) {
            Rng rng = Rng.of(seed);
            conv1 = registerModule("conv1", new Conv2d(inChannels, WIDTH, 3, 2, 1, false, rng));
            bn1 = registerModule("bn1", new BatchNorm2d(WIDTH));
            int pooled = (side + 1) / 2 / 2;
            fc = registerModule("fc", new Linear(pooled * pooled * WIDTH, classes, true, rng));
        }

        @Override
        public Variable forward(Variable x) {
            Variable h = Pool.maxPool2d(Activation.relu(bn1.forward(conv1.forward(x))), 2, 2, 0);
            return fc.forward(Shapes.flatten(h));
        }
    }
}
