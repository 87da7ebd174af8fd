package io.github.basis4j.models.dsfb;

import java.util.List;

/**
 * How the residual blocks of a CIFAR ResNet stage get their 3×3 filters, one constant per model class of
 * the DSFB reference ({@code ssregibility/Net_RL2}, {@code models/cifar10/resnet.py}, and the four-stage
 * {@code models/cifar100/resnet.py} and {@code models/ilsvrc/resnet.py}).
 *
 * <p>Every variant keeps the first block of each stage an ordinary {@link BasicBlock} (it changes width and
 * resolution); the variants differ in the blocks after it. In a basis block each 3×3 convolution is split
 * into basis filters (3×3, C → rank) followed by coefficients (1×1, rank → C). The basis filters are the
 * block's own ({@code basis_conv1}, {@code basis_conv2}: "unique"), the stage's ({@code shared_basis…}:
 * "shared", one module object used by every block of the stage), or both, unique channels first.
 */
public enum Sharing {
    /** {@code ResNet}: plain {@link BasicBlock}s everywhere, no basis decomposition (He et al. 2016). */
    NONE(0, false),
    /** {@code ResNet_NonShared}: every basis block has only unique bases (rank {@code uniqueRank·2^stage}). */
    NON_SHARED(0, true),
    /**
     * {@code ResNet_SharedOnly}: two shared bases per stage ({@code shared_basis_<s>_1}, {@code _2}, one per
     * convolution of a block), no unique bases.
     */
    SHARED_ONLY(2, false),
    /**
     * CIFAR-100's {@code ResNet_SharedOnly} ({@code models/cifar100/resnet.py}; not CIFAR-10's class of that
     * name): one shared basis per stage ({@code shared_basis_<s>}) used by both convolutions, no unique bases.
     */
    SHARED_ONLY_SINGLE(1, false),
    /** {@code ResNet_SingleShared}: one shared basis per stage ({@code shared_basis_<s>}) used by both convolutions, plus unique bases. */
    SINGLE_SHARED(1, true),
    /** {@code ResNet_DoubleShared}, the paper's proposed model: two shared bases per stage plus unique bases. */
    DOUBLE_SHARED(2, true);

    private final int sharedPerStage;
    private final boolean unique;

    Sharing(int sharedPerStage, boolean unique) {
        this.sharedPerStage = sharedPerStage;
        this.unique = unique;
    }

    /** Shared basis convolutions each stage owns: 0, 1 or 2. */
    public int sharedBasesPerStage() {
        return sharedPerStage;
    }

    /** Whether basis blocks have their own (unique) basis filters. */
    public boolean hasUniqueBases() {
        return unique;
    }

    /** Whether blocks after the first of a stage are basis blocks (everything but {@link #NONE}). */
    public boolean hasBasisBlocks() {
        return this != NONE;
    }

    /**
     * The reference's names of stage {@code stage}'s (from 1) shared bases, in registration order: none,
     * {@code shared_basis_<stage>}, or {@code shared_basis_<stage>_1} and {@code shared_basis_<stage>_2}.
     */
    List<String> sharedBasisNames(int stage) {
        String name = "shared_basis_" + stage;
        return switch (sharedPerStage) {
            case 0 -> List.of();
            case 1 -> List.of(name);
            default -> List.of(name + "_1", name + "_2");
        };
    }
}
