package io.github.basis4j.nn.train;

/**
 * Receives the {@link Trainer}'s progress, on the training thread, in this order: {@link #onTrainStart}, then
 * per epoch {@link #onEpochStart}, {@link #onStep} for each step and {@link #onEpochEnd} (after evaluation
 * and checkpointing), then {@link #onTrainEnd} — or {@link #onTrainAborted} if the run stops with an
 * exception (a non-finite loss, an I/O error, or an exception thrown by a listener). Every method
 * does nothing by default.
 */
public interface TrainingListener {
    /** Before the first step. */
    default void onTrainStart(TrainingPlan plan) {
    }

    /** Before the first step of epoch {@code epoch} (index from 0), which starts at batch {@code firstBatch}. */
    default void onEpochStart(long epoch, int firstBatch, int batchesPerEpoch) {
    }

    /** After each optimiser step. */
    default void onStep(StepMetrics step) {
    }

    /** After an epoch's evaluation and checkpoints. */
    default void onEpochEnd(EpochMetrics epoch) {
    }

    /** After the last epoch. */
    default void onTrainEnd(TrainingResult result) {
    }

    /** When the run stops with {@code cause}, which {@link Trainer#fit()} then throws. */
    default void onTrainAborted(Exception cause) {
    }
}
