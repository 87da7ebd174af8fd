package io.github.basis4j.nn.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.data.ByteImageDataset;
import io.github.basis4j.nn.data.DataLoader;
import io.github.basis4j.nn.loss.CrossEntropy;
import io.github.basis4j.nn.optim.ParamGroup;
import io.github.basis4j.nn.optim.Sgd;
import io.github.basis4j.simd.NonFinite;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the trainer reports NaN and ±∞: a gradient element (by parameter name and index, before the update) and a
 * parameter that the update made non-finite (after it), and what {@link Trainer.Builder#optCheckParameters} turns off.
 */
class TrainerNonFiniteTest {
    private static final int SIDE = 4;
    private static final int SAMPLES = 16;
    private static final int BATCH = 8;
    private static final int CLASSES = 3;

    @TempDir
    Path dir;

    private static DataLoader loader() {
        Random r = new Random(9);
        byte[] pixels = new byte[SAMPLES * SIDE * SIDE];
        r.nextBytes(pixels);
        int[] labels = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) labels[i] = r.nextInt(CLASSES);
        return DataLoader.builder(new ByteImageDataset(SIDE, SIDE, 1, pixels, labels, List.of("a", "b", "c"))).setBatchSize(BATCH).build();
    }

    private Trainer.Builder builder(TestModels.Mlp model, double lr) {
        Sgd sgd = new Sgd(List.of(new ParamGroup(model.parameters(), lr, 0)), 0, 0, false);
        return Trainer.builder().setModel(model).setLoss(CrossEntropy::crossEntropy).setOptimizer(sgd).setTrainLoader(loader())
                .setEpochs(2).setOutputDir(dir).optProgress(ProgressMode.NONE);
    }

    /** A zero penalty whose backward puts {@code bad} into element {@code flat} of {@code w}'s gradient from call {@code from} on. */
    private static Regularizer poisonGradient(Variable w, int flat, float bad, int from) {
        int[] calls = {0};
        return m -> {
            boolean poison = calls[0]++ >= from;
            return Graph.record(Tensor.zeros(Shape.of(1)), new Node(w) {
                @Override
                public String name() {
                    return "poison";
                }

                @Override
                protected void backward(Tensor g) {
                    Tensor dw = gradOf(0);
                    if (poison) dw.set(flat, bad);
                }
            });
        };
    }

    @Test
    void aNonFiniteGradientIsNamedWithItsParameterAndIndexBeforeTheUpdate() {
        TestModels.Mlp model = new TestModels.Mlp(SIDE * SIDE, 5, CLASSES, 1);
        // fc2.weight is [3, 5]: flat element 7 is [1, 2].
        Trainer t = builder(model, 0.1).optRegularizer("poison", poisonGradient(model.fc2.weight(), 7, Float.NaN, 3)).build();
        TrainingDivergedException e = org.junit.jupiter.api.Assertions.assertThrows(TrainingDivergedException.class, () -> {
            t.fit();
        });
        assertThat(e.quantity()).isEqualTo("gradient of 'fc2.weight'");
        assertThat(e.step()).isEqualTo(3);
        assertThat(e.getMessage()).startsWith("Trainer: gradient of 'fc2.weight' is NaN at [1, 2] at epoch 1, step 3 (batch 1 of 2")
                .contains("training stopped before this update");
        for (var p : model.parameters()) assertThat(NonFinite.firstIndex(p.value())).as("the poisoned update was not applied").isEqualTo(-1);
    }

    @Test
    void aParameterTheUpdateOverflowsIsNamedAfterTheUpdate() {
        TestModels.Mlp model = new TestModels.Mlp(SIDE * SIDE, 5, CLASSES, 1);
        // A finite gradient of ±1e3·w times a learning rate of 1e37 leaves float's range: the weight becomes ±∞.
        Trainer t = builder(model, 1e37).optRegularizer("l2", m -> TestModels.sumOfSquares(model.fc1.weight(), 1e3)).build();
        TrainingDivergedException e = org.junit.jupiter.api.Assertions.assertThrows(TrainingDivergedException.class, t::fit);
        assertThat(e.quantity()).isEqualTo("parameter 'fc1.weight'");
        assertThat(e.step()).isZero();
        assertThat(Double.isInfinite(e.value())).isTrue();
        assertThat(e.getMessage()).containsPattern("^Trainer: parameter 'fc1.weight' is -?Infinity at \\[\\d+, \\d+\\] at epoch 0, step 0 ")
                .contains("training stopped after this update, which made the weights non-finite");
    }

    @Test
    void withoutTheParameterCheckTheSameRunStopsOnlyAtTheNextLoss() {
        TestModels.Mlp model = new TestModels.Mlp(SIDE * SIDE, 5, CLASSES, 1);
        Trainer t = builder(model, 1e37).optRegularizer("l2", m -> TestModels.sumOfSquares(model.fc1.weight(), 1e3))
                .optCheckParameters(false).build();
        TrainingDivergedException e = org.junit.jupiter.api.Assertions.assertThrows(TrainingDivergedException.class, t::fit);
        assertThat(e.step()).isEqualTo(1);
        assertThat(e.quantity()).isIn("loss", "penalty 'l2'");
    }
}
