package io.github.basis4j.models.dsfb;

/**
 * Which layers of a stage's non-first {@link BottleneckBlock}s the stage shares, one constant per bottleneck
 * model class of the DSFB reference ({@code models/ilsvrc/resnet.py}). The first block of every stage keeps
 * its own layers: it changes width and resolution.
 */
public enum BottleneckSharing {
    /** {@code ResNet} with {@code BottleneckBlock}: nothing shared (He et al. 2016). */
    NONE(0),
    /** {@code ResNet_BottleneckSharedSingle}: the 3×3 convolution ({@code shared_basis_<s>}). */
    SHARED_SINGLE(1),
    /** {@code ResNet_BottleneckShared}: the 3×3 convolution and the 1×1 expansion ({@code shared_basis_<s>_1}, {@code _2}). */
    SHARED(2);

    private final int sharedPerStage;

    BottleneckSharing(int sharedPerStage) {
        this.sharedPerStage = sharedPerStage;
    }

    /** Shared convolutions each stage owns: 0, 1 or 2. */
    public int sharedLayersPerStage() {
        return sharedPerStage;
    }
}
