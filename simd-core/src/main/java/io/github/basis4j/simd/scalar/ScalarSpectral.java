package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.SpectralKernels;

/**
 * Plain-loop {@link SpectralKernels}: the test oracle and the fallback. Layouts, gradient conventions and the
 * chunking are those of the interface; {@code PanamaSpectral} mirrors every method with lanes across channels.
 *
 * <p>Products are written as multiply then add (Java never fuses them), so the forward kernels are
 * bit-identical to the vector twin, which does the same per lane.
 */
public final class ScalarSpectral implements SpectralKernels {

    @Override
    public void globalFilterForward(float[] x, int xOff, float[] k, int kOff, float[] y, int yOff, int n, int bins, int c) {
        assert n >= 0 && bins >= 0 && c >= 0;
        int c2 = 2 * c;
        Parallel.forRange(n * bins, SpectralKernels.binsPerChunk(4L * c), (from, to) -> {
            for (int b = from; b < to; b++) {
                int xb = xOff + b * c2, yb = yOff + b * c2, kb = kOff + (b % bins) * c2;
                for (int ch = 0; ch < c; ch++) {
                    float xr = x[xb + ch], xi = x[xb + c + ch];
                    float kr = k[kb + ch], ki = k[kb + c + ch];
                    y[yb + ch] = xr * kr - xi * ki;
                    y[yb + c + ch] = xr * ki + xi * kr;
                }
            }
        });
    }

    @Override
    public void globalFilterBackward(float[] x, int xOff, float[] k, int kOff, float[] gy, int gyOff,
                                     float[] gx, int gxOff, float[] gk, int gkOff, int n, int bins, int c) {
        assert n >= 0 && bins >= 0 && c >= 0;
        int c2 = 2 * c;
        // Chunks over bins, samples inside: each chunk owns its bins of gk, so the sum over samples needs no partials.
        Parallel.forRange(bins, SpectralKernels.binsPerChunk(8L * c * n), (from, to) -> {
            for (int j = from; j < to; j++) {
                int kb = kOff + j * c2, gkb = gkOff + j * c2;
                for (int s = 0; s < n; s++) {
                    int b = s * bins + j;
                    int xb = xOff + b * c2, gyb = gyOff + b * c2, gxb = gxOff + b * c2;
                    for (int ch = 0; ch < c; ch++) {
                        float gyr = gy[gyb + ch], gyi = gy[gyb + c + ch];
                        if (gx != null) {
                            float kr = k[kb + ch], ki = k[kb + c + ch];
                            gx[gxb + ch] += gyr * kr + gyi * ki;
                            gx[gxb + c + ch] += gyi * kr - gyr * ki;
                        }
                        if (gk != null) {
                            float xr = x[xb + ch], xi = x[xb + c + ch];
                            gk[gkb + ch] += gyr * xr + gyi * xi;
                            gk[gkb + c + ch] += gyi * xr - gyr * xi;
                        }
                    }
                }
            }
        });
    }

    @Override
    public void dynamicFilterForward(float[] x, int xOff, float[] r, int rOff, float[] k, int kOff, float[] y, int yOff,
                                     int n, int bins, int f, int c) {
        assert n >= 0 && bins >= 0 && f >= 1 && c >= 0;
        int c2 = 2 * c;
        Parallel.forRange(n * bins, SpectralKernels.binsPerChunk((2L * f + 4) * c), (from, to) -> {
            for (int b = from; b < to; b++) {
                int s = b / bins, j = b - s * bins;
                int xb = xOff + b * c2, yb = yOff + b * c2, kb = kOff + j * f * 2, rb = rOff + s * f * c;
                for (int ch = 0; ch < c; ch++) {
                    // The mixed filter w = Σ_q r·k for this (sample, bin, channel), formed on the fly.
                    float wr = 0f, wi = 0f;
                    for (int q = 0; q < f; q++) {
                        float rq = r[rb + q * c + ch];
                        wr += rq * k[kb + 2 * q];
                        wi += rq * k[kb + 2 * q + 1];
                    }
                    float xr = x[xb + ch], xi = x[xb + c + ch];
                    y[yb + ch] = xr * wr - xi * wi;
                    y[yb + c + ch] = xr * wi + xi * wr;
                }
            }
        });
    }

    @Override
    public void dynamicFilterBackward(float[] x, int xOff, float[] r, int rOff, float[] k, int kOff, float[] gy, int gyOff,
                                      float[] gx, int gxOff, float[] gr, int grOff, float[] gk, int gkOff,
                                      int n, int bins, int f, int c) {
        assert n >= 0 && bins >= 0 && f >= 1 && c >= 0;
        int c2 = 2 * c, nfc = n * f * c;
        int grain = SpectralKernels.binsPerChunk((6L * f + 8) * c * n);
        int chunks = Parallel.chunkCount(bins, grain);
        // gr sums over bins, which are split across chunks: one partial per chunk, combined in chunk order below.
        float[] grPartials = gr == null ? null : new float[chunks * nfc];
        Parallel.forChunks(bins, grain, (chunk, from, to) -> {
            float[] gw = new float[c2];   // gy·conj(x) at one (sample, bin): re then im, reused across the chunk
            int pb = chunk * nfc;
            for (int j = from; j < to; j++) {
                int kb = kOff + j * f * 2;
                for (int s = 0; s < n; s++) {
                    int b = s * bins + j;
                    int xb = xOff + b * c2, gyb = gyOff + b * c2, gxb = gxOff + b * c2, rb = rOff + s * f * c;
                    for (int ch = 0; ch < c; ch++) {
                        float gyr = gy[gyb + ch], gyi = gy[gyb + c + ch];
                        float xr = x[xb + ch], xi = x[xb + c + ch];
                        if (gx != null) {
                            float wr = 0f, wi = 0f;
                            for (int q = 0; q < f; q++) {
                                float rq = r[rb + q * c + ch];
                                wr += rq * k[kb + 2 * q];
                                wi += rq * k[kb + 2 * q + 1];
                            }
                            gx[gxb + ch] += gyr * wr + gyi * wi;
                            gx[gxb + c + ch] += gyi * wr - gyr * wi;
                        }
                        gw[ch] = gyr * xr + gyi * xi;
                        gw[c + ch] = gyi * xr - gyr * xi;
                    }
                    for (int q = 0; q < f; q++) {
                        int rq = rb + q * c;
                        if (gk != null) {
                            float dr = 0f, di = 0f;
                            for (int ch = 0; ch < c; ch++) {
                                dr += r[rq + ch] * gw[ch];
                                di += r[rq + ch] * gw[c + ch];
                            }
                            gk[gkOff + (j * f + q) * 2] += dr;
                            gk[gkOff + (j * f + q) * 2 + 1] += di;
                        }
                        if (grPartials != null) {
                            float kr = k[kb + 2 * q], ki = k[kb + 2 * q + 1];
                            int pq = pb + (s * f + q) * c;
                            for (int ch = 0; ch < c; ch++) grPartials[pq + ch] += kr * gw[ch] + ki * gw[c + ch];
                        }
                    }
                }
            }
        });
        if (grPartials != null) addChunkPartials(grPartials, chunks, gr, grOff, nfc);
    }

    /** {@code dst[i] += Σ_chunk partials[chunk·len + i]}, chunks summed in ascending order before the add. */
    private static void addChunkPartials(float[] partials, int chunks, float[] dst, int dstOff, int len) {
        for (int i = 0; i < len; i++) {
            float sum = 0f;
            for (int ch = 0; ch < chunks; ch++) sum += partials[ch * len + i];
            dst[dstOff + i] += sum;
        }
    }
}
