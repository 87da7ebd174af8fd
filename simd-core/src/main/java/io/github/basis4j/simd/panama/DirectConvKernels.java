package io.github.basis4j.simd.panama;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked micro-kernels of the direct ("implicit GEMM") dense convolution, vectorised across
 * output channels: HWIO weights keep output channels contiguous, so one weight row of a tap is one or two
 * vector loads, and each input value is broadcast once per tile.
 *
 * <p>Forward tiles compute R output pixels × V vectors of output channels, summing over the taps
 * {@code (i, j, ci)}; weight-gradient tiles compute R consecutive input channels of one tap × V vectors
 * of output channels, summing over a band of pixels. Tiles: 8 × 2 vectors where the species is 512-bit
 * (AVX-512: 32 registers, see {@link #WIDE_TILES}), then 6 × 2 vectors (12 accumulators: per tap
 * 2 weight loads and 6 broadcasts feed 12 FMAs, so the FMA units, not the load ports, bound it) and
 * 8 × 1 vector (for the last, possibly partial, vector of channels: with 16 channels in one 512-bit
 * vector this is the whole layer, so it still keeps 8 independent FMA chains in flight). Single-pixel /
 * single-channel kernels handle tails. Layers with only a few output channels (a DSFB block's unique basis
 * of 1, 2 or 4 filters) would use a lane or two of every FMA that way; their "narrow" tiles put the
 * lanes across input channels instead, with weights in OHWI order, and reduce across lanes once per output
 * ({@link #forwardNarrow4}, {@link #gradWeightNarrow}). Stride-1 three-column weight gradients use the sliding tiles
 * ({@link #gradWeightSlide3x8}), which feed all three taps of a kernel row from one broadcast.
 *
 * <p>Input addressing: each pixel's top-left tap is given as an offset into an input array whose rows are
 * {@code rowStride} floats apart (a zero-padded copy, or the input itself when there is no padding); tap
 * {@code (i, j)} adds {@code i·rowStep + j·colStep}.
 */
final class DirectConvKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final int L = F.length();
    /**
     * Whether the 8 × 2 tiles fit the register file: 512-bit vectors mean AVX-512 and its 32 vector
     * registers; narrower species may run on AVX2's 16, where 16 accumulators would spill.
     */
    static final boolean WIDE_TILES = F.vectorBitSize() >= 512;

    /**
     * Tap geometry shared by the tiles of one call.
     *
     * @param kh      kernel height
     * @param kw      kernel width
     * @param icg     input channels per group (the innermost tap index)
     * @param ldw     weight row stride (all output channels, {@code oc})
     * @param rowStep input offset between kernel rows ({@code dilationH · rowStride})
     * @param colStep input offset between kernel columns ({@code dilationW · c})
     */
    record Taps(int kh, int kw, int icg, int ldw, int rowStep, int colStep) {
    }

    private DirectConvKernels() {
    }

    /**
     * Six output pixels (input bases {@code x0…x5}, outputs {@code y + yOff + r·ldy}) × 2 vectors of channels
     * from weight column {@code wOff}: y = bias + sums. The tiles take no mode flags and no null bias: a branch
     * that one caller never takes gets compiled out, and a later caller that takes it costs a recompilation
     * that measured several times slower, so each tile has exactly one behaviour.
     */
    static void forward6x2(Taps t, float[] x, int x0, int x1, int x2, int x3, int x4, int x5,
                           float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff, int ldy) {
        FloatVector b0 = FloatVector.fromArray(F, bias, bOff);
        FloatVector b1 = FloatVector.fromArray(F, bias, bOff + L);
        FloatVector a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1;
        FloatVector a30 = b0, a31 = b1, a40 = b0, a41 = b1, a50 = b0, a51 = b1;
        int kw = t.kw(), icg = t.icg(), ldw = t.ldw();
        for (int i = 0; i < t.kh(); i++) {
            for (int j = 0; j < kw; j++) {
                int d = i * t.rowStep() + j * t.colStep();
                int wk = wOff + (i * kw + j) * icg * ldw;
                for (int ci = 0; ci < icg; ci++, wk += ldw) {
                    FloatVector w0 = FloatVector.fromArray(F, w, wk), w1 = FloatVector.fromArray(F, w, wk + L);
                    int e = d + ci;
                    FloatVector v = FloatVector.broadcast(F, x[x0 + e]);
                    a00 = v.fma(w0, a00);
                    a01 = v.fma(w1, a01);
                    v = FloatVector.broadcast(F, x[x1 + e]);
                    a10 = v.fma(w0, a10);
                    a11 = v.fma(w1, a11);
                    v = FloatVector.broadcast(F, x[x2 + e]);
                    a20 = v.fma(w0, a20);
                    a21 = v.fma(w1, a21);
                    v = FloatVector.broadcast(F, x[x3 + e]);
                    a30 = v.fma(w0, a30);
                    a31 = v.fma(w1, a31);
                    v = FloatVector.broadcast(F, x[x4 + e]);
                    a40 = v.fma(w0, a40);
                    a41 = v.fma(w1, a41);
                    v = FloatVector.broadcast(F, x[x5 + e]);
                    a50 = v.fma(w0, a50);
                    a51 = v.fma(w1, a51);
                }
            }
        }
        store2(a00, a01, y, yOff);
        store2(a10, a11, y, yOff + ldy);
        store2(a20, a21, y, yOff + 2 * ldy);
        store2(a30, a31, y, yOff + 3 * ldy);
        store2(a40, a41, y, yOff + 4 * ldy);
        store2(a50, a51, y, yOff + 5 * ldy);
    }

    /**
     * Eight output pixels × 2 vectors of channels, as {@link #forward6x2}: 16 accumulators, which with 32
     * vector registers (AVX-512) leave room for the two weight vectors and a broadcast, and per tap feed 16
     * FMAs from 2 weight loads and 8 broadcasts instead of 12 from 2 and 6.
     */
    static void forward8x2(Taps t, float[] x, int x0, int x1, int x2, int x3, int x4, int x5, int x6, int x7,
                           float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff, int ldy) {
        FloatVector b0 = FloatVector.fromArray(F, bias, bOff);
        FloatVector b1 = FloatVector.fromArray(F, bias, bOff + L);
        FloatVector a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
        FloatVector a40 = b0, a41 = b1, a50 = b0, a51 = b1, a60 = b0, a61 = b1, a70 = b0, a71 = b1;
        int kw = t.kw(), icg = t.icg(), ldw = t.ldw();
        for (int i = 0; i < t.kh(); i++) {
            for (int j = 0; j < kw; j++) {
                int d = i * t.rowStep() + j * t.colStep();
                int wk = wOff + (i * kw + j) * icg * ldw;
                for (int ci = 0; ci < icg; ci++, wk += ldw) {
                    FloatVector w0 = FloatVector.fromArray(F, w, wk), w1 = FloatVector.fromArray(F, w, wk + L);
                    int e = d + ci;
                    FloatVector v = FloatVector.broadcast(F, x[x0 + e]);
                    a00 = v.fma(w0, a00);
                    a01 = v.fma(w1, a01);
                    v = FloatVector.broadcast(F, x[x1 + e]);
                    a10 = v.fma(w0, a10);
                    a11 = v.fma(w1, a11);
                    v = FloatVector.broadcast(F, x[x2 + e]);
                    a20 = v.fma(w0, a20);
                    a21 = v.fma(w1, a21);
                    v = FloatVector.broadcast(F, x[x3 + e]);
                    a30 = v.fma(w0, a30);
                    a31 = v.fma(w1, a31);
                    v = FloatVector.broadcast(F, x[x4 + e]);
                    a40 = v.fma(w0, a40);
                    a41 = v.fma(w1, a41);
                    v = FloatVector.broadcast(F, x[x5 + e]);
                    a50 = v.fma(w0, a50);
                    a51 = v.fma(w1, a51);
                    v = FloatVector.broadcast(F, x[x6 + e]);
                    a60 = v.fma(w0, a60);
                    a61 = v.fma(w1, a61);
                    v = FloatVector.broadcast(F, x[x7 + e]);
                    a70 = v.fma(w0, a70);
                    a71 = v.fma(w1, a71);
                }
            }
        }
        store2(a00, a01, y, yOff);
        store2(a10, a11, y, yOff + ldy);
        store2(a20, a21, y, yOff + 2 * ldy);
        store2(a30, a31, y, yOff + 3 * ldy);
        store2(a40, a41, y, yOff + 4 * ldy);
        store2(a50, a51, y, yOff + 5 * ldy);
        store2(a60, a61, y, yOff + 6 * ldy);
        store2(a70, a71, y, yOff + 7 * ldy);
    }

    private static void store2(FloatVector a0, FloatVector a1, float[] y, int off) {
        a0.intoArray(y, off);
        a1.intoArray(y, off + L);
    }

    /** Eight output pixels × one vector of channels, of which {@code m} selects the live lanes. */
    static void forward8x1(Taps t, float[] x, int x0, int x1, int x2, int x3, int x4, int x5, int x6, int x7,
                           float[] w, int wOff, float[] bias, int bOff, float[] y, int yOff, int ldy, VectorMask<Float> m) {
        FloatVector b0 = FloatVector.fromArray(F, bias, bOff, m);
        FloatVector a0 = b0, a1 = b0, a2 = b0, a3 = b0, a4 = b0, a5 = b0, a6 = b0, a7 = b0;
        int kw = t.kw(), icg = t.icg(), ldw = t.ldw();
        for (int i = 0; i < t.kh(); i++) {
            for (int j = 0; j < kw; j++) {
                int d = i * t.rowStep() + j * t.colStep();
                int wk = wOff + (i * kw + j) * icg * ldw;
                for (int ci = 0; ci < icg; ci++, wk += ldw) {
                    FloatVector w0 = FloatVector.fromArray(F, w, wk, m);
                    int e = d + ci;
                    a0 = FloatVector.broadcast(F, x[x0 + e]).fma(w0, a0);
                    a1 = FloatVector.broadcast(F, x[x1 + e]).fma(w0, a1);
                    a2 = FloatVector.broadcast(F, x[x2 + e]).fma(w0, a2);
                    a3 = FloatVector.broadcast(F, x[x3 + e]).fma(w0, a3);
                    a4 = FloatVector.broadcast(F, x[x4 + e]).fma(w0, a4);
                    a5 = FloatVector.broadcast(F, x[x5 + e]).fma(w0, a5);
                    a6 = FloatVector.broadcast(F, x[x6 + e]).fma(w0, a6);
                    a7 = FloatVector.broadcast(F, x[x7 + e]).fma(w0, a7);
                }
            }
        }
        store1(a0, y, yOff, m);
        store1(a1, y, yOff + ldy, m);
        store1(a2, y, yOff + 2 * ldy, m);
        store1(a3, y, yOff + 3 * ldy, m);
        store1(a4, y, yOff + 4 * ldy, m);
        store1(a5, y, yOff + 5 * ldy, m);
        store1(a6, y, yOff + 6 * ldy, m);
        store1(a7, y, yOff + 7 * ldy, m);
    }

    /**
     * Eight consecutive output pixels of one row × one full vector of channels of a stride-1 convolution with three kernel columns one input pixel ({@code t.colStep()}) apart; the
     * first pixel's top-left tap is at {@code x0}. Pixel q meets input column q + j at kernel column j, so
     * each broadcast input value feeds up to three accumulators (the three columns' weight vectors stay in
     * registers): per kernel row and input channel, 3 weight loads and 10 broadcasts feed 24 FMAs, against 9
     * loads per 8 FMAs in {@link #forward8x1}, whose loads rather than its FMAs bound a 16-channel layer.
     * The sums run over (i, ci, j): the same bits for any thread count, other rounding than the 8 × 1 tile.
     * Unmasked: with masked loads the method outgrew what C2 inlines, and its vectors were boxed.
     */
    static void forwardSlide3x8(Taps t, float[] x, int x0, float[] w, int wOff, float[] bias, int bOff,
                                float[] y, int yOff, int ldy) {
        assert t.kw() == 3;
        FloatVector b0 = FloatVector.fromArray(F, bias, bOff);
        FloatVector a0 = b0, a1 = b0, a2 = b0, a3 = b0, a4 = b0, a5 = b0, a6 = b0, a7 = b0;
        int icg = t.icg(), ldw = t.ldw(), cs = t.colStep(), tapStride = icg * ldw;
        for (int i = 0; i < t.kh(); i++) {
            int wk = wOff + 3 * i * tapStride;
            int e = x0 + i * t.rowStep();
            for (int ci = 0; ci < icg; ci++, wk += ldw, e++) {
                FloatVector w0 = FloatVector.fromArray(F, w, wk);
                FloatVector w1 = FloatVector.fromArray(F, w, wk + tapStride);
                FloatVector w2 = FloatVector.fromArray(F, w, wk + 2 * tapStride);
                FloatVector v;
                v = FloatVector.broadcast(F, x[e]);
                a0 = v.fma(w0, a0);
                v = FloatVector.broadcast(F, x[e + cs]);
                a1 = v.fma(w0, a1);
                a0 = v.fma(w1, a0);
                v = FloatVector.broadcast(F, x[e + 2 * cs]);
                a2 = v.fma(w0, a2);
                a1 = v.fma(w1, a1);
                a0 = v.fma(w2, a0);
                v = FloatVector.broadcast(F, x[e + 3 * cs]);
                a3 = v.fma(w0, a3);
                a2 = v.fma(w1, a2);
                a1 = v.fma(w2, a1);
                v = FloatVector.broadcast(F, x[e + 4 * cs]);
                a4 = v.fma(w0, a4);
                a3 = v.fma(w1, a3);
                a2 = v.fma(w2, a2);
                v = FloatVector.broadcast(F, x[e + 5 * cs]);
                a5 = v.fma(w0, a5);
                a4 = v.fma(w1, a4);
                a3 = v.fma(w2, a3);
                v = FloatVector.broadcast(F, x[e + 6 * cs]);
                a6 = v.fma(w0, a6);
                a5 = v.fma(w1, a5);
                a4 = v.fma(w2, a4);
                v = FloatVector.broadcast(F, x[e + 7 * cs]);
                a7 = v.fma(w0, a7);
                a6 = v.fma(w1, a6);
                a5 = v.fma(w2, a5);
                v = FloatVector.broadcast(F, x[e + 8 * cs]);
                a7 = v.fma(w1, a7);
                a6 = v.fma(w2, a6);
                v = FloatVector.broadcast(F, x[e + 9 * cs]);
                a7 = v.fma(w2, a7);
            }
        }
        a0.intoArray(y, yOff);
        a1.intoArray(y, yOff + ldy);
        a2.intoArray(y, yOff + 2 * ldy);
        a3.intoArray(y, yOff + 3 * ldy);
        a4.intoArray(y, yOff + 4 * ldy);
        a5.intoArray(y, yOff + 5 * ldy);
        a6.intoArray(y, yOff + 6 * ldy);
        a7.intoArray(y, yOff + 7 * ldy);
    }

    /** One output pixel × one vector of channels ({@code m} selects the live lanes): the tails. */
    static void forward1x1(Taps t, float[] x, int x0, float[] w, int wOff, float[] bias, int bOff,
                           float[] y, int yOff, VectorMask<Float> m) {
        // Two accumulators over alternating input channels: one chain would wait on each FMA's latency.
        FloatVector a0 = FloatVector.fromArray(F, bias, bOff, m);
        FloatVector a1 = FloatVector.zero(F);
        int kw = t.kw(), icg = t.icg(), ldw = t.ldw();
        for (int i = 0; i < t.kh(); i++) {
            for (int j = 0; j < kw; j++) {
                int e = x0 + i * t.rowStep() + j * t.colStep();
                int wk = wOff + (i * kw + j) * icg * ldw;
                int ci = 0;
                for (; ci + 1 < icg; ci += 2, wk += 2 * ldw) {
                    a0 = FloatVector.broadcast(F, x[e + ci]).fma(FloatVector.fromArray(F, w, wk, m), a0);
                    a1 = FloatVector.broadcast(F, x[e + ci + 1]).fma(FloatVector.fromArray(F, w, wk + ldw, m), a1);
                }
                if (ci < icg) a0 = FloatVector.broadcast(F, x[e + ci]).fma(FloatVector.fromArray(F, w, wk, m), a0);
            }
        }
        store1(a0.add(a1), y, yOff, m);
    }

    private static void store1(FloatVector a, float[] y, int off, VectorMask<Float> m) {
        a.intoArray(y, off, m);
    }

    /**
     * Weight-gradient tile: rows {@code dw[dwOff + r·ldw]} for six consecutive input channels × 2 vectors,
     * {@code += Σ_t x[xb[t] + xd + r] · dy[dyOff + t·ldy …]} over pixels {@code t} in {@code [0, count)}.
     */
    static void gradWeight6x2(float[] x, int[] xb, int xd, int count, float[] dy, int dyOff, int ldy,
                              float[] dw, int dwOff, int ldw) {
        FloatVector a00 = FloatVector.fromArray(F, dw, dwOff), a01 = FloatVector.fromArray(F, dw, dwOff + L);
        FloatVector a10 = FloatVector.fromArray(F, dw, dwOff + ldw), a11 = FloatVector.fromArray(F, dw, dwOff + ldw + L);
        FloatVector a20 = FloatVector.fromArray(F, dw, dwOff + 2 * ldw), a21 = FloatVector.fromArray(F, dw, dwOff + 2 * ldw + L);
        FloatVector a30 = FloatVector.fromArray(F, dw, dwOff + 3 * ldw), a31 = FloatVector.fromArray(F, dw, dwOff + 3 * ldw + L);
        FloatVector a40 = FloatVector.fromArray(F, dw, dwOff + 4 * ldw), a41 = FloatVector.fromArray(F, dw, dwOff + 4 * ldw + L);
        FloatVector a50 = FloatVector.fromArray(F, dw, dwOff + 5 * ldw), a51 = FloatVector.fromArray(F, dw, dwOff + 5 * ldw + L);
        for (int t = 0; t < count; t++) {
            int e = xb[t] + xd, yo = dyOff + t * ldy;
            FloatVector d0 = FloatVector.fromArray(F, dy, yo), d1 = FloatVector.fromArray(F, dy, yo + L);
            FloatVector v = FloatVector.broadcast(F, x[e]);
            a00 = v.fma(d0, a00);
            a01 = v.fma(d1, a01);
            v = FloatVector.broadcast(F, x[e + 1]);
            a10 = v.fma(d0, a10);
            a11 = v.fma(d1, a11);
            v = FloatVector.broadcast(F, x[e + 2]);
            a20 = v.fma(d0, a20);
            a21 = v.fma(d1, a21);
            v = FloatVector.broadcast(F, x[e + 3]);
            a30 = v.fma(d0, a30);
            a31 = v.fma(d1, a31);
            v = FloatVector.broadcast(F, x[e + 4]);
            a40 = v.fma(d0, a40);
            a41 = v.fma(d1, a41);
            v = FloatVector.broadcast(F, x[e + 5]);
            a50 = v.fma(d0, a50);
            a51 = v.fma(d1, a51);
        }
        a00.intoArray(dw, dwOff);
        a01.intoArray(dw, dwOff + L);
        a10.intoArray(dw, dwOff + ldw);
        a11.intoArray(dw, dwOff + ldw + L);
        a20.intoArray(dw, dwOff + 2 * ldw);
        a21.intoArray(dw, dwOff + 2 * ldw + L);
        a30.intoArray(dw, dwOff + 3 * ldw);
        a31.intoArray(dw, dwOff + 3 * ldw + L);
        a40.intoArray(dw, dwOff + 4 * ldw);
        a41.intoArray(dw, dwOff + 4 * ldw + L);
        a50.intoArray(dw, dwOff + 5 * ldw);
        a51.intoArray(dw, dwOff + 5 * ldw + L);
    }

    /** Weight-gradient tile of eight consecutive input channels × 2 vectors, as {@link #gradWeight6x2} (see {@link #forward8x2}). */
    static void gradWeight8x2(float[] x, int[] xb, int xd, int count, float[] dy, int dyOff, int ldy,
                              float[] dw, int dwOff, int ldw) {
        FloatVector a00 = FloatVector.fromArray(F, dw, dwOff), a01 = FloatVector.fromArray(F, dw, dwOff + L);
        FloatVector a10 = FloatVector.fromArray(F, dw, dwOff + ldw), a11 = FloatVector.fromArray(F, dw, dwOff + ldw + L);
        FloatVector a20 = FloatVector.fromArray(F, dw, dwOff + 2 * ldw), a21 = FloatVector.fromArray(F, dw, dwOff + 2 * ldw + L);
        FloatVector a30 = FloatVector.fromArray(F, dw, dwOff + 3 * ldw), a31 = FloatVector.fromArray(F, dw, dwOff + 3 * ldw + L);
        FloatVector a40 = FloatVector.fromArray(F, dw, dwOff + 4 * ldw), a41 = FloatVector.fromArray(F, dw, dwOff + 4 * ldw + L);
        FloatVector a50 = FloatVector.fromArray(F, dw, dwOff + 5 * ldw), a51 = FloatVector.fromArray(F, dw, dwOff + 5 * ldw + L);
        FloatVector a60 = FloatVector.fromArray(F, dw, dwOff + 6 * ldw), a61 = FloatVector.fromArray(F, dw, dwOff + 6 * ldw + L);
        FloatVector a70 = FloatVector.fromArray(F, dw, dwOff + 7 * ldw), a71 = FloatVector.fromArray(F, dw, dwOff + 7 * ldw + L);
        for (int t = 0; t < count; t++) {
            int e = xb[t] + xd, yo = dyOff + t * ldy;
            FloatVector d0 = FloatVector.fromArray(F, dy, yo), d1 = FloatVector.fromArray(F, dy, yo + L);
            FloatVector v = FloatVector.broadcast(F, x[e]);
            a00 = v.fma(d0, a00);
            a01 = v.fma(d1, a01);
            v = FloatVector.broadcast(F, x[e + 1]);
            a10 = v.fma(d0, a10);
            a11 = v.fma(d1, a11);
            v = FloatVector.broadcast(F, x[e + 2]);
            a20 = v.fma(d0, a20);
            a21 = v.fma(d1, a21);
            v = FloatVector.broadcast(F, x[e + 3]);
            a30 = v.fma(d0, a30);
            a31 = v.fma(d1, a31);
            v = FloatVector.broadcast(F, x[e + 4]);
            a40 = v.fma(d0, a40);
            a41 = v.fma(d1, a41);
            v = FloatVector.broadcast(F, x[e + 5]);
            a50 = v.fma(d0, a50);
            a51 = v.fma(d1, a51);
            v = FloatVector.broadcast(F, x[e + 6]);
            a60 = v.fma(d0, a60);
            a61 = v.fma(d1, a61);
            v = FloatVector.broadcast(F, x[e + 7]);
            a70 = v.fma(d0, a70);
            a71 = v.fma(d1, a71);
        }
        a00.intoArray(dw, dwOff);
        a01.intoArray(dw, dwOff + L);
        a10.intoArray(dw, dwOff + ldw);
        a11.intoArray(dw, dwOff + ldw + L);
        a20.intoArray(dw, dwOff + 2 * ldw);
        a21.intoArray(dw, dwOff + 2 * ldw + L);
        a30.intoArray(dw, dwOff + 3 * ldw);
        a31.intoArray(dw, dwOff + 3 * ldw + L);
        a40.intoArray(dw, dwOff + 4 * ldw);
        a41.intoArray(dw, dwOff + 4 * ldw + L);
        a50.intoArray(dw, dwOff + 5 * ldw);
        a51.intoArray(dw, dwOff + 5 * ldw + L);
        a60.intoArray(dw, dwOff + 6 * ldw);
        a61.intoArray(dw, dwOff + 6 * ldw + L);
        a70.intoArray(dw, dwOff + 7 * ldw);
        a71.intoArray(dw, dwOff + 7 * ldw + L);
    }

    /** Weight-gradient tile of eight consecutive input channels × one vector ({@code m} selects the live lanes). */
    static void gradWeight8x1(float[] x, int[] xb, int xd, int count, float[] dy, int dyOff, int ldy,
                              float[] dw, int dwOff, int ldw, VectorMask<Float> m) {
        FloatVector a0 = FloatVector.fromArray(F, dw, dwOff, m), a1 = FloatVector.fromArray(F, dw, dwOff + ldw, m);
        FloatVector a2 = FloatVector.fromArray(F, dw, dwOff + 2 * ldw, m), a3 = FloatVector.fromArray(F, dw, dwOff + 3 * ldw, m);
        FloatVector a4 = FloatVector.fromArray(F, dw, dwOff + 4 * ldw, m), a5 = FloatVector.fromArray(F, dw, dwOff + 5 * ldw, m);
        FloatVector a6 = FloatVector.fromArray(F, dw, dwOff + 6 * ldw, m), a7 = FloatVector.fromArray(F, dw, dwOff + 7 * ldw, m);
        for (int t = 0; t < count; t++) {
            int e = xb[t] + xd;
            FloatVector d0 = FloatVector.fromArray(F, dy, dyOff + t * ldy, m);
            a0 = FloatVector.broadcast(F, x[e]).fma(d0, a0);
            a1 = FloatVector.broadcast(F, x[e + 1]).fma(d0, a1);
            a2 = FloatVector.broadcast(F, x[e + 2]).fma(d0, a2);
            a3 = FloatVector.broadcast(F, x[e + 3]).fma(d0, a3);
            a4 = FloatVector.broadcast(F, x[e + 4]).fma(d0, a4);
            a5 = FloatVector.broadcast(F, x[e + 5]).fma(d0, a5);
            a6 = FloatVector.broadcast(F, x[e + 6]).fma(d0, a6);
            a7 = FloatVector.broadcast(F, x[e + 7]).fma(d0, a7);
        }
        a0.intoArray(dw, dwOff, m);
        a1.intoArray(dw, dwOff + ldw, m);
        a2.intoArray(dw, dwOff + 2 * ldw, m);
        a3.intoArray(dw, dwOff + 3 * ldw, m);
        a4.intoArray(dw, dwOff + 4 * ldw, m);
        a5.intoArray(dw, dwOff + 5 * ldw, m);
        a6.intoArray(dw, dwOff + 6 * ldw, m);
        a7.intoArray(dw, dwOff + 7 * ldw, m);
    }

    /** Weight-gradient tail: one input channel × one vector ({@code m} selects the live lanes). */
    static void gradWeight1x1(float[] x, int[] xb, int xd, int count, float[] dy, int dyOff, int ldy,
                              float[] dw, int dwOff, VectorMask<Float> m) {
        // Two accumulators over alternating pixels, so consecutive FMAs do not wait on each other.
        FloatVector a0 = FloatVector.fromArray(F, dw, dwOff, m), a1 = FloatVector.zero(F);
        int t = 0;
        for (; t + 1 < count; t += 2) {
            a0 = FloatVector.broadcast(F, x[xb[t] + xd]).fma(FloatVector.fromArray(F, dy, dyOff + t * ldy, m), a0);
            a1 = FloatVector.broadcast(F, x[xb[t + 1] + xd]).fma(FloatVector.fromArray(F, dy, dyOff + (t + 1) * ldy, m), a1);
        }
        if (t < count) a0 = FloatVector.broadcast(F, x[xb[t] + xd]).fma(FloatVector.fromArray(F, dy, dyOff + t * ldy, m), a0);
        a0.add(a1).intoArray(dw, dwOff, m);
    }

    /**
     * Sliding weight-gradient tile of a stride-1, three-column kernel, for eight consecutive input channels ×
     * the three taps of one kernel row × one vector of output channels ({@code m} selects the live lanes):
     * {@code dw[dwOff + j·tapStride + r·ldw] += Σ_{row, q} x[xOff + row·xRowStride + (q + j)·xStep + r] ·
     * dy[dyOff + row·dyRowStride + q·ldy]} over {@code row < rows}, output columns {@code q < ow}, taps
     * {@code j < 3}, channels {@code r < 8}.
     *
     * <p>Why it slides: with stride 1, input column {@code u} of a row meets output column {@code u − j}
     * through tap {@code j}, so walking the {@code ow + 2} input columns each broadcast input value feeds all
     * three taps: per column one {@code dy} load (the two previous ones stay in registers) and eight
     * broadcasts feed 24 FMAs, where the one-tap tiles do 8 FMAs per nine loads. The first two and last two
     * columns of a row are peeled, so no FMA reads a missing {@code dy}. The 24 accumulators, the three
     * {@code dy} vectors and a broadcast fit AVX-512's 32 registers. Needs {@code ow ≥ 2}.
     */
    static void gradWeightSlide3x8(float[] x, int xOff, int xRowStride, int xStep, float[] dy, int dyOff,
                                   int dyRowStride, int ldy, int rows, int ow, float[] dw, int dwOff, int ldw,
                                   int tapStride, VectorMask<Float> m) {
        FloatVector a00 = FloatVector.fromArray(F, dw, dwOff, m);
        FloatVector a01 = FloatVector.fromArray(F, dw, dwOff + 1 * ldw, m);
        FloatVector a02 = FloatVector.fromArray(F, dw, dwOff + 2 * ldw, m);
        FloatVector a03 = FloatVector.fromArray(F, dw, dwOff + 3 * ldw, m);
        FloatVector a04 = FloatVector.fromArray(F, dw, dwOff + 4 * ldw, m);
        FloatVector a05 = FloatVector.fromArray(F, dw, dwOff + 5 * ldw, m);
        FloatVector a06 = FloatVector.fromArray(F, dw, dwOff + 6 * ldw, m);
        FloatVector a07 = FloatVector.fromArray(F, dw, dwOff + 7 * ldw, m);
        FloatVector a10 = FloatVector.fromArray(F, dw, dwOff + tapStride, m);
        FloatVector a11 = FloatVector.fromArray(F, dw, dwOff + tapStride + 1 * ldw, m);
        FloatVector a12 = FloatVector.fromArray(F, dw, dwOff + tapStride + 2 * ldw, m);
        FloatVector a13 = FloatVector.fromArray(F, dw, dwOff + tapStride + 3 * ldw, m);
        FloatVector a14 = FloatVector.fromArray(F, dw, dwOff + tapStride + 4 * ldw, m);
        FloatVector a15 = FloatVector.fromArray(F, dw, dwOff + tapStride + 5 * ldw, m);
        FloatVector a16 = FloatVector.fromArray(F, dw, dwOff + tapStride + 6 * ldw, m);
        FloatVector a17 = FloatVector.fromArray(F, dw, dwOff + tapStride + 7 * ldw, m);
        FloatVector a20 = FloatVector.fromArray(F, dw, dwOff + 2 * tapStride, m);
        FloatVector a21 = FloatVector.fromArray(F, dw, dwOff + 2 * tapStride + 1 * ldw, m);
        FloatVector a22 = FloatVector.fromArray(F, dw, dwOff + 2 * tapStride + 2 * ldw, m);
        FloatVector a23 = FloatVector.fromArray(F, dw, dwOff + 2 * tapStride + 3 * ldw, m);
        FloatVector a24 = FloatVector.fromArray(F, dw, dwOff + 2 * tapStride + 4 * ldw, m);
        FloatVector a25 = FloatVector.fromArray(F, dw, dwOff + 2 * tapStride + 5 * ldw, m);
        FloatVector a26 = FloatVector.fromArray(F, dw, dwOff + 2 * tapStride + 6 * ldw, m);
        FloatVector a27 = FloatVector.fromArray(F, dw, dwOff + 2 * tapStride + 7 * ldw, m);
        for (int row = 0; row < rows; row++) {
            int e = xOff + row * xRowStride, yo = dyOff + row * dyRowStride;
            // Column 0 meets only tap 0; column 1 taps 0 and 1.
            FloatVector d0 = FloatVector.fromArray(F, dy, yo, m), v;
            v = FloatVector.broadcast(F, x[e]);
            a00 = v.fma(d0, a00);
            v = FloatVector.broadcast(F, x[e + 1]);
            a01 = v.fma(d0, a01);
            v = FloatVector.broadcast(F, x[e + 2]);
            a02 = v.fma(d0, a02);
            v = FloatVector.broadcast(F, x[e + 3]);
            a03 = v.fma(d0, a03);
            v = FloatVector.broadcast(F, x[e + 4]);
            a04 = v.fma(d0, a04);
            v = FloatVector.broadcast(F, x[e + 5]);
            a05 = v.fma(d0, a05);
            v = FloatVector.broadcast(F, x[e + 6]);
            a06 = v.fma(d0, a06);
            v = FloatVector.broadcast(F, x[e + 7]);
            a07 = v.fma(d0, a07);
            e += xStep;
            FloatVector d1 = d0;
            d0 = FloatVector.fromArray(F, dy, yo + ldy, m);
            v = FloatVector.broadcast(F, x[e]);
            a00 = v.fma(d0, a00);
            a10 = v.fma(d1, a10);
            v = FloatVector.broadcast(F, x[e + 1]);
            a01 = v.fma(d0, a01);
            a11 = v.fma(d1, a11);
            v = FloatVector.broadcast(F, x[e + 2]);
            a02 = v.fma(d0, a02);
            a12 = v.fma(d1, a12);
            v = FloatVector.broadcast(F, x[e + 3]);
            a03 = v.fma(d0, a03);
            a13 = v.fma(d1, a13);
            v = FloatVector.broadcast(F, x[e + 4]);
            a04 = v.fma(d0, a04);
            a14 = v.fma(d1, a14);
            v = FloatVector.broadcast(F, x[e + 5]);
            a05 = v.fma(d0, a05);
            a15 = v.fma(d1, a15);
            v = FloatVector.broadcast(F, x[e + 6]);
            a06 = v.fma(d0, a06);
            a16 = v.fma(d1, a16);
            v = FloatVector.broadcast(F, x[e + 7]);
            a07 = v.fma(d0, a07);
            a17 = v.fma(d1, a17);
            for (int q = 2; q < ow; q++) {
                e += xStep;
                FloatVector d2 = d1;
                d1 = d0;
                d0 = FloatVector.fromArray(F, dy, yo + q * ldy, m);
                v = FloatVector.broadcast(F, x[e]);
                a00 = v.fma(d0, a00);
                a10 = v.fma(d1, a10);
                a20 = v.fma(d2, a20);
                v = FloatVector.broadcast(F, x[e + 1]);
                a01 = v.fma(d0, a01);
                a11 = v.fma(d1, a11);
                a21 = v.fma(d2, a21);
                v = FloatVector.broadcast(F, x[e + 2]);
                a02 = v.fma(d0, a02);
                a12 = v.fma(d1, a12);
                a22 = v.fma(d2, a22);
                v = FloatVector.broadcast(F, x[e + 3]);
                a03 = v.fma(d0, a03);
                a13 = v.fma(d1, a13);
                a23 = v.fma(d2, a23);
                v = FloatVector.broadcast(F, x[e + 4]);
                a04 = v.fma(d0, a04);
                a14 = v.fma(d1, a14);
                a24 = v.fma(d2, a24);
                v = FloatVector.broadcast(F, x[e + 5]);
                a05 = v.fma(d0, a05);
                a15 = v.fma(d1, a15);
                a25 = v.fma(d2, a25);
                v = FloatVector.broadcast(F, x[e + 6]);
                a06 = v.fma(d0, a06);
                a16 = v.fma(d1, a16);
                a26 = v.fma(d2, a26);
                v = FloatVector.broadcast(F, x[e + 7]);
                a07 = v.fma(d0, a07);
                a17 = v.fma(d1, a17);
                a27 = v.fma(d2, a27);
            }
            // Column ow meets taps 1 and 2 (output columns ow − 1, ow − 2), column ow + 1 only tap 2.
            e += xStep;
            v = FloatVector.broadcast(F, x[e]);
            a10 = v.fma(d0, a10);
            a20 = v.fma(d1, a20);
            v = FloatVector.broadcast(F, x[e + 1]);
            a11 = v.fma(d0, a11);
            a21 = v.fma(d1, a21);
            v = FloatVector.broadcast(F, x[e + 2]);
            a12 = v.fma(d0, a12);
            a22 = v.fma(d1, a22);
            v = FloatVector.broadcast(F, x[e + 3]);
            a13 = v.fma(d0, a13);
            a23 = v.fma(d1, a23);
            v = FloatVector.broadcast(F, x[e + 4]);
            a14 = v.fma(d0, a14);
            a24 = v.fma(d1, a24);
            v = FloatVector.broadcast(F, x[e + 5]);
            a15 = v.fma(d0, a15);
            a25 = v.fma(d1, a25);
            v = FloatVector.broadcast(F, x[e + 6]);
            a16 = v.fma(d0, a16);
            a26 = v.fma(d1, a26);
            v = FloatVector.broadcast(F, x[e + 7]);
            a17 = v.fma(d0, a17);
            a27 = v.fma(d1, a27);
            e += xStep;
            a20 = FloatVector.broadcast(F, x[e]).fma(d0, a20);
            a21 = FloatVector.broadcast(F, x[e + 1]).fma(d0, a21);
            a22 = FloatVector.broadcast(F, x[e + 2]).fma(d0, a22);
            a23 = FloatVector.broadcast(F, x[e + 3]).fma(d0, a23);
            a24 = FloatVector.broadcast(F, x[e + 4]).fma(d0, a24);
            a25 = FloatVector.broadcast(F, x[e + 5]).fma(d0, a25);
            a26 = FloatVector.broadcast(F, x[e + 6]).fma(d0, a26);
            a27 = FloatVector.broadcast(F, x[e + 7]).fma(d0, a27);
        }
        a00.intoArray(dw, dwOff, m);
        a01.intoArray(dw, dwOff + 1 * ldw, m);
        a02.intoArray(dw, dwOff + 2 * ldw, m);
        a03.intoArray(dw, dwOff + 3 * ldw, m);
        a04.intoArray(dw, dwOff + 4 * ldw, m);
        a05.intoArray(dw, dwOff + 5 * ldw, m);
        a06.intoArray(dw, dwOff + 6 * ldw, m);
        a07.intoArray(dw, dwOff + 7 * ldw, m);
        a10.intoArray(dw, dwOff + tapStride, m);
        a11.intoArray(dw, dwOff + tapStride + 1 * ldw, m);
        a12.intoArray(dw, dwOff + tapStride + 2 * ldw, m);
        a13.intoArray(dw, dwOff + tapStride + 3 * ldw, m);
        a14.intoArray(dw, dwOff + tapStride + 4 * ldw, m);
        a15.intoArray(dw, dwOff + tapStride + 5 * ldw, m);
        a16.intoArray(dw, dwOff + tapStride + 6 * ldw, m);
        a17.intoArray(dw, dwOff + tapStride + 7 * ldw, m);
        a20.intoArray(dw, dwOff + 2 * tapStride, m);
        a21.intoArray(dw, dwOff + 2 * tapStride + 1 * ldw, m);
        a22.intoArray(dw, dwOff + 2 * tapStride + 2 * ldw, m);
        a23.intoArray(dw, dwOff + 2 * tapStride + 3 * ldw, m);
        a24.intoArray(dw, dwOff + 2 * tapStride + 4 * ldw, m);
        a25.intoArray(dw, dwOff + 2 * tapStride + 5 * ldw, m);
        a26.intoArray(dw, dwOff + 2 * tapStride + 6 * ldw, m);
        a27.intoArray(dw, dwOff + 2 * tapStride + 7 * ldw, m);
    }

    /** One input channel of {@link #gradWeightSlide3x8}: the channel tails. Needs {@code ow ≥ 2}. */
    static void gradWeightSlide3x1(float[] x, int xOff, int xRowStride, int xStep, float[] dy, int dyOff,
                                   int dyRowStride, int ldy, int rows, int ow, float[] dw, int dwOff,
                                   int tapStride, VectorMask<Float> m) {
        FloatVector a0 = FloatVector.fromArray(F, dw, dwOff, m);
        FloatVector a1 = FloatVector.fromArray(F, dw, dwOff + tapStride, m);
        FloatVector a2 = FloatVector.fromArray(F, dw, dwOff + 2 * tapStride, m);
        for (int row = 0; row < rows; row++) {
            int e = xOff + row * xRowStride, yo = dyOff + row * dyRowStride;
            // Column 0 meets only tap 0; column 1 taps 0 and 1.
            FloatVector d0 = FloatVector.fromArray(F, dy, yo, m), v;
            v = FloatVector.broadcast(F, x[e]);
            a0 = v.fma(d0, a0);
            e += xStep;
            FloatVector d1 = d0;
            d0 = FloatVector.fromArray(F, dy, yo + ldy, m);
            v = FloatVector.broadcast(F, x[e]);
            a0 = v.fma(d0, a0);
            a1 = v.fma(d1, a1);
            for (int q = 2; q < ow; q++) {
                e += xStep;
                FloatVector d2 = d1;
                d1 = d0;
                d0 = FloatVector.fromArray(F, dy, yo + q * ldy, m);
                v = FloatVector.broadcast(F, x[e]);
                a0 = v.fma(d0, a0);
                a1 = v.fma(d1, a1);
                a2 = v.fma(d2, a2);
            }
            // Column ow meets taps 1 and 2 (output columns ow − 1, ow − 2), column ow + 1 only tap 2.
            e += xStep;
            v = FloatVector.broadcast(F, x[e]);
            a1 = v.fma(d0, a1);
            a2 = v.fma(d1, a2);
            e += xStep;
            a2 = FloatVector.broadcast(F, x[e]).fma(d0, a2);
        }
        a0.intoArray(dw, dwOff, m);
        a1.intoArray(dw, dwOff + tapStride, m);
        a2.intoArray(dw, dwOff + 2 * tapStride, m);
    }

    /**
     * Narrow forward tile: four output pixels (input bases {@code x0…x3}) × one output channel whose filter
     * is {@code w[wOff + (i·kw + j)·icg + ci]} (OHWI), lanes across input channels, masked for the last
     * {@code icg mod L}; {@code y[yOff + r·ldy] = bias + Σ} for pixel r. Four independent FMA chains, then one
     * lane reduction per pixel.
     */
    static void forwardNarrow4(Taps t, float[] x, int x0, int x1, int x2, int x3, float[] w, int wOff, float bias,
                               float[] y, int yOff, int ldy) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int kw = t.kw(), icg = t.icg(), full = icg - icg % L;
        VectorMask<Float> tail = F.indexInRange(full, icg);
        for (int i = 0; i < t.kh(); i++) {
            for (int j = 0; j < kw; j++) {
                int d = i * t.rowStep() + j * t.colStep(), wk = wOff + (i * kw + j) * icg;
                for (int ci = 0; ci < full; ci += L) {
                    FloatVector w0 = FloatVector.fromArray(F, w, wk + ci);
                    int e = d + ci;
                    a0 = FloatVector.fromArray(F, x, x0 + e).fma(w0, a0);
                    a1 = FloatVector.fromArray(F, x, x1 + e).fma(w0, a1);
                    a2 = FloatVector.fromArray(F, x, x2 + e).fma(w0, a2);
                    a3 = FloatVector.fromArray(F, x, x3 + e).fma(w0, a3);
                }
                if (full < icg) {
                    FloatVector w0 = FloatVector.fromArray(F, w, wk + full, tail);
                    int e = d + full;
                    a0 = FloatVector.fromArray(F, x, x0 + e, tail).fma(w0, a0);
                    a1 = FloatVector.fromArray(F, x, x1 + e, tail).fma(w0, a1);
                    a2 = FloatVector.fromArray(F, x, x2 + e, tail).fma(w0, a2);
                    a3 = FloatVector.fromArray(F, x, x3 + e, tail).fma(w0, a3);
                }
            }
        }
        y[yOff] = bias + PanamaLanes.sum(a0);
        y[yOff + ldy] = bias + PanamaLanes.sum(a1);
        y[yOff + 2 * ldy] = bias + PanamaLanes.sum(a2);
        y[yOff + 3 * ldy] = bias + PanamaLanes.sum(a3);
    }

    /** One output pixel of {@link #forwardNarrow4}: the tails. */
    static void forwardNarrow1(Taps t, float[] x, int x0, float[] w, int wOff, float bias, float[] y, int yOff) {
        FloatVector a0 = FloatVector.zero(F);
        int kw = t.kw(), icg = t.icg(), full = icg - icg % L;
        VectorMask<Float> tail = F.indexInRange(full, icg);
        for (int i = 0; i < t.kh(); i++) {
            for (int j = 0; j < kw; j++) {
                int d = x0 + i * t.rowStep() + j * t.colStep(), wk = wOff + (i * kw + j) * icg;
                for (int ci = 0; ci < full; ci += L) {
                    a0 = FloatVector.fromArray(F, x, d + ci).fma(FloatVector.fromArray(F, w, wk + ci), a0);
                }
                if (full < icg) {
                    a0 = FloatVector.fromArray(F, x, d + full, tail).fma(FloatVector.fromArray(F, w, wk + full, tail), a0);
                }
            }
        }
        y[yOff] = bias + PanamaLanes.sum(a0);
    }

    /**
     * Narrow weight-gradient tile: one tap of one output channel, one vector of input channels ({@code m}
     * selects the live lanes), {@code dw[dwOff + ci] += Σ_t x[xb[t] + xd + ci]·dy[dyOff + t·ldy]} over pixels
     * {@code t} in {@code [0, count)}; dw holds the channel's filter in OHWI order. Four chains over
     * alternating pixels hide the FMA latency; each pixel costs one input load and one broadcast.
     */
    static void gradWeightNarrow(float[] x, int[] xb, int xd, int count, float[] dy, int dyOff, int ldy,
                                 float[] dw, int dwOff, VectorMask<Float> m) {
        FloatVector a0 = FloatVector.fromArray(F, dw, dwOff, m), a1 = FloatVector.zero(F), a2 = a1, a3 = a1;
        int t = 0;
        for (; t + 4 <= count; t += 4) {
            int yo = dyOff + t * ldy;
            a0 = FloatVector.fromArray(F, x, xb[t] + xd, m).fma(FloatVector.broadcast(F, dy[yo]), a0);
            a1 = FloatVector.fromArray(F, x, xb[t + 1] + xd, m).fma(FloatVector.broadcast(F, dy[yo + ldy]), a1);
            a2 = FloatVector.fromArray(F, x, xb[t + 2] + xd, m).fma(FloatVector.broadcast(F, dy[yo + 2 * ldy]), a2);
            a3 = FloatVector.fromArray(F, x, xb[t + 3] + xd, m).fma(FloatVector.broadcast(F, dy[yo + 3 * ldy]), a3);
        }
        for (; t < count; t++) {
            a0 = FloatVector.fromArray(F, x, xb[t] + xd, m).fma(FloatVector.broadcast(F, dy[dyOff + t * ldy]), a0);
        }
        a0.add(a1).add(a2.add(a3)).intoArray(dw, dwOff, m);
    }
}
