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
}
