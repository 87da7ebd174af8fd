package io.github.basis4j.nn.train;

import java.nio.file.Path;

/**
 * What a {@link Trainer#fit()} call is about to do, given to listeners before the first step.
 *
 * @param epochs          the total number of epochs of the run
 * @param batchesPerEpoch optimiser steps per epoch
 * @param startEpoch      the epoch index the first step belongs to (more than 0 when resuming)
 * @param startBatch      the batch number within {@code startEpoch} of the first step
 * @param startStep       the global index of the first step
 * @param outputDir       where logs and checkpoints go
 */
public record TrainingPlan(int epochs, int batchesPerEpoch, long startEpoch, int startBatch, long startStep, Path outputDir) {
    /** Steps left to run. */
    public long remainingSteps() {
        return Math.max(0, (long) epochs * batchesPerEpoch - startStep);
    }
}
