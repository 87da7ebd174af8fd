package io.github.basis4j.nn.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A terminal progress bar per epoch (ctongfei's {@code progressbar} library), showing batches done, speed,
 * time left and the latest loss, accuracy and learning rate; each finished epoch leaves the
 * {@link EpochLineListener} summary line under its bar.
 *
 * <p>This is the only class of basis4j that uses the library, so the rest of the trainer works without it
 * on the class path when the bar is not asked for. The {@link Trainer} installs it for
 * {@link ProgressMode#AUTO} only when {@link ProgressMode#interactiveConsole()} says the output is a terminal: a bar
 * redrawn with carriage returns makes an unreadable log file.
 */
public final class ProgressBarListener implements TrainingListener {
    /** Whether the progressbar library (an optional dependency of basis4j) is on the class path. */
    static boolean available() {
        try {
            Class.forName("me.tongfei.progressbar.ProgressBar", false, ProgressBarListener.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Redraw at most this often: the bar costs nothing measurable at this rate, even for tiny steps. */
    private static final int UPDATE_INTERVAL_MS = 200;
    /** Width of the bar's line when the environment does not give {@code COLUMNS}: the classic terminal's. */
    private static final int DEFAULT_WIDTH = 80;

    private final PrintStream out;
    private final int width;
    private ProgressBar bar;
    private int epochs;

    /**
     * A bar redrawn in place on {@code out} with carriage returns, summary lines under it. The line is as wide
     * as the environment variable {@code COLUMNS} says, else 80 characters: asking the terminal itself would
     * make the library load jline's native code, which JDK 25 warns about on every run.
     */
    public ProgressBarListener(PrintStream out) {
        if (out == null) throw new IllegalArgumentException("ProgressBarListener: out must not be null");
        this.out = out;
        this.width = width(System.getenv("COLUMNS"));
    }

    static int width(String columns) {
        if (columns != null) {
            try {
                int w = Integer.parseInt(columns.trim());
                if (w > 0) return w;
            } catch (NumberFormatException e) {
                // Not a number: the default width below is the documented answer.
            }
        }
        return DEFAULT_WIDTH;
    }

    @Override
    public void onTrainStart(TrainingPlan plan) {
        epochs = plan.epochs();
    }

    @Override
    public void onEpochStart(long epoch, int firstBatch, int batchesPerEpoch) {
        ProgressBarBuilder b = new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs))
                .setInitialMax(batchesPerEpoch)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(UPDATE_INTERVAL_MS)
                .setUnit(" batches", 1)
                .showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(out, width));
        if (firstBatch > 0) b.startsFrom(firstBatch, Duration.ZERO);
        bar = b.build();
    }

    @Override
    public void onStep(StepMetrics s) {
        if (bar == null) return;
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f acc %.3f lr %.3g", s.loss(), s.accuracy(), s.lr()));
        bar.step();
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        closeBar();
        out.println(EpochLineListener.format(m, epochs));
    }

    @Override
    public void onTrainEnd(TrainingResult result) {
        closeBar();
    }

    @Override
    public void onTrainAborted(Exception cause) {
        closeBar();
        out.println("training stopped: " + cause.getMessage());
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
