package io.github.basis4j.inference;

/**
 * How {@link Preprocessing} resamples an image whose size differs from the model input. Both follow
 * PyTorch's {@code interpolate(..., align_corners=False)} sampling on float images, without an
 * anti-aliasing filter: output pixel centres map to {@code (i + 0.5) · in/out − 0.5}.
 */
public enum Interpolation {
    /** Bilinear: torchvision's default, used by the DSFB reference's ImageNet evaluation. */
    BILINEAR,
    /** Bicubic with Keys' a = −0.75 (PyTorch's): timm's setting for the DFFormer models. */
    BICUBIC
}
