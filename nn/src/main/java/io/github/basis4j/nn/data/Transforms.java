package io.github.basis4j.nn.data;

import java.util.Arrays;

/**
 * The standard image transforms, with torchvision's semantics, on channel-last {@link Image}s:
 * random crop with zero padding, random horizontal flip, per-channel normalisation, bilinear resize and
 * centre crop. Random ones consume a fixed number of draws per image (so a stream stays aligned even when
 * a flip does not happen). Every transform returns a new image.
 */
public final class Transforms {
    private Transforms() {
    }

    /** Applies {@code transforms} in order ({@code torchvision.transforms.Compose}). */
    public static Transform compose(Transform... transforms) {
        Transform[] ts = transforms.clone();
        return (image, rng) -> {
            Image out = image;
            for (Transform t : ts) out = t.apply(out, rng);
            return out;
        };
    }

    /**
     * {@code RandomCrop((height, width), padding)}: pads every side with {@code padding} zeros, then cuts a
     * {@code [height, width]} window at a uniformly random position (top drawn first, then left). The CIFAR
     * recipe is {@code randomCrop(32, 32, 4)}. Draws two integers.
     */
    public static Transform randomCrop(int height, int width, int padding) {
        requirePositive("randomCrop", height, width);
        if (padding < 0) throw new IllegalArgumentException("randomCrop: padding must be >= 0, got " + padding);
        return (image, rng) -> {
            int spanY = image.height() + 2 * padding - height;
            int spanX = image.width() + 2 * padding - width;
            if (spanY < 0 || spanX < 0) {
                throw new IllegalArgumentException("randomCrop: a [" + height + ", " + width + "] crop does not fit a "
                        + Arrays.toString(image.shape()) + " image padded by " + padding);
            }
            int top = rng.nextInt(spanY + 1) - padding;
            int left = rng.nextInt(spanX + 1) - padding;
            return crop(image, top, left, height, width);
        };
    }

