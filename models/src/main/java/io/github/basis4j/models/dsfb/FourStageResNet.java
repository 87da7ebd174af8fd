package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.AdaptiveAvgPool2d;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.MaxPool2d;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * The four-stage ResNets of He et al. (2016), 64-128-256-512 channels, and their Deeply Shared Filter Bases
 * variants (Kim &amp; Kang, NeurIPS 2020), mirroring the reference {@code ssregibility/Net_RL2}:
 * {@code models/ilsvrc/resnet.py} ({@code ResNet}, {@code ResNet_SingleShared}, {@code ResNet_DoubleShared},
 * {@code ResNet_BottleneckShared}, {@code ResNet_BottleneckSharedSingle}) with the {@link Stem#IMAGENET} stem,
 * and {@code models/cifar100/resnet.py}'s models with the {@link Stem#CIFAR} stem. {@link IlsvrcModels} and
 * {@link Cifar100Models} build the named models.
 *
 * <p>Architecture: the stem ({@code conv1}, {@code bn1}, ReLU, and for ImageNet a 3×3 stride-2 max pool), four
 * stages {@code layer1..4} of 64, 128, 256 and 512 planes with stride 1, 2, 2, 2, global average pooling and
 * a linear classifier {@code fc}. Each stage starts with an ordinary block ({@link BasicBlock} with the
 * convolution shortcut, or {@link BottleneckBlock}); the blocks after it are ordinary blocks, {@link BasisBlock}s
 * (basic variants chosen by {@link Sharing}; stage s has shared rank {@code sharedRank·2^(s-1)} and unique
 * rank {@code uniqueRank·2^(s-1)}) or bottlenecks using the stage's shared layers ({@link BottleneckSharing}).
 *
 * <p>Shapes: x {@code [n, h, w, inChannels]} (NHWC) → logits {@code [n, numClasses]}. The ImageNet stem
 * divides h and w by 4 (224 → 56), the stages by a further 8 (56 → 7); the pooling averages whatever remains,
 * so any size of at least 1 works (64 × 64 ends at 2 × 2). Batch norm in training mode needs more than one
 * value per channel at the last stage.
 *
 * <p>State, in the reference's registration order: {@code conv1.weight}, {@code bn1.*}, then per stage its
 * shared layers ({@code shared_basis_<s>}, or {@code shared_basis_<s>_1} and {@code _2}) followed by
 * {@code layer<s>.<i>.*}, then {@code fc.weight}, {@code fc.bias}. A shared layer appears again under every
 * block of its stage that uses it.
 *
 * <p>Initialisation, as the reference's constructors: every convolution Kaiming-normal with fan-out and the
 * ReLU gain, batch norms weight 1 and bias 0, the classifier PyTorch's {@code nn.Linear} default; then the
 * shared layers orthogonal — the two bases of a {@link Sharing#DOUBLE_SHARED} stage jointly, every other
 * shared layer on its own (CIFAR-100's {@code ResNet_NonShared} runs the same loop and has no shared layers). The numbers come from {@link Rng} seeded with {@link Builder#optSeed}.
 */
public final class FourStageResNet extends Module {
    /** Planes of the four stages (He et al. 2016, table 1). */
    private static final int[] STAGE_PLANES = {64, 128, 256, 512};
    /** Stage s's shared and unique ranks are {@code rank·2^(s-1)}, as the reference's {@code rank*1, *2, *4, *8}. */
    private static final int[] STAGE_RANK_FACTOR = {1, 2, 4, 8};

    /** The layers before the first stage. */
    public enum Stem {
        /** ImageNet: 7×7 convolution with stride 2 and padding 3, then a 3×3 max pool with stride 2 and padding 1. */
        IMAGENET,
        /** CIFAR: 3×3 convolution with stride 1 and padding 1, no pooling. */
        CIFAR
    }

    /** One residual stage: its {@code layer<s>} container and the shared layers it owns, in registration order. */
    public record Stage(int planes, Sequential layer, List<Conv2d> sharedLayers) {
        public Stage {
            sharedLayers = List.copyOf(sharedLayers);
        }
    }

    private final Stem stem;
    private final Sharing sharing;
    private final BottleneckSharing bottleneckSharing;
    private final int inChannels;
    private final int numClasses;
    private final int[] numBlocks;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final MaxPool2d maxpool;
    private final List<Stage> stages = new ArrayList<>(4);
    private final AdaptiveAvgPool2d avgpool;
    private final Linear fc;

    private FourStageResNet(Builder b) {
        this.stem = b.stem;
        this.sharing = b.sharing;
        this.bottleneckSharing = b.bottleneckSharing;
        this.inChannels = b.inChannels;
        this.numClasses = b.numClasses;
        this.numBlocks = b.numBlocks.clone();
        Rng rng = Rng.of(b.seed);
        boolean imagenet = stem == Stem.IMAGENET;
        this.conv1 = registerModule("conv1", new Conv2d(inChannels, STAGE_PLANES[0], imagenet ? 7 : 3, imagenet ? 2 : 1, imagenet ? 3 : 1, false, rng));
        this.bn1 = registerModule("bn1", new BatchNorm2d(STAGE_PLANES[0]));
        this.maxpool = imagenet ? registerModule("maxpool", new MaxPool2d(3, 2, 1)) : null;
        int inPlanes = STAGE_PLANES[0];
        for (int s = 0; s < 4; s++) {
            int planes = STAGE_PLANES[s];
            int stride = s == 0 ? 1 : 2;
            String id = Integer.toString(s + 1);
            List<Conv2d> shared = new ArrayList<>(2);
            Sequential layer;
            if (sharing != null) {
                // The stage's shared bases are registered on the model before its layer, as the reference does.
                int rank = b.sharedRank * STAGE_RANK_FACTOR[s];
                for (String name : sharing.sharedBasisNames(s + 1)) {
                    shared.add(registerModule(name, new Conv2d(planes, rank, 3, 1, 1, false, rng)));
                }
                layer = new Sequential(new BasicBlock(inPlanes, planes, stride, Shortcut.B, rng));
                for (int i = 1; i < numBlocks[s]; i++) {
                    layer.add(sharing == Sharing.NONE ? new BasicBlock(planes, planes, 1, Shortcut.B, rng)
                            : new BasisBlock(sharing, planes, shared, b.uniqueRank * STAGE_RANK_FACTOR[s], rng));
                }
                inPlanes = planes;
            } else {
                int out = BottleneckBlock.EXPANSION * planes;
                if (bottleneckSharing == BottleneckSharing.SHARED_SINGLE) {
                    shared.add(registerModule("shared_basis_" + id, new Conv2d(planes, planes, 3, 1, 1, false, rng)));
                } else if (bottleneckSharing == BottleneckSharing.SHARED) {
                    shared.add(registerModule("shared_basis_" + id + "_1", new Conv2d(planes, planes, 3, 1, 1, false, rng)));
                    shared.add(registerModule("shared_basis_" + id + "_2", new Conv2d(planes, out, 1, 1, 0, false, rng)));
                }
                Conv2d conv2 = shared.isEmpty() ? null : shared.get(0);
                Conv2d conv3 = shared.size() < 2 ? null : shared.get(1);
                layer = new Sequential(new BottleneckBlock(inPlanes, planes, stride, null, null, rng));
                for (int i = 1; i < numBlocks[s]; i++) layer.add(new BottleneckBlock(out, planes, 1, conv2, conv3, rng));
                inPlanes = out;
            }
            registerModule("layer" + id, layer);
            stages.add(new Stage(planes, layer, shared));
        }
        this.avgpool = registerModule("avgpool", new AdaptiveAvgPool2d(1));
        this.fc = registerModule("fc", new Linear(inPlanes, numClasses, true, rng));
        ReferenceInit.kaimingConvsUnitNorms(this, rng);
        for (Stage st : stages) {
            if (sharing == Sharing.DOUBLE_SHARED) {
                ReferenceInit.orthogonal(st.sharedLayers(), rng);
            } else {
                // The reference's "each shared basis is orthogonal-initialized separately".
                for (Conv2d c : st.sharedLayers()) ReferenceInit.orthogonal(List.of(c), rng);
            }
        }
    }

    /** A builder: {@link Builder#setNumBlocks} and one of {@link Builder#setBasicBlocks} or {@link Builder#setBottleneckBlocks} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** x {@code [n, h, w, inChannels]} → logits {@code [n, numClasses]}. */
    @Override
    public Variable forward(Variable x) {
        NetworkChecks.requireImages("FourStageResNet", x, inChannels);
        Variable out = Activation.relu(bn1.forward(conv1.forward(x)));
        if (maxpool != null) out = maxpool.forward(out);
        for (Stage stage : stages) out = stage.layer().forward(out);
        return fc.forward(Shapes.flatten(avgpool.forward(out)));
    }

    public Stem stem() {
        return stem;
    }

    /** The variant of a basic-block network, null for a bottleneck network. */
    public Sharing sharing() {
        return sharing;
    }

    /** The variant of a bottleneck network, null for a basic-block network. */
    public BottleneckSharing bottleneckSharing() {
        return bottleneckSharing;
    }

    /** The four stages in order. */
    public List<Stage> stages() {
        return List.copyOf(stages);
    }

    public int inChannels() {
        return inChannels;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Blocks per stage. */
    public int[] numBlocks() {
        return numBlocks.clone();
    }

    /**
     * Options of a {@link FourStageResNet}. Defaults: ImageNet stem, 1000 classes, 3 input channels, seed 0.
     * A rank is required exactly when the basic-block variant has that kind of basis, and must be left unset
     * otherwise (bottleneck variants share whole layers and take no ranks).
     */
    public static final class Builder {
        private Stem stem = Stem.IMAGENET;
        private Sharing sharing;
        private BottleneckSharing bottleneckSharing;
        private int[] numBlocks;
        private int sharedRank;
        private int uniqueRank;
        private int numClasses = 1000;
        private int inChannels = 3;
        private long seed;

        private Builder() {
        }

        public Builder setStem(Stem stem) {
            this.stem = stem;
            return this;
        }

        /** Basic blocks (ResNet-18/34 and their DSFB variants), the non-first ones built as {@code sharing} says. */
        public Builder setBasicBlocks(Sharing sharing) {
            this.sharing = sharing;
            this.bottleneckSharing = null;
            return this;
        }

        /** Bottleneck blocks (ResNet-50/101 and their shared variants). */
        public Builder setBottleneckBlocks(BottleneckSharing sharing) {
            this.bottleneckSharing = sharing;
            this.sharing = null;
            return this;
        }

        /** Blocks in each of the four stages, e.g. 3, 4, 6, 3 for ResNet-34 and ResNet-50. */
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

        public Builder optInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /** Seed of the initial weights. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Validates the options and builds the model. */
        public FourStageResNet build() {
            String op = "FourStageResNet";
            if (stem == null) throw new IllegalArgumentException(op + ": stem must not be null");
            if (sharing == null && bottleneckSharing == null) throw new IllegalArgumentException(op + ": setBasicBlocks or setBottleneckBlocks is required");
            String variant = sharing != null ? "basic " + sharing : "bottleneck " + bottleneckSharing;
            boolean sharedLater = sharing != null ? sharing.hasBasisBlocks() : bottleneckSharing != BottleneckSharing.NONE;
            NetworkChecks.requireBlocks(op, variant, numBlocks, 4, sharedLater ? 2 : 1);
            NetworkChecks.requireRank(op, variant, "sharedRank", sharedRank, sharing != null && sharing.sharedBasesPerStage() > 0);
            NetworkChecks.requireRank(op, variant, "uniqueRank", uniqueRank, sharing != null && sharing.hasUniqueBases());
            NetworkChecks.requireAtLeastOne(op, "numClasses", numClasses);
            NetworkChecks.requireAtLeastOne(op, "inChannels", inChannels);
            return new FourStageResNet(this);
        }
    }
}
