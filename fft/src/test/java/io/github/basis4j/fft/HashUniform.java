package io.github.basis4j.fft;

/**
 * The counter hash that generates the inputs and loss weights of {@code fft_dfformer_shapes.safetensors}, bit for bit
 * as {@code tools/fixtures/fft_fixtures.py}'s {@code hash_uniform} does, so those fixtures need not store them.
 *
 * <p>Value {@code i} of seed {@code s}: {@code h = i·0x9E3779B1 + s·0x85EBCA77 + 1} (32-bit wrap-around), then
 * murmur3's finaliser, then {@code (h >>> 8)·2⁻²³ − 1}: uniform in [−1, 1) and exact in float32. Any index can be
 * generated alone, so a test may regenerate just the channels it checks.
 */
public final class HashUniform {
    private HashUniform() {
    }

    /** Value at flat index {@code i} of the stream of {@code seed}. */
    public static float at(int i, int seed) {
        int h = i * 0x9E3779B1 + seed * 0x85EBCA77 + 1;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return (h >>> 8) * 0x1p-23f - 1f;
    }

    /** Values {@code 0 … count−1} of the stream of {@code seed}. */
    public static float[] floats(int count, int seed) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) v[i] = at(i, seed);
        return v;
    }
}
