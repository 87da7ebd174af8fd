package io.github.basis4j.nn.train;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a completed {@link Trainer#fit()}.
 *
 * @param epochs     the summaries of the epochs this call finished, in order (empty when the checkpoint it
 *                   resumed from had already finished every epoch)
 * @param steps      optimiser updates done in all, counting those before a resume
 * @param bestValue  the best value of the selection metric ({@link Trainer} keeps the highest evaluation top-1,
 *                   or without an evaluation loader the lowest training loss), NaN if no epoch ended
 * @param last       the checkpoint written at the end of the last epoch
 * @param best       the checkpoint of the best epoch
 */
public record TrainingResult(List<EpochMetrics> epochs, long steps, double bestValue, Path last, Path best) {
    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    /** The summary of the last epoch this call finished. */
    public EpochMetrics lastEpoch() {
        if (epochs.isEmpty()) throw new IllegalStateException("TrainingResult: no epoch ran in this call");
        return epochs.get(epochs.size() - 1);
    }
}
