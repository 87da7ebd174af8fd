package io.github.basis4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The results of an experiment made of {@code train} runs that differ only in model, λ and seed: one row
 * per variant (model, λ) with the test top-1 over seeds, the model's size, and per stage a plot of the
 * shared bases' gradient norms through training, λ against λ = 0.
 *
 * <p>Accuracy is the last epoch's on the evaluation set (never the best epoch's, which would select on the
 * test set). The spread is the sample standard deviation over seeds ({@link Spread}), with the range beside
 * it. The gradient-norm curves are the mean over seeds at each step, then a centred moving average over
 * {@value #SMOOTHING_FRACTION_INVERSE}th of the run (per-step norms are noisy), on a log scale; λ = 0 is dashed.
 */
final class ExperimentReport {
    /** The moving-average window is the run's step count divided by this. */
    static final int SMOOTHING_FRACTION_INVERSE = 100;
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;

    /** A model's size at the runs' input: distinct parameters, those of convolutions, multiply-adds per image. */
    record ModelSize(long parameters, long convParameters, long multiplyAdds) {
    }

    /**
     * One table row.
     *
     * @param model    model name
     * @param lambda   {@code λ=…}, or empty for a model without shared bases
     * @param top1     test top-1 over seeds, in [0, 1]
     * @param seeds    the seeds, ascending
     * @param size     the model's size
     */
    record Row(String model, String lambda, Spread top1, List<Long> seeds, ModelSize size) {
    }

    private final List<RunResult> runs;
    /** Runs by variant key {@code model|λ}, variants in table order. */
    private final Map<String, List<RunResult>> variants;

    private ExperimentReport(List<RunResult> runs, Map<String, List<RunResult>> variants) {
        this.runs = runs;
        this.variants = variants;
    }

    /**
     * Groups {@code runs} into variants, ordered by model name and then λ descending (the reference's λ
     * before λ = 0).
     *
     * @throws CliException if a run is unfinished, two runs of a variant share a seed, or the runs differ in
     *     anything but model, λ and seed (dataset, input, epochs, batch, optimiser, rate, schedule, warm-up,
     *     augmentation, label smoothing, image counts)
     */
    static ExperimentReport of(List<RunResult> runs) {
        if (runs.isEmpty()) throw new CliException("report: no runs");
        List<String> unfinished = new ArrayList<>();
        for (RunResult r : runs) {
            if (!r.finished()) unfinished.add(r.dir() + " (" + r.epochsDone() + " of " + r.record().epochs() + " epochs)");
        }
        if (!unfinished.isEmpty()) throw new CliException("unfinished runs, resume them first: " + String.join(", ", unfinished));
        String setup = setup(runs.get(0).record());
        for (RunResult r : runs) {
            if (!setup(r.record()).equals(setup)) {
                throw new CliException("runs differ in more than model, λ and seed: " + runs.get(0).dir() + " [" + setup + "] vs " + r.dir() + " ["
                        + setup(r.record()) + "]");
            }
            if (Double.isNaN(r.evalTop1())) throw new CliException("run " + r.dir() + " has no evaluation accuracy");
        }
        List<RunResult> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparing((RunResult r) -> r.record().model())
                .thenComparing(r -> -r.record().lambda().orElse(Double.POSITIVE_INFINITY)).thenComparingLong(r -> r.record().seed()));
        Map<String, List<RunResult>> variants = new LinkedHashMap<>();
        for (RunResult r : sorted) {
            List<RunResult> v = variants.computeIfAbsent(key(r.record()), k -> new ArrayList<>());
            for (RunResult other : v) {
                if (other.record().seed() == r.record().seed()) {
                    throw new CliException("runs " + other.dir() + " and " + r.dir() + " are the same variant with the same seed " + r.record().seed());
                }
            }
            v.add(r);
        }
        return new ExperimentReport(List.copyOf(sorted), variants);
    }

    private static String key(RunRecord r) {
        return r.model() + "|" + r.lambdaLabel();
    }

    /** Everything the runs must share, as one comparable string. */
    private static String setup(RunRecord r) {
        return String.format(Locale.ROOT, "%s %s, %d classes, %d epoch(s), batch %d, %s lr %s %s warm-up %s, augment %s, label smoothing %s, %d train / %d test images",
                r.dataset(), r.input(), r.numClasses(), r.epochs(), r.batchSize(), r.optimizer(), RunRecord.trim(r.lr()), r.schedule(),
                RunRecord.trim(r.warmupEpochs()), r.augment(), RunRecord.trim(r.labelSmoothing()), r.trainImages(), r.testImages());
    }

    /** The table rows, sizes from {@code sizes} (called once per model). */
    List<Row> rows(Function<RunRecord, ModelSize> sizes) {
        Map<String, ModelSize> byModel = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (List<RunResult> v : variants.values()) {
            RunRecord first = v.get(0).record();
            double[] top1 = v.stream().mapToDouble(RunResult::evalTop1).toArray();
            List<Long> seeds = v.stream().map(r -> r.record().seed()).sorted().toList();
            ModelSize size = byModel.computeIfAbsent(first.model(), m -> sizes.apply(first));
            rows.add(new Row(first.model(), first.lambdaLabel(), Spread.of(top1), seeds, size));
        }
        return rows;
    }

    /** The stage names with gradient-norm logs in any run ({@code stage1}, …), sorted. */
    List<String> stages() {
        TreeSet<String> s = new TreeSet<>();
        for (RunResult r : runs) s.addAll(r.gradNorms().keySet());
        return List.copyOf(s);
    }

    /**
     * Writes one PNG per stage into {@code dir}, {@code <stem>-grad-norms-<stage>.png}: for each variant with
     * shared bases, the smoothed mean over seeds of that stage's gradient norm per step.
     */
    List<Path> writePlots(Path dir, String stem) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String stage : stages()) {
            XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                    .title("Gradient norm of the " + stage + " shared bases (mean over seeds, smoothed)").xAxisTitle("step")
                    .yAxisTitle("L2 norm").build();
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
            boolean positive = true;
            for (Map.Entry<String, List<RunResult>> e : variants.entrySet()) {
                double[][] curve = meanCurve(e.getValue(), stage);
                if (curve == null) continue;
                for (double y : curve[1]) positive &= y > 0;
                RunRecord r = e.getValue().get(0).record();
                XYSeries s = chart.addSeries(r.model() + " " + r.lambdaLabel(), curve[0], curve[1]);
                s.setMarker(SeriesMarkers.NONE);
                // λ = 0 dashed beside its model's solid λ line, so each pair reads at a glance.
                if (r.lambda().orElse(Double.NaN) == 0) s.setLineStyle(SeriesLines.DASH_DASH);
            }
            chart.getStyler().setYAxisLogarithmic(positive);
            Path file = dir.resolve(stem + "-grad-norms-" + stage + ".png");
            Path tmp = dir.resolve(stem + "-grad-norms-" + stage + ".tmp.png");
            BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            files.add(file);
        }
        return files;
    }

    /** {steps, smoothed mean norm} over the runs of a variant that logged {@code stage}, or null if none did. */
    static double[][] meanCurve(List<RunResult> runs, String stage) {
        List<double[]> curves = new ArrayList<>();
        double[] steps = null;
        for (RunResult r : runs) {
            double[] n = r.gradNorms().get(stage);
            if (n == null) continue;
            curves.add(n);
            if (steps == null || r.steps().length < steps.length) steps = r.steps();
        }
        if (curves.isEmpty()) return null;
        int len = steps.length;
        for (double[] c : curves) len = Math.min(len, c.length);
        double[] mean = new double[len];
        for (double[] c : curves) for (int i = 0; i < len; i++) mean[i] += c[i] / curves.size();
        return new double[][] {java.util.Arrays.copyOf(steps, len), movingAverage(mean, Math.max(1, len / SMOOTHING_FRACTION_INVERSE))};
    }

    /** Centred moving average over {@code window} values (shorter at the ends: only the values that exist). */
    static double[] movingAverage(double[] v, int window) {
        double[] prefix = new double[v.length + 1];
        for (int i = 0; i < v.length; i++) prefix[i + 1] = prefix[i] + v[i];
        double[] out = new double[v.length];
        int half = window / 2;
        for (int i = 0; i < v.length; i++) {
            int lo = Math.max(0, i - half), hi = Math.min(v.length, i - half + window);
            out[i] = (prefix[hi] - prefix[lo]) / (hi - lo);
        }
        return out;
    }

    /**
     * The Markdown page: title, the exact command, the shared setup, the table, and the plots (file names
     * relative to the page).
     */
    String markdown(String title, String command, List<Row> rows, List<String> plotFiles) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(title).append("\n\n");
        sb.append("Reproduce with:\n\n```\n").append(command).append("\n```\n\n");
        TreeSet<Long> seeds = new TreeSet<>();
        for (RunResult r : runs) seeds.add(r.record().seed());
        sb.append("Every run: ").append(setup(runs.get(0).record())).append("; seeds ").append(seeds).append(".\n\n");
        sb.append("Test top-1 is the last epoch's on the whole test set, mean ± sample standard deviation over the seeds, and their range. ")
                .append("Parameters are distinct trainable ones (a shared basis counts once); multiply-adds are per image at the runs' input, ")
                .append("convolutions and the classifier only, a shared basis counted at every use.\n\n");
        sb.append("| model | λ | test top-1 (%) | range (%) | seeds | parameters | conv parameters | multiply-adds |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f–%.2f | %d | %,d | %,d | %,d |%n", r.model(),
                    r.lambda().isEmpty() ? "—" : r.lambda().substring(2), r.top1().format(100, 2), 100 * r.top1().min(), 100 * r.top1().max(),
                    r.top1().n(), r.size().parameters(), r.size().convParameters(), r.size().multiplyAdds()));
        }
        if (!plotFiles.isEmpty()) {
            sb.append("\n## Gradient norms of the shared bases\n\n");
            sb.append("Per stage, the L2 norm of the gradient of the objective (cross-entropy plus λ·penalty) with respect to that stage's ")
                    .append("shared basis weights, every step; mean over seeds, moving average over 1/").append(SMOOTHING_FRACTION_INVERSE)
                    .append(" of the run.\n\n");
            for (String f : plotFiles) sb.append("![").append(f).append("](").append(f).append(")\n\n");
        }
        return sb.toString();
    }

    /** Writes {@code text} to {@code file} through a temporary file and a rename. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
