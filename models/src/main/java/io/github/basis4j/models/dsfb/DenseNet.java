package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.AdaptiveAvgPool2d;
import io.github.basis4j.nn.modules.AvgPool2d;
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
 * DenseNet-BC for CIFAR (Huang et al. 2017) and its DSFB variant, as the reference writes them
 * ({@code ssregibility/Net_RL2}, {@code models/cifar100/densenet.py}: {@code DenseNet}, {@code DenseNet_SingleShared}).
 *
 * <p>Architecture: {@code conv1} (3×3, padding 1, to 2·growth channels, no norm), then {@code features}: four
 * dense blocks of {@code numBlocks[b]} bottleneck layers, each appending growth channels
 * ({@code x ↦ cat(x, f(x))} with f = BN, ReLU, 1×1 to 4·growth, BN, ReLU, 3×3 to growth), the first three followed
 * by a transition (BN, 1×1 to ⌊0.5·channels⌋, 2×2 average pool — no ReLU, as in the reference), then a final
 * {@code bn} and {@code relu}; global average pooling and the classifier {@code linear}.
 *
 * <p>{@link Variant#SINGLE_SHARED} replaces each layer's 3×3 convolution by {@code coeff_conv2(basis_bn2(cat(basis_conv2(h),
 * shared_basis(h))))}: a unique basis of uniqueRank 3×3 filters, the dense block's shared basis of sharedRank
 * 3×3 filters from 4·growth channels, batch norm over both, 1×1 coefficients to growth — no ReLU after them.
 * Reference quirks kept: the model owns {@code shared_basis_1} to {@code _4}, but the last dense block uses
 * {@code shared_basis_3} (the reference reads its loop variable after the loop), so {@code shared_basis_4} is
 * only ever touched by the orthogonality penalty; the last dense block is named {@code dense_block3} in the
 * plain network and {@code dense_block_layer_3} in the shared one.
 *
 * <p>Shapes: x {@code [n, h, w, inChannels]} (NHWC) → logits {@code [n, numClasses]}; each transition halves
 * the map (32 → 4), the pooling averages whatever remains.
 *
 * <p>State, in the reference's order: {@code conv1.weight}, {@code features.*} (per layer of the shared variant its
 * {@code shared_basis.weight} alias first), then for the shared variant {@code shared_basis_1..4.weight}, then
 * {@code linear.weight}, {@code linear.bias}.
 *
 * <p>Initialisation: PyTorch's layer defaults (the reference has no initialisation loop and does not
 * orthogonalise the shared bases): convolutions and the classifier U(±1/√fan_in), batch norms weight 1, bias 0;
 * the numbers come from {@link Rng} seeded with the constructor's seed.
 */
public final class DenseNet extends Module {
    /** The two networks of the reference file. */
    public enum Variant {
        /** {@code DenseNet}: ordinary bottleneck layers. */
        PLAIN,
        /** {@code DenseNet_SingleShared}: one shared 3×3 basis per dense block plus unique bases. */
        SINGLE_SHARED
    }

    /** The reference's compression factor θ ({@code reduction=0.5}). */
    private static final double REDUCTION = 0.5;
    /** Bottleneck width per growth step, DenseNet-BC's {@code 4 * growth_rate}. */
    private static final int BOTTLENECK_FACTOR = 4;
    private static final int BLOCKS = 4;

    private final Variant variant;
    private final int inChannels;
    private final int numClasses;
    private final Conv2d conv1;
    private final NamedSequential features;
    private final List<Conv2d> sharedBases = new ArrayList<>(BLOCKS);
    private final AdaptiveAvgPool2d avgpool;
    private final Linear linear;

    /**
     * A DenseNet of four dense blocks.
     *
     * @param numBlocks bottleneck layers per dense block, four of them (121: 6, 12, 24, 16)
     * @param growthRate channels each layer adds (32 for 121/169/201, 48 for 161)
     * @param sharedRank shared basis filters per dense block (SINGLE_SHARED), 0 for PLAIN
     * @param uniqueRank unique basis filters per layer (SINGLE_SHARED), 0 for PLAIN
     * @param seed seed of the initial weights
     */
    public DenseNet(Variant variant, int[] numBlocks, int growthRate, int sharedRank, int uniqueRank, int inChannels, int numClasses, long seed) {
        String op = "DenseNet";
        if (variant == null) throw new IllegalArgumentException(op + ": variant must not be null");
        if (numBlocks == null || numBlocks.length != BLOCKS || Arrays.stream(numBlocks).anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException(op + ": numBlocks must give 4 dense blocks of >= 1 layers, got "
                    + (numBlocks == null ? "null" : Arrays.toString(numBlocks)));
        }
        if (growthRate < 1) throw new IllegalArgumentException(op + ": growthRate must be >= 1, got " + growthRate);
        boolean shared = variant == Variant.SINGLE_SHARED;
        NetworkChecks.requireRanks(op, variant, shared, sharedRank, uniqueRank);
        NetworkChecks.requireAtLeastOne(op, "inChannels", inChannels);
        NetworkChecks.requireAtLeastOne(op, "numClasses", numClasses);
        this.variant = variant;
        this.inChannels = inChannels;
        this.numClasses = numClasses;
        Rng rng = Rng.of(seed);
        int channels = 2 * growthRate;
        int inner = BOTTLENECK_FACTOR * growthRate;
        this.conv1 = registerModule("conv1", new Conv2d(inChannels, channels, 3, 1, 1, false, rng));
        // The reference assigns `features` before its shared bases, so the features come first in the state dict.
        this.features = registerModule("features", new NamedSequential());
        if (shared) for (int b = 0; b < BLOCKS; b++) sharedBases.add(new Conv2d(inner, sharedRank, 3, 1, 1, false, rng));
        for (int b = 0; b < BLOCKS; b++) {
            boolean last = b == BLOCKS - 1;
            String name = last && !shared ? "dense_block" + b : "dense_block_layer_" + b;
            // The reference's last block reads the loop index of the previous blocks: shared_basis_3, not _4.
            Conv2d basis = shared ? sharedBases.get(Math.min(b, BLOCKS - 2)) : null;
            NamedSequential layers = features.add(name, new NamedSequential());
            for (int i = 0; i < numBlocks[b]; i++) {
                Module layer = shared ? new SharedLayer(channels, growthRate, uniqueRank, basis, rng) : new Layer(channels, growthRate, rng);
                layers.add("bottle_neck_layer_" + i, layer);
                channels += growthRate;
            }
            if (!last) {
                int out = (int) (REDUCTION * channels);
                features.add("transition_layer_" + b, new Transition(channels, out, rng));
                channels = out;
            }
        }
        features.add("bn", new BatchNorm2d(channels));
        features.add("relu", new ReLU());
        for (int b = 0; b < sharedBases.size(); b++) registerModule("shared_basis_" + (b + 1), sharedBases.get(b));
        this.avgpool = registerModule("avgpool", new AdaptiveAvgPool2d(1));
        this.linear = registerModule("linear", new Linear(channels, numClasses, true, rng));
    }

