package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.SpectralKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link SpectralKernels}; each method mirrors its twin in {@code ScalarSpectral} (same name,
 * signature, chunking and operation order), with lanes across channels: the planar layout puts the real parts of
 * one bin in one contiguous run of {@code c} floats and the imaginary parts in the next, so a complex product is
 * four plain vector loads and no shuffles. Each channel loop has a scalar tail; {@code c} is never assumed to be a
 * multiple of the lane count.
 *
 * <p>Products are multiply then add rather than fused: the loops are load-bound (two to four loads per four
 * flops), so fusing would not make them faster, and keeping the scalar twin's rounding makes the forward kernels
 * bit-identical to it. Only the channel sums of the dynamic filter's {@code gk} differ from the twin in rounding,
 * because lanes reorder the sum.
 */
public final class PanamaSpectral implements SpectralKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final int L = PanamaSpecies.LANES;

    @Override
    public void globalFilterForward(float[] x, int xOff, float[] k, int kOff, float[] y, int yOff, int n, int bins, int c) {
        assert n >= 0 && bins >= 0 && c >= 0;
        int c2 = 2 * c, bound = F.loopBound(c);
        Parallel.forRange(n * bins, SpectralKernels.binsPerChunk(4L * c), (from, to) -> {
            for (int b = from; b < to; b++) {
                int xb = xOff + b * c2, yb = yOff + b * c2, kb = kOff + (b % bins) * c2;
                int ch = 0;
                for (; ch < bound; ch += L) {
                    FloatVector xr = FloatVector.fromArray(F, x, xb + ch), xi = FloatVector.fromArray(F, x, xb + c + ch);
                    FloatVector kr = FloatVector.fromArray(F, k, kb + ch), ki = FloatVector.fromArray(F, k, kb + c + ch);
                    xr.mul(kr).sub(xi.mul(ki)).intoArray(y, yb + ch);
                    xr.mul(ki).add(xi.mul(kr)).intoArray(y, yb + c + ch);
                }
                for (; ch < c; ch++) {
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
        int c2 = 2 * c, bound = F.loopBound(c);
        // Chunks over bins, samples inside: each chunk owns its bins of gk, so the sum over samples needs no partials.
        Parallel.forRange(bins, SpectralKernels.binsPerChunk(8L * c * n), (from, to) -> {
            for (int j = from; j < to; j++) {
                int kb = kOff + j * c2, gkb = gkOff + j * c2;
                for (int s = 0; s < n; s++) {
                    int b = s * bins + j;
                    int xb = xOff + b * c2, gyb = gyOff + b * c2, gxb = gxOff + b * c2;
                    int ch = 0;
                    for (; ch < bound; ch += L) {
                        FloatVector gyr = FloatVector.fromArray(F, gy, gyb + ch), gyi = FloatVector.fromArray(F, gy, gyb + c + ch);
                        if (gx != null) {
                            FloatVector kr = FloatVector.fromArray(F, k, kb + ch), ki = FloatVector.fromArray(F, k, kb + c + ch);
                            FloatVector.fromArray(F, gx, gxb + ch).add(gyr.mul(kr).add(gyi.mul(ki))).intoArray(gx, gxb + ch);
                            FloatVector.fromArray(F, gx, gxb + c + ch).add(gyi.mul(kr).sub(gyr.mul(ki))).intoArray(gx, gxb + c + ch);
                        }
                        if (gk != null) {
                            FloatVector xr = FloatVector.fromArray(F, x, xb + ch), xi = FloatVector.fromArray(F, x, xb + c + ch);
                            FloatVector.fromArray(F, gk, gkb + ch).add(gyr.mul(xr).add(gyi.mul(xi))).intoArray(gk, gkb + ch);
                            FloatVector.fromArray(F, gk, gkb + c + ch).add(gyi.mul(xr).sub(gyr.mul(xi))).intoArray(gk, gkb + c + ch);
                        }
                    }
                    for (; ch < c; ch++) {
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
        int c2 = 2 * c, bound = F.loopBound(c);
        Parallel.forRange(n * bins, SpectralKernels.binsPerChunk((2L * f + 4) * c), (from, to) -> {
            for (int b = from; b < to; b++) {
                int s = b / bins, j = b - s * bins;
                int xb = xOff + b * c2, yb = yOff + b * c2, kb = kOff + j * f * 2, rb = rOff + s * f * c;
                int ch = 0;
                for (; ch < bound; ch += L) {
                    // The mixed filter w = Σ_q r·k for these lanes, formed in registers: it is never stored.
                    FloatVector wr = FloatVector.zero(F), wi = FloatVector.zero(F);
                    for (int q = 0; q < f; q++) {
                        FloatVector rq = FloatVector.fromArray(F, r, rb + q * c + ch);
                        wr = wr.add(rq.mul(k[kb + 2 * q]));
                        wi = wi.add(rq.mul(k[kb + 2 * q + 1]));
                    }
                    FloatVector xr = FloatVector.fromArray(F, x, xb + ch), xi = FloatVector.fromArray(F, x, xb + c + ch);
                    xr.mul(wr).sub(xi.mul(wi)).intoArray(y, yb + ch);
                    xr.mul(wi).add(xi.mul(wr)).intoArray(y, yb + c + ch);
                }
                for (; ch < c; ch++) {
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
        int c2 = 2 * c, nfc = n * f * c, bound = F.loopBound(c);
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
                    backwardInputAndFilterGrad(x, xb, r, rb, k, kb, gy, gyb, gx, gxb, gw, f, c, bound);
                    for (int q = 0; q < f; q++) {
                        int rq = rb + q * c;
                        if (gk != null) {
                            int gkq = gkOff + (j * f + q) * 2;
                            // One accumulator per part: c / lanes is a handful of iterations, too few to hide latency by splitting.
                            FloatVector dr = FloatVector.zero(F), di = FloatVector.zero(F);
                            int ch = 0;
                            for (; ch < bound; ch += L) {
                                FloatVector rv = FloatVector.fromArray(F, r, rq + ch);
                                dr = dr.add(rv.mul(FloatVector.fromArray(F, gw, ch)));
                                di = di.add(rv.mul(FloatVector.fromArray(F, gw, c + ch)));
                            }
                            float sr = PanamaLanes.sum(dr), si = PanamaLanes.sum(di);
                            for (; ch < c; ch++) {
                                sr += r[rq + ch] * gw[ch];
                                si += r[rq + ch] * gw[c + ch];
                            }
                            gk[gkq] += sr;
                            gk[gkq + 1] += si;
                        }
                        if (grPartials != null) {
                            float kr = k[kb + 2 * q], ki = k[kb + 2 * q + 1];
                            int pq = pb + (s * f + q) * c;
                            int ch = 0;
                            for (; ch < bound; ch += L) {
                                FloatVector t = FloatVector.fromArray(F, gw, ch).mul(kr).add(FloatVector.fromArray(F, gw, c + ch).mul(ki));
                                FloatVector.fromArray(F, grPartials, pq + ch).add(t).intoArray(grPartials, pq + ch);
                            }
                            for (; ch < c; ch++) grPartials[pq + ch] += kr * gw[ch] + ki * gw[c + ch];
                        }
                    }
                }
            }
        });
        if (grPartials != null) addChunkPartials(grPartials, chunks, gr, grOff, nfc);
    }

    /**
     * First pass of the dynamic filter backward at one (sample, bin): {@code gx += gy·conj(w)} with the mixed filter
     * {@code w} re-formed in registers, and the filter gradient {@code gy·conj(x)} written to {@code gw} (re then im).
     */
    private static void backwardInputAndFilterGrad(float[] x, int xb, float[] r, int rb, float[] k, int kb,
                                                   float[] gy, int gyb, float[] gx, int gxb, float[] gw,
                                                   int f, int c, int bound) {
        int ch = 0;
        for (; ch < bound; ch += L) {
            FloatVector gyr = FloatVector.fromArray(F, gy, gyb + ch), gyi = FloatVector.fromArray(F, gy, gyb + c + ch);
            FloatVector xr = FloatVector.fromArray(F, x, xb + ch), xi = FloatVector.fromArray(F, x, xb + c + ch);
            if (gx != null) {
                FloatVector wr = FloatVector.zero(F), wi = FloatVector.zero(F);
                for (int q = 0; q < f; q++) {
                    FloatVector rq = FloatVector.fromArray(F, r, rb + q * c + ch);
                    wr = wr.add(rq.mul(k[kb + 2 * q]));
                    wi = wi.add(rq.mul(k[kb + 2 * q + 1]));
                }
                FloatVector.fromArray(F, gx, gxb + ch).add(gyr.mul(wr).add(gyi.mul(wi))).intoArray(gx, gxb + ch);
                FloatVector.fromArray(F, gx, gxb + c + ch).add(gyi.mul(wr).sub(gyr.mul(wi))).intoArray(gx, gxb + c + ch);
            }
            gyr.mul(xr).add(gyi.mul(xi)).intoArray(gw, ch);
            gyi.mul(xr).sub(gyr.mul(xi)).intoArray(gw, c + ch);
        }
        for (; ch < c; ch++) {
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
    }

    /** {@code dst[i] += Σ_chunk partials[chunk·len + i]}, chunks summed in ascending order before the add. */
    private static void addChunkPartials(float[] partials, int chunks, float[] dst, int dstOff, int len) {
        int bound = F.loopBound(len), i = 0;
        for (; i < bound; i += L) {
            FloatVector sum = FloatVector.zero(F);
            for (int ch = 0; ch < chunks; ch++) sum = sum.add(FloatVector.fromArray(F, partials, ch * len + i));
            FloatVector.fromArray(F, dst, dstOff + i).add(sum).intoArray(dst, dstOff + i);
        }
        for (; i < len; i++) {
            float sum = 0f;
            for (int ch = 0; ch < chunks; ch++) sum += partials[ch * len + i];
            dst[dstOff + i] += sum;
        }
    }
}
