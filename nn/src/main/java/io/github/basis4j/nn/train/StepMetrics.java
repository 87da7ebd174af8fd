package io.github.basis4j.nn.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@link Trainer} measured in one optimiser step; one row of {@code metrics.csv}.
 *
 * @param epoch         epoch index, from 0 (the data loader's epoch)
 * @param step          global step index, from 0: optimiser updates done before this one
 * @param batch         batch number within the epoch, from 0
 * @param batchSize     samples in the batch
 * @param loss          the data loss (without penalties)
 * @param penalties     each regulariser's value, by name, in the order they were added
 * @param accuracy      fraction of the batch whose largest logit is the label (before the update)
 * @param lr            the learning rate this update used
 * @param gradNorm      L2 norm of all the model's parameter gradients together, before clipping
 * @param namedGradNorms L2 norm of each requested parameter set's gradients, before clipping, by name
 * @param seconds       wall time of forward, backward and update (not the wait for the batch)
 */
public record StepMetrics(long epoch, long step, int batch, int batchSize, double loss, Map<String, Double> penalties,
        double accuracy, double lr, double gradNorm, Map<String, Double> namedGradNorms, double seconds) {
    public StepMetrics {
        penalties = Collections.unmodifiableMap(new LinkedHashMap<>(penalties));
        namedGradNorms = Collections.unmodifiableMap(new LinkedHashMap<>(namedGradNorms));
    }
}
