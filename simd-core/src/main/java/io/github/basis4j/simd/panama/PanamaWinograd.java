package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.WinogradKernels;
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
 *       the input) and transformed into {@code v [16, GROUP, c]}, element {@code (ε, r, ci)} at
 *       {@code (ε·GROUP + r)·c + ci};</li>
 *   <li>16 products {@code m[ε] = v[ε]·u[ε]}, [GROUP × c]·[c × oc], lanes across output channels: each
 *       transformed input value is broadcast against a row of {@code u} held in registers, as in the direct
 *       kernels; {@code m [16, GROUP, oc]}, element {@code (ε, r, o)} at {@code (ε·GROUP + r)·oc + o};</li>
 *   <li>output transform plus bias, residual and ReLU, lanes across output channels, written to y.</li>
 * </ol>
 * A group's {@code v} and {@code m} (16·8·(c + oc) floats, 64 KiB at 64 → 64 channels) stay in L1/L2 between
 * the three steps, and the weights {@code u} (16·c·oc floats) stay in L2 over the whole chunk, so apart from
 * the input and the output nothing goes to memory. A group past the last tile computes on zeros and writes
 * nothing.
 *
 * <p>Register tiles of the products: 8 tiles × 2 vectors of output channels (16 accumulators; per input
 * channel 2 weight loads and 8 broadcasts feed 16 FMAs) where the species is 512-bit and so has 32 registers,
 * else, and for the last vector or two of channels, 8 tiles × 1 vector with a mask for the channel tail.
 */
