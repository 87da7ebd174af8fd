package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report} on hand-written run directories: parsing, grouping by (model, λ), the statistics, the
 * refusals, the plots, and the page through the command line.
 */
class ExperimentReportTest {
    private static final int STEPS = 6;

    @TempDir
    Path dir;

    /** Writes a finished (or not) run of {@code model} with λ (NaN: none) and seed, last-epoch top-1 {@code top1}. */
    private Path run(String name, String model, double lambda, long seed, double top1, int epochsDone) throws IOException {
        Path d = dir.resolve("runs").resolve(name);
        Files.createDirectories(d);
        new RunRecord(model, "fashion-mnist", "fashion-mnist + " + model, new InputSize(28, 28, 1), 10, 1234, 2, 128, "sgd", 0.1, 5e-4, false,
                "cosine", 0, "crop-flip", 0, OptionalDouble.of(0.05), Double.isNaN(lambda) ? OptionalDouble.empty() : OptionalDouble.of(lambda), seed, 512, 256).write(d.resolve(RunRecord.FILE));
        StringBuilder epochs = new StringBuilder("epoch,steps,train_loss,train_accuracy,lr,eval_loss,eval_top1,eval_top5,train_seconds,images_per_second,best\n");
        for (int e = 0; e < epochsDone; e++) {
            epochs.append(e).append(',').append((e + 1) * STEPS / 2).append(",1.0,0.5,0.1,1.0,").append(e == epochsDone - 1 ? top1 : 0.1)
                    .append(",0.9,1.0,100,true\n");
        }
        Files.writeString(d.resolve("epochs.csv"), epochs, StandardCharsets.UTF_8);
        boolean shared = !Double.isNaN(lambda);
        StringBuilder steps = new StringBuilder("epoch,step,loss,grad_norm" + (shared ? ",grad_norm.stage1,grad_norm.stage2" : "") + ",seconds\n");
        for (int s = 0; s < STEPS; s++) {
            steps.append(s / 3).append(',').append(s).append(",2.0,1.5");
            if (shared) steps.append(',').append(seed + s + 1).append(',').append(lambda + 1);
            steps.append(",0.1\n");
        }
        Files.writeString(d.resolve("metrics.csv"), steps, StandardCharsets.UTF_8);
        return d;
    }

    private void fullExperiment() throws IOException {
        for (long seed : new long[] {0, 1}) {
            run("plain-seed" + seed, TinyCatalog.PLAIN, Double.NaN, seed, seed == 0 ? 0.90 : 0.92, 2);
            run("tiny-l05-seed" + seed, TinyCatalog.SHARED, 0.5, seed, seed == 0 ? 0.80 : 0.86, 2);
            run("tiny-l0-seed" + seed, TinyCatalog.SHARED, 0, seed, 0.70, 2);
        }
    }

    @Test
    void spreadIsMeanAndSampleStandardDeviation() {
        Spread s = Spread.of(0.90, 0.92);
        assertEquals(0.91, s.mean(), 1e-15);
        assertEquals(0.02 / Math.sqrt(2), s.sd(), 1e-15);
        assertEquals(0.90, s.min());
        assertEquals(0.92, s.max());
        assertEquals("91.00 ± 1.41", s.format(100, 2));
        Spread three = Spread.of(1, 2, 6);
        assertEquals(3, three.mean(), 1e-15);
        assertEquals(Math.sqrt(7), three.sd(), 1e-15);
        assertEquals(0, Spread.of(0.5).sd());
        assertThrows(IllegalArgumentException.class, () -> Spread.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Spread.of(0.5, Double.NaN));
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
    }

    @Test
    void movingAverageIsCentredAndShortAtTheEnds() {
        assertArrayEquals(new double[] {1.5, 2, 3, 4, 4.5}, ExperimentReport.movingAverage(new double[] {1, 2, 3, 4, 5}, 3), 1e-15);
        assertArrayEquals(new double[] {1, 2, 3}, ExperimentReport.movingAverage(new double[] {1, 2, 3}, 1), 0);
    }

    @Test
    void runRecordRoundTrips() throws IOException {
        Path d = run("r", TinyCatalog.SHARED, 0.5, 7, 0.5, 2);
        RunRecord r = RunRecord.read(d.resolve(RunRecord.FILE));
        assertEquals(new RunRecord(TinyCatalog.SHARED, "fashion-mnist", "fashion-mnist + " + TinyCatalog.SHARED, new InputSize(28, 28, 1), 10, 1234, 2,
                128, "sgd", 0.1, 5e-4, false, "cosine", 0, "crop-flip", 0, OptionalDouble.of(0.05), OptionalDouble.of(0.5), 7, 512, 256), r);
        assertEquals("λ=0.5", r.lambdaLabel());
        assertEquals("recipe fashion-mnist + " + TinyCatalog.SHARED + ": input 28x28x1, 2 epochs, batch 128, sgd lr 0.1 cosine, weight decay 5.0E-4"
                + " (not on 1-D parameters), warm-up 0 epochs, augment crop-flip, label smoothing 0, drop path 0.05, λ 0.5, seed 7", r.summary());
        Files.writeString(d.resolve(RunRecord.FILE), Files.readString(d.resolve(RunRecord.FILE)).replace("decay_1d=false", "decay_1d=no"));
        assertTrue(assertThrows(CliException.class, () -> RunRecord.read(d.resolve(RunRecord.FILE))).getMessage().contains("decay_1d"));
        Files.writeString(d.resolve(RunRecord.FILE), Files.readString(d.resolve(RunRecord.FILE)).replace("decay_1d=no", "decay_1d=false"));
        Files.writeString(d.resolve(RunRecord.FILE), Files.readString(d.resolve(RunRecord.FILE)).replace("seed=7", "seed=x"));
        CliException e = assertThrows(CliException.class, () -> RunRecord.read(d.resolve(RunRecord.FILE)));
        assertTrue(e.getMessage().contains("malformed run record") && e.getMessage().contains(RunRecord.FILE), e.getMessage());
    }

