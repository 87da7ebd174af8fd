package io.github.basis4j.nn.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints one line per epoch, for logs and terminals without cursor control (the {@link ProgressBarListener}
 * fallback):
 * <pre>
 * epoch 3/10  train loss 0.4213 acc 0.8512  eval loss 0.4420 top1 0.8431 top5 0.9962  lr 0.0100  12.3 s  4870 img/s  best
 * </pre>
 * Epochs are counted from 1 here, as people count them; the CSV logs keep the index from 0.
 */
public final class EpochLineListener implements TrainingListener {
    private final PrintStream out;
    private int epochs;

    /** Prints to {@code out}. */
    public EpochLineListener(PrintStream out) {
        if (out == null) throw new IllegalArgumentException("EpochLineListener: out must not be null");
        this.out = out;
    }

    @Override
    public void onTrainStart(TrainingPlan plan) {
        epochs = plan.epochs();
        if (plan.startStep() > 0) {
            out.printf(Locale.ROOT, "resuming at epoch %d/%d, batch %d/%d (step %d)%n", plan.startEpoch() + 1, epochs,
                    plan.startBatch(), plan.batchesPerEpoch(), plan.startStep());
        }
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        out.println(format(m, epochs));
    }

    @Override
    public void onTrainAborted(Exception cause) {
        out.println("training stopped: " + cause.getMessage());
    }

    /** The summary line of {@code m} in a run of {@code epochs} epochs. */
    static String format(EpochMetrics m, int epochs) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.4f", m.epoch() + 1,
                epochs, m.trainLoss(), m.trainAccuracy()));
        if (m.evaluated()) {
            sb.append(String.format(Locale.ROOT, "  eval loss %.4f top1 %.4f top5 %.4f", m.evalLoss(), m.evalTop1(), m.evalTop5()));
        }
        sb.append(String.format(Locale.ROOT, "  lr %.4g  %.1f s  %.0f img/s", m.lr(), m.trainSeconds(), m.imagesPerSecond()));
        if (m.best()) sb.append("  best");
        return sb.toString();
    }
}
