package io.github.basis4j.cli;

import io.github.basis4j.nn.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One finished or unfinished {@code train} run as {@code report} reads it back from its directory: the
 * {@link RunRecord}, the epochs done, the last epoch's evaluation top-1, and the per-step gradient norms
 * of each stage's shared bases ({@code grad_norm.stage<s>} columns of {@code metrics.csv}; none for a model
 * without shared bases).
 *
 * @param dir        the run directory
 * @param record     what the run was started with
 * @param epochsDone rows of {@code epochs.csv}
 * @param evalTop1   the last epoch's evaluation top-1 in [0, 1], NaN without evaluation or epochs
 * @param steps      the global step of each row of {@code metrics.csv}
 * @param gradNorms  per stage name ({@code stage1}, …): the norm at each of {@code steps}
 */
record RunResult(Path dir, RunRecord record, int epochsDone, double evalTop1, double[] steps, Map<String, double[]> gradNorms) {
    private static final String GRAD_NORM_PREFIX = "grad_norm.";

    /** Whether every epoch the run was started for is done. */
    boolean finished() {
        return epochsDone >= record.epochs();
    }

    /** Reads the run in {@code dir} ({@value RunRecord#FILE}, {@code epochs.csv}, {@code metrics.csv}). */
    static RunResult read(Path dir) throws IOException {
        RunRecord record = RunRecord.read(dir.resolve(RunRecord.FILE));
        Path epochLog = dir.resolve(Trainer.EPOCH_LOG), stepLog = dir.resolve(Trainer.STEP_LOG);
        if (!Files.exists(epochLog) || !Files.exists(stepLog)) {
            return new RunResult(dir, record, 0, Double.NaN, new double[0], Map.of());
        }
        Plots.Table epochs = Plots.Table.read(epochLog);
        double[] top1 = epochs.column("eval_top1");
        Plots.Table metrics = Plots.Table.read(stepLog);
        Map<String, double[]> norms = new LinkedHashMap<>();
        for (String column : metrics.header()) {
            if (column.startsWith(GRAD_NORM_PREFIX)) norms.put(column.substring(GRAD_NORM_PREFIX.length()), metrics.column(column));
        }
        return new RunResult(dir, record, top1.length, top1.length == 0 ? Double.NaN : top1[top1.length - 1], metrics.column("step"), norms);
    }

    /** Every run under {@code root}: each sub-directory holding a {@value RunRecord#FILE}, in name order. */
    static List<RunResult> readAll(Path root) throws IOException {
        if (!Files.isDirectory(root)) throw new CliException("runs directory " + root + " does not exist");
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(d -> Files.isRegularFile(d.resolve(RunRecord.FILE))).sorted().toList();
        }
        if (dirs.isEmpty()) throw new CliException("runs directory " + root + " holds no run (no */" + RunRecord.FILE + ")");
        List<RunResult> runs = new ArrayList<>();
        for (Path d : dirs) runs.add(read(d));
        return runs;
    }
}
