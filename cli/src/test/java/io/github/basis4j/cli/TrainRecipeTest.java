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
    }

    @Test
    void givenOptionsReplaceTheRecipesValues() {
        TrainCommand.Settings s = parse("--model", "TinyNet", "--epochs", "5", "--batch-size", "32", "--lr", "0.05", "--warmup-epochs", "0.5",
                "--augment", "Crop-Flip", "--label-smoothing", "0.1", "--time-budget", "0", "--output", dir.toString());
        assertEquals("TinyNet", s.model());
        assertEquals(dir, s.output());
        assertEquals(new TrainRecipe(5, 32, 0.05, 0.5, TrainRecipe.Augment.CROP_FLIP, 0.1, Optional.empty()), s.recipe());
        assertEquals(Optional.of(Duration.ofSeconds(90)), parse("--time-budget", "1.5").recipe().timeBudget());
        assertEquals(TrainRecipe.Augment.NONE, parse("--no-augment").recipe().augment());
    }

    @Test
    void otherDatasetsKeepTheGeneralRecipe() {
        TrainRecipe r = parse("--dataset", "cifar10", "--data", dir.toString()).recipe();
        assertEquals(new TrainRecipe(30, 128, 0.1, 0, TrainRecipe.Augment.AUTO, 0, Optional.empty()), r);
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
        assertEquals(new RunRecord("TinyNet", "fashion-mnist", new InputSize(28, 28, 1), 10, rec.parameters(), 2, 128, "sgd", 0.1, "cosine", 0,
                "none", 0, OptionalDouble.of(TinyCatalog.DEFAULT_LAMBDA), 0, 64, 64), rec);
        assertTrue(r.out().matches("(?s).*test accuracy: \\d+\\.\\d\\d % \\(64 test images\\).*"), r.out());
        assertTrue(r.out().contains("after epoch 1/2, projected end at"), r.out());
        assertTrue(r.out().contains("OVER BUDGET by"), r.out());
        assertTrue(r.out().matches("(?s).*elapsed \\d+ s \\(since .*\\), OVER the 0 s budget by \\d+ s.*"), r.out());
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
