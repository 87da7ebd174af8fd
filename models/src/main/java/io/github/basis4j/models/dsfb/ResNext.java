package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.nn.functional.Pool;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.init.Init;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.ReLU;
import io.github.basis4j.nn.modules.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ResNeXt for CIFAR (Xie et al. 2017) and its DSFB variant, as the reference writes them
 * ({@code ssregibility/Net_RL2}, {@code models/cifar100/resnext.py}: {@code ResNext}, {@code ResNext_SingleShared}).
 *
 * <p>Architecture: {@code conv1} (3×3, stride 1, to 64), {@code bn1}, ReLU; four stages {@code layer1..4} of
 * bottlenecks with planes 64, 128, 256, 512 and stride 1, 2, 2, 2; a bottleneck of width
 * {@code ⌊planes·baseWidth/64⌋·groups} is 1×1 to width, grouped 3×3 ({@code groups}) with the stride, 1×1 to
 * 4·planes, batch norm after each, ReLU after the first two and after the sum with the shortcut (a strided
 * 1×1 and batch norm when the shape changes); then a 4×4 average pool (the reference's {@code avg_pool2d(out, 4)},
 * so the last map must be 4×4 to 7×7: inputs of 25 to 56 pixels a side, 32 in the reference) and {@code linear}.
 *
 * <p>{@link Variant#SINGLE_SHARED} keeps every stage's first block and replaces the others' grouped 3×3 by
 * {@code cat(basis_conv2(h), shared_basis(h))} followed by {@code bn2}, ReLU and {@code conv3} over the
 * {@code unique + shared} channels. Stage s's shared basis {@code shared_basis_s} has {@code sharedRank·2^(s-1)}
 * filters in {@code ⌊sharedRank/4⌋} groups (a constant 4 in the reference, not baseWidth), the unique basis
 * {@code uniqueRank·2^(s-1)} filters in {@code ⌊uniqueRank·2^(s-1)/baseWidth⌋} groups. The reference's train
 * script default unique rank 1 therefore gives zero groups, which PyTorch rejects; the smallest that builds is
 * baseWidth (4 for 32×4d).
 *
 * <p>Shapes: x {@code [n, h, w, inChannels]} (NHWC) → logits {@code [n, numClasses]}.
 *
 * <p>State, in the reference's order: {@code conv1}, {@code bn1}, per stage ({@code shared_basis_s} first in the
 * shared variant) {@code layer<s>.<i>.*} — plain blocks as {@code residual_function.0..7} and {@code shortcut.*},
 * shared blocks as {@code shared_basis} (alias), {@code conv1}, {@code bn1}, {@code basis_conv2}, {@code bn2},
 * {@code conv3}, {@code bn3}, {@code shortcut} — then {@code linear}.
 *
 * <p>Initialisation: PyTorch's layer defaults (no initialisation loop in the reference), batch norms weight 1
 * and bias 0; in the shared variant the four shared bases are then orthogonal, each on its own
 * ({@code nn.init.orthogonal_}). The numbers come from {@link Rng} seeded with the constructor's seed.
 */
public final class ResNext extends Module {
    /** The two networks of the reference file. */
    public enum Variant {
        /** {@code ResNext}. */
        PLAIN,
        /** {@code ResNext_SingleShared}. */
        SINGLE_SHARED
    }

    /** Output channels per plane, the reference's {@code BottleNeck.expansion}. */
    public static final int EXPANSION = 4;
    private static final int[] STAGE_PLANES = {64, 128, 256, 512};
    private static final int[] STAGE_RANK_FACTOR = {1, 2, 4, 8};
    /** The reference's shared basis groups are {@code int(shared_rank/4)}, a literal 4. */
    private static final int SHARED_GROUP_DIVISOR = 4;
    /** The reference's {@code F.avg_pool2d(out, 4)}. */
    private static final int HEAD_POOL = 4;
    private static final int STEM = 64;

    private final Variant variant;
    private final int inChannels;
    private final int numClasses;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final List<Sequential> layers = new ArrayList<>(4);
    private final List<Conv2d> sharedBases = new ArrayList<>(4);
    private final Linear linear;

