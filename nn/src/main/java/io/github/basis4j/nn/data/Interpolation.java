package io.github.basis4j.nn.data;

/**
 * How {@link Transforms#resize(int, int, Interpolation)} and
 * {@link Transforms#resizeShorterSide(int, Interpolation)} sample an image; the one choice of resampling for
 * the whole library (training transforms, the command line's checkpoints, the inference module's
 * preprocessing).
 * <ul>
 *   <li>{@link #BILINEAR}: PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}, no
 *       anti-aliasing (two taps per axis whatever the scale); torchvision's default, the DSFB reference's
 *       choice;</li>
 *   <li>{@link #BICUBIC}: PIL's antialiased bicubic, what timm's eval transform ({@code interpolation='bicubic'},
 *       the DFFormer reference's setting) applies to PIL images, and PyTorch's
 *       {@code interpolate(mode="bicubic", antialias=True, align_corners=False)}: the cubic convolution kernel
 *       with a = −0.5, widened by the scale when shrinking so every input pixel contributes, taps normalised
 *       to sum to one; computed in float without PIL's 8-bit rounding between the two passes. Chosen over
 *       PyTorch's plain bicubic (a = −0.75, four taps, no anti-aliasing) because the reference resizes PIL
 *       images, larger than the input as a rule, where the two differ most.</li>
 * </ul>
 */
public enum Interpolation {
    BILINEAR, BICUBIC
}
