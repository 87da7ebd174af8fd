package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Pool;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Dropout;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * MobileNetV2 (Sandler et al. 2018) and its layer-sharing variants as the DSFB reference writes them
 * ({@code ssregibility/Net_RL2}, {@code models/ilsvrc/mobilenetv2.py} and {@code models/cifar100/mobilenetv2.py}:
 * {@code MobileNetV2}, {@code MobileNetV2_Shared}, {@code MobileNetV2_SharedDouble}), chosen by {@link Variant},
 * for either file ({@link Flavor}).
 *
 * <p>Architecture ({@link Flavor#ILSVRC}): {@code pre} (3×3 convolution with bias, stride 2, to 32 channels; batch norm; ReLU6), seven
 * stages of {@link InvertedResidual} blocks — {@code stage1} one block 32 → 16 with expansion 1; then (blocks,
 * width, stride) = (2, 24, 2), (3, 32, 2), (4, 64, 2), (3, 96, 1), (3, 160, 2) with expansion 6; {@code stage7}
 * one block 160 → 320 —, {@code conv1} (1×1 convolution with bias to 1280, batch norm, ReLU6), global average
 * pooling and {@code classifier} (dropout 0.2, linear). In the shared variants stages 3 to 6 (widths 32, 64, 96,
 * 160) own their non-first blocks' expansion ({@code shared_basis_<i>}, i = 1..4) or expansion and projection
 * ({@code shared_basis_<i>_1}, {@code _2}), registered just before the stage. {@link Flavor#CIFAR} differs in
 * four places: {@code pre} is a 1×1 convolution with padding 1 and stride 1 (a 32 × 32 image becomes 34 × 34, as
 * in the reference), stage 6 has stride 1, the blocks' residuals follow {@link InvertedResidual}'s CIFAR rule,
 * and the head is {@code conv2}, a 1×1 convolution with bias from 1280 to the classes, after the pooling (no
 * dropout); its SharedDouble blocks have no channel attention.
 *
 * <p>Shapes: x {@code [n, h, w, inChannels]} (NHWC) → logits {@code [n, numClasses]}; the map shrinks by 32 (224 → 7,
 * 64 → 2) and the pooling averages whatever remains.
 *
 * <p>Initialisation: PyTorch's layer defaults (the reference's MobileNets have no initialisation loop and do
 * not orthogonalise their shared layers): convolutions and the classifier U(±1/√fan_in) for weight and bias,
 * batch norms weight 1 and bias 0. The numbers come from {@link Rng} seeded with the constructor's seed.
 */
public final class MobileNetV2 extends Module {
    /** Which layers the stages 3 to 6 share among their non-first blocks. */
    public enum Variant {
        /** {@code MobileNetV2}: nothing shared. */
        NONE,
        /** {@code MobileNetV2_Shared}: the 1×1 expansion ({@code BlockShared}). */
        SHARED,
        /** {@code MobileNetV2_SharedDouble}: expansion and projection, with ECA channel attention ({@code BlockSharedDoubleAttention}). */
        SHARED_DOUBLE
    }

    /** Which of the reference's two MobileNetV2 files the network follows. */
    public enum Flavor {
        /** {@code models/ilsvrc/mobilenetv2.py}. */
        ILSVRC,
        /** {@code models/cifar100/mobilenetv2.py}. */
        CIFAR
    }

    /** Expansion factor of every block after stage 1 (the reference's {@code t = 6}). */
    private static final int EXPANSION = 6;
    /** Stages 2 to 6: blocks, output width, stride of the first block. */
    private static final int[][] STAGES = {{2, 24, 2}, {3, 32, 2}, {4, 64, 2}, {3, 96, 1}, {3, 160, 2}};
    /** The classifier's dropout probability, the reference's {@code nn.Dropout(0.2)}. */
    private static final double DROPOUT = 0.2;
    private static final int STEM = 32;
    private static final int HEAD = 1280;

    private final Flavor flavor;
    private final Variant variant;
    private final int inChannels;
    private final int numClasses;
    private final Sequential pre;
    private final List<Module> stages = new ArrayList<>(7);
    private final Sequential conv1;
    private final Module head;

    /**
     * A network of {@code numClasses} outputs for images of {@code inChannels} channels (3 in the reference).
     *
     * @param seed seed of the initial weights and of the dropout masks
     */
    public MobileNetV2(Flavor flavor, Variant variant, int inChannels, int numClasses, long seed) {
        if (flavor == null) throw new IllegalArgumentException("MobileNetV2: flavor must not be null");
        if (variant == null) throw new IllegalArgumentException("MobileNetV2: variant must not be null");
        NetworkChecks.requireAtLeastOne("MobileNetV2", "inChannels", inChannels);
        NetworkChecks.requireAtLeastOne("MobileNetV2", "numClasses", numClasses);
        this.flavor = flavor;
        this.variant = variant;
        this.inChannels = inChannels;
        this.numClasses = numClasses;
        Rng rng = Rng.of(seed);
        boolean ilsvrc = flavor == Flavor.ILSVRC;
        Conv2d stem = ilsvrc ? new Conv2d(inChannels, STEM, 3, 2, 1, true, rng) : new Conv2d(inChannels, STEM, 1, 1, 1, true, rng);
        this.pre = registerModule("pre", new Sequential(stem, new BatchNorm2d(STEM), new ReLU6()));
        stages.add(registerModule("stage1", new InvertedResidual(flavor, STEM, 16, 1, 1, null, null, rng)));
        int in = 16;
        for (int s = 0; s < STAGES.length; s++) {
            int blocks = STAGES[s][0], out = STAGES[s][1];
            // The CIFAR file keeps stage 6 at stride 1; the ILSVRC file changed it to 2 ("1->2 for ilsvrc").
            int stride = !ilsvrc && s == STAGES.length - 1 ? 1 : STAGES[s][2];
            // Stages 3..6 (s = 1..4) are the shared ones, their bases numbered 1..4.
            boolean shares = variant != Variant.NONE && s >= 1;
            Conv2d expand = null, project = null;
            if (shares) {
                String id = Integer.toString(s);
                if (variant == Variant.SHARED) {
                    expand = registerModule("shared_basis_" + id, new Conv2d(out, EXPANSION * out, 1, 1, 0, false, rng));
                } else {
                    expand = registerModule("shared_basis_" + id + "_1", new Conv2d(out, EXPANSION * out, 1, 1, 0, false, rng));
                    project = registerModule("shared_basis_" + id + "_2", new Conv2d(EXPANSION * out, out, 1, 1, 0, false, rng));
                }
            }
            Sequential stage = new Sequential(new InvertedResidual(flavor, in, out, EXPANSION, stride, null, null, rng));
            for (int i = 1; i < blocks; i++) stage.add(new InvertedResidual(flavor, out, out, EXPANSION, 1, expand, project, rng));
            stages.add(registerModule("stage" + (s + 2), stage));
            in = out;
        }
        stages.add(registerModule("stage7", new InvertedResidual(flavor, in, 320, EXPANSION, 1, null, null, rng)));
        this.conv1 = registerModule("conv1", new Sequential(new Conv2d(320, HEAD, 1, 1, 0, true, rng), new BatchNorm2d(HEAD), new ReLU6()));
        this.head = ilsvrc ? registerModule("classifier", new Sequential(new Dropout(DROPOUT, rng), new Linear(HEAD, numClasses, true, rng)))
                : registerModule("conv2", new Conv2d(HEAD, numClasses, 1, 1, 0, true, rng));
    }

    /** x {@code [n, h, w, inChannels]} → logits {@code [n, numClasses]}. */
    @Override
    public Variable forward(Variable x) {
        NetworkChecks.requireImages("MobileNetV2", x, inChannels);
        Variable out = pre.forward(x);
        for (Module stage : stages) out = stage.forward(out);
        Variable pooled = Pool.globalMean(conv1.forward(out));
        if (flavor == Flavor.ILSVRC) return head.forward(pooled);
        int n = pooled.shape().dim(0);
        return Shapes.reshape(head.forward(Shapes.reshape(pooled, n, 1, 1, HEAD)), n, numClasses);
    }

    public Flavor flavor() {
        return flavor;
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

    /** {@code stage1} to {@code stage7} in order (stage 1 and 7 single blocks, the others {@link Sequential}s). */
    public List<Module> stages() {
        return List.copyOf(stages);
    }
}