    /**
     * A ResNeXt of four stages.
     *
     * @param numBlocks blocks per stage (50: 3, 4, 6, 3; 101: 3, 4, 23, 3)
     * @param groups the grouped convolution's groups (cardinality, 32)
     * @param baseWidth channels per group at planes 64 (4 for 32×4d, 8 for 32×8d)
     * @param sharedRank stage-1 shared basis filters (SINGLE_SHARED), 0 for PLAIN
     * @param uniqueRank stage-1 unique basis filters (SINGLE_SHARED), 0 for PLAIN
     * @param seed seed of the initial weights
     */
    public ResNext(Variant variant, int[] numBlocks, int groups, int baseWidth, int sharedRank, int uniqueRank, int inChannels, int numClasses, long seed) {
        String op = "ResNext";
        if (variant == null) throw new IllegalArgumentException(op + ": variant must not be null");
        boolean shared = variant == Variant.SINGLE_SHARED;
        int minBlocks = shared ? 2 : 1;
        if (numBlocks == null || numBlocks.length != 4 || Arrays.stream(numBlocks).anyMatch(b -> b < minBlocks)) {
            throw new IllegalArgumentException(op + ": numBlocks must give 4 stages of >= " + minBlocks + " blocks, got "
                    + (numBlocks == null ? "null" : Arrays.toString(numBlocks)));
        }
        if (groups < 1 || baseWidth < 1) throw new IllegalArgumentException(op + ": groups and baseWidth must be >= 1, got " + groups + " and " + baseWidth);
        NetworkChecks.requireRanks(op, variant, shared, sharedRank, uniqueRank);
        NetworkChecks.requireAtLeastOne(op, "inChannels", inChannels);
        NetworkChecks.requireAtLeastOne(op, "numClasses", numClasses);
        this.variant = variant;
        this.inChannels = inChannels;
        this.numClasses = numClasses;
        Rng rng = Rng.of(seed);
        this.conv1 = registerModule("conv1", new Conv2d(inChannels, STEM, 3, 1, 1, false, rng));
        this.bn1 = registerModule("bn1", new BatchNorm2d(STEM));
        int in = STEM;
        for (int s = 0; s < 4; s++) {
            int planes = STAGE_PLANES[s];
            int width = width(planes, baseWidth, groups);
            Conv2d basis = null;
            int unique = 0;
            if (shared) {
                int rank = sharedRank * STAGE_RANK_FACTOR[s];
                int sharedGroups = sharedRank / SHARED_GROUP_DIVISOR;
                checkGroups(op, "shared_basis_" + (s + 1), width, rank, sharedGroups, "int(shared_rank/4) with shared_rank " + sharedRank);
                unique = uniqueRank * STAGE_RANK_FACTOR[s];
                checkGroups(op, "layer" + (s + 1) + " basis_conv2", width, unique, unique / baseWidth,
                        "int(unique_rank/base_width) with unique_rank " + unique + ", base_width " + baseWidth);
                basis = registerModule("shared_basis_" + (s + 1), Conv2d.builder().setInChannels(width).setOutChannels(rank).setKernelSize(3)
                        .optPadding(1).optGroups(sharedGroups).optBias(false).setRng(rng).build());
                sharedBases.add(basis);
            }
            Sequential layer = new Sequential(new Block(in, planes, groups, baseWidth, s == 0 ? 1 : 2, rng));
            in = EXPANSION * planes;
            for (int i = 1; i < numBlocks[s]; i++) {
                layer.add(shared ? new SharedBlock(in, planes, groups, baseWidth, unique, basis, rng) : new Block(in, planes, groups, baseWidth, 1, rng));
            }
            layers.add(registerModule("layer" + (s + 1), layer));
        }
        this.linear = registerModule("linear", new Linear(in, numClasses, true, rng));
        for (Conv2d b : sharedBases) Init.orthogonal(b.weight().value(), 1.0, rng);
    }

    /** The bottleneck width of the reference: {@code int(planes · (base_width / 64.)) · groups}. */
    private static int width(int planes, int baseWidth, int groups) {
        return (int) (planes * (baseWidth / 64.0)) * groups;
    }

    private static void checkGroups(String op, String what, int in, int out, int groups, String rule) {
        if (groups < 1 || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(op + ": " + what + " would be a convolution " + in + " → " + out + " in " + groups + " groups ("
                    + rule + "); groups must be >= 1 and divide both");
        }
    }

    /** x {@code [n, h, w, inChannels]} → logits {@code [n, numClasses]}. */
    @Override
    public Variable forward(Variable x) {
        NetworkChecks.requireImages("ResNext", x, inChannels);
        Variable out = Activation.relu(bn1.forward(conv1.forward(x)));
        for (Sequential layer : layers) out = layer.forward(out);
        if (out.shape().dim(1) < HEAD_POOL || out.shape().dim(1) >= 2 * HEAD_POOL || out.shape().dim(2) < HEAD_POOL || out.shape().dim(2) >= 2 * HEAD_POOL) {
            throw new IllegalArgumentException("ResNext: the reference's 4×4 average pool needs a last map of 4×4 to 7×7 (inputs of 25 to 56 pixels a side), got "
                    + out.shape() + " from x " + x.shape());
        }
        return linear.forward(Shapes.flatten(Pool.avgPool2d(out, HEAD_POOL, HEAD_POOL, 0, true)));
    }