    /** x {@code [n, h, w, inChannels]} → logits {@code [n, numClasses]}. */
    @Override
    public Variable forward(Variable x) {
        NetworkChecks.requireImages("DenseNet", x, inChannels);
        return linear.forward(Shapes.flatten(avgpool.forward(features.forward(conv1.forward(x)))));
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

    /** {@code shared_basis_1} to {@code _4} in order (empty for PLAIN); the last is unused by the forward pass. */
    public List<Conv2d> sharedBases() {
        return List.copyOf(sharedBases);
    }

    /**
     * The reference's {@code BottleNeck}: {@code cat(x, residual_function(x))}, residual_function = BN, ReLU,
     * 1×1 to 4·growth, BN, ReLU, 3×3 to growth. x {@code [n, h, w, c]} → {@code [n, h, w, c + growth]}.
     */
    static final class Layer extends Module {
        private final Sequential residualFunction;

        Layer(int in, int growth, Rng rng) {
            int inner = BOTTLENECK_FACTOR * growth;
            this.residualFunction = registerModule("residual_function", new Sequential(new BatchNorm2d(in), new ReLU(),
                    new Conv2d(in, inner, 1, 1, 0, false, rng), new BatchNorm2d(inner), new ReLU(), new Conv2d(inner, growth, 3, 1, 1, false, rng)));
        }

        @Override
        public Variable forward(Variable x) {
            return Shapes.concatChannels(x, residualFunction.forward(x));
        }
    }

    /**
     * The reference's {@code BottleNeck_SingleShared}: {@code cat(x, coeff_conv2(basis_bn2(cat(basis_conv2(h),
     * shared_basis(h)))))} with {@code h = relu(bn1(conv1(relu(bn0(x)))))}. x {@code [n, h, w, c]} →
     * {@code [n, h, w, c + growth]}. State: {@code shared_basis} (the alias, registered first as in the
     * reference), {@code bn0}, {@code conv1}, {@code bn1}, {@code basis_conv2}, {@code basis_bn2}, {@code coeff_conv2}.
     */
    static final class SharedLayer extends Module {
        private final Conv2d sharedBasis;
        private final BatchNorm2d bn0;
        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final Conv2d basisConv2;
        private final BatchNorm2d basisBn2;
        private final Conv2d coeffConv2;

        SharedLayer(int in, int growth, int uniqueRank, Conv2d sharedBasis, Rng rng) {
            int inner = BOTTLENECK_FACTOR * growth;
            int rank = uniqueRank + sharedBasis.outChannels();
            this.sharedBasis = registerModule("shared_basis", sharedBasis);
            this.bn0 = registerModule("bn0", new BatchNorm2d(in));
            this.conv1 = registerModule("conv1", new Conv2d(in, inner, 1, 1, 0, false, rng));
            this.bn1 = registerModule("bn1", new BatchNorm2d(inner));
            this.basisConv2 = registerModule("basis_conv2", new Conv2d(inner, uniqueRank, 3, 1, 1, false, rng));
            this.basisBn2 = registerModule("basis_bn2", new BatchNorm2d(rank));
            this.coeffConv2 = registerModule("coeff_conv2", new Conv2d(rank, growth, 1, 1, 0, false, rng));
        }

        @Override
        public Variable forward(Variable x) {
            Variable h = Activation.relu(bn1.forward(conv1.forward(Activation.relu(bn0.forward(x)))));
            // Unique filters first, as the reference's torch.cat((basis_conv2(out), shared_basis(out)), dim=1).
            Variable basis = Shapes.concatChannels(basisConv2.forward(h), sharedBasis.forward(h));
            return Shapes.concatChannels(x, coeffConv2.forward(basisBn2.forward(basis)));
        }
    }

    /** The reference's {@code Transition}: {@code down_sample} = BN, 1×1, 2×2 average pool; x {@code [n, h, w, in]} → {@code [n, h/2, w/2, out]}. */
    static final class Transition extends Module {
        private final Sequential downSample;

        Transition(int in, int out, Rng rng) {
            this.downSample = registerModule("down_sample", new Sequential(new BatchNorm2d(in), new Conv2d(in, out, 1, 1, 0, false, rng), new AvgPool2d(2)));
        }

        @Override
        public Variable forward(Variable x) {
            return downSample.forward(x);
        }
    }
}
