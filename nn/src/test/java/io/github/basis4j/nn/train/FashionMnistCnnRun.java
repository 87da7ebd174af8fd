package io.github.basis4j.nn.train;

import io.github.basis4j.nn.data.DataLoader;
import io.github.basis4j.nn.data.Dataset;
import io.github.basis4j.nn.data.FashionMnist;
import io.github.basis4j.nn.data.Split;
import io.github.basis4j.nn.loss.CrossEntropy;
import io.github.basis4j.nn.optim.ParamGroup;
import io.github.basis4j.nn.optim.Sgd;
import io.github.basis4j.nn.schedule.CosineAnnealingLR;
import io.github.basis4j.nn.schedule.LrScheduler;
import io.github.basis4j.nn.schedule.ScheduleUnit;
import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.Backends;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trains {@link TestModels.SmallCnn} on the full Fashion-MNIST (60000 training, 10000 test images) and prints
 * the test accuracy and training throughput per epoch: the end-to-end figure the trainer's tests cannot
 * afford. Not a test; run it by hand from the nn module after {@code mvn test-compile}:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes:target/test-classes:&lt;dependencies&gt; \
 *     io.github.basis4j.nn.train.FashionMnistCnnRun [epochs=3] [outputDir=target/fmnist-cnn] [resume]
 * </pre>
 * With {@code resume} it continues from {@code outputDir/last.safetensors}.
 */
public final class FashionMnistCnnRun {
    private static final int BATCH = 64;
    private static final double LR = 0.05;
    private static final double MOMENTUM = 0.9;
    private static final double WEIGHT_DECAY = 5e-4;
    private static final int CHANNELS1 = 8;
    private static final int CHANNELS2 = 16;
    private static final int CLASSES = 10;
    private static final long SEED = 42;

    private FashionMnistCnnRun() {
    }

    public static void main(String[] args) throws IOException {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path out = Path.of(args.length > 1 ? args[1] : "target/fmnist-cnn");
        boolean resume = args.length > 2 && args[2].equals("resume");
        Path dir = FashionMnist.locate(null, FashionMnist.Install.NEVER);
        Dataset train = FashionMnist.load(dir, Split.TRAIN);
        Dataset test = FashionMnist.load(dir, Split.TEST);
        DataLoader trainLoader = DataLoader.builder(train).setBatchSize(BATCH).optShuffle(true).optSeed(SEED).build();
        DataLoader testLoader = DataLoader.builder(test).setBatchSize(500).build();
        TestModels.SmallCnn model = new TestModels.SmallCnn(1, CHANNELS1, CHANNELS2, CLASSES, SEED);
        Sgd sgd = new Sgd(List.of(new ParamGroup(model.parameters(), LR, WEIGHT_DECAY)), MOMENTUM, 0, true);
        LrScheduler schedule = new LrScheduler(new CosineAnnealingLR(LR, (long) epochs * trainLoader.batchesPerEpoch(), 0),
                ScheduleUnit.STEP, trainLoader.batchesPerEpoch());
        Trainer.Builder b = Trainer.builder().setModel(model).setLoss(CrossEntropy::crossEntropy).setOptimizer(sgd)
                .setTrainLoader(trainLoader).setEpochs(epochs).setOutputDir(out).optScheduler(schedule).optEvalLoader(testLoader)
                .optSeed(SEED).optConfig(Map.of("model", "SmallCnn(1, " + CHANNELS1 + ", " + CHANNELS2 + ")", "batch", Integer.toString(BATCH)));
        if (resume) b.optResumeFrom(out.resolve(Trainer.LAST_CHECKPOINT));
        System.out.printf(Locale.ROOT, "SmallCnn %d parameters, backend %s, %d threads, %d cores%n", model.parameterCount(),
                Backends.current().name(), Parallel.threads(), Runtime.getRuntime().availableProcessors());
        TrainingResult r = b.build().fit();
        for (EpochMetrics m : r.epochs()) {
            System.out.printf(Locale.ROOT, "epoch %d: test top-1 %.4f top-5 %.4f, train %.1f images/s%n", m.epoch() + 1, m.evalTop1(),
                    m.evalTop5(), m.imagesPerSecond());
        }
    }
}