    public Variant variant() {
        return variant;
    }

    public int inChannels() {
        return inChannels;
    }

    public int numClasses() {
        return numClasses;
    }

    /** {@code shared_basis_1} to {@code _4} in order (empty for PLAIN). */
    public List<Conv2d> sharedBases() {
        return List.copyOf(sharedBases);
    }

    /**
     * The reference's {@code BottleNeck}: {@code relu(residual_function(x) + shortcut(x))}. x {@code [n, h, w, in]}
     * → {@code [n, ⌈h/stride⌉, ⌈w/stride⌉, 4·planes]}.
     */
    static final class Block extends Module {
        private final Sequential residualFunction;
        private final Module shortcut;

        Block(int in, int planes, int groups, int baseWidth, int stride, Rng rng) {
            int width = width(planes, baseWidth, groups);
            int out = EXPANSION * planes;
            this.residualFunction = registerModule("residual_function", new Sequential(new Conv2d(in, width, 1, 1, 0, false, rng), new BatchNorm2d(width),
                    new ReLU(), Conv2d.builder().setInChannels(width).setOutChannels(width).setKernelSize(3).optStride(stride).optPadding(1)
                            .optGroups(groups).optBias(false).setRng(rng).build(),
                    new BatchNorm2d(width), new ReLU(), new Conv2d(width, out, 1, 1, 0, false, rng), new BatchNorm2d(out)));
            this.shortcut = registerModule("shortcut", BasicBlock.shortcut(in, out, stride, Shortcut.B, rng));
        }

        @Override
        public Variable forward(Variable x) {
            return Activation.relu(Arith.add(residualFunction.forward(x), shortcut.forward(x)));
        }
    }

    /**
     * The reference's {@code BottleNeck_SingleShared} (stride 1 here: only non-first blocks use it):
     * {@code relu(bn3(conv3(relu(bn2(cat(basis_conv2(h), shared_basis(h)))))) + shortcut(x))} with
     * {@code h = relu(bn1(conv1(x)))}. x {@code [n, h, w, 4·planes]} → same shape.
     */
    static final class SharedBlock extends Module {
        private final Conv2d sharedBasis;
        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final Conv2d basisConv2;
        private final BatchNorm2d bn2;
        private final Conv2d conv3;
        private final BatchNorm2d bn3;
        private final Module shortcut;

        SharedBlock(int in, int planes, int groups, int baseWidth, int uniqueRank, Conv2d sharedBasis, Rng rng) {
            int width = width(planes, baseWidth, groups);
            int rank = uniqueRank + sharedBasis.outChannels();
            int out = EXPANSION * planes;
            this.sharedBasis = registerModule("shared_basis", sharedBasis);
            this.conv1 = registerModule("conv1", new Conv2d(in, width, 1, 1, 0, false, rng));
            this.bn1 = registerModule("bn1", new BatchNorm2d(width));
            this.basisConv2 = registerModule("basis_conv2", Conv2d.builder().setInChannels(width).setOutChannels(uniqueRank).setKernelSize(3).optPadding(1)
                    .optGroups(uniqueRank / baseWidth).optBias(false).setRng(rng).build());
            this.bn2 = registerModule("bn2", new BatchNorm2d(rank));
            this.conv3 = registerModule("conv3", new Conv2d(rank, out, 1, 1, 0, false, rng));
            this.bn3 = registerModule("bn3", new BatchNorm2d(out));
            this.shortcut = registerModule("shortcut", BasicBlock.shortcut(in, out, 1, Shortcut.B, rng));
        }

        @Override
        public Variable forward(Variable x) {
            Variable h = Activation.relu(bn1.forward(conv1.forward(x)));
            // Unique filters first, as the reference's torch.cat((basis_conv2(out), shared_basis(out)), dim=1).
            h = Activation.relu(bn2.forward(Shapes.concatChannels(basisConv2.forward(h), sharedBasis.forward(h))));
            return Activation.relu(Arith.add(bn3.forward(conv3.forward(h)), shortcut.forward(x)));
        }
    }
}
