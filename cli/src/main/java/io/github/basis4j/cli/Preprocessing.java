package io.github.basis4j.cli;

import io.github.basis4j.nn.data.ColorMode;
import io.github.basis4j.nn.data.Interpolation;
import io.github.basis4j.nn.data.Transform;
import io.github.basis4j.nn.data.Transforms;

/**
 * How an image becomes a model input, fixed at training time and stored with the checkpoint so that
 * {@code eval} and {@code predict} feed the model exactly what it was trained on: converted to
 * {@code size.channels()} channels, brought to {@code size} (an image of another size is resized so its
 * shorter side fits, then centre-cropped, as torchvision's {@code Resize} + {@code CenterCrop}), then
 * normalised per channel, {@code (x − mean[c]) / std[c]}.
 *
 * @param size          the model input {@code H×W×C}
 * @param mean          per-channel means ({@code size.channels()} values)
 * @param std           per-channel standard deviations ({@code size.channels()} positive values)
 * @param interpolation how an image of another size is resized (bilinear; the MetaFormers: timm's bicubic)
 */
public record Preprocessing(InputSize size, float[] mean, float[] std, Interpolation interpolation) {
    /** Validates the statistics against the channel count. */
    public Preprocessing {
        if (size == null || mean == null || std == null || interpolation == null) {
            throw new IllegalArgumentException("Preprocessing: arguments must not be null");
        }
        if (mean.length != size.channels() || std.length != size.channels()) {
            throw new IllegalArgumentException("Preprocessing: " + size.channels() + " channels need as many means and stds, got "
                    + mean.length + " and " + std.length);
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Bilinear resizing. */
    public Preprocessing(InputSize size, float[] mean, float[] std) {
        this(size, mean, std, Interpolation.BILINEAR);
    }

    /** The channel layout images are decoded to. */
    public ColorMode colorMode() {
        return size.channels() == 1 ? ColorMode.GRAY : ColorMode.RGB;
    }

    /** Resize-and-crop when the size differs, then normalisation; no randomness. */
    public Transform transform() {
        return fit().andThen(normalize());
    }

    /** An image of another size resized so its shorter side fits, then centre-cropped to {@code size}; others unchanged. */
    public Transform fit() {
        int h = size.height(), w = size.width();
        Transform resize = Transforms.resizeShorterSide(Math.max(h, w), interpolation).andThen(Transforms.centerCrop(h, w));
        return (image, rng) -> image.height() == h && image.width() == w ? image : resize.apply(image, rng);
    }

    /** {@code (x − mean[c]) / std[c]}. */
    public Transform normalize() {
        return Transforms.normalize(mean, std);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }
}
