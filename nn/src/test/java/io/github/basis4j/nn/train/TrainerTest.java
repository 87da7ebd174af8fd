package io.github.basis4j.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.data.DataLoader;
import io.github.basis4j.nn.data.Transforms;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.loss.CrossEntropy;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.optim.AdamW;
import io.github.basis4j.nn.optim.Optimizer;
import io.github.basis4j.nn.optim.ParamGroup;
import io.github.basis4j.nn.optim.Sgd;
import io.github.basis4j.nn.schedule.LrScheduler;
import io.github.basis4j.nn.schedule.ScheduleUnit;
import io.github.basis4j.nn.schedule.StepLR;
import io.github.basis4j.nn.schedule.WarmupCosineLR;
import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's contract on a small MLP over real Fashion-MNIST images: exact resumption from epoch
 * boundaries and from the middle of an epoch, thread-count independence, the stop on non-finite values,
 * the logs and checkpoints, and the console output.
 */
class TrainerTest {
    private static final int SAMPLES = 384;
    private static final int BATCH = 32;
    private static final int STEPS_PER_EPOCH = SAMPLES / BATCH;
    private static final int PIXELS = 28 * 28;
    private static final int CLASSES = 10;
    private static final int HIDDEN = 32;
    /** Scale of the L2 penalty on fc1.weight: large enough that its column and gradient are visible. */
    private static final double PENALTY_SCALE = 1e-3;
    /** Std of the input noise the test forward draws from each step's generator. */
    private static final double INPUT_NOISE = 0.05;

    @TempDir
    Path dir;

    /** A fresh model, optimiser, schedule and loaders; {@code initSeed} only changes the initial weights. */
    private record Setup(TestModels.Mlp model, Optimizer optimizer, LrScheduler scheduler, DataLoader train, DataLoader eval) {
        static Setup of(long initSeed, int hidden) {
            TestModels.Mlp model = new TestModels.Mlp(PIXELS, hidden, CLASSES, initSeed);
            DataLoader train = DataLoader.builder(FashionMnistSubsets.train(SAMPLES)).setBatchSize(BATCH).optShuffle(true).optSeed(11)
                    .optTransform(Transforms.randomCrop(28, 28, 2)).build();
            DataLoader eval = DataLoader.builder(FashionMnistSubsets.test(200)).setBatchSize(100).build();
            AdamW adamw = new AdamW(List.of(new ParamGroup(model.parameters(), 1e-3, 0.01)), 0.9, 0.999, 1e-8);
            LrScheduler sched = new LrScheduler(new WarmupCosineLR(2e-3, 2L * STEPS_PER_EPOCH, 1e-5, 4, 1e-4, false), ScheduleUnit.STEP,
                    STEPS_PER_EPOCH);
            return new Setup(model, adamw, sched, train, eval);
        }

        /** Everything the trainer offers that bears on determinism: penalty, clipping, norms, noise from the step generator. */
        Trainer.Builder builder(Path out, int epochs) {
            return Trainer.builder().setModel(model).setLoss(CrossEntropy::crossEntropy).setOptimizer(optimizer).setTrainLoader(train)
                    .setEpochs(epochs).setOutputDir(out).optScheduler(scheduler).optEvalLoader(eval).optGradClip(1.0).optSeed(5)
                    .optRegularizer("l2", m -> TestModels.sumOfSquares(model.fc1.weight(), PENALTY_SCALE))
                    .optGradNorms(Map.of("fc1", List.of(model.fc1.weight(), model.fc1.bias())))
                    .optGradNorms(Map.of("all", model.parameters()))
                    .optForward(TrainerTest::noisyForward).optProgress(ProgressMode.NONE);
        }
    }

    /** The model on images plus Gaussian noise from the step's generator, standing in for dropout. */
    private static Variable noisyForward(Module model, Tensor images, Rng rng) {
        Tensor noisy = images.copy();
        for (int i = 0; i < noisy.size(); i++) noisy.set(i, noisy.get(i) + (float) rng.normal(0, INPUT_NOISE));
        return model.forward(Variable.constant(noisy));
    }

