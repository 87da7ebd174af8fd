package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Module;

/**
 * The ImageNet ResNet bottleneck block (He et al. 2016) and its DSFB variants, the reference's
 * {@code BottleneckBlock}, {@code BottleneckBlock_Shared} and {@code BottleneckBlock_SharedSingle}
 * ({@code models/ilsvrc/resnet.py}): a 1×1 reduction to {@code planes}, a 3×3 convolution, a 1×1 expansion to
 * {@value #EXPANSION}·planes, batch norm after each, ReLU after the first two and after the residual sum.
 *
 * <p>The variants differ only in who owns the 3×3 and the last 1×1 convolution: the block itself, or the
 * stage (one {@link Conv2d} object used by every non-first block of the stage, as the reference's
 * {@code shared_basis_<s>_1/_2} or {@code shared_basis_<s>}). Shared convolutions are whole layers here, not
 * a low-rank basis followed by coefficients.
 *
 * <p>Shapes: x {@code [n, h, w, inPlanes]} → {@code [n, ⌈h/stride⌉, ⌈w/stride⌉, 4·planes]}.
 *
 * <p>State, in the reference's order: {@code conv1.weight [planes, inPlanes, 1, 1]}, {@code bn1.*}; the 3×3
 * convolution ({@code conv2}, or the shared {@code shared_basis_1} when both are shared, {@code shared_basis}
 * when only it is) {@code [planes, planes, 3, 3]}, {@code bn2.*}; the expansion ({@code conv3}, or the shared
 * {@code shared_basis_2}) {@code [4·planes, planes, 1, 1]}, {@code bn3.*}; then the shortcut: nothing for the
 * identity, {@code shortcut.0.weight [4·planes, inPlanes, 1, 1]} and {@code shortcut.1.*} otherwise.
 */
public final class BottleneckBlock extends Module {
    /** Output channels per {@code planes}, the reference's {@code expansion = 4}. */
    public static final int EXPANSION = 4;

    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Conv2d conv3;
    private final BatchNorm2d bn3;
    private final Module shortcut;

    /**
     * A block from {@code inPlanes} to {@code 4·planes} channels; {@code stride} applies to the 3×3
     * convolution and the shortcut, which is a strided 1×1 convolution with batch norm unless stride is 1 and
     * {@code inPlanes == 4·planes}.
     *
     * @param sharedConv2 the stage's 3×3 convolution {@code [planes, planes, 3, 3]} (stride 1, padding 1), or
     *     null for the block's own {@code conv2}
     * @param sharedConv3 the stage's 1×1 expansion {@code [4·planes, planes, 1, 1]}, or null for the block's own
     *     {@code conv3}; sharing it requires sharing {@code sharedConv2} too, as the reference has no other variant
     * @param rng the source of the layers' default initial weights (the model re-initialises them)
     */
    public BottleneckBlock(int inPlanes, int planes, int stride, Conv2d sharedConv2, Conv2d sharedConv3, Rng rng) {
        String op = "BottleneckBlock";
        if (inPlanes < 1 || planes < 1 || stride < 1) {
            throw new IllegalArgumentException(op + ": inPlanes, planes and stride must be >= 1, got " + inPlanes + ", " + planes + ", " + stride);
        }
        if (sharedConv3 != null && sharedConv2 == null) {
            throw new IllegalArgumentException(op + ": a shared conv3 needs a shared conv2 (the reference's BottleneckBlock_Shared)");
        }
        if ((sharedConv2 != null || sharedConv3 != null) && (stride != 1 || inPlanes != EXPANSION * planes)) {
            // Shared layers are stride-1 layers of the stage's width, so only the blocks after the first can use them.
            throw new IllegalArgumentException(op + ": shared convolutions need stride 1 and inPlanes = 4·planes, got stride " + stride
                    + ", inPlanes " + inPlanes + ", planes " + planes);
        }
        check(op, "sharedConv2", sharedConv2, planes, planes, 3);
        check(op, "sharedConv3", sharedConv3, planes, EXPANSION * planes, 1);
        this.conv1 = registerModule("conv1", new Conv2d(inPlanes, planes, 1, 1, 0, false, rng));
        this.bn1 = registerModule("bn1", new BatchNorm2d(planes));
        if (sharedConv2 == null) {
            this.conv2 = registerModule("conv2", new Conv2d(planes, planes, 3, stride, 1, false, rng));
        } else {
            this.conv2 = registerModule(sharedConv3 == null ? "shared_basis" : "shared_basis_1", sharedConv2);
        }
        this.bn2 = registerModule("bn2", new BatchNorm2d(planes));
        this.conv3 = registerModule(sharedConv3 == null ? "conv3" : "shared_basis_2",
                sharedConv3 == null ? new Conv2d(planes, EXPANSION * planes, 1, 1, 0, false, rng) : sharedConv3);
        this.bn3 = registerModule("bn3", new BatchNorm2d(EXPANSION * planes));
        this.shortcut = registerModule("shortcut", BasicBlock.shortcut(inPlanes, EXPANSION * planes, stride, Shortcut.B, rng));
    }

    private static void check(String op, String what, Conv2d c, int in, int out, int kernel) {
        if (c == null) return;
        int pad = kernel / 2;
        if (c.inChannels() != in || c.outChannels() != out || c.kernelH() != kernel || c.kernelW() != kernel || c.params().strideH() != 1
                || c.params().strideW() != 1 || c.params().padH() != pad || c.params().padW() != pad) {
            throw new IllegalArgumentException(op + ": " + what + " must be a " + kernel + "×" + kernel + " convolution " + in + " → " + out
                    + " channels with stride 1 and padding " + pad + ", got weight " + c.weight().shape() + " with " + c.params());
        }
    }

    /** x {@code [n, h, w, inPlanes]} → {@code relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut(x))}. */
    @Override
    public Variable forward(Variable x) {
        Variable out = Activation.relu(bn1.forward(conv1.forward(x)));
        out = Activation.relu(bn2.forward(conv2.forward(out)));
        out = bn3.forward(conv3.forward(out));
        return Activation.relu(Arith.add(out, shortcut.forward(x)));
    }
}
