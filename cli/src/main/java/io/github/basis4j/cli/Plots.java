package io.github.basis4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a training run's curves as PNG files from the trainer's logs ({@code metrics.csv}, one row per
 * step; {@code epochs.csv}, one row per epoch), with XChart, off-screen:
 * <ul>
 * <li>{@code loss.png}: the training loss per step, and the mean training and evaluation loss per epoch
 *     (plotted at the epoch's last step);</li>
 * <li>{@code accuracy.png}: training accuracy and evaluation top-1 and top-5 per epoch;</li>
 * <li>{@code lr.png}: the learning rate per step;</li>
 * <li>{@code grad_norms.png}: the global gradient norm and each logged set's ({@code grad_norm.<name>}: the
 *     shared bases of each stage) per step, on a log scale when every value is positive.</li>
 * </ul>
 * The logs hold numbers, booleans and the column names the trainer builds from ours, none of which need
 * CSV quoting, so a row is split at its commas.
 */
final class Plots {
    /** The files {@link #write} produces, in order. */
    static final List<String> FILES = List.of("loss.png", "accuracy.png", "lr.png", "grad_norms.png");
    /** Image size in pixels: readable on a laptop screen and in a README. */
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final String GRAD_NORM = "grad_norm";

    private Plots() {
    }

    /** Reads {@code dir}'s logs and writes the four plots into it; returns their paths. */
    static List<Path> write(Path dir, Path stepLog, Path epochLog) throws IOException {
        Table steps = Table.read(stepLog);
        Table epochs = Table.read(epochLog);
        double[] step = steps.column("step");
        double[] epochEnd = epochs.column("steps");
        List<Path> out = new ArrayList<>();

        XYChart loss = chart("Loss", "step", "cross-entropy");
        line(loss, "train (step)", step, steps.column("loss"), false);
        // An epoch's summary belongs after its last step: "steps" counts the steps done by its end.
        line(loss, "train (epoch mean)", epochEnd, epochs.column("train_loss"), true);
        line(loss, "eval", epochEnd, epochs.column("eval_loss"), true);
        out.add(save(loss, dir.resolve(FILES.get(0))));

        double[] epochNumber = epochs.column("epoch");
        for (int i = 0; i < epochNumber.length; i++) epochNumber[i] += 1;
        XYChart accuracy = chart("Accuracy", "epoch", "accuracy");
        line(accuracy, "train", epochNumber, epochs.column("train_accuracy"), true);
        line(accuracy, "eval top-1", epochNumber, epochs.column("eval_top1"), true);
        line(accuracy, "eval top-5", epochNumber, epochs.column("eval_top5"), true);
        out.add(save(accuracy, dir.resolve(FILES.get(1))));

        XYChart lr = chart("Learning rate", "step", "learning rate");
        line(lr, "lr", step, steps.column("lr"), false);
        out.add(save(lr, dir.resolve(FILES.get(2))));

        XYChart norms = chart("Gradient norms", "step", "L2 norm");
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("all parameters", steps.column(GRAD_NORM));
        for (String name : steps.header) {
            if (name.startsWith(GRAD_NORM + ".")) series.put(name.substring(GRAD_NORM.length() + 1), steps.column(name));
        }
        boolean positive = true;
        for (double[] ys : series.values()) for (double v : ys) positive &= v > 0 || Double.isNaN(v);
        norms.getStyler().setYAxisLogarithmic(positive && step.length > 0);
        for (Map.Entry<String, double[]> e : series.entrySet()) line(norms, e.getKey(), step, e.getValue(), false);
        out.add(save(norms, dir.resolve(FILES.get(3))));
        return out;
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return c;
    }

    /** Adds the points whose y is a number (empty evaluation cells are NaN and left out); nothing if none is. */
    private static void line(XYChart chart, String name, double[] xs, double[] ys, boolean markers) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (int i = 0; i < Math.min(xs.length, ys.length); i++) {
            if (Double.isFinite(ys[i])) {
                x.add(xs[i]);
                y.add(ys[i]);
            }
        }
        if (x.isEmpty()) return;
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }

    private static Path save(XYChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** A CSV log: its header and its rows as numbers (empty or non-numeric cells are NaN); {@code report} reads runs with it too. */
    record Table(List<String> header, List<double[]> rows, Path file) {
        static Table read(Path file) throws IOException {
            List<String> lines = Files.readAllLines(Checks.existingFile("training log", file), StandardCharsets.UTF_8);
            if (lines.isEmpty()) throw new CliException("training log " + file + " is empty");
            List<String> header = List.of(lines.get(0).split(",", -1));
            List<double[]> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",", -1);
                // A run killed mid-write leaves a partial last line: it is not a row yet.
                if (cells.length != header.size()) continue;
                double[] row = new double[cells.length];
                for (int i = 0; i < cells.length; i++) row[i] = number(cells[i]);
                rows.add(row);
            }
            return new Table(header, rows, file);
        }

        double[] column(String name) {
            int i = header.indexOf(name);
            if (i < 0) throw new CliException("training log " + file + " has no column '" + name + "'");
            double[] v = new double[rows.size()];
            for (int r = 0; r < v.length; r++) v[r] = rows.get(r)[i];
            return v;
        }

        private static double number(String cell) {
            if (cell.isEmpty()) return Double.NaN;
            try {
                return Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                // "true"/"false" of the "best" column: not plotted.
                return Double.NaN;
            }
        }
    }
}
