package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** How {@code train} fills in what it was not told: the quick start with no arguments, recipes, output names. */
class TrainRecipeTest {
    @TempDir
    Path dir;

    /** The train command after parsing {@code args}, not run. */
    private static TrainCommand.Settings parse(String... args) {
        CommandLine cl = Main.commandLine(new TinyCatalog(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        String[] all = new String[args.length + 1];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        cl.parseArgs(all);
        TrainCommand train = cl.getSubcommands().get("train").getCommand();
        return train.settings();
    }

    @Test
    void noArgumentsIsTheQuickStart() {
        TrainCommand.Settings s = parse();
        assertEquals("ResNet32_DoubleShared", s.model());
        assertEquals(DatasetKind.FASHION_MNIST, s.dataset());
        assertEquals(Path.of("runs", "fashion-mnist-ResNet32_DoubleShared"), s.output());
        TrainRecipe r = s.recipe();
        assertEquals(3, r.epochs());
        assertEquals(128, r.batchSize());
        assertEquals(0.1, r.lr());
        assertEquals(0.0, r.warmupEpochs());
        assertEquals(TrainRecipe.Augment.NONE, r.augment());
        assertEquals(0.0, r.labelSmoothing());
        assertEquals(Optional.of(Duration.ofMinutes(15)), r.timeBudget());
        assertEquals(TrainRecipe.OptimizerKind.SGD, r.optimizer());
        assertEquals(5e-4, r.weightDecay());
        assertTrue(r.decayOneDimensional());
        assertEquals(OptionalDouble.empty(), r.dropPath());
        assertEquals("fashion-mnist", r.origin());
    }

    @Test
    void givenOptionsReplaceTheRecipesValues() {
        TrainCommand.Settings s = parse("--model", "TinyNet", "--epochs", "5", "--batch-size", "32", "--lr", "0.05", "--warmup-epochs", "0.5",
                "--augment", "Crop-Flip", "--label-smoothing", "0.1", "--time-budget", "0", "--optimizer", "adamw", "--output", dir.toString());
        assertEquals("TinyNet", s.model());
        assertEquals(dir, s.output());
        // AdamW's own default decay where --weight-decay is not given.
        assertEquals(new TrainRecipe("fashion-mnist", 5, 32, TrainRecipe.OptimizerKind.ADAMW, 0.05, 0.05, true, 0.5, TrainRecipe.Augment.CROP_FLIP,
                0.1, OptionalDouble.empty(), Optional.empty()), s.recipe());
        assertEquals(0.01, parse("--weight-decay", "0.01").recipe().weightDecay());
        assertEquals(Optional.of(Duration.ofSeconds(90)), parse("--time-budget", "1.5").recipe().timeBudget());
        assertEquals(TrainRecipe.Augment.NONE, parse("--no-augment").recipe().augment());
    }

    /** Command line > model recipe > dataset recipe > general defaults, value by value. */
    @Test
    void aModelsRecipeSitsBetweenTheOptionsAndTheDatasets() {
        Optional<TrainingRecipe> small = Optional.of(new TrainingRecipe(2e-3, 128, 0.04, 1, 0.1, 0.05));
        TrainRecipe r = TrainRecipe.resolve(DatasetKind.FASHION_MNIST, "m", small, TrainRecipe.Given.NONE);
        // The model's optimiser, rate (at the dataset's batch), decay, warm-up, smoothing and drop path; the dataset's epochs, augmentation, budget.
        assertEquals(new TrainRecipe("fashion-mnist + m", 3, 128, TrainRecipe.OptimizerKind.ADAMW, 2e-3, 0.04, false, 1, TrainRecipe.Augment.NONE, 0.1,
                OptionalDouble.of(0.05), Optional.of(Duration.ofMinutes(15))), r);
        // The rate scales with the batch given; the warm-up leaves at least one epoch of cosine.
        r = TrainRecipe.resolve(DatasetKind.FASHION_MNIST, "m", small, new TrainRecipe.Given(1, 32, null, null, null, null, null, null, null, null));
        assertEquals(5e-4, r.lr(), 1e-15);
        assertEquals(0.0, r.warmupEpochs());
        // Given options win; SGD keeps its own decay, and the model still decays no 1-D parameters.
        r = TrainRecipe.resolve(DatasetKind.CIFAR10, "m", small, new TrainRecipe.Given(null, null, TrainRecipe.OptimizerKind.SGD, 0.01, null, 0.5,
                TrainRecipe.Augment.FLIP, 0.0, 0.2, null));
        assertEquals(new TrainRecipe("cifar10 + m", 30, 128, TrainRecipe.OptimizerKind.SGD, 0.01, 5e-4, false, 0.5, TrainRecipe.Augment.FLIP, 0,
                OptionalDouble.of(0.2), Optional.empty()), r);
        assertEquals(0.3, TrainRecipe.resolve(DatasetKind.CIFAR10, "m", small, new TrainRecipe.Given(null, null, TrainRecipe.OptimizerKind.SGD, null,
                0.3, null, null, null, null, null)).weightDecay());
    }

    @Test
    void otherDatasetsKeepTheGeneralRecipe() {
        TrainRecipe r = parse("--dataset", "cifar10", "--data", dir.toString()).recipe();
        assertEquals(new TrainRecipe("cifar10", 30, 128, TrainRecipe.OptimizerKind.SGD, 0.1, 5e-4, true, 0, TrainRecipe.Augment.AUTO, 0,
                OptionalDouble.empty(), Optional.empty()), r);
        assertEquals(Path.of("runs", "cifar10-ResNet32_DoubleShared"), parse("--dataset", "cifar10").output());
    }

    @Test
    void defaultOutputIsNumberedWhenTaken() throws IOException {
        Path first = dir.resolve("fashion-mnist-M");
        assertEquals(first, TrainRecipe.defaultOutput(dir, DatasetKind.FASHION_MNIST, "M"));
        // An empty directory (a run that never checkpointed) is reused; one holding a run is not.
        Files.createDirectories(first);
        assertEquals(first, TrainRecipe.defaultOutput(dir, DatasetKind.FASHION_MNIST, "M"));
        Files.writeString(first.resolve("last.safetensors"), "x");
        assertEquals(dir.resolve("fashion-mnist-M-2"), TrainRecipe.defaultOutput(dir, DatasetKind.FASHION_MNIST, "M"));
        Files.createDirectories(dir.resolve("fashion-mnist-M-2"));
        Files.writeString(dir.resolve("fashion-mnist-M-2/last.safetensors"), "x");
        assertEquals(dir.resolve("fashion-mnist-M-3"), TrainRecipe.defaultOutput(dir, DatasetKind.FASHION_MNIST, "M"));
    }

    @Test
    void badRecipeOptionsAreUsageErrors() {
        Path out = dir.resolve("bad");
        Cli.Result r = Cli.run("train", "--model", "TinyNet", "--augment", "rotate", "--output", out.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("crop-flip") && r.err().contains("rotate"), r.toString());
        r = Cli.run("train", "--model", "TinyNet", "--label-smoothing", "1", "--output", out.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--label-smoothing must be in [0, 1), got 1.0"), r.toString());
        r = Cli.run("train", "--model", "TinyNet", "--no-augment", "--augment", "flip", "--output", out.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--no-augment contradicts --augment flip"), r.toString());
        r = Cli.run("train", "--model", "TinyNet", "--resume");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--resume needs --output"), r.toString());
        r = Cli.run("train", "--model", "TinyNet", "--time-budget", "-1", "--output", out.toString());
        assertEquals(2, r.exit(), r.toString());
    }

    /** A real (tiny) run: the record holds the resolved defaults, the accuracy and the budget verdict are printed. */
    @Test
    void aRunRecordsItsSettingsAndReportsItsTime() {
        Path out = dir.resolve("run");
        Cli.Result r = Cli.run("train", "--model", "TinyNet", "--train-limit", "64", "--eval-limit", "64", "--epochs", "2", "--threads", "1",
                "--progress", "none", "--time-budget", "0.00001", "--output", out.toString());
        assertEquals(0, r.exit(), r.toString());
        RunRecord rec = RunRecord.read(out.resolve(RunRecord.FILE));
        assertEquals(new RunRecord("TinyNet", "fashion-mnist", "fashion-mnist", new InputSize(28, 28, 1), 10, rec.parameters(), 2, 128, "sgd",
                0.1, 5e-4, true, "cosine", 0, "none", 0, OptionalDouble.empty(), OptionalDouble.of(TinyCatalog.DEFAULT_LAMBDA), 0, 64, 64), rec);
        assertTrue(r.out().contains(rec.summary() + "\n"), r.out());
        assertTrue(r.out().contains("recipe fashion-mnist: input 28x28x1, 2 epochs, batch 128, sgd lr 0.1 cosine, weight decay 5.0E-4, warm-up 0 epochs,"
                + " augment none, label smoothing 0, drop path none, λ "), r.out());
        assertTrue(r.out().matches("(?s).*test accuracy: \\d+\\.\\d\\d % \\(64 test images\\).*"), r.out());
        assertTrue(r.out().contains("after epoch 1/2, projected end at"), r.out());
        assertTrue(r.out().contains("OVER BUDGET by"), r.out());
        assertTrue(r.out().matches("(?s).*elapsed (\\d+ min )?\\d+ s \\(since .*\\), OVER the 0 s budget by (\\d+ min )?\\d+ s.*"), r.out());
    }

    @Test
    void elapsedTimeLines() {
        ElapsedTime clock = ElapsedTime.since(System.nanoTime(), Optional.of(Duration.ofMinutes(15)));
        String line = clock.epochLine(1, 3, Duration.ofSeconds(250), Duration.ofSeconds(200), 1);
        // 250 s so far, 200 s per epoch, two to go: 650 s = 10 min 50 s, inside 15 min.
        assertTrue(line.contains("elapsed 4 min 10 s") && line.contains("after epoch 1/3, projected end at 10 min 50 s of a 15 min 00 s budget"), line);
        line = clock.epochLine(1, 4, Duration.ofSeconds(320), Duration.ofSeconds(300), 1);
        assertTrue(line.endsWith("projected end at 20 min 20 s of a 15 min 00 s budget — OVER BUDGET by 5 min 20 s; the run goes on to its last epoch"),
                line);
        assertEquals("59 s", ElapsedTime.format(Duration.ofMillis(59_400)));
        assertEquals("1 min 00 s", ElapsedTime.format(Duration.ofSeconds(60)));
    }
}
