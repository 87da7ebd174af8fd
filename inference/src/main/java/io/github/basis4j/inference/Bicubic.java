package io.github.basis4j.inference;

import io.github.basis4j.nn.data.Image;

/**
 * Bicubic resize of a channel-last {@link Image} with PyTorch's {@code interpolate(mode="bicubic",
 * align_corners=False)} arithmetic: source coordinate {@code s = (i + 0.5) · in/out − 0.5} (not clamped),
 * taps at {@code ⌊s⌋ − 1 … ⌊s⌋ + 2} clamped to the border, Keys' cubic convolution with
 * {@code a = −0.75}. Separable: rows are interpolated first into a {@code [in H, out W, C]} intermediate,
 * then columns, each output sample a 4-tap weighted sum.
 */
final class Bicubic {
    /** PyTorch's cubic convolution coefficient (OpenCV's too); PIL uses −0.5. */
    private static final float A = -0.75f;
    private static final int TAPS = 4;

    private Bicubic() {
    }

    /** {@code image} resized to {@code [outH, outW]}, same channels. */
    static Image resize(Image image, int outH, int outW) {
        int h = image.height(), w = image.width(), c = image.channels();
        int[] xIdx = new int[outW * TAPS];
        float[] xWt = new float[outW * TAPS];
        taps(w, outW, xIdx, xWt);
        int[] yIdx = new int[outH * TAPS];
        float[] yWt = new float[outH * TAPS];
        taps(h, outH, yIdx, yWt);
        float[] in = image.data();
        float[] rows = new float[h * outW * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < outW; x++) {
                int o = (y * outW + x) * c;
                for (int t = 0; t < TAPS; t++) {
                    int s = (y * w + xIdx[x * TAPS + t]) * c;
                    float wt = xWt[x * TAPS + t];
                    for (int k = 0; k < c; k++) rows[o + k] += wt * in[s + k];
                }
            }
        }
        float[] out = new float[outH * outW * c];
        for (int y = 0; y < outH; y++) {
            for (int t = 0; t < TAPS; t++) {
                int s = yIdx[y * TAPS + t] * outW * c;
                float wt = yWt[y * TAPS + t];
                int o = y * outW * c;
                for (int i = 0; i < outW * c; i++) out[o + i] += wt * rows[s + i];
            }
        }
        return new Image(outH, outW, c, out);
    }

    /** For each output index, the four clamped source indices and their weights. */
    private static void taps(int in, int out, int[] idx, float[] wt) {
        float scale = (float) in / out;
        for (int i = 0; i < out; i++) {
            float s = (i + 0.5f) * scale - 0.5f;
            int base = (int) Math.floor(s);
            float t = s - base;
            wt[i * TAPS] = far(t + 1);
            wt[i * TAPS + 1] = near(t);
            wt[i * TAPS + 2] = near(1 - t);
            wt[i * TAPS + 3] = far(2 - t);
            for (int k = 0; k < TAPS; k++) idx[i * TAPS + k] = Math.clamp(base - 1 + k, 0, in - 1);
        }
    }

    /** Keys' kernel for |x| ≤ 1: {@code (a + 2)|x|³ − (a + 3)|x|² + 1}. */
    private static float near(float x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    /** Keys' kernel for 1 < |x| < 2: {@code a|x|³ − 5a|x|² + 8a|x| − 4a}. */
    private static float far(float x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}
