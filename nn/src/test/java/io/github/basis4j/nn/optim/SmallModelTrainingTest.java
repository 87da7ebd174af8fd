package io.github.basis4j.nn.optim;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Pool;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.loss.CrossEntropy;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.schedule.CosineAnnealingLR;
import io.github.basis4j.nn.schedule.LrSchedule;
import io.github.basis4j.nn.schedule.MultiStepLR;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import io.github.basis4j.simd.testing.Numerics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * A small CNN trained for six steps with SGD (Nesterov, weight decay, multi-step schedule) and AdamW (cosine
 * schedule) lands on PyTorch 1.13's weights and batch-norm statistics after every step
 * (tools/fixtures/small_model_training.py): the whole chain of modules, loss, autograd, optimiser and
 * schedule, not each piece alone.
 */
class SmallModelTrainingTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/small_model_training.safetensors");
    /** The bar for training trajectories. */
    private static final double TOLERANCE = 1e-5;
    private static final int STEPS = 6;

    /** conv 3×3 (2→4, no bias, see the fixture script) → BatchNorm → ReLU → global mean → linear (4→3), channel-last. */
    static final class SmallNet extends Module {
        final Conv2d conv;
        final BatchNorm2d bn;
        final Linear fc;

        SmallNet() {
            Rng rng = Rng.of(0);
            conv = registerModule("conv", new Conv2d(2, 4, 3, 1, 1, false, rng));
            bn = registerModule("bn", new BatchNorm2d(4));
            fc = registerModule("fc", new Linear(4, 3, true, rng));
        }

        @Override
        public Variable forward(Variable x) {
            return fc.forward(Pool.globalMean(Activation.relu(bn.forward(conv.forward(x)))));
        }
    }

    @Test
    void sgdNesterovWithMultiStepScheduleMatchesPyTorch() throws IOException {
        replay("sgd", params -> new Sgd(List.of(new ParamGroup(params, 0.1, 5e-4)), 0.9, 0.0, true),
                MultiStepLR.of(0.1, 0.5, 2, 4));
    }

    @Test
    void adamWWithCosineScheduleMatchesPyTorch() throws IOException {
        replay("adamw", params -> new AdamW(List.of(new ParamGroup(params, 0.01, 0.05)), 0.9, 0.999, 1e-8),
                new CosineAnnealingLR(0.01, STEPS, 0.0));
    }

    private void replay(String name, Function<List<io.github.basis4j.nn.autograd.Parameter>, Optimizer> make, LrSchedule schedule)
            throws IOException {
        Assertions.assertThat(FIXTURE).as("fixture missing: run /usr/bin/python3 tools/fixtures/small_model_training.py").exists();
        Safetensors.File f = Safetensors.read(FIXTURE);
        SmallNet net = new SmallNet();
        Map<String, Tensor> init = new LinkedHashMap<>();
        for (String key : net.stateDict().keySet()) init.put(key, f.tensor("init." + key));
        net.loadStateDict(init, true);
        net.train();
        Tensor x = f.tensor("x");
        float[] labelValues = f.tensor("labels").toArray();
        int[] labels = new int[labelValues.length];
        for (int i = 0; i < labels.length; i++) labels[i] = (int) labelValues[i];
        float[] torchLr = f.tensor(name + ".lr").toArray();
        float[] torchLoss = f.tensor(name + ".loss").toArray();
        Optimizer opt = make.apply(net.parameters());
        for (int step = 0; step < STEPS; step++) {
            double lr = schedule.lr(step);
            Numerics.assertClose(name + " lr at step " + step, new float[] {torchLr[step]}, new float[] {(float) lr}, 1e-6, 0);
            opt.setLr(lr);
            opt.zeroGrad();
            Variable loss = CrossEntropy.crossEntropy(net.forward(Variable.constant(x)), labels);
            Numerics.assertClose(name + " loss at step " + step, new float[] {torchLoss[step]}, loss.value().toArray(), TOLERANCE, TOLERANCE);
            loss.backward();
            opt.step();
            for (Map.Entry<String, Tensor> e : net.stateDict().entrySet()) {
                Numerics.assertClose(name + " step " + step + " " + e.getKey(), f.tensor(name + ".step" + step + "." + e.getKey()).toArray(),
                        e.getValue().toArray(), TOLERANCE, TOLERANCE);
            }
        }
    }
}