    /** {@code RandomHorizontalFlip(p)}: mirrors left–right with probability {@code p}. Draws one double. */
    public static Transform horizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("horizontalFlip: p must be in [0, 1], got " + p);
        return (image, rng) -> rng.nextDouble() < p ? flipHorizontal(image) : image;
    }

    /** Mirrors an image left–right. */
    public static Image flipHorizontal(Image image) {
        int h = image.height(), w = image.width(), c = image.channels();
        float[] in = image.data();
        float[] out = new float[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) System.arraycopy(in, (y * w + x) * c, out, (y * w + (w - 1 - x)) * c, c);
        }
        return new Image(h, w, c, out);
    }

    /**
     * {@code Normalize(mean, std)}: {@code (x - mean[c]) / std[c]} per channel. E.g. CIFAR-10's
     * {@code mean = (0.4914, 0.4822, 0.4465)}, {@code std = (0.2470, 0.2435, 0.2616)}.
     */
    public static Transform normalize(float[] mean, float[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("normalize: mean and std need one value per channel, got " + mean.length + " and "
                    + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) throw new IllegalArgumentException("normalize: std must be > 0, got " + Arrays.toString(std));
        }
        float[] m = mean.clone(), s = std.clone();
        return (image, rng) -> {
            int c = image.channels();
            if (c != m.length) {
                throw new IllegalArgumentException("normalize: " + m.length + " channel means for a " + Arrays.toString(image.shape())
                        + " image");
            }
            float[] in = image.data();
            float[] out = new float[in.length];
            for (int i = 0; i < in.length; i++) out[i] = (in[i] - m[i % c]) / s[i % c];
            return new Image(image.height(), image.width(), c, out);
        };
    }

    /**
     * Bilinear resize to {@code [height, width]} with PyTorch's {@code interpolate(mode="bilinear",
     * align_corners=False)} sampling: output pixel centres map to {@code (i + 0.5) · in/out - 0.5}, clamped at
     * 0, neighbours clamped at the last row or column. There is no anti-aliasing filter, so strong
     * downscaling aliases (as torch's {@code antialias=False}).
     */
    public static Transform resize(int height, int width) {
        requirePositive("resize", height, width);
        return (image, rng) -> resizeBilinear(image, height, width);
    }

    /** Resize to {@code [height, width]} with {@code mode} ({@link Interpolation}). */
    public static Transform resize(int height, int width, Interpolation mode) {
        requirePositive("resize", height, width);
        requireMode("resize", mode);
        return (image, rng) -> resample(image, height, width, mode);
    }

    /**
     * torchvision's {@code Resize(size)} with an int: the shorter side becomes {@code size}, the longer
     * {@code ⌊size · long / short⌋}, bilinear as {@link #resize(int, int)}.
     */
    public static Transform resizeShorterSide(int size) {
        return resizeShorterSide(size, Interpolation.BILINEAR);
    }

    /** {@link #resizeShorterSide(int)} with {@code mode} ({@link Interpolation}); BICUBIC is timm's eval resize. */
    public static Transform resizeShorterSide(int size, Interpolation mode) {
        requirePositive("resizeShorterSide", size, size);
        requireMode("resizeShorterSide", mode);
        return (image, rng) -> {
            int h = image.height(), w = image.width();
            if (h <= w) return resample(image, size, (int) ((double) size * w / h), mode);
            return resample(image, (int) ((double) size * h / w), size, mode);
        };
    }

    private static Image resample(Image image, int outH, int outW, Interpolation mode) {
        return mode == Interpolation.BICUBIC ? resizeBicubic(image, outH, outW) : resizeBilinear(image, outH, outW);
    }

    /** PIL's cubic convolution coefficient a. */
    private static final double CUBIC_A = -0.5;

    /**
     * The taps of one axis of the antialiased bicubic resize, output i reading inputs
     * {@code [first[i], first[i] + count[i])} with {@code weights[i·stride + j]}.
     */
    private record Taps(int[] first, int[] count, float[] weights, int stride) {
    }

    /**
     * PIL's (and PyTorch's antialias) tap computation: centre {@code (i + 0.5)·s} in input pixels for the scale
     * s = in/out, support 2·max(s, 1) either side, kernel evaluated at {@code (j − centre + 0.5)/max(s, 1)},
     * weights normalised to sum to one.
     */
    private static Taps bicubicTaps(int in, int out) {
        double scale = (double) in / out;
        double support = 2.0 * Math.max(scale, 1.0);
        double inv = 1.0 / Math.max(scale, 1.0);
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[out], count = new int[out];
        float[] weights = new float[out * stride];
        double[] w = new double[stride];
        for (int i = 0; i < out; i++) {
            double centre = scale * (i + 0.5);
            int lo = Math.max((int) (centre - support + 0.5), 0);
            int n = Math.min(Math.min((int) (centre + support + 0.5), in) - lo, stride);
            double total = 0;
            for (int j = 0; j < n; j++) {
                w[j] = cubic((j + lo - centre + 0.5) * inv);
                total += w[j];
            }
            for (int j = 0; j < n; j++) weights[i * stride + j] = (float) (total != 0 ? w[j] / total : w[j]);
            first[i] = lo;
            count[i] = n;
        }
        return new Taps(first, count, weights, stride);
    }

    /** The cubic convolution kernel with a = {@value #CUBIC_A}. */
    private static double cubic(double x) {
        double t = Math.abs(x);
        if (t < 1) return ((CUBIC_A + 2) * t - (CUBIC_A + 3)) * t * t + 1;
        if (t < 2) return (((t - 5) * t + 8) * t - 4) * CUBIC_A;
        return 0;
    }

    /** Antialiased bicubic: rows first into {@code [h, outW, c]}, then columns. */
    private static Image resizeBicubic(Image image, int outH, int outW) {
        int h = image.height(), w = image.width(), c = image.channels();
        float[] in = image.data();
        Taps tx = bicubicTaps(w, outW), ty = bicubicTaps(h, outH);
        float[] mid = new float[h * outW * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < outW; x++) {
                int o = (y * outW + x) * c, src = (y * w + tx.first()[x]) * c, wOff = x * tx.stride();
                for (int j = 0; j < tx.count()[x]; j++) {
                    float wt = tx.weights()[wOff + j];
                    for (int k = 0; k < c; k++) mid[o + k] += wt * in[src + j * c + k];
                }
            }
        }
        float[] out = new float[outH * outW * c];
        int row = outW * c;
        for (int y = 0; y < outH; y++) {
            int o = y * row, wOff = y * ty.stride();
            for (int j = 0; j < ty.count()[y]; j++) {
                float wt = ty.weights()[wOff + j];
                int src = (ty.first()[y] + j) * row;
                for (int i = 0; i < row; i++) out[o + i] += wt * mid[src + i];
            }
        }
        return new Image(outH, outW, c, out);
    }

    /**
     * {@code CenterCrop((height, width))}: the centred window, top {@code round((H - height) / 2)} with
     * Python's round-half-even; a crop larger than the image pads it with zeros, as torchvision does.
     */
    public static Transform centerCrop(int height, int width) {
        requirePositive("centerCrop", height, width);
        return (image, rng) -> crop(image, centredOffset(image.height(), height), centredOffset(image.width(), width), height, width);
    }

    private static int centredOffset(int size, int crop) {
        // torchvision pads (crop - size) // 2 before and the rest after, then crops at 0.
        if (crop > size) return -((crop - size) / 2);
        return (int) Math.rint((size - crop) / 2.0);
    }

    /** The window of rows [top, top + height) and columns [left, left + width); outside the image is zero. */
    static Image crop(Image image, int top, int left, int height, int width) {
        int h = image.height(), w = image.width(), c = image.channels();
        float[] in = image.data();
        float[] out = new float[height * width * c];
        int x0 = Math.max(0, -left), x1 = Math.min(width, w - left);
        for (int y = 0; y < height; y++) {
            int sy = top + y;
            if (sy < 0 || sy >= h || x1 <= x0) continue;
            System.arraycopy(in, (sy * w + left + x0) * c, out, (y * width + x0) * c, (x1 - x0) * c);
        }
        return new Image(height, width, c, out);
    }

    private static Image resizeBilinear(Image image, int outH, int outW) {
        int h = image.height(), w = image.width(), c = image.channels();
        float[] in = image.data();
        float[] out = new float[outH * outW * c];
        float scaleY = (float) h / outH, scaleX = (float) w / outW;
        // Column weights are the same for every row: compute them once.
        int[] xLo = new int[outW], xHi = new int[outW];
        float[] xW = new float[outW];
        for (int x = 0; x < outW; x++) {
            float sx = Math.max((x + 0.5f) * scaleX - 0.5f, 0f);
            xLo[x] = Math.min((int) sx, w - 1);
            xHi[x] = Math.min(xLo[x] + 1, w - 1);
            xW[x] = sx - xLo[x];
        }
        for (int y = 0; y < outH; y++) {
            float sy = Math.max((y + 0.5f) * scaleY - 0.5f, 0f);
            int y0 = Math.min((int) sy, h - 1), y1 = Math.min(y0 + 1, h - 1);
            float wy = sy - y0;
            for (int x = 0; x < outW; x++) {
                int a = (y0 * w + xLo[x]) * c, b = (y0 * w + xHi[x]) * c;
                int d = (y1 * w + xLo[x]) * c, e = (y1 * w + xHi[x]) * c;
                float wx = xW[x];
                int o = (y * outW + x) * c;
                for (int k = 0; k < c; k++) {
                    float top = in[a + k] + wx * (in[b + k] - in[a + k]);
                    float bottom = in[d + k] + wx * (in[e + k] - in[d + k]);
                    out[o + k] = top + wy * (bottom - top);
                }
            }
        }
        return new Image(outH, outW, c, out);
    }

    private static void requireMode(String op, Interpolation mode) {
        if (mode == null) throw new IllegalArgumentException(op + ": interpolation must not be null");
    }

    private static void requirePositive(String op, int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(op + ": size must be >= 1, got [" + height + ", " + width + "]");
        }
    }

}