    @Test
    void groupsVariantsAndComputesRows() throws IOException {
        fullExperiment();
        List<RunResult> runs = RunResult.readAll(dir.resolve("runs"));
        assertEquals(6, runs.size());
        RunResult one = runs.stream().filter(r -> r.dir().endsWith("tiny-l05-seed1")).findFirst().orElseThrow();
        assertEquals(2, one.epochsDone());
        assertEquals(0.86, one.evalTop1());
        assertArrayEquals(new double[] {2, 3, 4, 5, 6, 7}, one.gradNorms().get("stage1"));
        List<ExperimentReport.Row> rows = ExperimentReport.of(runs).rows(r -> new ExperimentReport.ModelSize(r.model().length(), 1, 2));
        assertEquals(3, rows.size());
        assertEquals(TinyCatalog.SHARED, rows.get(0).model());
        assertEquals("λ=0.5", rows.get(0).lambda());
        assertEquals(0.83, rows.get(0).top1().mean(), 1e-12);
        assertEquals(List.of(0L, 1L), rows.get(0).seeds());
        assertEquals("λ=0", rows.get(1).lambda());
        assertEquals(0, rows.get(1).top1().sd(), 1e-15);
        assertEquals(TinyCatalog.PLAIN, rows.get(2).model());
        assertEquals("", rows.get(2).lambda());
        assertEquals(0.91, rows.get(2).top1().mean(), 1e-12);
        // Mean over the two seeds' norms (seed + step + 1), no smoothing at 6 steps.
        double[][] curve = ExperimentReport.meanCurve(List.of(runs.get(3), runs.get(4)), "stage1");
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5}, curve[0]);
        assertArrayEquals(new double[] {1.5, 2.5, 3.5, 4.5, 5.5, 6.5}, curve[1], 1e-12);
    }

    @Test
    void refusesUnfinishedMixedOrDuplicatedRuns() throws IOException {
        fullExperiment();
        run("late", TinyCatalog.PLAIN, Double.NaN, 5, 0.5, 1);
        CliException e = assertThrows(CliException.class, () -> ExperimentReport.of(RunResult.readAll(dir.resolve("runs"))));
        assertTrue(e.getMessage().contains("unfinished") && e.getMessage().contains("late (1 of 2 epochs)"), e.getMessage());
        Files.delete(dir.resolve("runs/late/run.properties"));

        Path twin = run("twin", TinyCatalog.PLAIN, Double.NaN, 1, 0.5, 2);
        e = assertThrows(CliException.class, () -> ExperimentReport.of(RunResult.readAll(dir.resolve("runs"))));
        assertTrue(e.getMessage().contains("same seed 1"), e.getMessage());
        Files.delete(twin.resolve("run.properties"));

        Path other = run("other", TinyCatalog.PLAIN, Double.NaN, 9, 0.5, 2);
        new RunRecord(TinyCatalog.PLAIN, "fashion-mnist", "fashion-mnist", new InputSize(28, 28, 1), 10, 1, 2, 64, "sgd", 0.1, 5e-4, true,
                "cosine", 0, "crop-flip", 0, OptionalDouble.empty(), OptionalDouble.empty(), 9, 512, 256).write(other.resolve(RunRecord.FILE));
        e = assertThrows(CliException.class, () -> ExperimentReport.of(RunResult.readAll(dir.resolve("runs"))));
        assertTrue(e.getMessage().contains("differ in more than model") && e.getMessage().contains("batch 64"), e.getMessage());
    }

    @Test
    void reportCommandWritesThePageAndPngPlots() throws IOException {
        fullExperiment();
        Path page = dir.resolve("out/exp.md");
        Cli.Result r = Cli.run("report", "--runs", dir.resolve("runs").toString(), "--output", page.toString(), "--title", "Tiny", "--command",
                "experiments/x.sh --epochs 2");
        assertEquals(0, r.exit(), r.toString());
        String md = Files.readString(page);
        assertTrue(md.startsWith("# Tiny\n"), md);
        assertTrue(md.contains("```\nexperiments/x.sh --epochs 2\n```"), md);
        assertTrue(md.contains("seeds [0, 1]"), md);
        // TinyNet at 28x28x1: conv 4x1x3x3 = 36, bn 8, fc 7*7*4*10+10 = 1970; conv MACs 14*14*4*9 = 7056, fc 1960.
        assertTrue(md.contains("| TinyNet | 0.5 | 83.00 ± 4.24 | 80.00–86.00 | 2 | 2,014 | 36 | 9,016 |"), md);
        assertTrue(md.contains("| TinyNet | 0 | 70.00 ± 0.00 | 70.00–70.00 | 2 |"), md);
        assertTrue(md.contains("| TinyPlain | — | 91.00 ± 1.41 |"), md);
        for (String stage : List.of("stage1", "stage2")) {
            Path png = dir.resolve("out/exp-grad-norms-" + stage + ".png");
            assertTrue(md.contains("](exp-grad-norms-" + stage + ".png)"), md);
            byte[] head = Files.readAllBytes(png);
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(head, 4), png.toString());
        }
        r = Cli.run("report", "--runs", dir.resolve("nowhere").toString(), "--output", page.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("does not exist"), r.toString());
        r = Cli.run("report", "--runs", dir.resolve("runs").toString(), "--output", dir.resolve("x.txt").toString());
        assertEquals(2, r.exit(), r.toString());
    }
}
