package io.github.basis4j.nn.data;

/**
 * How {@link Transforms#resize(int, int, Interpolation)} samples an image.
 * <ul>
 *   <li>{@link #BILINEAR}: PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}, no
 *       anti-aliasing (two taps per axis whatever the scale);</li>
 *   <li>{@link #BICUBIC}: PIL's antialiased bicubic, the {@code interpolation='bicubic'} of timm's eval transform
 *       (PyTorch's {@code interpolate(mode="bicubic", antialias=True, align_corners=False)}): the cubic
 *       convolution kernel with a = −0.5, widened by the scale when shrinking so every input pixel contributes,
 *       taps normalised to sum to one; computed in float without PIL's 8-bit rounding between the two passes.</li>
 * </ul>
 */
public enum Interpolation {
    BILINEAR, BICUBIC
}