    @Test
    void resumingAtAnEpochBoundaryContinuesBitIdentically() throws IOException {
        Setup straight = Setup.of(1, HIDDEN);
        straight.builder(dir.resolve("straight"), 2).build().fit();

        Setup first = Setup.of(1, HIDDEN);
        first.builder(dir.resolve("split"), 1).build().fit();
        // Other initial weights and trainer seed: the resumed run must take both from the checkpoint.
        Setup second = Setup.of(99, HIDDEN);
        Trainer resumed = second.builder(dir.resolve("split"), 2).optSeed(6)
                .optResumeFrom(dir.resolve("split").resolve(Trainer.LAST_CHECKPOINT)).build();
        TrainingResult r = resumed.fit();

        assertThat(r.epochs()).extracting(EpochMetrics::epoch).containsExactly(1L);
        assertBitIdentical(second, straight);
        assertThat(resumed.scheduler().steps()).isEqualTo(2L * STEPS_PER_EPOCH);
        assertThat(stepRows(dir.resolve("split"))).isEqualTo(stepRows(dir.resolve("straight")));
        assertThat(epochRows(dir.resolve("split"))).isEqualTo(epochRows(dir.resolve("straight")));
    }

    @Test
    void resumingFromTheMiddleOfAnEpochAfterAKillContinuesBitIdentically() throws IOException {
        Setup straight = Setup.of(1, HIDDEN);
        straight.builder(dir.resolve("straight"), 2).build().fit();

        int killAt = STEPS_PER_EPOCH + 5;
        Setup killed = Setup.of(1, HIDDEN);
        Trainer t = killed.builder(dir.resolve("killed"), 2).optCheckpointEverySteps(5).optListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics s) {
                if (s.step() == killAt) throw new IllegalStateException("simulated kill");
            }
        }).build();
        assertThatThrownBy(t::fit).hasMessage("simulated kill");
        // The kill left every step up to the one that died in the log, and the checkpoint of step 15 (epoch 1, batch 3).
        assertThat(stepRows(dir.resolve("killed"))).hasSize(killAt + 1);
        Map<String, String> meta = Safetensors.read(dir.resolve("killed").resolve(Trainer.LAST_CHECKPOINT)).metadata();
        assertThat(meta).containsEntry("step", "15").containsEntry("epoch", "1").containsEntry("trainer.loader.epoch", "1")
                .containsEntry("trainer.loader.next_batch", "3");

        Setup resumed = Setup.of(99, HIDDEN);
        resumed.builder(dir.resolve("killed"), 2).optSeed(6).optResumeFrom(dir.resolve("killed").resolve(Trainer.LAST_CHECKPOINT)).build()
                .fit();

        assertBitIdentical(resumed, straight);
        // Steps 15..killAt were logged twice in all, but the resumed log dropped the first copies.
        assertThat(stepRows(dir.resolve("killed"))).isEqualTo(stepRows(dir.resolve("straight")));
        assertThat(epochRows(dir.resolve("killed"))).isEqualTo(epochRows(dir.resolve("straight")));
    }

    @Test
    void oneAndTwoThreadsTrainBitIdentically() throws IOException {
        int saved = Parallel.threads();
        try {
            // A wider hidden layer so the GEMMs split into several parallel tiles.
            Parallel.setThreads(1);
            Setup one = Setup.of(3, 256);
            one.builder(dir.resolve("t1"), 1).build().fit();
            Parallel.setThreads(2);
            Setup two = Setup.of(3, 256);
            two.builder(dir.resolve("t2"), 1).build().fit();
            assertBitIdentical(two, one);
            assertThat(stepRows(dir.resolve("t2"))).isEqualTo(stepRows(dir.resolve("t1")));
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void aNonFiniteLossStopsTrainingNamingEpochAndStep() throws IOException {
        TestModels.Mlp model = new TestModels.Mlp(PIXELS, HIDDEN, CLASSES, 4);
        // An absurd learning rate: after one update both layers' weights are around 1e30, so the logits, their
        // product, overflow float. (A linear softmax model would not diverge: its gradient is bounded.)
        Sgd sgd = new Sgd(List.of(new ParamGroup(model.parameters(), 1e30, 0)), 0.9, 0, false);
        DataLoader train = DataLoader.builder(FashionMnistSubsets.train(SAMPLES)).setBatchSize(BATCH).build();
        List<Exception> aborted = new ArrayList<>();
        Trainer t = Trainer.builder().setModel(model).setLoss(CrossEntropy::crossEntropy).setOptimizer(sgd).setTrainLoader(train)
                .setEpochs(3).setOutputDir(dir).optProgress(ProgressMode.NONE).optListener(new TrainingListener() {
                    @Override
                    public void onTrainAborted(Exception cause) {
                        aborted.add(cause);
                    }
                }).build();
        TrainingDivergedException e = org.junit.jupiter.api.Assertions.assertThrows(TrainingDivergedException.class, t::fit);
        assertThat(e.step()).isPositive();
        assertThat(e.getMessage()).contains("at epoch " + e.epoch() + ", step " + e.step() + " (batch " + e.batch() + " of "
                + STEPS_PER_EPOCH).contains(e.quantity() + " is " + e.value()).contains("lr 1.0E30");
        assertThat(Double.isFinite(e.value())).isFalse();
        assertThat(aborted).containsExactly(e);
        // Every step before the failing one is logged, and the failing one is not.
        assertThat(stepRows(dir)).hasSize((int) e.step());
    }

    @Test
    void aNonFinitePenaltyStopsBeforeTheUpdate() throws IOException {
        TestModels.Mlp model = new TestModels.Mlp(PIXELS, HIDDEN, CLASSES, 4);
        Sgd sgd = new Sgd(List.of(new ParamGroup(model.parameters(), 0.05, 0)), 0.9, 0, false);
        DataLoader train = DataLoader.builder(FashionMnistSubsets.train(SAMPLES)).setBatchSize(BATCH).build();
        int[] calls = {0};
        int badCall = 4;
        List<float[]> afterStep3 = new ArrayList<>();
        Trainer t = Trainer.builder().setModel(model).setLoss(CrossEntropy::crossEntropy).setOptimizer(sgd).setTrainLoader(train)
                .setEpochs(1).setOutputDir(dir).optProgress(ProgressMode.NONE)
                .optRegularizer("inject", m -> Variable.constant(Tensor.full(Shape.of(1), calls[0]++ == badCall ? Float.NaN : 0f)))
                .optListener(new TrainingListener() {
                    @Override
                    public void onStep(StepMetrics s) {
                        if (s.step() == badCall - 1) for (Parameter p : model.parameters()) afterStep3.add(p.value().toArray());
                    }
                }).build();
        assertThatThrownBy(t::fit).isInstanceOf(TrainingDivergedException.class)
                .hasMessageStartingWith("Trainer: penalty 'inject' is NaN at epoch 0, step 4 (batch 4 of " + STEPS_PER_EPOCH)
                .hasMessageContaining("No checkpoint was written yet");
        List<Parameter> params = model.parameters();
        for (int i = 0; i < params.size(); i++) assertBits(params.get(i).value().toArray(), afterStep3.get(i));
        assertThat(stepRows(dir)).hasSize(badCall);
        assertThat(Files.readAllLines(dir.resolve(Trainer.EPOCH_LOG))).hasSize(1);
    }

    @Test
    void logsHoldTheDocumentedColumnsAndOneRowPerStep() throws IOException {
        Setup s = Setup.of(1, HIDDEN);
        TrainingResult r = s.builder(dir, 2).build().fit();

        List<String> steps = Files.readAllLines(dir.resolve(Trainer.STEP_LOG));
        assertThat(steps.get(0)).isEqualTo("epoch,step,batch,batch_size,loss,penalty.l2,accuracy,lr,grad_norm,grad_norm.fc1,grad_norm.all,seconds");
        assertThat(steps).hasSize(1 + 2 * STEPS_PER_EPOCH);
        LrScheduler schedule = Setup.of(1, HIDDEN).scheduler();
        for (int i = 1; i < steps.size(); i++) {
            String[] c = steps.get(i).split(",");
            int step = i - 1;
            assertThat(c).hasSize(12);
            assertThat(Long.parseLong(c[0])).isEqualTo(step / STEPS_PER_EPOCH);
            assertThat(Long.parseLong(c[1])).isEqualTo(step);
            assertThat(Integer.parseInt(c[2])).isEqualTo(step % STEPS_PER_EPOCH);
            assertThat(Integer.parseInt(c[3])).isEqualTo(BATCH);
            assertThat(Double.parseDouble(c[4])).isBetween(0.0, 5.0);
            assertThat(Double.parseDouble(c[5])).isPositive();
            assertThat(Double.parseDouble(c[6])).isBetween(0.0, 1.0);
            assertThat(Double.parseDouble(c[7])).isEqualTo(schedule.schedule().lr(step));
            double norm = Double.parseDouble(c[8]);
            assertThat(Double.parseDouble(c[9])).isPositive().isLessThan(norm);
            // The named set of all parameters is summed in the same order as the global norm.
            assertThat(Double.parseDouble(c[10])).isEqualTo(norm);
        }

        List<String> epochs = Files.readAllLines(dir.resolve(Trainer.EPOCH_LOG));
        assertThat(epochs.get(0)).isEqualTo(
                "epoch,steps,train_loss,train_accuracy,lr,eval_loss,eval_top1,eval_top5,train_seconds,images_per_second,best");
        assertThat(epochs).hasSize(3);
        for (int e = 0; e < 2; e++) {
            String[] c = epochs.get(e + 1).split(",", -1);
            EpochMetrics m = r.epochs().get(e);
            assertThat(c[0]).isEqualTo(Integer.toString(e));
            assertThat(c[1]).isEqualTo(Integer.toString((e + 1) * STEPS_PER_EPOCH));
            assertThat(Double.parseDouble(c[2])).isEqualTo(m.trainLoss());
            assertThat(Double.parseDouble(c[6])).isEqualTo(m.evalTop1()).isBetween(0.3, 1.0);
            assertThat(Double.parseDouble(c[7])).isGreaterThanOrEqualTo(m.evalTop1());
            assertThat(c[10]).isEqualTo(Boolean.toString(m.best()));
        }
        // The epoch's training loss is the size-weighted mean of its steps' losses.
        double sum = 0;
        for (int i = 1; i <= STEPS_PER_EPOCH; i++) sum += Double.parseDouble(steps.get(i).split(",")[4]) * BATCH;
        assertThat(r.epochs().get(0).trainLoss()).isCloseTo(sum / SAMPLES, org.assertj.core.data.Offset.offset(1e-12));

        Map<String, String> last = Safetensors.read(dir.resolve(Trainer.LAST_CHECKPOINT)).metadata();
        assertThat(last).containsEntry("epoch", "2").containsEntry("step", Integer.toString(2 * STEPS_PER_EPOCH))
                .containsEntry("trainer.loader.epoch", "2").containsEntry("trainer.loader.next_batch", "0")
                .containsEntry("scheduler.steps", Integer.toString(2 * STEPS_PER_EPOCH)).containsKey("trainer.rng")
                .containsEntry("trainer.best", Double.toString(r.bestValue()));
        Map<String, String> best = Safetensors.read(dir.resolve(Trainer.BEST_CHECKPOINT)).metadata();
        int bestEpoch = r.epochs().get(1).best() ? 1 : 0;
        assertThat(best).containsEntry("epoch", Integer.toString(bestEpoch + 1));
    }

    @Test
    void withoutAnEvaluationLoaderTheEvalCellsAreEmptyAndBestIsTheLowestTrainingLoss() throws IOException {
        TestModels.LinearClassifier model = new TestModels.LinearClassifier(PIXELS, CLASSES, 1);
        Sgd sgd = new Sgd(List.of(new ParamGroup(model.parameters(), 0.05, 0)), 0.9, 0, false);
        DataLoader train = DataLoader.builder(FashionMnistSubsets.train(SAMPLES)).setBatchSize(BATCH).build();
        TrainingResult r = Trainer.builder().setModel(model).setLoss(CrossEntropy::crossEntropy).setOptimizer(sgd).setTrainLoader(train)
                .setEpochs(2).setOutputDir(dir).optProgress(ProgressMode.NONE).optConfig(Map.of("model", "linear")).build().fit();
        List<String> epochs = Files.readAllLines(dir.resolve(Trainer.EPOCH_LOG));
        String[] c = epochs.get(1).split(",", -1);
        assertThat(c[5] + c[6] + c[7]).isEmpty();
        assertThat(r.lastEpoch().evaluated()).isFalse();
        assertThat(r.bestValue()).isEqualTo(Math.min(r.epochs().get(0).trainLoss(), r.epochs().get(1).trainLoss()));
        assertThat(Files.readAllLines(dir.resolve(Trainer.STEP_LOG)).get(0))
                .isEqualTo("epoch,step,batch,batch_size,loss,accuracy,lr,grad_norm,seconds");
        assertThat(Safetensors.read(dir.resolve(Trainer.LAST_CHECKPOINT)).metadata()).containsEntry("config.model", "linear")
                .containsEntry("optimizer.group.0.lr", "0.05").doesNotContainKey("scheduler.steps");
    }

    @Test
    void resumeRefusesAnotherBatchSizeOrSchedule() throws IOException {
        Setup s = Setup.of(1, HIDDEN);
        s.builder(dir, 1).build().fit();
        Path last = dir.resolve(Trainer.LAST_CHECKPOINT);

        Setup other = Setup.of(1, HIDDEN);
        DataLoader bigger = DataLoader.builder(FashionMnistSubsets.train(SAMPLES)).setBatchSize(2 * BATCH).build();
        LrScheduler matching = new LrScheduler(new StepLR(0.1, 1, 0.5), ScheduleUnit.EPOCH, bigger.batchesPerEpoch());
        assertThatThrownBy(() -> other.builder(dir, 2).setTrainLoader(bigger).optScheduler(matching).optResumeFrom(last).build().fit())
                .hasMessageContaining("written with " + STEPS_PER_EPOCH + " batches of " + BATCH + " per epoch")
                .hasMessageContaining(bigger.batchesPerEpoch() + " batches of " + 2 * BATCH);

        Setup third = Setup.of(1, HIDDEN);
        LrScheduler changed = new LrScheduler(new StepLR(0.1, 1, 0.5), ScheduleUnit.EPOCH, STEPS_PER_EPOCH);
        assertThatThrownBy(() -> third.builder(dir, 2).optScheduler(changed).optResumeFrom(last).build().fit())
                .hasMessageContaining("its scheduler is").hasMessageContaining("schedule.type=step,")
                .hasMessageContaining("a resumed run must keep the schedule");
    }

    @Test
    void consoleShowsOneLinePerEpochOrAProgressBar() throws IOException {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        Setup a = Setup.of(1, HIDDEN);
        a.builder(dir.resolve("lines"), 2).optProgress(ProgressMode.LINES).optConsole(new PrintStream(lines, true, StandardCharsets.UTF_8))
                .build().fit();
        String text = lines.toString(StandardCharsets.UTF_8);
        assertThat(text.lines().toList()).hasSize(2);
        assertThat(text).startsWith("epoch 1/2  train loss ").contains("\nepoch 2/2  train loss ").contains(" eval loss ")
                .contains(" top1 ").contains(" img/s");

        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        Setup b = Setup.of(1, HIDDEN);
        b.builder(dir.resolve("bar"), 1).optProgress(ProgressMode.BAR).optConsole(new PrintStream(bar, true, StandardCharsets.UTF_8))
                .build().fit();
        String drawn = bar.toString(StandardCharsets.UTF_8);
        assertThat(drawn).contains("epoch 1/1 100%").contains(STEPS_PER_EPOCH + "/" + STEPS_PER_EPOCH).contains("\r")
                .contains("\nepoch 1/1  train loss ");
    }

    @Test
    void builderRejectsMissingAndInconsistentOptions() {
        Setup s = Setup.of(1, HIDDEN);
        assertThatThrownBy(() -> Trainer.builder().build()).hasMessage("Trainer: setModel is required");
        assertThatThrownBy(() -> s.builder(dir, 0).build()).hasMessage("Trainer: setEpochs must be >= 1, got 0");
        LrScheduler wrong = new LrScheduler(new StepLR(0.1, 1, 0.5), ScheduleUnit.EPOCH, STEPS_PER_EPOCH + 1);
        assertThatThrownBy(() -> s.builder(dir, 1).optScheduler(wrong).build())
                .hasMessage("Trainer: the scheduler counts " + (STEPS_PER_EPOCH + 1) + " steps per epoch but the train loader gives "
                        + STEPS_PER_EPOCH + " batches per epoch");
        assertThatThrownBy(() -> s.builder(dir, 1).optRegularizer("l2", m -> null)).hasMessage("Trainer.optRegularizer: name 'l2' is already used");
        assertThatThrownBy(() -> s.builder(dir, 1).optGradClip(0)).hasMessageContaining("maxNorm must be finite and > 0");
    }

    private static void assertBitIdentical(Setup actual, Setup expected) {
        Map<String, Tensor> a = actual.model().stateDict(), e = expected.model().stateDict();
        assertThat(a.keySet()).isEqualTo(e.keySet());
        for (String k : e.keySet()) assertBits(a.get(k).toArray(), e.get(k).toArray());
        Map<String, Tensor> ao = actual.optimizer().stateTensors(), eo = expected.optimizer().stateTensors();
        assertThat(ao.keySet()).isEqualTo(eo.keySet()).isNotEmpty();
        for (String k : eo.keySet()) assertBits(ao.get(k).toArray(), eo.get(k).toArray());
        assertThat(actual.optimizer().stateScalars()).isEqualTo(expected.optimizer().stateScalars());
    }

    private static void assertBits(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError("element " + i + ": expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }

    /** The data rows of metrics.csv without the timing column. */
    private static List<String> stepRows(Path out) throws IOException {
        List<String> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(out.resolve(Trainer.STEP_LOG));
        for (String l : lines.subList(1, lines.size())) rows.add(l.substring(0, l.lastIndexOf(',')));
        return rows;
    }

    /** The rows of epochs.csv without the timing columns (train_seconds, images_per_second). */
    private static List<String> epochRows(Path out) throws IOException {
        List<String> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(out.resolve(Trainer.EPOCH_LOG));
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",", -1);
            rows.add(String.join(",", List.of(c).subList(0, 8)) + "," + c[10]);
        }
        return rows;
    }
}
