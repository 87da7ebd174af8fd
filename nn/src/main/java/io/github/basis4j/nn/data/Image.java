package io.github.basis4j.nn.data;

import java.util.Arrays;

/**
 * One image, channel-last: {@code data[(y · width + x) · channels + c]}, shape {@code [height, width, channels]}.
 * Readers produce values in [0, 1]; transforms such as normalisation may leave that range. The array is
 * owned by the image; transforms return new images and never write into their input.
 *
 * @param height   rows (≥ 1)
 * @param width    columns (≥ 1)
 * @param channels 1 (grey) or 3 (RGB) from the readers; any positive count is accepted
 * @param data     {@code height · width · channels} floats
 */
public record Image(int height, int width, int channels, float[] data) {
    /** Validates that the sizes are positive and agree with the array. */
    public Image {
        if (height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException("Image: sizes must be >= 1, got [" + height + ", " + width + ", " + channels + "]");
        }
        if (data == null || (long) height * width * channels != data.length) {
            throw new IllegalArgumentException("Image: [" + height + ", " + width + ", " + channels + "] needs "
                    + (long) height * width * channels + " floats, got " + (data == null ? "null" : data.length));
        }
    }

    /** Element {@code (y, x, c)}. */
    public float at(int y, int x, int c) {
        return data[(y * width + x) * channels + c];
    }

    /** The shape as {@code [height, width, channels]}. */
    public int[] shape() {
        return new int[] {height, width, channels};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image i && i.height == height && i.width == width && i.channels == channels
                && Arrays.equals(i.data, data);
    }

    @Override
    public int hashCode() {
        return (31 * (31 * height + width) + channels) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Image[" + height + ", " + width + ", " + channels + "]";
    }
}
