package io.github.basis4j.nn.data;

import io.github.basis4j.simd.Tensor;

/**
 * One mini-batch: images {@code [B, H, W, C]} (channel-last, as the network consumes them), their labels
 * and the dataset indices they came from. {@code B} is the batch size, or less for a final partial batch.
 *
 * @param images  {@code [B, H, W, C]}
 * @param labels  {@code B} labels
 * @param indices {@code B} dataset indices, in batch order
 * @param epoch   the epoch this batch belongs to
 * @param number  its position in the epoch, from 0
 */
public record Batch(Tensor images, int[] labels, int[] indices, long epoch, int number) {
    /** The number of samples. */
    public int size() {
        return labels.length;
    }
}
