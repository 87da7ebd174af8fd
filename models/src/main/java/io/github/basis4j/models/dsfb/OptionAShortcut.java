package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Pad;
import io.github.basis4j.nn.modules.Module;

/**
 * The parameter-free option-A shortcut of the CIFAR ResNets, the reference's {@code LambdaLayer} around
 * {@code F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, planes//4, planes//4))}: keep every second row and column,
 * then add {@code planes/4} zero channels before and after.
 *
 * <p>Shapes: x {@code [n, h, w, planes/2]} → {@code [n, ⌈h/2⌉, ⌈w/2⌉, planes]}. The ceiling matches a 3×3
 * stride-2 convolution with padding 1, whose output is {@code ⌊(h − 1)/2⌋ + 1 = ⌈h/2⌉}, so the two branches
 * of a block agree for even and odd maps alike (Fashion-MNIST's 7×7 → 4×4 included).
 */
public final class OptionAShortcut extends Module {
    private final int planes;

    /** The shortcut into a stage of {@code planes} output channels. */
    public OptionAShortcut(int planes) {
        if (planes < 1) throw new IllegalArgumentException("OptionAShortcut: planes must be >= 1, got " + planes);
        this.planes = planes;
    }

    /** The output channels of the stage it enters; {@code planes/4} zero channels pad each side. */
    int planes() {
        return planes;
    }

    /** x {@code [n, h, w, c]} → {@code [n, ⌈h/2⌉, ⌈w/2⌉, c + 2·(planes/4)]}. */
    @Override
    public Variable forward(Variable x) {
        return Pad.optionAShortcut(x, planes);
    }
}
