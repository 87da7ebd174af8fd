package io.github.basis4j.cli;

/**
 * How a model family is trained by its reference, for the {@code train} options a user leaves out: the
 * MetaFormers train with AdamW, a cosine schedule after a linear warm-up, label smoothing, stochastic depth
 * and weight decay 0.05 (timm's recipe as the DFFormer reference uses it), where the command's own defaults
 * are the CIFAR ResNets' SGD recipe.
 *
 * @param baseLr         peak learning rate at {@code baseBatchSize} images per step; {@link #lr(int)} scales it
 *                       linearly with the batch size (the reference's {@code lr · batch / 4096} rule)
 * @param baseBatchSize  the batch size {@code baseLr} is given for
 * @param weightDecay    AdamW's decoupled weight decay
 * @param warmupEpochs   epochs of linear warm-up from 0 before the cosine decay
 * @param labelSmoothing ε of the cross-entropy
 * @param dropPathRate   stochastic depth rate of the last block (the model's {@code drop_path_rate})
 */
public record TrainingRecipe(double baseLr, int baseBatchSize, double weightDecay, int warmupEpochs, double labelSmoothing,
        double dropPathRate) {
    /** Validates the values. */
    public TrainingRecipe {
        if (!(baseLr > 0) || baseBatchSize < 1 || !(weightDecay >= 0) || warmupEpochs < 0 || !(labelSmoothing >= 0 && labelSmoothing < 1)
                || !(dropPathRate >= 0 && dropPathRate < 1)) {
            throw new IllegalArgumentException("TrainingRecipe: need baseLr > 0, baseBatchSize >= 1, weightDecay >= 0, warmupEpochs >= 0,"
                    + " labelSmoothing in [0, 1) and dropPathRate in [0, 1), got " + this);
        }
    }

    /** The peak learning rate for {@code batchSize} images per step: {@code baseLr · batchSize / baseBatchSize}. */
    public double lr(int batchSize) {
        return baseLr * batchSize / baseBatchSize;
    }
}
