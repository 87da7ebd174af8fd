package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.WinogradKernels;

/**
 * Plain-loop F(2×2, 3×3) convolution, the oracle of {@code io.github.basis4j.simd.panama.PanamaWinograd}: the
 * same chunks of tiles and, per tile, the same transforms in the same order (so they round alike); the
 * products sum over input channels in ascending order with separate multiplies and adds, where the vector
 * twin fuses them. Layouts and formulas: {@link WinogradKernels}.
 *
 * <p>One tile at a time: its 16 transformed elements over all input channels, {@code v [16, c]}, then the
 * 16 products {@code m [16, oc]}, then the output transform, in per-thread scratch arrays.
 */
public final class ScalarWinograd implements WinogradKernels {
    private static final int E = TILE_ELEMENTS;
    /** Per-thread {@code v} and {@code m} of one tile, grown on demand, and a 4×4 patch and its half transform. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {{}, {}, new float[E], new float[E]});

    @Override
    public void conv3x3Forward(Winograd3x3Geometry g, float[] x, int xOff, float[] u, int uOff, float[] bias, int biasOff,
                               float[] residual, int residualOff, boolean relu, float[] y, int yOff) {
        assert bias != null;
        Parallel.forRange(g.tiles(), g.chunkTiles(), (from, to) -> {
            float[][] s = SCRATCH.get();
            if (s[0].length < E * g.c()) s[0] = new float[E * g.c()];
            if (s[1].length < E * g.oc()) s[1] = new float[E * g.oc()];
            float[] v = s[0], m = s[1], d = s[2], half = s[3];
            for (int t = from; t < to; t++) {
                inputTransform(g, x, xOff, t, d, half, v);
                products(g, v, u, uOff, m);
                outputTransform(g, m, half, bias, biasOff, residual, residualOff, relu, y, yOff, t);
            }
        });
    }

    /**
     * {@code v[ε·c + ci] = (Bᵀ·d·B)[ε]} of the 4×4 input patch d of tile t, zero outside the input; {@code d}
     * and {@code t} are 16-float scratch.
     */
    static void inputTransform(Winograd3x3Geometry g, float[] x, int xOff, int tile, float[] d, float[] t, float[] v) {
        int c = g.c(), tw = g.tilesW(), th = g.tilesH();
        int b = tile / (th * tw), ty = tile / tw % th, tx = tile % tw;
        int y0 = 2 * ty - g.pad(), x0 = 2 * tx - g.pad();
        for (int ci = 0; ci < c; ci++) {
            for (int r = 0; r < 4; r++) {
                for (int q = 0; q < 4; q++) {
                    int iy = y0 + r, ix = x0 + q;
                    boolean in = iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w();
                    d[4 * r + q] = in ? x[xOff + ((b * g.h() + iy) * g.w() + ix) * c + ci] : 0f;
                }
            }
            // d·B along each row, then Bᵀ· down each column.
            for (int r = 0; r < 4; r++) {
                float d0 = d[4 * r], d1 = d[4 * r + 1], d2 = d[4 * r + 2], d3 = d[4 * r + 3];
                t[4 * r] = d0 - d2;
                t[4 * r + 1] = d1 + d2;
                t[4 * r + 2] = d2 - d1;
                t[4 * r + 3] = d1 - d3;
            }
            for (int q = 0; q < 4; q++) {
                float t0 = t[q], t1 = t[4 + q], t2 = t[8 + q], t3 = t[12 + q];
                v[q * c + ci] = t0 - t2;
                v[(4 + q) * c + ci] = t1 + t2;
                v[(8 + q) * c + ci] = t2 - t1;
                v[(12 + q) * c + ci] = t1 - t3;
            }
        }
    }

    /** {@code m[ε·oc + o] = Σ_ci v[ε·c + ci]·u[(ε·c + ci)·ocp + o]}, ascending ci. */
    static void products(Winograd3x3Geometry g, float[] v, float[] u, int uOff, float[] m) {
        int c = g.c(), oc = g.oc(), ocp = g.ocPadded();
        for (int e = 0; e < E; e++) {
            for (int o = 0; o < oc; o++) {
                float sum = 0f;
                for (int ci = 0; ci < c; ci++) sum += v[e * c + ci] * u[uOff + (e * c + ci) * ocp + o];
                m[e * oc + o] = sum;
            }
        }
    }

    /**
     * Aᵀ·m·A plus bias, residual and ReLU, written to the outputs of tile t that lie inside {@code oh × ow};
     * {@code a} is 8-float scratch.
     */
    static void outputTransform(Winograd3x3Geometry g, float[] m, float[] a, float[] bias, int biasOff, float[] residual, int residualOff,
                                boolean relu, float[] y, int yOff, int tile) {
        int oc = g.oc(), tw = g.tilesW(), th = g.tilesH(), oh = g.oh(), ow = g.ow();
        int b = tile / (th * tw), p0 = 2 * (tile / tw % th), q0 = 2 * (tile % tw);
        for (int o = 0; o < oc; o++) {
            // Aᵀ· down each column, then ·A along the two rows.
            for (int q = 0; q < 4; q++) {
                float m0 = m[q * oc + o], m1 = m[(4 + q) * oc + o], m2 = m[(8 + q) * oc + o], m3 = m[(12 + q) * oc + o];
                a[q] = m0 + m1 + m2;
                a[4 + q] = m1 - m2 - m3;
            }
            for (int r = 0; r < 2; r++) {
                for (int q = 0; q < 2; q++) {
                    int p = p0 + r, col = q0 + q;
                    if (p >= oh || col >= ow) continue;
                    int at = ((b * oh + p) * ow + col) * oc + o;
                    float out = q == 0 ? a[4 * r] + a[4 * r + 1] + a[4 * r + 2] : a[4 * r + 1] - a[4 * r + 2] - a[4 * r + 3];
                    float val = out + bias[biasOff + o];
                    if (residual != null) val += residual[residualOff + at];
                    if (relu) val = Math.max(0f, val);
                    y[yOff + at] = val;
                }
            }
        }
    }
}
