package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.AdaptiveAvgPool2d;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * The CIFAR ResNet family of He et al. (2016) and its Deeply Shared Filter Bases variants (Kim &amp; Kang,
 * NeurIPS 2020), mirroring the reference {@code ssregibility/Net_RL2} ({@code models/cifar10/resnet.py}):
 * {@code ResNet}, {@code ResNet_NonShared}, {@code ResNet_SharedOnly}, {@code ResNet_SingleShared} and
 * {@code ResNet_DoubleShared}, chosen by {@link Sharing}. {@link Cifar10ResNets} builds the named models.
 *
 * <p>Architecture: a 3×3 stem ({@code conv1}: inChannels → 16, {@code bn1}, ReLU), three stages of 16, 32
 * and 64 channels ({@code layer1..3}), global average pooling and a linear classifier ({@code fc}). Stage s
 * (s = 1, 2, 3) has {@code numBlocks[s-1]} blocks: a {@link BasicBlock} first (stride 1 in stage 1, 2 after,
 * with the option-A shortcut where the width doubles), then ordinary {@link BasicBlock}s for
 * {@link Sharing#NONE} or {@link BasisBlock}s otherwise. The stage's shared bases (rank
 * {@code sharedRank·2^(s-1)}) and unique bases (rank {@code uniqueRank·2^(s-1)}) scale with its width.
 *
 * <p>Shapes: x {@code [n, h, w, inChannels]} (NHWC) → logits {@code [n, numClasses]}. The stages map
 * h × w to h × w, ⌈h/2⌉ × ⌈w/2⌉ and ⌈h/4⌉ × ⌈w/4⌉ (32 → 32, 16, 8 on CIFAR; Fashion-MNIST's 28 × 28 × 1
 * images with {@code inChannels = 1} go 28 → 28, 14, 7), and the pooling averages whatever remains, so any
 * size works. Batch norm in training mode needs more than one value per channel: n·⌈h/4⌉·⌈w/4⌉ ≥ 2.
 *
 * <p>State, in the reference's registration order: {@code conv1.weight}, {@code bn1.*}, then per stage its
 * shared bases ({@code shared_basis_<s>} for SingleShared, {@code shared_basis_<s>_1}, {@code _2} for
 * SharedOnly and DoubleShared) followed by {@code layer<s>.<i>.*}, then {@code fc.weight}, {@code fc.bias}.
 * A shared basis appears again under every basis block of its stage ({@link BasisBlock}).
 *
 * <p>Initialisation, as the reference's constructor: every convolution Kaiming-normal with fan-out and the
 * ReLU gain, batch norms weight 1 and bias 0, the classifier PyTorch's {@code nn.Linear} default; then the
 * shared bases orthogonal — for SharedOnly and DoubleShared the stage's two bases jointly, as rows of one
 * {@code [2·rank, planes·9]} orthogonal matrix split in half, for SingleShared each basis on its own. The
 * numbers come from {@link Rng} seeded with {@link Builder#optSeed}, not from PyTorch's generator.
 */
public final class CifarResNet extends Module {
    /** Channels of the three stages, the CIFAR ResNets' 16, 32, 64 (He et al. 2016, section 4.2). */
    private static final int[] STAGE_PLANES = {16, 32, 64};
    /** The shared and unique bases of stage s have {@code rank·2^(s-1)} filters, as the reference's {@code rank*1, *2, *4}. */
    private static final int[] STAGE_RANK_FACTOR = {1, 2, 4};
    /** Basis filters and the stem are 3×3 convolutions with padding 1. */
    private static final int KERNEL = 3;

    /**
     * One residual stage: its width, its {@code layer<s>} container, the shared basis convolutions it owns
     * (0, 1 or 2, in registration order) and its basis blocks ({@code layer<s>.1} onwards; empty for
     * {@link Sharing#NONE}).
     */
    public record Stage(int planes, Sequential layer, List<Conv2d> sharedBases, List<BasisBlock> basisBlocks) {
        public Stage {
            sharedBases = List.copyOf(sharedBases);
            basisBlocks = List.copyOf(basisBlocks);
        }
    }

    private final Sharing sharing;
    private final int inChannels;
    private final int numClasses;
    private final int sharedRank;
    private final int uniqueRank;
    private final int[] numBlocks;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final List<Stage> stages = new ArrayList<>(3);
    private final AdaptiveAvgPool2d avgpool;
    private final Linear fc;

    private CifarResNet(Builder b) {
        this.sharing = b.sharing;
        this.inChannels = b.inChannels;
        this.numClasses = b.numClasses;
        this.sharedRank = b.sharedRank;
        this.uniqueRank = b.uniqueRank;
        this.numBlocks = b.numBlocks.clone();
        Rng rng = Rng.of(b.seed);

        this.conv1 = registerModule("conv1", new Conv2d(inChannels, STAGE_PLANES[0], KERNEL, 1, 1, false, rng));
        this.bn1 = registerModule("bn1", new BatchNorm2d(STAGE_PLANES[0]));
        int inPlanes = STAGE_PLANES[0];
        for (int s = 0; s < 3; s++) {
            int planes = STAGE_PLANES[s];
            String id = Integer.toString(s + 1);
            // The stage's shared bases are registered on the model before its layer, as the reference does.
            List<Conv2d> shared = new ArrayList<>(2);
            int sharedStageRank = sharedRank * STAGE_RANK_FACTOR[s];
            for (String name : sharing.sharedBasisNames(s + 1)) {
                shared.add(registerModule(name, new Conv2d(planes, sharedStageRank, KERNEL, 1, 1, false, rng)));
            }
            Sequential layer = new Sequential(new BasicBlock(inPlanes, planes, s == 0 ? 1 : 2, b.shortcut, rng));
            List<BasisBlock> basisBlocks = new ArrayList<>();
            for (int i = 1; i < numBlocks[s]; i++) {
                if (sharing == Sharing.NONE) {
                    layer.add(new BasicBlock(planes, planes, 1, b.shortcut, rng));
                } else {
                    BasisBlock block = new BasisBlock(sharing, planes, shared, uniqueRank * STAGE_RANK_FACTOR[s], rng);
                    layer.add(block);
                    basisBlocks.add(block);
                }
            }
            registerModule("layer" + id, layer);
            stages.add(new Stage(planes, layer, shared, basisBlocks));
            inPlanes = planes;
        }
        this.avgpool = registerModule("avgpool", new AdaptiveAvgPool2d(1));
        this.fc = registerModule("fc", new Linear(inPlanes, numClasses, true, rng));
        initialise(rng);
    }

    /** The reference's constructor-time initialisation; see the class description. */
    private void initialise(Rng rng) {
        ReferenceInit.kaimingConvsUnitNorms(this, rng);
        // SharedOnly and DoubleShared initialise a stage's two bases jointly, SingleShared its one basis alone.
        for (Stage stage : stages) ReferenceInit.orthogonal(stage.sharedBases(), rng);
    }

    /** A builder: {@link Builder#setSharing} and {@link Builder#setNumBlocks} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** x {@code [n, h, w, inChannels]} → logits {@code [n, numClasses]}. */
    @Override
    public Variable forward(Variable x) {
        NetworkChecks.requireImages("CifarResNet", x, inChannels);
        Variable out = Activation.relu(bn1.forward(conv1.forward(x)));
        for (Stage stage : stages) out = stage.layer().forward(out);
        return fc.forward(Shapes.flatten(avgpool.forward(out)));
    }

    /** The stem convolution, for inference fusion. */
    Conv2d stemConv() {
        return conv1;
    }

    /** The norm after the stem convolution. */
    BatchNorm2d stemBn() {
        return bn1;
    }

    /** The classifier. */
    Linear fc() {
        return fc;
    }

    public Sharing sharing() {
        return sharing;
    }

    /** The three stages in order. */
    public List<Stage> stages() {
        return List.copyOf(stages);
    }

    public int inChannels() {
        return inChannels;
    }

    public int numClasses() {
        return numClasses;
    }

    /** The shared rank of stage 1 (stage s has {@code sharedRank·2^(s-1)}), 0 without shared bases. */
    public int sharedRank() {
        return sharedRank;
    }

    /** The unique rank of stage 1 (stage s has {@code uniqueRank·2^(s-1)}), 0 without unique bases. */
    public int uniqueRank() {
        return uniqueRank;
    }

    /** Blocks per stage. */
    public int[] numBlocks() {
        return numBlocks.clone();
    }

    /**
     * Options of a {@link CifarResNet}. Defaults: 10 classes, 3 input channels, option-A shortcuts, seed 0.
     * A rank is required exactly when the variant has that kind of basis, and must be left unset otherwise.
     */
    public static final class Builder {
        private Sharing sharing;
        private int[] numBlocks;
        private int sharedRank;
        private int uniqueRank;
        private int numClasses = 10;
        private int inChannels = 3;
        private Shortcut shortcut = Shortcut.A;
        private long seed;

        private Builder() {
        }

        public Builder setSharing(Sharing sharing) {
            this.sharing = sharing;
            return this;
        }

        /** Blocks in each of the three stages, e.g. 5, 5, 5 for a 32-layer network (6·n + 2 layers). */
        public Builder setNumBlocks(int... numBlocks) {
            this.numBlocks = numBlocks == null ? null : numBlocks.clone();
            return this;
        }

        /** Shared basis filters in stage 1 (the reference's {@code shared_rank}). */
        public Builder optSharedRank(int rank) {
            this.sharedRank = rank;
            return this;
        }

        /** Unique basis filters per convolution in stage 1 (the reference's {@code unique_rank}). */
        public Builder optUniqueRank(int rank) {
            this.uniqueRank = rank;
            return this;
        }

        public Builder optNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /** Channels of the input images: 3 for CIFAR, 1 for (Fashion-)MNIST. */
        public Builder optInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /** The shortcut of the stage-entry blocks (the reference's {@code option}, default A). */
        public Builder optShortcut(Shortcut shortcut) {
            this.shortcut = shortcut;
            return this;
        }

        /** Seed of the initial weights. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Validates the options and builds the model. */
        public CifarResNet build() {
            String op = "CifarResNet";
            if (sharing == null) throw new IllegalArgumentException(op + ": setSharing is required");
            if (shortcut == null) throw new IllegalArgumentException(op + ": shortcut must not be null");
            // A basis variant's shared bases are used only by blocks after the first of the stage.
            NetworkChecks.requireBlocks(op, sharing, numBlocks, 3, sharing.hasBasisBlocks() ? 2 : 1);
            NetworkChecks.requireRank(op, sharing, "sharedRank", sharedRank, sharing.sharedBasesPerStage() > 0);
            NetworkChecks.requireRank(op, sharing, "uniqueRank", uniqueRank, sharing.hasUniqueBases());
            NetworkChecks.requireAtLeastOne(op, "numClasses", numClasses);
            NetworkChecks.requireAtLeastOne(op, "inChannels", inChannels);
            return new CifarResNet(this);
        }
    }
}
