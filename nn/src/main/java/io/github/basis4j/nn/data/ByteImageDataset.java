package io.github.basis4j.nn.data;

import java.util.List;

/**
 * An in-memory dataset of equally sized 8-bit images, stored channel-last as bytes (a quarter of the float
 * size: Fashion-MNIST's 60000 training images take 47 MB) and converted to floats in [0, 1] ({@code v / 255})
 * when read. Produced by {@link IdxReader} and {@link CifarReader}; immutable and safe for concurrent reads.
 */
public final class ByteImageDataset implements Dataset {
    /** Divided, not multiplied by 1/255: the same rounding as torchvision's {@code ToTensor} ({@code div(255)}). */
    private static final float MAX_BYTE = 255f;

    private final int height;
    private final int width;
    private final int channels;
    private final byte[] pixels;
    private final int[] labels;
    private final List<String> classNames;

    /**
     * @param height     image rows
     * @param width      image columns
     * @param channels   channels per pixel
     * @param pixels     {@code n · height · width · channels} unsigned bytes, image after image, each
     *                   {@code [H, W, C]} (not copied)
     * @param labels     {@code n} labels in {@code [0, classNames.size())} (not copied)
     * @param classNames class names by label
     */
    public ByteImageDataset(int height, int width, int channels, byte[] pixels, int[] labels, List<String> classNames) {
        if (height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException("ByteImageDataset: image sizes must be >= 1, got [" + height + ", " + width + ", "
                    + channels + "]");
        }
        long per = (long) height * width * channels;
        if (per * labels.length != pixels.length) {
            throw new IllegalArgumentException("ByteImageDataset: " + labels.length + " labels need " + per * labels.length
                    + " pixel bytes for [" + height + ", " + width + ", " + channels + "] images, got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("ByteImageDataset: label " + labels[i] + " of sample " + i + " is outside [0, "
                        + classNames.size() + ")");
            }
        }
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = List.copyOf(classNames);
    }

    @Override
    public int size() {
        return labels.length;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int channels() {
        return channels;
    }

    @Override
    public Image image(int i) {
        checkIndex(i);
        int per = height * width * channels;
        float[] out = new float[per];
        int off = i * per;
        for (int k = 0; k < per; k++) out[k] = (pixels[off + k] & 0xff) / MAX_BYTE;
        return new Image(height, width, channels, out);
    }

    /** The raw byte value of element {@code k} (row-major within {@code [H, W, C]}) of sample {@code i}. */
    public int pixel(int i, int k) {
        checkIndex(i);
        int per = height * width * channels;
        if (k < 0 || k >= per) throw new IllegalArgumentException("ByteImageDataset.pixel: element " + k + " outside [0, " + per + ")");
        return pixels[i * per + k] & 0xff;
    }

    @Override
    public int label(int i) {
        checkIndex(i);
        return labels[i];
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= labels.length) {
            throw new IndexOutOfBoundsException("ByteImageDataset: sample " + i + " outside [0, " + labels.length + ")");
        }
    }
}
