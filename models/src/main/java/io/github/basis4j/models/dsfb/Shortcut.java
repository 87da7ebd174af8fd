package io.github.basis4j.models.dsfb;

/**
 * The shortcut of a residual block whose input and output differ in width or resolution (He et al. 2016,
 * section 4.2; the DSFB reference's {@code option} argument). Blocks whose shapes agree use the identity.
 */
public enum Shortcut {
    /**
     * Option A, the CIFAR ResNets' choice and the reference's default: subsample by 2 and pad {@code planes/4}
     * zero channels on each side. No parameters.
     */
    A,
    /** Option B: a strided 1×1 convolution without bias, then batch norm ({@code shortcut.0}, {@code shortcut.1}). */
    B
}
