package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.Sequential;

/**
 * The MobileNetV2 inverted residual block (Sandler et al. 2018) as the DSFB reference writes it
 * ({@code models/ilsvrc/mobilenetv2.py} and {@code models/cifar100/mobilenetv2.py}): a 1×1 expansion to
 * {@code expansion·inPlanes} channels, a 3×3 depthwise convolution carrying the stride, a 1×1 projection to
 * {@code outPlanes}, batch norm after each, ReLU (not ReLU6) after the first two, and a residual sum at stride
 * 1. One class for the reference's {@code Block}, {@code BlockShared} (the stage owns the expansion) and the
 * blocks whose stage owns expansion and projection: ILSVRC's {@code BlockSharedDoubleAttention} (an
 * {@link EcaLayer} follows {@code bn3}) and CIFAR-100's {@code BlockSharedDouble} (none).
 *
 * <p>The two files differ in the residual ({@link MobileNetV2.Flavor}): ILSVRC adds the input only when stride is
 * 1 and the widths agree; CIFAR-100 adds a shortcut at every stride-1 block, the identity or, when the widths
 * differ, a 1×1 convolution with batch norm ({@code shortcut.0}, {@code shortcut.1}).
 *
 * <p>Shapes: x {@code [n, h, w, inPlanes]} → {@code [n, ⌈h/stride⌉, ⌈w/stride⌉, outPlanes]}.
 *
 * <p>State, in the reference's order, with p = expansion·inPlanes: {@code Block}: {@code conv1.weight
 * [p, inPlanes, 1, 1]}, {@code bn1.*}, {@code conv2.weight [p, 1, 3, 3]}, {@code bn2.*}, {@code conv3.weight
 * [outPlanes, p, 1, 1]}, {@code bn3.*}. {@code BlockShared}: {@code shared_basis1.weight} in place of conv1,
 * first. {@code BlockSharedDoubleAttention}: {@code shared_basis1.weight}, {@code shared_basis2.weight
 * [outPlanes, p, 1, 1]}, {@code bn1.*}, {@code conv2.weight}, {@code bn2.*}, {@code bn3.*},
 * {@code chan_attention.conv.weight [1, 1, k]} (ILSVRC only) with k = 1 below 96 input channels and 3 from 96
 * on. CIFAR-100's blocks end with the shortcut's state, if any.
 */
public final class InvertedResidual extends Module {
    /** The reference's {@code eca_layer} kernel switches from 1 to 3 taps at this input width. */
    private static final int ECA_WIDE_FROM = 96;

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Conv2d conv3;
    private final BatchNorm2d bn3;
    private final EcaLayer attention;
    private final Module shortcut;

    /**
     * A block from {@code inPlanes} to {@code outPlanes} channels.
     *
     * @param sharedExpand the stage's 1×1 expansion {@code [expansion·inPlanes, inPlanes, 1, 1]}, or null for
     *     the block's own {@code conv1}
     * @param sharedProject the stage's 1×1 projection {@code [outPlanes, expansion·inPlanes, 1, 1]}, or null for
     *     the block's own {@code conv3}; only together with {@code sharedExpand}, and for ILSVRC it adds the
     *     channel attention, as the reference's block sharing both does there
     * @param rng the source of the layers' initial weights (PyTorch's defaults: the reference has no init loop)
     */
    public InvertedResidual(MobileNetV2.Flavor flavor, int inPlanes, int outPlanes, int expansion, int stride, Conv2d sharedExpand,
            Conv2d sharedProject, Rng rng) {
        String op = "InvertedResidual";
        if (flavor == null) throw new IllegalArgumentException(op + ": flavor must not be null");
        if (inPlanes < 1 || outPlanes < 1 || expansion < 1 || stride < 1) {
            throw new IllegalArgumentException(op + ": inPlanes, outPlanes, expansion and stride must be >= 1, got " + inPlanes + ", " + outPlanes
                    + ", " + expansion + ", " + stride);
        }
        if (sharedProject != null && sharedExpand == null) {
            throw new IllegalArgumentException(op + ": a shared projection needs a shared expansion (the reference's BlockSharedDoubleAttention)");
        }
        int planes = expansion * inPlanes;
        check(op, "sharedExpand", sharedExpand, inPlanes, planes);
        check(op, "sharedProject", sharedProject, planes, outPlanes);
        if (sharedExpand != null) registerModule("shared_basis1", sharedExpand);
        if (sharedProject != null) registerModule("shared_basis2", sharedProject);
        this.conv1 = sharedExpand != null ? sharedExpand : registerModule("conv1", new Conv2d(inPlanes, planes, 1, 1, 0, false, rng));
        this.bn1 = registerModule("bn1", new BatchNorm2d(planes));
        this.conv2 = registerModule("conv2", Conv2d.builder().setInChannels(planes).setOutChannels(planes).setKernelSize(3).optStride(stride)
                .optPadding(1).optGroups(planes).optBias(false).setRng(rng).build());
        this.bn2 = registerModule("bn2", new BatchNorm2d(planes));
        this.conv3 = sharedProject != null ? sharedProject : registerModule("conv3", new Conv2d(planes, outPlanes, 1, 1, 0, false, rng));
        this.bn3 = registerModule("bn3", new BatchNorm2d(outPlanes));
        boolean eca = sharedProject != null && flavor == MobileNetV2.Flavor.ILSVRC;
        this.attention = eca ? registerModule("chan_attention", new EcaLayer(outPlanes, inPlanes < ECA_WIDE_FROM ? 1 : 3, rng)) : null;
        if (flavor == MobileNetV2.Flavor.ILSVRC) {
            this.shortcut = stride == 1 && inPlanes == outPlanes ? new Sequential() : null;
        } else if (stride != 1) {
            this.shortcut = null;
        } else {
            Module sc = inPlanes == outPlanes ? new Sequential()
                    : new Sequential(new Conv2d(inPlanes, outPlanes, 1, 1, 0, false, rng), new BatchNorm2d(outPlanes));
            this.shortcut = registerModule("shortcut", sc);
        }
    }

    private static void check(String op, String what, Conv2d c, int in, int out) {
        if (c == null) return;
        if (c.inChannels() != in || c.outChannels() != out || c.kernelH() != 1 || c.kernelW() != 1 || c.params().strideH() != 1
                || c.params().strideW() != 1 || c.params().groups() != 1) {
            throw new IllegalArgumentException(op + ": " + what + " must be a 1×1 stride-1 convolution " + in + " → " + out + " channels, got weight "
                    + c.weight().shape() + " with " + c.params());
        }
    }

    /** x {@code [n, h, w, inPlanes]} → {@code [n, h', w', outPlanes]}, see the class description. */
    @Override
    public Variable forward(Variable x) {
        Variable out = Activation.relu(bn1.forward(conv1.forward(x)));
        out = Activation.relu(bn2.forward(conv2.forward(out)));
        out = bn3.forward(conv3.forward(out));
        if (attention != null) out = attention.forward(out);
        return shortcut == null ? out : Arith.add(shortcut.forward(x), out);
    }

    /** Whether a shortcut of the input is added to the output. */
    public boolean hasResidual() {
        return shortcut != null;
    }
}
