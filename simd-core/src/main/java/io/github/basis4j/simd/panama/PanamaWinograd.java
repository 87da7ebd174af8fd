package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.WinogradKernels;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API F(2×2, 3×3) convolution (formulas and layouts: {@link WinogradKernels}); its scalar twin is
 * {@code io.github.basis4j.simd.scalar.ScalarWinograd}, whose transforms round identically.
 *
 * <p>Work goes in groups of {@link #GROUP} tiles, a parallel chunk being a run of whole groups. Per group:
 * <ol>
 *   <li>input transform, lanes across input channels: the 4×4 patch of each tile is gathered (zero outside
 *       the input) and transformed into {@code v [16, GROUP, cp]}, element {@code (ε, r, ci)} at
 *       {@code ε·stride(cp) + r·cp + ci}, {@code cp} being c rounded up to whole vectors;</li>
 *   <li>16 products {@code m[ε] = v[ε]·u[ε]}, [GROUP × c]·[c × oc], lanes across output channels: each
 *       transformed input value is broadcast against a row of {@code u} held in registers, as in the direct
 *       kernels; {@code m [16, GROUP, ocp]}, element {@code (ε, r, o)} at {@code ε·stride(ocp) + r·ocp + o};</li>
 *   <li>output transform plus bias, residual and ReLU, lanes across output channels, written to y.</li>
 * </ol>
 * A group's {@code v} and {@code m} (16·16·(cp + ocp) floats, 128 KiB at 64 → 64 channels) stay in L2 between
 * the three steps, and the weights {@code u} (16·c·ocp floats) stay in L2 over the whole chunk, so apart from
 * the input and the output nothing goes to memory. A group past the last tile computes on zeros and writes
 * nothing.
 *
 * <p>Register tiles of the products, 16 accumulators each where the species is 512-bit and so has 32 registers:
 * 4 tiles × 4 vectors of output channels while 4 vectors remain (per input channel 4 weight loads and 4
 * broadcasts feed 16 FMAs), then 8 tiles × 2 vectors (2 loads and 8 broadcasts), then 8 tiles × 1 vector;
 * narrower species use 8 tiles × 1 vector throughout. The broadcasts, not the FMAs, bound these products:
 * at 64 → 64 channels the 4 × 4 tile measured 1.8× the direct convolution where 8 × 2 gave 1.6×, and with a
 * single vector of output channels (16 at 512 bits), where every FMA needs its own broadcast, 16 → 16 measured
 * about 0.8× the direct kernel's sliding tiles (32 → 32: 1.2–1.3×; b128, T=1, {@code WinogradTiming} in the tests).
 *
 * <p>No masked load or store except in the output transform's channel tail: {@code v} rows are padded to whole
 * vectors ({@code cp}), {@code u} and {@code m} rows to {@code ocp}, and border tiles are copied into a zeroed
 * patch first. (With masked loads and stores in these large methods C2 boxed the vectors, and the kernel ran
 * several times slower than the direct convolution.)
 */
final class PanamaWinograd implements WinogradKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final int L = F.length();
    private static final int E = TILE_ELEMENTS;
    /**
     * Tiles per group: two 8-row or four 4-row register tiles. (A 16-row tile for a single vector of output
     * channels measured slower than two 8-row ones: it needs as many broadcasts per FMA, and those, not the FMA
     * chains, bound the product.)
     */
    static final int GROUP = 16;
    private static final FloatVector ZERO = FloatVector.zero(F);
    /** Per-thread {@code v}, {@code m} and border patch of one group, grown on demand. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

    @Override
    public void conv3x3Forward(Winograd3x3Geometry g, float[] x, int xOff, float[] u, int uOff, float[] bias, int biasOff,
                               float[] residual, int residualOff, boolean relu, float[] y, int yOff) {
        assert bias != null;
        assert g.chunkTiles() % GROUP == 0 : "chunks must hold whole groups";
        int cp = channelsPadded(g.c()), tw = g.tilesW(), th = g.tilesH();
        Parallel.forRange(g.tiles(), g.chunkTiles(), (from, to) -> {
            float[][] s = SCRATCH.get();
            if (s[0].length < E * stride(cp)) s[0] = new float[E * stride(cp)];
            if (s[1].length < E * stride(g.ocPadded())) s[1] = new float[E * stride(g.ocPadded())];
            if (s[2].length < GROUP * E * cp) s[2] = new float[GROUP * E * cp];
            float[] v = s[0], m = s[1], patch = s[2];
            for (int t0 = from; t0 < to; t0 += GROUP) {
                // Tile coordinates advance by counting: no divisions per tile.
                int b = t0 / (th * tw), ty = t0 / tw % th, tx = t0 % tw;
                int b1 = b, ty1 = ty, tx1 = tx, border = 0;
                for (int r = 0; r < GROUP; r++) {
                    if (!inputTransform(g, x, xOff, t0 + r < g.tiles(), b1, ty1, tx1, patch, v, r)) border |= 1 << r;
                    if (++tx1 == tw) {
                        tx1 = 0;
                        if (++ty1 == th) {
                            ty1 = 0;
                            b1++;
                        }
                    }
                }
                // Border tiles were copied into their patches above; transforming them only now, after the
                // other tiles, lets the copies' stores reach L1 before they are loaded back.
                for (int r = 0; r < GROUP; r++) {
                    if ((border & (1 << r)) != 0) transform(patch, r * E * cp, 4 * cp, cp, cp, v, r * cp, stride(cp));
                }
                products(g, v, u, uOff, m);
                for (int r = 0; r < GROUP && t0 + r < g.tiles(); r++) {
                    outputTransform(g, m, r, bias, biasOff, residual, residualOff, relu, y, yOff, b, ty, tx);
                    if (++tx == tw) {
                        tx = 0;
                        if (++ty == th) {
                            ty = 0;
                            b++;
                        }
                    }
                }
            }
        });
    }

    /**
     * Floats between the 16 elements' slices of {@code v} or {@code m} for rows of {@code rowLength}: the group's
     * rows plus one vector, so that the 16 slices of a power-of-two size do not all fall in the same few L1 sets.
     */
    static int stride(int rowLength) {
        return GROUP * rowLength + L;
    }

    /** Input channels rounded up to whole vectors: the row length of {@code v} and of the border patch. */
    static int channelsPadded(int c) {
        return (c + L - 1) / L * L;
    }

    /**
     * Row r of the group's {@code v}: the transformed patch of tile {@code (b, ty, tx)}, or zeros for a tile past
     * the last ({@code real} false); returns false for a border tile, which it only copies into its patch, slot r
     * of {@code patch} [GROUP, 4, 4, cp], for the caller to transform.
     * A tile whose patch lies inside x, and whose last whole-vector load stays inside the array, is read in
     * place (the lanes past c read the next pixel's channels and land in v's padding, which no product
     * reads); any other is first copied into its patch with zeros outside the input, so the transform itself
     * never tests bounds or masks lanes.
     */
    static boolean inputTransform(Winograd3x3Geometry g, float[] x, int xOff, boolean real, int b, int ty, int tx, float[] patch,
                                  float[] v, int r) {
        int c = g.c(), h = g.h(), w = g.w(), cp = channelsPadded(c), es = stride(cp);
        if (!real) {
            for (int e = 0; e < E; e++) Arrays.fill(v, e * es + r * cp, e * es + (r + 1) * cp, 0f);
            return true;
        }
        int y0 = 2 * ty - g.pad(), x0 = 2 * tx - g.pad();
        int rs = w * c, base = xOff + ((b * h + y0) * w + x0) * c;
        if (y0 >= 0 && y0 + 4 <= h && x0 >= 0 && x0 + 4 <= w && base + 3 * rs + 3 * c + cp <= x.length) {
            transform(x, base, rs, c, cp, v, r * cp, es);
            return true;
        }
        for (int i = 0; i < 4; i++) {
            int iy = y0 + i;
            for (int j = 0; j < 4; j++) {
                int ix = x0 + j, at = (r * E + 4 * i + j) * cp;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                    int src = xOff + ((b * h + iy) * w + ix) * c;
                    if (c == cp) {
                        for (int ci = 0; ci < c; ci += L) FloatVector.fromArray(F, x, src + ci).intoArray(patch, at + ci);
                    } else {
                        System.arraycopy(x, src, patch, at, c);
                        Arrays.fill(patch, at + c, at + cp, 0f);
                    }
                } else {
                    for (int ci = 0; ci < cp; ci += L) ZERO.intoArray(patch, at + ci);
                }
            }
        }
        return false;
    }

    /**
     * {@code Bᵀ·d·B} of the 4×4 patch whose pixel (i, j) starts at {@code src[o + i·rs + j·cs]}, for {@code cp}
     * channels (whole vectors), into {@code v[vo + ε·es + ci]}.
     */
    private static void transform(float[] src, int o0, int rs, int cs, int cp, float[] v, int vo, int es) {
        for (int ci = 0; ci < cp; ci += L) {
            int o = o0 + ci;
            // d·B along each patch row.
            FloatVector d0 = FloatVector.fromArray(F, src, o), d1 = FloatVector.fromArray(F, src, o + cs);
            FloatVector d2 = FloatVector.fromArray(F, src, o + 2 * cs), d3 = FloatVector.fromArray(F, src, o + 3 * cs);
            FloatVector t00 = d0.sub(d2), t01 = d1.add(d2), t02 = d2.sub(d1), t03 = d1.sub(d3);
            o += rs;
            d0 = FloatVector.fromArray(F, src, o);
            d1 = FloatVector.fromArray(F, src, o + cs);
            d2 = FloatVector.fromArray(F, src, o + 2 * cs);
            d3 = FloatVector.fromArray(F, src, o + 3 * cs);
            FloatVector t10 = d0.sub(d2), t11 = d1.add(d2), t12 = d2.sub(d1), t13 = d1.sub(d3);
            o += rs;
            d0 = FloatVector.fromArray(F, src, o);
            d1 = FloatVector.fromArray(F, src, o + cs);
            d2 = FloatVector.fromArray(F, src, o + 2 * cs);
            d3 = FloatVector.fromArray(F, src, o + 3 * cs);
            FloatVector t20 = d0.sub(d2), t21 = d1.add(d2), t22 = d2.sub(d1), t23 = d1.sub(d3);
            o += rs;
            d0 = FloatVector.fromArray(F, src, o);
            d1 = FloatVector.fromArray(F, src, o + cs);
            d2 = FloatVector.fromArray(F, src, o + 2 * cs);
            d3 = FloatVector.fromArray(F, src, o + 3 * cs);
            FloatVector t30 = d0.sub(d2), t31 = d1.add(d2), t32 = d2.sub(d1), t33 = d1.sub(d3);
            // Bᵀ· down each column: element ε = 4·row + column.
            int q = vo + ci;
            t00.sub(t20).intoArray(v, q);
            t01.sub(t21).intoArray(v, q + es);
            t02.sub(t22).intoArray(v, q + 2 * es);
            t03.sub(t23).intoArray(v, q + 3 * es);
            t10.add(t20).intoArray(v, q + 4 * es);
            t11.add(t21).intoArray(v, q + 5 * es);
            t12.add(t22).intoArray(v, q + 6 * es);
            t13.add(t23).intoArray(v, q + 7 * es);
            t20.sub(t10).intoArray(v, q + 8 * es);
            t21.sub(t11).intoArray(v, q + 9 * es);
            t22.sub(t12).intoArray(v, q + 10 * es);
            t23.sub(t13).intoArray(v, q + 11 * es);
            t10.sub(t30).intoArray(v, q + 12 * es);
            t11.sub(t31).intoArray(v, q + 13 * es);
            t12.sub(t32).intoArray(v, q + 14 * es);
            t13.sub(t33).intoArray(v, q + 15 * es);
        }
    }

    /**
     * {@code m[ε] = v[ε]·u[ε]} for the 16 elements of one group, over all {@code ocp} padded output channels
     * (the padding columns of u are zero), so no load or store needs a mask.
     */
    static void products(Winograd3x3Geometry g, float[] v, float[] u, int uOff, float[] m) {
        int c = g.c(), cp = channelsPadded(c), ocp = g.ocPadded();
        int quad = DirectConvKernels.WIDE_TILES ? ocp - ocp % (4 * L) : 0;
        int wide = DirectConvKernels.WIDE_TILES ? ocp - ocp % (2 * L) : 0;
        int half = GROUP / 2;   // the 8-row tiles run on rows [0, half) and [half, GROUP)
        for (int e = 0; e < E; e++) {
            int vo = e * stride(cp), uo = uOff + e * c * ocp, mo = e * stride(ocp);
            int o = 0;
            for (; o < quad; o += 4 * L) {
                for (int r = 0; r < GROUP; r += 4) product4x4(v, vo + r * cp, cp, c, u, uo + o, ocp, m, mo + r * ocp + o);
            }
            for (; o < wide; o += 2 * L) {
                product8x2(v, vo, cp, c, u, uo + o, ocp, m, mo + o);
                product8x2(v, vo + half * cp, cp, c, u, uo + o, ocp, m, mo + half * ocp + o);
            }
            for (; o < ocp; o += L) {
                product8x1(v, vo, cp, c, u, uo + o, ocp, m, mo + o);
                product8x1(v, vo + half * cp, cp, c, u, uo + o, ocp, m, mo + half * ocp + o);
            }
        }
    }

    /**
     * Four rows of {@code v} times four vectors of u, as {@link #product8x2}: 16 accumulators fed per input channel by
     * 4 weight loads and 4 broadcasts, half the broadcasts per FMA of the 8 × 2 tile (for 64 or more output channels).
     */
    static void product4x4(float[] v, int vOff, int ldv, int k, float[] u, int uOff, int ldu, float[] m, int mOff) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int uk = uOff;
        for (int ci = 0; ci < k; ci++, uk += ldu) {
            FloatVector w0 = FloatVector.fromArray(F, u, uk), w1 = FloatVector.fromArray(F, u, uk + L);
            FloatVector w2 = FloatVector.fromArray(F, u, uk + 2 * L), w3 = FloatVector.fromArray(F, u, uk + 3 * L);
            int e = vOff + ci;
            FloatVector b = FloatVector.broadcast(F, v[e]);
            a00 = b.fma(w0, a00);
            a01 = b.fma(w1, a01);
            a02 = b.fma(w2, a02);
            a03 = b.fma(w3, a03);
            b = FloatVector.broadcast(F, v[e + ldv]);
            a10 = b.fma(w0, a10);
            a11 = b.fma(w1, a11);
            a12 = b.fma(w2, a12);
            a13 = b.fma(w3, a13);
            b = FloatVector.broadcast(F, v[e + 2 * ldv]);
            a20 = b.fma(w0, a20);
            a21 = b.fma(w1, a21);
            a22 = b.fma(w2, a22);
            a23 = b.fma(w3, a23);
            b = FloatVector.broadcast(F, v[e + 3 * ldv]);
            a30 = b.fma(w0, a30);
            a31 = b.fma(w1, a31);
            a32 = b.fma(w2, a32);
            a33 = b.fma(w3, a33);
        }
        a00.intoArray(m, mOff);
        a01.intoArray(m, mOff + L);
        a02.intoArray(m, mOff + 2 * L);
        a03.intoArray(m, mOff + 3 * L);
        a10.intoArray(m, mOff + ldu);
        a11.intoArray(m, mOff + ldu + L);
        a12.intoArray(m, mOff + ldu + 2 * L);
        a13.intoArray(m, mOff + ldu + 3 * L);
        a20.intoArray(m, mOff + 2 * ldu);
        a21.intoArray(m, mOff + 2 * ldu + L);
        a22.intoArray(m, mOff + 2 * ldu + 2 * L);
        a23.intoArray(m, mOff + 2 * ldu + 3 * L);
        a30.intoArray(m, mOff + 3 * ldu);
        a31.intoArray(m, mOff + 3 * ldu + L);
        a32.intoArray(m, mOff + 3 * ldu + 2 * L);
        a33.intoArray(m, mOff + 3 * ldu + 3 * L);
    }

    /**
     * Eight rows of {@code v} (row r at {@code vOff + r·ldv}, k values) times {@code k} rows of u (at
     * {@code uOff + ci·ldu}, two vectors wide) into m (row r at {@code mOff + r·ldu}).
     */
    static void product8x2(float[] v, int vOff, int ldv, int k, float[] u, int uOff, int ldu, float[] m, int mOff) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        FloatVector a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00, a71 = a00;
        int uk = uOff;
        for (int ci = 0; ci < k; ci++, uk += ldu) {
            FloatVector w0 = FloatVector.fromArray(F, u, uk), w1 = FloatVector.fromArray(F, u, uk + L);
            int e = vOff + ci;
            FloatVector b = FloatVector.broadcast(F, v[e]);
            a00 = b.fma(w0, a00);
            a01 = b.fma(w1, a01);
            b = FloatVector.broadcast(F, v[e + ldv]);
            a10 = b.fma(w0, a10);
            a11 = b.fma(w1, a11);
            b = FloatVector.broadcast(F, v[e + 2 * ldv]);
            a20 = b.fma(w0, a20);
            a21 = b.fma(w1, a21);
            b = FloatVector.broadcast(F, v[e + 3 * ldv]);
            a30 = b.fma(w0, a30);
            a31 = b.fma(w1, a31);
            b = FloatVector.broadcast(F, v[e + 4 * ldv]);
            a40 = b.fma(w0, a40);
            a41 = b.fma(w1, a41);
            b = FloatVector.broadcast(F, v[e + 5 * ldv]);
            a50 = b.fma(w0, a50);
            a51 = b.fma(w1, a51);
            b = FloatVector.broadcast(F, v[e + 6 * ldv]);
            a60 = b.fma(w0, a60);
            a61 = b.fma(w1, a61);
            b = FloatVector.broadcast(F, v[e + 7 * ldv]);
            a70 = b.fma(w0, a70);
            a71 = b.fma(w1, a71);
        }
        a00.intoArray(m, mOff);
        a01.intoArray(m, mOff + L);
        a10.intoArray(m, mOff + ldu);
        a11.intoArray(m, mOff + ldu + L);
        a20.intoArray(m, mOff + 2 * ldu);
        a21.intoArray(m, mOff + 2 * ldu + L);
        a30.intoArray(m, mOff + 3 * ldu);
        a31.intoArray(m, mOff + 3 * ldu + L);
        a40.intoArray(m, mOff + 4 * ldu);
        a41.intoArray(m, mOff + 4 * ldu + L);
        a50.intoArray(m, mOff + 5 * ldu);
        a51.intoArray(m, mOff + 5 * ldu + L);
        a60.intoArray(m, mOff + 6 * ldu);
        a61.intoArray(m, mOff + 6 * ldu + L);
        a70.intoArray(m, mOff + 7 * ldu);
        a71.intoArray(m, mOff + 7 * ldu + L);
    }

    /** {@link #product8x2} one vector wide. */
    static void product8x1(float[] v, int vOff, int ldv, int k, float[] u, int uOff, int ldu, float[] m, int mOff) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int uk = uOff;
        for (int ci = 0; ci < k; ci++, uk += ldu) {
            FloatVector w0 = FloatVector.fromArray(F, u, uk);
            int e = vOff + ci;
            a0 = FloatVector.broadcast(F, v[e]).fma(w0, a0);
            a1 = FloatVector.broadcast(F, v[e + ldv]).fma(w0, a1);
            a2 = FloatVector.broadcast(F, v[e + 2 * ldv]).fma(w0, a2);
            a3 = FloatVector.broadcast(F, v[e + 3 * ldv]).fma(w0, a3);
            a4 = FloatVector.broadcast(F, v[e + 4 * ldv]).fma(w0, a4);
            a5 = FloatVector.broadcast(F, v[e + 5 * ldv]).fma(w0, a5);
            a6 = FloatVector.broadcast(F, v[e + 6 * ldv]).fma(w0, a6);
            a7 = FloatVector.broadcast(F, v[e + 7 * ldv]).fma(w0, a7);
        }
        a0.intoArray(m, mOff);
        a1.intoArray(m, mOff + ldu);
        a2.intoArray(m, mOff + 2 * ldu);
        a3.intoArray(m, mOff + 3 * ldu);
        a4.intoArray(m, mOff + 4 * ldu);
        a5.intoArray(m, mOff + 5 * ldu);
        a6.intoArray(m, mOff + 6 * ldu);
        a7.intoArray(m, mOff + 7 * ldu);
    }

    /**
     * Aᵀ·m·A of row r of the group, plus bias, residual and ReLU, written to tile {@code (b, ty, tx)}'s outputs inside y:
     * whole vectors of output channels unmasked, the channel tail by {@link #outputTail}.
     */
    static void outputTransform(Winograd3x3Geometry g, float[] m, int r, float[] bias, int biasOff, float[] residual, int residualOff,
                                boolean relu, float[] y, int yOff, int b, int ty, int tx) {
        int oc = g.oc(), oh = g.oh(), ow = g.ow(), ocp = g.ocPadded(), es = stride(ocp);
        int p0 = 2 * ty, q0 = 2 * tx;
        int at = ((b * oh + p0) * ow + q0) * oc, right = q0 + 1 < ow ? oc : -1, below = p0 + 1 < oh ? ow * oc : -1;
        int mo = r * ocp, full = oc - oc % L;
        for (int o = 0; o < full; o += L) {
            outputVector(m, mo + o, es, bias, biasOff + o, residual, residualOff + at + o, relu, y, yOff + at + o, right, below);
        }
        if (full < oc) {
            outputTail(m, mo + full, es, bias, biasOff + full, residual, residualOff + at + full, relu, y, yOff + at + full, right, below,
                    F.indexInRange(full, oc));
        }
    }

    /**
     * One vector of channels of one tile: {@code m[mo + ε·es]} for the 16 elements, outputs at {@code yAt} (and the
     * residual at {@code resAt}), the right neighbour {@code right} floats on and the row below {@code below} floats
     * on, each −1 where it falls outside the output.
     */
    private static void outputVector(float[] m, int mo, int es, float[] bias, int bo, float[] residual, int resAt, boolean relu,
                                     float[] y, int yAt, int right, int below) {
        // Aᵀ· down each column (elements ε = 4·row + column), then ·A along the two rows.
        FloatVector m1 = FloatVector.fromArray(F, m, mo + 4 * es), m2 = FloatVector.fromArray(F, m, mo + 8 * es);
        FloatVector a00 = FloatVector.fromArray(F, m, mo).add(m1).add(m2);
        FloatVector a10 = m1.sub(m2).sub(FloatVector.fromArray(F, m, mo + 12 * es));
        m1 = FloatVector.fromArray(F, m, mo + 5 * es);
        m2 = FloatVector.fromArray(F, m, mo + 9 * es);
        FloatVector a01 = FloatVector.fromArray(F, m, mo + es).add(m1).add(m2);
        FloatVector a11 = m1.sub(m2).sub(FloatVector.fromArray(F, m, mo + 13 * es));
        m1 = FloatVector.fromArray(F, m, mo + 6 * es);
        m2 = FloatVector.fromArray(F, m, mo + 10 * es);
        FloatVector a02 = FloatVector.fromArray(F, m, mo + 2 * es).add(m1).add(m2);
        FloatVector a12 = m1.sub(m2).sub(FloatVector.fromArray(F, m, mo + 14 * es));
        m1 = FloatVector.fromArray(F, m, mo + 7 * es);
        m2 = FloatVector.fromArray(F, m, mo + 11 * es);
        FloatVector a03 = FloatVector.fromArray(F, m, mo + 3 * es).add(m1).add(m2);
        FloatVector a13 = m1.sub(m2).sub(FloatVector.fromArray(F, m, mo + 15 * es));
        FloatVector bv = FloatVector.fromArray(F, bias, bo);
        FloatVector y00 = a00.add(a01).add(a02).add(bv), y01 = a01.sub(a02).sub(a03).add(bv);
        FloatVector y10 = a10.add(a11).add(a12).add(bv), y11 = a11.sub(a12).sub(a13).add(bv);
        if (residual != null) {
            y00 = y00.add(FloatVector.fromArray(F, residual, resAt));
            if (right >= 0) y01 = y01.add(FloatVector.fromArray(F, residual, resAt + right));
            if (below >= 0) y10 = y10.add(FloatVector.fromArray(F, residual, resAt + below));
            if (right >= 0 && below >= 0) y11 = y11.add(FloatVector.fromArray(F, residual, resAt + below + right));
        }
        if (relu) {
            y00 = y00.max(0f);
            y01 = y01.max(0f);
            y10 = y10.max(0f);
            y11 = y11.max(0f);
        }
        y00.intoArray(y, yAt);
        if (right >= 0) y01.intoArray(y, yAt + right);
        if (below >= 0) y10.intoArray(y, yAt + below);
        if (right >= 0 && below >= 0) y11.intoArray(y, yAt + below + right);
    }

    /** {@link #outputVector} for the last, partial vector of channels, whose live lanes {@code k} selects. */
    private static void outputTail(float[] m, int mo, int es, float[] bias, int bo, float[] residual, int resAt, boolean relu,
                                   float[] y, int yAt, int right, int below, VectorMask<Float> k) {
        FloatVector m1 = FloatVector.fromArray(F, m, mo + 4 * es), m2 = FloatVector.fromArray(F, m, mo + 8 * es);
        FloatVector a00 = FloatVector.fromArray(F, m, mo).add(m1).add(m2);
        FloatVector a10 = m1.sub(m2).sub(FloatVector.fromArray(F, m, mo + 12 * es));
        m1 = FloatVector.fromArray(F, m, mo + 5 * es);
        m2 = FloatVector.fromArray(F, m, mo + 9 * es);
        FloatVector a01 = FloatVector.fromArray(F, m, mo + es).add(m1).add(m2);
        FloatVector a11 = m1.sub(m2).sub(FloatVector.fromArray(F, m, mo + 13 * es));
        m1 = FloatVector.fromArray(F, m, mo + 6 * es);
        m2 = FloatVector.fromArray(F, m, mo + 10 * es);
        FloatVector a02 = FloatVector.fromArray(F, m, mo + 2 * es).add(m1).add(m2);
        FloatVector a12 = m1.sub(m2).sub(FloatVector.fromArray(F, m, mo + 14 * es));
        m1 = FloatVector.fromArray(F, m, mo + 7 * es);
        m2 = FloatVector.fromArray(F, m, mo + 11 * es);
        FloatVector a03 = FloatVector.fromArray(F, m, mo + 3 * es).add(m1).add(m2);
        FloatVector a13 = m1.sub(m2).sub(FloatVector.fromArray(F, m, mo + 15 * es));
        FloatVector bv = FloatVector.fromArray(F, bias, bo, k);
        FloatVector y00 = a00.add(a01).add(a02).add(bv), y01 = a01.sub(a02).sub(a03).add(bv);
        FloatVector y10 = a10.add(a11).add(a12).add(bv), y11 = a11.sub(a12).sub(a13).add(bv);
        if (residual != null) {
            y00 = y00.add(FloatVector.fromArray(F, residual, resAt, k));
            if (right >= 0) y01 = y01.add(FloatVector.fromArray(F, residual, resAt + right, k));
            if (below >= 0) y10 = y10.add(FloatVector.fromArray(F, residual, resAt + below, k));
            if (right >= 0 && below >= 0) y11 = y11.add(FloatVector.fromArray(F, residual, resAt + below + right, k));
        }
        if (relu) {
            y00 = y00.max(0f);
            y01 = y01.max(0f);
            y10 = y10.max(0f);
            y11 = y11.max(0f);
        }
        y00.intoArray(y, yAt, k);
        if (right >= 0) y01.intoArray(y, yAt + right, k);
        if (below >= 0) y10.intoArray(y, yAt + below, k);
        if (right >= 0 && below >= 0) y11.intoArray(y, yAt + below + right, k);
    }
}
