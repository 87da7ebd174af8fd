package io.github.basis4j.inference;

import io.github.basis4j.nn.data.ColorMode;
import io.github.basis4j.nn.data.Image;
import io.github.basis4j.nn.data.ImageFolderReader;
import io.github.basis4j.nn.data.Interpolation;
import io.github.basis4j.nn.data.Transform;
import io.github.basis4j.nn.data.Transforms;
import io.github.basis4j.nn.init.Rng;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * How an image becomes a model input, as torchvision's evaluation pipeline {@code Resize(resizeSide)},
 * {@code CenterCrop(size)}, {@code ToTensor()}, {@code Normalize(mean, std)}: the image is converted to
 * {@code size.channels()} channels with values in [0, 1]; unless it already is {@code size} with
 * {@code resizeSide = max(H, W)}, its shorter side is resized to {@code resizeSide} (skipped when it already
 * is that long, as torchvision does) and the centred {@code size} window is cut; then each channel becomes
 * {@code (x − mean[c]) / std[c]}.
 *
 * <p>The CIFAR models' reference evaluates 32×32 images as they are; the ILSVRC models' resizes to 256 and
 * crops 224; timm's DFFormer configuration ({@code crop_pct = 1.0}, bicubic) resizes to 224 and crops 224.
 * {@link Model#load} picks the reference's preprocessing for each model family. The CLI stores one with
 * each training checkpoint so that {@code eval} and {@code predict} feed the model what it was trained on.
 *
 * <p>Resampling is {@link Transforms#resizeShorterSide(int, Interpolation)} on float images. The references
 * resize PIL images: {@link Interpolation#BICUBIC} is PIL's filter (antialiased, its support widened when
 * shrinking), so it matches them up to PIL's 8-bit rounding whichever way the image is scaled;
 * {@link Interpolation#BILINEAR} is PyTorch's two-tap interpolation without anti-aliasing, so an image larger
 * than {@code resizeSide} gives slightly different inputs than the DSFB reference's PIL resize. Images already
 * at {@code resizeSide} are not resampled at all. Immutable and thread-safe.
 *
 * @param size          the model input {@code H×W×C}
 * @param mean          per-channel means ({@code size.channels()} values)
 * @param std           per-channel standard deviations ({@code size.channels()} positive values)
 * @param resizeSide    the length the shorter side is resized to before the centre crop (≥ max(H, W), so
 *                      the crop always fits)
 * @param interpolation how the resize samples
 */
public record Preprocessing(InputSize size, float[] mean, float[] std, int resizeSide, Interpolation interpolation) {
    /** The transforms are deterministic; their signature still asks for a generator. */
    private static final Rng UNUSED = Rng.of(0);

    /** Validates the statistics against the channel count and the resize against the crop. */
    public Preprocessing {
        if (size == null || mean == null || std == null || interpolation == null) {
            throw new IllegalArgumentException("Preprocessing: arguments must not be null");
        }
        if (mean.length != size.channels() || std.length != size.channels()) {
            throw new IllegalArgumentException("Preprocessing: " + size.channels() + " channels need as many means and stds, got "
                    + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) throw new IllegalArgumentException("Preprocessing: std must be > 0, got " + Arrays.toString(std));
        }
        if (resizeSide < Math.max(size.height(), size.width())) {
            throw new IllegalArgumentException("Preprocessing: resizeSide must be >= " + Math.max(size.height(), size.width())
                    + " so that the " + size.height() + "x" + size.width() + " crop fits, got " + resizeSide);
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Resize the shorter side to the larger of the input's sides (bilinear), centre-crop, normalise: the
     * preprocessing of the command line's training checkpoints.
     */
    public Preprocessing(InputSize size, float[] mean, float[] std) {
        this(size, mean, std, Interpolation.BILINEAR);
    }

    /**
     * Resize the shorter side to the larger of the input's sides with {@code interpolation}, centre-crop,
     * normalise: timm's {@code crop_pct = 1.0} evaluation when bicubic (the MetaFormers' checkpoints).
     */
    public Preprocessing(InputSize size, float[] mean, float[] std, Interpolation interpolation) {
        this(size, mean, std, size == null ? 0 : Math.max(size.height(), size.width()), interpolation);
    }

    /** The channel layout images are decoded to. */
    public ColorMode colorMode() {
        return size.channels() == 1 ? ColorMode.GRAY : ColorMode.RGB;
    }

    /** Resize-and-crop, then normalisation; no randomness. */
    public Transform transform() {
        return fit().andThen(normalize());
    }

    /** The resize and centre crop to {@code size} described above; an image already at {@code size} passes unchanged when that is exact. */
    public Transform fit() {
        int h = size.height(), w = size.width();
        boolean identityAtSize = resizeSide == Math.max(h, w);
        Transform resize = Transforms.resizeShorterSide(resizeSide, interpolation);
        Transform crop = Transforms.centerCrop(h, w);
        return (image, rng) -> {
            if (identityAtSize && image.height() == h && image.width() == w) return image;
            // torchvision's Resize returns an image whose shorter side already has the length unchanged.
            Image resized = Math.min(image.height(), image.width()) == resizeSide ? image : resize.apply(image, rng);
            return crop.apply(resized, rng);
        };
    }

    /** {@code (x − mean[c]) / std[c]}. */
    public Transform normalize() {
        return Transforms.normalize(mean, std);
    }

    /**
     * The model input for {@code image}: decoded to {@link #colorMode()} (alpha dropped), fitted and
     * normalised, channel-last {@code [H, W, C]}.
     */
    public Image apply(BufferedImage image) {
        if (image == null) throw new IllegalArgumentException("Preprocessing: image must not be null");
        return apply(ImageFolderReader.toImage(image, colorMode()));
    }

    /**
     * The model input for a decoded image {@code [H, W, C]} with values in [0, 1]: fitted and normalised,
     * channel-last {@code [size.height(), size.width(), C]}.
     *
     * @throws IllegalArgumentException if the image does not have {@code size.channels()} channels
     */
    public Image apply(Image image) {
        if (image == null || image.channels() != size.channels()) {
            throw new IllegalArgumentException("Preprocessing: expected a " + size.channels() + "-channel image, got "
                    + (image == null ? "null" : image));
        }
        return transform().apply(image, UNUSED);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && p.size.equals(size) && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std)
                && p.resizeSide == resizeSide && p.interpolation == interpolation;
    }

    @Override
    public int hashCode() {
        return ((size.hashCode() * 31 + Arrays.hashCode(mean)) * 31 + Arrays.hashCode(std)) * 31 + resizeSide * 7 + interpolation.hashCode();
    }

    @Override
    public String toString() {
        return "Preprocessing[size=" + size + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ", resizeSide="
                + resizeSide + ", interpolation=" + interpolation + "]";
    }
}
