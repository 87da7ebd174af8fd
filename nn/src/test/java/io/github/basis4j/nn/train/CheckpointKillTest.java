package io.github.basis4j.nn.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.nn.data.ByteImageDataset;
import io.github.basis4j.nn.data.DataLoader;
import io.github.basis4j.nn.io.TrainingCheckpoint;
import io.github.basis4j.nn.loss.CrossEntropy;
import io.github.basis4j.nn.optim.ParamGroup;
import io.github.basis4j.nn.optim.Sgd;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL while it writes a checkpoint: the previous checkpoint must be intact
 * and a run resumed from it must end with the same bits as a run that was never interrupted.
 *
 * <p>The run to kill is a separate JVM ({@link Child}, same java binary and class path). After its first epoch
 * it sets {@link Safetensors#PAUSE_WRITE_PROPERTY}, so the second epoch's checkpoint write stops with only the
 * header in its temporary file and announces it through the marker file; the test then destroys the process
 * forcibly, which on Unix is SIGKILL: no shutdown hook, no finally block runs.
 */
class CheckpointKillTest {
    private static final int SIDE = 6;
    private static final int SAMPLES = 48;
    private static final int BATCH = 12;
    private static final int CLASSES = 3;
    private static final int EPOCHS = 3;
    /** How long the child may take to reach the paused write: JVM start and one epoch on a loaded machine. */
    private static final long CHILD_TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    /** The model, optimiser and loader of the run; {@code initSeed} only changes the initial weights. */
    private record Setup(TestModels.Mlp model, Sgd optimizer, DataLoader train) {
        static Setup of(long initSeed) {
            Random r = new Random(42);
            byte[] pixels = new byte[SAMPLES * SIDE * SIDE];
            r.nextBytes(pixels);
            int[] labels = new int[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) labels[i] = r.nextInt(CLASSES);
            ByteImageDataset data = new ByteImageDataset(SIDE, SIDE, 1, pixels, labels, List.of("a", "b", "c"));
            TestModels.Mlp model = new TestModels.Mlp(SIDE * SIDE, 8, CLASSES, initSeed);
            Sgd sgd = new Sgd(List.of(new ParamGroup(model.parameters(), 0.05, 1e-4)), 0.9, 0, false);
            DataLoader train = DataLoader.builder(data).setBatchSize(BATCH).optShuffle(true).optSeed(7).build();
            return new Setup(model, sgd, train);
        }

        Trainer.Builder builder(Path out) {
            return Trainer.builder().setModel(model).setLoss(CrossEntropy::crossEntropy).setOptimizer(optimizer).setTrainLoader(train)
                    .setEpochs(EPOCHS).setOutputDir(out).optSeed(3).optProgress(ProgressMode.NONE);
        }
    }

    /** The process to kill: {@code Child <output dir> <marker file>}. */
    static final class Child {
        public static void main(String[] args) throws IOException {
            Path out = Path.of(args[0]);
            String marker = args[1];
            Setup.of(1).builder(out).optListener(new TrainingListener() {
                @Override
                public void onEpochEnd(EpochMetrics m) {
                    // Both checkpoints of epoch 0 are on disk: from now on every write pauses half done.
                    System.setProperty(Safetensors.PAUSE_WRITE_PROPERTY, marker);
                }
            }).build().fit();
            // Reached only if the pause hook did not fire: the parent sees an exit instead of a marker.
            System.exit(3);
        }
    }

    @Test
    void aKillDuringTheCheckpointWriteKeepsThePreviousOneAndResumesBitIdentically() throws Exception {
        Path killed = dir.resolve("killed");
        Path marker = dir.resolve("paused");
        Process child = startChild(killed, marker);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
            while (!Files.exists(marker) && child.isAlive() && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(Files.exists(marker)).as("the child reached the paused checkpoint write (alive: %s)", child.isAlive()).isTrue();
        } finally {
            child.destroyForcibly();
            child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

        // The write was caught half done: its temporary file holds the header and no tensor data.
        Path tmp = Path.of(Files.readString(marker));
        assertThat(tmp.getParent()).isEqualTo(killed);
        assertThat(Files.size(tmp)).isLessThan(Files.size(killed.resolve(Trainer.LAST_CHECKPOINT)));
        assertThat(Files.size(tmp)).isPositive();

        // The previous checkpoint is intact: epoch 0's, and it loads into a fresh model.
        Setup check = Setup.of(99);
        TrainingCheckpoint previous = TrainingCheckpoint.load(killed.resolve(Trainer.LAST_CHECKPOINT), check.model(), check.optimizer());
        assertThat(previous.epoch()).isEqualTo(1);
        assertThat(previous.step()).isEqualTo(SAMPLES / BATCH);

        Setup resumed = Setup.of(99);
        resumed.builder(killed).optResumeFrom(killed.resolve(Trainer.LAST_CHECKPOINT)).build().fit();
        Setup straight = Setup.of(1);
        straight.builder(dir.resolve("straight")).build().fit();
        assertBitIdentical(resumed, straight);
    }

    private static Process startChild(Path out, Path marker) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The same backend as this JVM: with the vector module if it has it, and the same overrides.
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        for (String p : List.of("basis4j.backend", "basis4j.vectorBits")) {
            if (System.getProperty(p) != null) cmd.add("-D" + p + "=" + System.getProperty(p));
        }
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                out.toString(), marker.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolveSibling("child.log").toFile()).start();
    }

    private static void assertBitIdentical(Setup actual, Setup expected) {
        Map<String, Tensor> a = actual.model().stateDict(), e = expected.model().stateDict();
        assertThat(a.keySet()).isEqualTo(e.keySet());
        for (String k : e.keySet()) assertBits(k, a.get(k).toArray(), e.get(k).toArray());
        Map<String, Tensor> ao = actual.optimizer().stateTensors(), eo = expected.optimizer().stateTensors();
        assertThat(ao.keySet()).isEqualTo(eo.keySet()).isNotEmpty();
        for (String k : eo.keySet()) assertBits(k, ao.get(k).toArray(), eo.get(k).toArray());
    }

    private static void assertBits(String key, float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError(key + " element " + i + ": expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }
}
