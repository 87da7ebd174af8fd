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
 * The CIFAR ResNet basic block (He et al. 2016), the reference's {@code BasicBlock}: two 3×3 convolutions
 * without bias, each followed by batch norm, a shortcut, and ReLU after the sum. Every DSFB variant uses it
 * as the first block of each stage, the one that changes width and resolution.
 *
 * <p>Shapes: x {@code [n, h, w, inPlanes]} → {@code [n, ⌈h/stride⌉, ⌈w/stride⌉, planes]}.
 *
 * <p>State, in the reference's order: {@code conv1.weight [planes, inPlanes, 3, 3]}, {@code bn1.*},
 * {@code conv2.weight [planes, planes, 3, 3]}, {@code bn2.*}, then the shortcut's: nothing for the identity
 * (an empty {@code Sequential}) and option A, {@code shortcut.0.weight [planes, inPlanes, 1, 1]} and
 * {@code shortcut.1.*} for option B.
 */
public final class BasicBlock extends Module {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Module shortcut;

    /**
     * A block from {@code inPlanes} to {@code planes} channels; {@code stride} applies to {@code conv1} (and
     * to an option-B shortcut). The shortcut is the identity when stride is 1 and the widths agree.
     *
     * @param rng the source of the layers' default initial weights (the model re-initialises them)
     */
    public BasicBlock(int inPlanes, int planes, int stride, Shortcut option, Rng rng) {
        this.conv1 = registerModule("conv1", new Conv2d(inPlanes, planes, 3, stride, 1, false, rng));
        this.bn1 = registerModule("bn1", new BatchNorm2d(planes));
        this.conv2 = registerModule("conv2", new Conv2d(planes, planes, 3, 1, 1, false, rng));
        this.bn2 = registerModule("bn2", new BatchNorm2d(planes));
        this.shortcut = registerModule("shortcut", shortcut(inPlanes, planes, stride, option, rng));
    }

    /** The first convolution, for inference fusion. */
    Conv2d conv1() {
        return conv1;
    }

    /** The norm after {@link #conv1()}. */
    BatchNorm2d bn1() {
        return bn1;
    }

    /** The second convolution. */
    Conv2d conv2() {
        return conv2;
    }

    /** The norm after {@link #conv2()}. */
    BatchNorm2d bn2() {
        return bn2;
    }

    /** The shortcut: an empty {@link Sequential} (identity), an {@link OptionAShortcut}, or option B's conv and norm. */
    Module shortcutModule() {
        return shortcut;
    }

    /** The reference's shortcut rule: the identity unless the stride or the width changes. */
    static Module shortcut(int inPlanes, int planes, int stride, Shortcut option, Rng rng) {
        if (stride == 1 && inPlanes == planes) return new Sequential();
        if (option == null) throw new IllegalArgumentException("BasicBlock: the shortcut option must not be null");
        return switch (option) {
            case A -> {
                // Option A can only halve the resolution and double the width, which is all the CIFAR ResNets ask of it.
                if (stride != 2 || planes != 2 * inPlanes) {
                    throw new IllegalArgumentException("BasicBlock: an option-A shortcut needs stride 2 and planes = 2·inPlanes, got stride "
                            + stride + ", " + inPlanes + " → " + planes + " channels");
                }
                yield new OptionAShortcut(planes);
            }
            case B -> new Sequential(new Conv2d(inPlanes, planes, 1, stride, 0, false, rng), new BatchNorm2d(planes));
        };
    }

    /** x {@code [n, h, w, inPlanes]} → {@code relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))}. */
    @Override
    public Variable forward(Variable x) {
        Variable out = Activation.relu(bn1.forward(conv1.forward(x)));
        out = bn2.forward(conv2.forward(out));
        return Activation.relu(Arith.add(out, shortcut.forward(x)));
    }
}
