package io.github.basis4j.nn.train;

/**
 * The summary of one epoch; one row of {@code epochs.csv}. Evaluation fields are {@code NaN} when the
 * trainer has no evaluation loader.
 *
 * @param epoch          epoch index, from 0
 * @param steps          optimiser updates done by the end of this epoch (all epochs)
 * @param trainLoss      mean data loss over the epoch's training samples (batches weighted by size)
 * @param trainAccuracy  fraction of the epoch's training samples classified right before their update
 * @param lr             the learning rate of the epoch's last update
 * @param evalLoss       mean data loss over the evaluation set, in eval mode without gradients
 * @param evalTop1       top-1 accuracy over the evaluation set
 * @param evalTop5       top-5 accuracy over the evaluation set
 * @param trainSeconds   wall time of this epoch's training steps run by this process, batch loading and
 *                       mid-epoch checkpoints included, evaluation not
 * @param imagesPerSecond training samples per second over {@code trainSeconds}
 * @param best           whether this epoch improved the best result so far and was saved as {@code best.safetensors}
 */
public record EpochMetrics(long epoch, long steps, double trainLoss, double trainAccuracy, double lr, double evalLoss,
        double evalTop1, double evalTop5, double trainSeconds, double imagesPerSecond, boolean best) {
    /** Whether the evaluation fields are set. */
    public boolean evaluated() {
        return !Double.isNaN(evalTop1);
    }
}
