package io.github.basis4j.nn.data;

/**
 * The channel layout images are converted to when read: one grey channel or three RGB channels
 * (PIL's {@code convert("L")} and {@code convert("RGB")}; alpha is dropped, not composited).
 */
public enum ColorMode {
    GRAY(1),
    RGB(3);

    private final int channels;

    ColorMode(int channels) {
        this.channels = channels;
    }

    /** 1 or 3. */
    public int channels() {
        return channels;
    }

    /**
     * The grey value of an RGB colour, {@code 0.299 r + 0.587 g + 0.114 b} (ITU-R BT.601 luma, the weights of
     * PIL's {@code convert("L")} that {@link #GRAY} images are made with, without its 8-bit rounding): also the
     * grey counterpart of a per-channel RGB mean or standard deviation.
     */
    public static float luma(float r, float g, float b) {
        return 0.299f * r + 0.587f * g + 0.114f * b;
    }
}