final class PanamaWinograd implements WinogradKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final int L = F.length();
    private static final int E = TILE_ELEMENTS;
    /** Tiles per group: the height of the register tiles, so each product runs whole tiles. */
    static final int GROUP = 8;
    /** Per-thread {@code v} and {@code m} of one group, grown on demand. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    @Override
    public void conv3x3Forward(Winograd3x3Geometry g, float[] x, int xOff, float[] u, int uOff, float[] bias, int biasOff,
                               float[] residual, int residualOff, boolean relu, float[] y, int yOff) {
        assert bias != null;
        assert g.chunkTiles() % GROUP == 0 : "chunks must hold whole groups";
        Parallel.forRange(g.tiles(), g.chunkTiles(), (from, to) -> {
            float[][] s = SCRATCH.get();
            if (s[0].length < E * GROUP * g.c()) s[0] = new float[E * GROUP * g.c()];
            if (s[1].length < E * GROUP * g.oc()) s[1] = new float[E * GROUP * g.oc()];
            float[] v = s[0], m = s[1];
            for (int t0 = from; t0 < to; t0 += GROUP) {
                for (int r = 0; r < GROUP; r++) inputTransform(g, x, xOff, t0 + r, v, r);
                products(g, v, u, uOff, m);
                for (int r = 0; r < GROUP && t0 + r < g.tiles(); r++) {
                    outputTransform(g, m, r, bias, biasOff, residual, residualOff, relu, y, yOff, t0 + r);
                }
            }
        });
    }

    private static FloatVector load(float[] x, int off, boolean inside, VectorMask<Float> m) {
        return inside ? FloatVector.fromArray(F, x, off, m) : FloatVector.zero(F);
    }

    /** Row r of the group's {@code v}: the transformed patch of tile {@code tile}, zeros past the last tile. */
    static void inputTransform(Winograd3x3Geometry g, float[] x, int xOff, int tile, float[] v, int r) {
        int c = g.c(), h = g.h(), w = g.w(), es = GROUP * c;
        if (tile >= g.tiles()) {
            for (int e = 0; e < E; e++) java.util.Arrays.fill(v, e * es + r * c, e * es + (r + 1) * c, 0f);
            return;
        }
        int tw = g.tilesW(), th = g.tilesH();
        int b = tile / (th * tw), y0 = 2 * (tile / tw % th) - g.pad(), x0 = 2 * (tile % tw) - g.pad();
        boolean r0 = y0 >= 0 && y0 < h, r1 = y0 + 1 >= 0 && y0 + 1 < h, r2 = y0 + 2 >= 0 && y0 + 2 < h, r3 = y0 + 3 < h && y0 + 3 >= 0;
        boolean c0 = x0 >= 0 && x0 < w, c1 = x0 + 1 >= 0 && x0 + 1 < w, c2 = x0 + 2 >= 0 && x0 + 2 < w, c3 = x0 + 3 < w && x0 + 3 >= 0;
        // Offsets of rows or columns outside the input are computed but never loaded.
        int base = xOff + ((b * h + y0) * w + x0) * c, rs = w * c, vo = r * c;
        for (int ci = 0; ci < c; ci += L) {
            VectorMask<Float> m = F.indexInRange(ci, c);
            int o = base + ci;
            // d·B along each patch row.
            FloatVector d0 = load(x, o, r0 && c0, m), d1 = load(x, o + c, r0 && c1, m);
            FloatVector d2 = load(x, o + 2 * c, r0 && c2, m), d3 = load(x, o + 3 * c, r0 && c3, m);
            FloatVector t00 = d0.sub(d2), t01 = d1.add(d2), t02 = d2.sub(d1), t03 = d1.sub(d3);
            o += rs;
            d0 = load(x, o, r1 && c0, m);
            d1 = load(x, o + c, r1 && c1, m);
            d2 = load(x, o + 2 * c, r1 && c2, m);
            d3 = load(x, o + 3 * c, r1 && c3, m);
            FloatVector t10 = d0.sub(d2), t11 = d1.add(d2), t12 = d2.sub(d1), t13 = d1.sub(d3);
            o += rs;
            d0 = load(x, o, r2 && c0, m);
            d1 = load(x, o + c, r2 && c1, m);
            d2 = load(x, o + 2 * c, r2 && c2, m);
            d3 = load(x, o + 3 * c, r2 && c3, m);
            FloatVector t20 = d0.sub(d2), t21 = d1.add(d2), t22 = d2.sub(d1), t23 = d1.sub(d3);
            o += rs;
            d0 = load(x, o, r3 && c0, m);
            d1 = load(x, o + c, r3 && c1, m);
            d2 = load(x, o + 2 * c, r3 && c2, m);
            d3 = load(x, o + 3 * c, r3 && c3, m);
            FloatVector t30 = d0.sub(d2), t31 = d1.add(d2), t32 = d2.sub(d1), t33 = d1.sub(d3);
            // Bᵀ· down each column: element ε = 4·row + column.
            int q = vo + ci;
            t00.sub(t20).intoArray(v, q, m);
            t01.sub(t21).intoArray(v, q + es, m);
            t02.sub(t22).intoArray(v, q + 2 * es, m);
            t03.sub(t23).intoArray(v, q + 3 * es, m);
            t10.add(t20).intoArray(v, q + 4 * es, m);
            t11.add(t21).intoArray(v, q + 5 * es, m);
            t12.add(t22).intoArray(v, q + 6 * es, m);
            t13.add(t23).intoArray(v, q + 7 * es, m);
            t20.sub(t10).intoArray(v, q + 8 * es, m);
            t21.sub(t11).intoArray(v, q + 9 * es, m);
            t22.sub(t12).intoArray(v, q + 10 * es, m);
            t23.sub(t13).intoArray(v, q + 11 * es, m);
            t10.sub(t30).intoArray(v, q + 12 * es, m);
            t11.sub(t31).intoArray(v, q + 13 * es, m);
            t12.sub(t32).intoArray(v, q + 14 * es, m);
            t13.sub(t33).intoArray(v, q + 15 * es, m);
        }
    }

    /** {@code m[ε] = v[ε]·u[ε]} for the 16 elements of one group. */
    static void products(Winograd3x3Geometry g, float[] v, float[] u, int uOff, float[] m) {
        int c = g.c(), oc = g.oc();
        int wide = DirectConvKernels.WIDE_TILES ? oc - oc % (2 * L) : 0;
        for (int e = 0; e < E; e++) {
            int vo = e * GROUP * c, uo = uOff + e * c * oc, mo = e * GROUP * oc;
            int o = 0;
            for (; o < wide; o += 2 * L) product8x2(v, vo, c, u, uo + o, oc, m, mo + o);
            for (; o < oc; o += L) product8x1(v, vo, c, u, uo + o, oc, m, mo + o, F.indexInRange(o, oc));
        }
    }

    /**
     * Eight rows of {@code v} (row r at {@code vOff + r·k}) times {@code k} rows of u (at {@code uOff + ci·ldu},
     * two vectors wide) into m (row r at {@code mOff + r·ldu}).
     */
    static void product8x2(float[] v, int vOff, int k, float[] u, int uOff, int ldu, float[] m, int mOff) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        FloatVector a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00, a71 = a00;
        int uk = uOff;
        for (int ci = 0; ci < k; ci++, uk += ldu) {
            FloatVector w0 = FloatVector.fromArray(F, u, uk), w1 = FloatVector.fromArray(F, u, uk + L);
            int e = vOff + ci;
            FloatVector b = FloatVector.broadcast(F, v[e]);
            a00 = b.fma(w0, a00);
            a01 = b.fma(w1, a01);
            b = FloatVector.broadcast(F, v[e + k]);
            a10 = b.fma(w0, a10);
            a11 = b.fma(w1, a11);
            b = FloatVector.broadcast(F, v[e + 2 * k]);
            a20 = b.fma(w0, a20);
            a21 = b.fma(w1, a21);
            b = FloatVector.broadcast(F, v[e + 3 * k]);
            a30 = b.fma(w0, a30);
            a31 = b.fma(w1, a31);
            b = FloatVector.broadcast(F, v[e + 4 * k]);
            a40 = b.fma(w0, a40);
            a41 = b.fma(w1, a41);
            b = FloatVector.broadcast(F, v[e + 5 * k]);
            a50 = b.fma(w0, a50);
            a51 = b.fma(w1, a51);
            b = FloatVector.broadcast(F, v[e + 6 * k]);
            a60 = b.fma(w0, a60);
            a61 = b.fma(w1, a61);
            b = FloatVector.broadcast(F, v[e + 7 * k]);
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

    /** {@link #product8x2} one vector wide, of which {@code mask} selects the live lanes. */
    static void product8x1(float[] v, int vOff, int k, float[] u, int uOff, int ldu, float[] m, int mOff, VectorMask<Float> mask) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        int uk = uOff;
        for (int ci = 0; ci < k; ci++, uk += ldu) {
            FloatVector w0 = FloatVector.fromArray(F, u, uk, mask);
            int e = vOff + ci;
            a0 = FloatVector.broadcast(F, v[e]).fma(w0, a0);
            a1 = FloatVector.broadcast(F, v[e + k]).fma(w0, a1);
            a2 = FloatVector.broadcast(F, v[e + 2 * k]).fma(w0, a2);
            a3 = FloatVector.broadcast(F, v[e + 3 * k]).fma(w0, a3);
            a4 = FloatVector.broadcast(F, v[e + 4 * k]).fma(w0, a4);
            a5 = FloatVector.broadcast(F, v[e + 5 * k]).fma(w0, a5);
            a6 = FloatVector.broadcast(F, v[e + 6 * k]).fma(w0, a6);
            a7 = FloatVector.broadcast(F, v[e + 7 * k]).fma(w0, a7);
        }
        a0.intoArray(m, mOff, mask);
        a1.intoArray(m, mOff + ldu, mask);
        a2.intoArray(m, mOff + 2 * ldu, mask);
        a3.intoArray(m, mOff + 3 * ldu, mask);
        a4.intoArray(m, mOff + 4 * ldu, mask);
        a5.intoArray(m, mOff + 5 * ldu, mask);
        a6.intoArray(m, mOff + 6 * ldu, mask);
        a7.intoArray(m, mOff + 7 * ldu, mask);
    }

    /** Aᵀ·m·A of row r of the group, plus bias, residual and ReLU, written to tile {@code tile}'s outputs inside y. */
    static void outputTransform(Winograd3x3Geometry g, float[] m, int r, float[] bias, int biasOff, float[] residual, int residualOff,
                                boolean relu, float[] y, int yOff, int tile) {
        int oc = g.oc(), tw = g.tilesW(), th = g.tilesH(), oh = g.oh(), ow = g.ow(), es = GROUP * oc;
        int b = tile / (th * tw), p0 = 2 * (tile / tw % th), q0 = 2 * (tile % tw);
        boolean right = q0 + 1 < ow, bottom = p0 + 1 < oh;
        int at00 = ((b * oh + p0) * ow + q0) * oc, at01 = at00 + oc, at10 = at00 + ow * oc, at11 = at10 + oc;
        for (int o = 0; o < oc; o += L) {
            VectorMask<Float> k = F.indexInRange(o, oc);
            int mo = r * oc + o;
            // Aᵀ· down each column (elements ε = 4·row + column), then ·A along the two rows.
            FloatVector m1q, m2q;
            m1q = FloatVector.fromArray(F, m, mo + 4 * es, k);
            m2q = FloatVector.fromArray(F, m, mo + 8 * es, k);
            FloatVector a00 = FloatVector.fromArray(F, m, mo, k).add(m1q).add(m2q);
            FloatVector a10 = m1q.sub(m2q).sub(FloatVector.fromArray(F, m, mo + 12 * es, k));
            m1q = FloatVector.fromArray(F, m, mo + 5 * es, k);
            m2q = FloatVector.fromArray(F, m, mo + 9 * es, k);
            FloatVector a01 = FloatVector.fromArray(F, m, mo + es, k).add(m1q).add(m2q);
            FloatVector a11 = m1q.sub(m2q).sub(FloatVector.fromArray(F, m, mo + 13 * es, k));
            m1q = FloatVector.fromArray(F, m, mo + 6 * es, k);
            m2q = FloatVector.fromArray(F, m, mo + 10 * es, k);
            FloatVector a02 = FloatVector.fromArray(F, m, mo + 2 * es, k).add(m1q).add(m2q);
            FloatVector a12 = m1q.sub(m2q).sub(FloatVector.fromArray(F, m, mo + 14 * es, k));
            m1q = FloatVector.fromArray(F, m, mo + 7 * es, k);
            m2q = FloatVector.fromArray(F, m, mo + 11 * es, k);
            FloatVector a03 = FloatVector.fromArray(F, m, mo + 3 * es, k).add(m1q).add(m2q);
            FloatVector a13 = m1q.sub(m2q).sub(FloatVector.fromArray(F, m, mo + 15 * es, k));
            FloatVector bv = FloatVector.fromArray(F, bias, biasOff + o, k);
            store(a00.add(a01).add(a02).add(bv), residual, residualOff + at00 + o, relu, y, yOff + at00 + o, k);
            if (right) store(a01.sub(a02).sub(a03).add(bv), residual, residualOff + at01 + o, relu, y, yOff + at01 + o, k);
            if (bottom) {
                store(a10.add(a11).add(a12).add(bv), residual, residualOff + at10 + o, relu, y, yOff + at10 + o, k);
                if (right) store(a11.sub(a12).sub(a13).add(bv), residual, residualOff + at11 + o, relu, y, yOff + at11 + o, k);
            }
        }
    }

    /** The epilogue of one output vector: {@code + residual} when given, then ReLU when asked, then the store. */
    private static void store(FloatVector val, float[] residual, int resAt, boolean relu, float[] y, int yAt, VectorMask<Float> k) {
        if (residual != null) val = val.add(FloatVector.fromArray(F, residual, resAt, k));
        if (relu) val = val.max(0f);
        val.intoArray(y, yAt, k);
    }
}
