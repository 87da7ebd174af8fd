package io.github.basis4j.nn.train;

import io.github.basis4j.nn.init.Rng;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trainer's part of a training checkpoint's metadata, beside what {@code TrainingCheckpoint} stores
 * itself (model, optimiser, completed epochs, step count): where the data loader stands, the partial sums
 * of the epoch in progress, the best result so far and the generator. With the scheduler's state, which
 * the {@link Trainer} stores under {@code scheduler.}, this is everything a resumed run needs to take
 * exactly the steps the uninterrupted run would have taken.
 *
 * <p>Doubles are written with {@link Double#toString(double)}, which reads back to the same bits.
 *
 * @param loaderEpoch     the epoch index of the next batch
 * @param nextBatch       the number of the next batch within {@code loaderEpoch}
 * @param batchesPerEpoch the loader's batches per epoch when the checkpoint was written
 * @param batchSize       the loader's batch size when the checkpoint was written
 * @param lossSum         Σ loss·B over the batches of {@code loaderEpoch} done so far
 * @param correct         training samples of {@code loaderEpoch} classified right so far
 * @param samples         training samples of {@code loaderEpoch} done so far
 * @param lastLr          the learning rate of the last update (NaN before the first)
 * @param best            the best value of the selection metric so far (NaN if no epoch ended)
 * @param rng             the trainer's generator, from which each step's generator is derived
 */
record TrainerState(long loaderEpoch, int nextBatch, int batchesPerEpoch, int batchSize, double lossSum, long correct,
        long samples, double lastLr, double best, Rng.State rng) {
    static final String PREFIX = "trainer.";

    /** The metadata entries, keys under {@code trainer.}. */
    Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(PREFIX + "loader.epoch", Long.toString(loaderEpoch));
        m.put(PREFIX + "loader.next_batch", Integer.toString(nextBatch));
        m.put(PREFIX + "loader.batches_per_epoch", Integer.toString(batchesPerEpoch));
        m.put(PREFIX + "loader.batch_size", Integer.toString(batchSize));
        m.put(PREFIX + "epoch.loss_sum", Double.toString(lossSum));
        m.put(PREFIX + "epoch.correct", Long.toString(correct));
        m.put(PREFIX + "epoch.samples", Long.toString(samples));
        m.put(PREFIX + "last_lr", Double.toString(lastLr));
        m.put(PREFIX + "best", Double.toString(best));
        m.put(PREFIX + "rng", rng.toString());
        return m;
    }

    /** Reads the entries {@link #toMetadata()} wrote; throws naming the file and the key that is missing or bad. */
    static TrainerState fromMetadata(Map<String, String> m, Path file) {
        try {
            return new TrainerState(Long.parseLong(get(m, "loader.epoch")), Integer.parseInt(get(m, "loader.next_batch")),
                    Integer.parseInt(get(m, "loader.batches_per_epoch")), Integer.parseInt(get(m, "loader.batch_size")),
                    Double.parseDouble(get(m, "epoch.loss_sum")), Long.parseLong(get(m, "epoch.correct")),
                    Long.parseLong(get(m, "epoch.samples")), Double.parseDouble(get(m, "last_lr")),
                    Double.parseDouble(get(m, "best")), Rng.State.parse(get(m, "rng")));
        } catch (IllegalArgumentException e) {
            // NumberFormatException is one too: its message quotes the bad text.
            throw new IllegalArgumentException("Trainer: cannot resume from " + file + ": " + e.getMessage()
                    + " (was the checkpoint written by basis4j's Trainer?)", e);
        }
    }

    private static String get(Map<String, String> m, String key) {
        String v = m.get(PREFIX + key);
        if (v == null) throw new IllegalArgumentException("metadata key '" + PREFIX + key + "' is missing");
        return v;
    }
}
