package io.github.basis4j.inference;

/**
 * The size of one input image, channel-last {@code [height, width, channels]}.
 *
 * @param height   rows (≥ 1)
 * @param width    columns (≥ 1)
 * @param channels channels (≥ 1)
 */
public record InputSize(int height, int width, int channels) {
    /** Validates that every size is positive. */
    public InputSize {
        if (height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException("InputSize: sizes must be >= 1, got " + height + "x" + width + "x" + channels);
        }
    }

    /** {@code HxWxC}, e.g. {@code 32x32x3}. */
    @Override
    public String toString() {
        return height + "x" + width + "x" + channels;
    }
}
