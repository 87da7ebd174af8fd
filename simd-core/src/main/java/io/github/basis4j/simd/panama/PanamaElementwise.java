package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.ElementwiseKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link ElementwiseKernels}; each method mirrors its twin in
 * {@code io.github.basis4j.simd.scalar.ScalarElementwise}, lanes across the contiguous axis.
 *
 * <p>Loops: a {@code loopBound} body of whole vectors, then a tail. Plain arithmetic takes a scalar tail
 * (the same float operation, so the tail is exact); transcendental functions take a masked vector tail,
 * so every element of a kernel goes through the same {@link PanamaMath} approximation. That tail lives
 * in its own small method: a second inlined copy of GELU or tanh in the loop's compilation would push
 * C2 past its inlining node budget and leave the hot loop's math out of line (see {@link PanamaMath}).
 *
 * <p>Each operation has its own loop rather than one loop taking a {@code VectorOperators} argument: the
 * Vector API compiles a lanewise operation to SIMD only when the operator is a JIT-time constant, and an
 * operator captured by a {@link Parallel} lambda is not.
 *
 * <p>Threading: as the scalar twin, fixed chunks of {@link #GRAIN} elements (or rows) over
 * {@link Parallel}; sums across chunks keep one partial per chunk, added in chunk order.
 */
public final class PanamaElementwise implements ElementwiseKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final int L = F.length();
    /** Elements per parallel chunk, as the scalar twin: forking costs well under 1 % of a 64 KiB chunk. */
    private static final int GRAIN = 1 << 14;

    /** Rows per chunk for [rows, c] kernels: about {@link #GRAIN} elements, at least one row. */
    private static int rowGrain(int c) {
        return Math.max(1, GRAIN / Math.max(1, c));
    }

    // ---- same-shape binary ops, scalar ops, axpy ---------------------------------------------------

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i)).intoArray(y, yOff + i);
            }
            for (; i < to; i++) y[yOff + i] = a[aOff + i] + b[bOff + i];
        });
    }

    @Override
    public void sub(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, a, aOff + i).sub(FloatVector.fromArray(F, b, bOff + i)).intoArray(y, yOff + i);
            }
            for (; i < to; i++) y[yOff + i] = a[aOff + i] - b[bOff + i];
        });
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, b, bOff + i)).intoArray(y, yOff + i);
            }
            for (; i < to; i++) y[yOff + i] = a[aOff + i] * b[bOff + i];
        });
    }

    @Override
    public void div(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, a, aOff + i).div(FloatVector.fromArray(F, b, bOff + i)).intoArray(y, yOff + i);
            }
            for (; i < to; i++) y[yOff + i] = a[aOff + i] / b[bOff + i];
        });
    }

    @Override
    public void mulBackward(float[] a, int aOff, float[] b, int bOff, float[] dy, int dyOff,
                            float[] da, int daOff, float[] db, int dbOff, int n) {
        // Two calls to axpy-like loops keep each loop free of null tests: da += dy·b, then db += dy·a.
        if (da != null) multiplyAdd(dy, dyOff, b, bOff, da, daOff, n);
        if (db != null) multiplyAdd(dy, dyOff, a, aOff, db, dbOff, n);
    }

    /** {@code z[i] += u[i]·v[i]}, rounded after the product and after the sum, as the scalar twin. */
    private static void multiplyAdd(float[] u, int uOff, float[] v, int vOff, float[] z, int zOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector p = FloatVector.fromArray(F, u, uOff + i).mul(FloatVector.fromArray(F, v, vOff + i));
                FloatVector.fromArray(F, z, zOff + i).add(p).intoArray(z, zOff + i);
            }
            for (; i < to; i++) z[zOff + i] += u[uOff + i] * v[vOff + i];
        });
    }

    @Override
    public void divBackward(float[] a, int aOff, float[] b, int bOff, float[] dy, int dyOff,
                            float[] da, int daOff, float[] db, int dbOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector bv = FloatVector.fromArray(F, b, bOff + i);
                FloatVector gOverB = FloatVector.fromArray(F, dy, dyOff + i).div(bv);
                if (da != null) FloatVector.fromArray(F, da, daOff + i).add(gOverB).intoArray(da, daOff + i);
                if (db != null) {
                    FloatVector t = gOverB.mul(FloatVector.fromArray(F, a, aOff + i)).div(bv);
                    FloatVector.fromArray(F, db, dbOff + i).sub(t).intoArray(db, dbOff + i);
                }
            }
            for (; i < to; i++) {
                float bi = b[bOff + i], gOverB = dy[dyOff + i] / bi;
                if (da != null) da[daOff + i] += gOverB;
                if (db != null) db[dbOff + i] -= gOverB * a[aOff + i] / bi;
            }
        });
    }

    @Override
    public void scale(float[] x, int xOff, float alpha, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, x, xOff + i).mul(alpha).intoArray(y, yOff + i);
            }
            for (; i < to; i++) y[yOff + i] = alpha * x[xOff + i];
        });
    }

    @Override
    public void addScalar(float[] x, int xOff, float s, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, x, xOff + i).add(s).intoArray(y, yOff + i);
            }
            for (; i < to; i++) y[yOff + i] = x[xOff + i] + s;
        });
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector p = FloatVector.fromArray(F, x, xOff + i).mul(alpha);
                FloatVector.fromArray(F, y, yOff + i).add(p).intoArray(y, yOff + i);
            }
            for (; i < to; i++) y[yOff + i] += alpha * x[xOff + i];
        });
    }

    // ---- broadcasting over the channel axis ---------------------------------------------------------

    @Override
    public void addChannel(float[] x, int xOff, float[] b, int bOff, float[] y, int yOff, int rows, int c) {
        Parallel.forRange(rows, rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xr = xOff + r * c, yr = yOff + r * c, j = 0;
                for (int bound = F.loopBound(c); j < bound; j += L) {
                    FloatVector.fromArray(F, x, xr + j).add(FloatVector.fromArray(F, b, bOff + j)).intoArray(y, yr + j);
                }
                for (; j < c; j++) y[yr + j] = x[xr + j] + b[bOff + j];
            }
        });
    }

    @Override
    public void subChannel(float[] x, int xOff, float[] b, int bOff, float[] y, int yOff, int rows, int c) {
        Parallel.forRange(rows, rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xr = xOff + r * c, yr = yOff + r * c, j = 0;
                for (int bound = F.loopBound(c); j < bound; j += L) {
                    FloatVector.fromArray(F, x, xr + j).sub(FloatVector.fromArray(F, b, bOff + j)).intoArray(y, yr + j);
                }
                for (; j < c; j++) y[yr + j] = x[xr + j] - b[bOff + j];
            }
        });
    }

    @Override
    public void mulChannel(float[] x, int xOff, float[] b, int bOff, float[] y, int yOff, int rows, int c) {
        Parallel.forRange(rows, rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xr = xOff + r * c, yr = yOff + r * c, j = 0;
                for (int bound = F.loopBound(c); j < bound; j += L) {
                    FloatVector.fromArray(F, x, xr + j).mul(FloatVector.fromArray(F, b, bOff + j)).intoArray(y, yr + j);
                }
                for (; j < c; j++) y[yr + j] = x[xr + j] * b[bOff + j];
            }
        });
    }

    @Override
    public void divChannel(float[] x, int xOff, float[] b, int bOff, float[] y, int yOff, int rows, int c) {
        Parallel.forRange(rows, rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int xr = xOff + r * c, yr = yOff + r * c, j = 0;
                for (int bound = F.loopBound(c); j < bound; j += L) {
                    FloatVector.fromArray(F, x, xr + j).div(FloatVector.fromArray(F, b, bOff + j)).intoArray(y, yr + j);
                }
                for (; j < c; j++) y[yr + j] = x[xr + j] / b[bOff + j];
            }
        });
    }

    @Override
    public void addChannelBackward(float[] dy, int dyOff, float[] dx, int dxOff, float[] db, int dbOff, int rows, int c) {
        if (dx != null) axpy(1f, dy, dyOff, dx, dxOff, rows * c);
        if (db != null) columnSums(dy, dyOff, null, 0, null, 0, db, dbOff, 1f, rows, c);
    }

    @Override
    public void subChannelBackward(float[] dy, int dyOff, float[] dx, int dxOff, float[] db, int dbOff, int rows, int c) {
        if (dx != null) axpy(1f, dy, dyOff, dx, dxOff, rows * c);
        if (db != null) columnSums(dy, dyOff, null, 0, null, 0, db, dbOff, -1f, rows, c);
    }

    @Override
    public void mulChannelBackward(float[] x, int xOff, float[] b, int bOff, float[] dy, int dyOff,
                                   float[] dx, int dxOff, float[] db, int dbOff, int rows, int c) {
        if (dx != null) {
            Parallel.forRange(rows, rowGrain(c), (from, to) -> {
                for (int r = from; r < to; r++) {
                    int gr = dyOff + r * c, dr = dxOff + r * c, j = 0;
                    for (int bound = F.loopBound(c); j < bound; j += L) {
                        FloatVector p = FloatVector.fromArray(F, dy, gr + j).mul(FloatVector.fromArray(F, b, bOff + j));
                        FloatVector.fromArray(F, dx, dr + j).add(p).intoArray(dx, dr + j);
                    }
                    for (; j < c; j++) dx[dr + j] += dy[gr + j] * b[bOff + j];
                }
            });
        }
        if (db != null) columnSums(dy, dyOff, x, xOff, null, 0, db, dbOff, 1f, rows, c);
    }

    @Override
    public void divChannelBackward(float[] x, int xOff, float[] b, int bOff, float[] dy, int dyOff,
                                   float[] dx, int dxOff, float[] db, int dbOff, int rows, int c) {
        if (dx != null) {
            Parallel.forRange(rows, rowGrain(c), (from, to) -> {
                for (int r = from; r < to; r++) {
                    int gr = dyOff + r * c, dr = dxOff + r * c, j = 0;
                    for (int bound = F.loopBound(c); j < bound; j += L) {
                        FloatVector q = FloatVector.fromArray(F, dy, gr + j).div(FloatVector.fromArray(F, b, bOff + j));
                        FloatVector.fromArray(F, dx, dr + j).add(q).intoArray(dx, dr + j);
                    }
                    for (; j < c; j++) dx[dr + j] += dy[gr + j] / b[bOff + j];
                }
            });
        }
        if (db != null) columnSums(dy, dyOff, x, xOff, b, bOff, db, dbOff, -1f, rows, c);
    }

    /**
     * {@code db[j] += sign·Σ_r dy[r, j]·x[r, j] / b[j]²}, where a null x means a factor of 1 and a null b
     * no division. Each chunk of rows sums into its own [c] partial, row after row (the order of the
     * scalar twin, so the column sums agree bit for bit); partials are added in chunk order.
     */
    private static void columnSums(float[] dy, int dyOff, float[] x, int xOff, float[] b, int bOff,
                                   float[] db, int dbOff, float sign, int rows, int c) {
        if (rows == 0 || c == 0) return;
        int grain = rowGrain(c);
        int chunks = Parallel.chunkCount(rows, grain);
        float[] partial = new float[chunks * c];
        Parallel.forChunks(rows, grain, (chunk, from, to) -> {
            int p = chunk * c;
            for (int r = from; r < to; r++) {
                int gr = dyOff + r * c, xr = xOff + r * c, j = 0;
                for (int bound = F.loopBound(c); j < bound; j += L) {
                    FloatVector g = FloatVector.fromArray(F, dy, gr + j);
                    if (x != null) g = g.mul(FloatVector.fromArray(F, x, xr + j));
                    FloatVector.fromArray(F, partial, p + j).add(g).intoArray(partial, p + j);
                }
                for (; j < c; j++) partial[p + j] += x != null ? dy[gr + j] * x[xr + j] : dy[gr + j];
            }
        });
        for (int j = 0; j < c; j++) {
            float s = 0f;
            for (int k = 0; k < chunks; k++) s += partial[k * c + j];
            if (b != null) s /= b[bOff + j] * b[bOff + j];
            db[dbOff + j] += sign * s;
        }
    }

    // ---- activations -------------------------------------------------------------------------------

    @Override
    public void reluForward(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, x, xOff + i).max(0f).intoArray(y, yOff + i);
            }
            for (; i < to; i++) y[yOff + i] = Math.max(x[xOff + i], 0f);
        });
    }

    @Override
    public void reluMask(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            FloatVector zero = FloatVector.zero(F);
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                VectorMask<Float> on = FloatVector.fromArray(F, x, xOff + i).compare(VectorOperators.GT, 0f);
                zero.blend(FloatVector.fromArray(F, dy, dyOff + i), on).intoArray(dx, dxOff + i);
            }
            for (; i < to; i++) dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
        });
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                VectorMask<Float> on = FloatVector.fromArray(F, x, xOff + i).compare(VectorOperators.GT, 0f);
                FloatVector d = FloatVector.fromArray(F, dx, dxOff + i);
                d.add(FloatVector.fromArray(F, dy, dyOff + i), on).intoArray(dx, dxOff + i);
            }
            for (; i < to; i++) {
                if (x[xOff + i] > 0f) dx[dxOff + i] += dy[dyOff + i];
            }
        });
    }

    @Override
    public void geluForward(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                PanamaMath.gelu(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
            }
            if (i < to) geluTail(x, xOff, y, yOff, i, to);
        });
    }

    /** The masked last vector of a {@code gelu} range (see the class comment for why it is out of line). */
    private static void geluTail(float[] x, int xOff, float[] y, int yOff, int i, int to) {
        VectorMask<Float> m = F.indexInRange(i, to);
        PanamaMath.gelu(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
    }

    @Override
    public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector g = FloatVector.fromArray(F, dy, dyOff + i).mul(PanamaMath.geluDerivative(FloatVector.fromArray(F, x, xOff + i)));
                FloatVector.fromArray(F, dx, dxOff + i).add(g).intoArray(dx, dxOff + i);
            }
            if (i < to) geluBackwardTail(x, xOff, dy, dyOff, dx, dxOff, i, to);
        });
    }

    /** The masked last vector of a {@code geluBackward} range (see the class comment for why it is out of line). */
    private static void geluBackwardTail(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int i, int to) {
        VectorMask<Float> m = F.indexInRange(i, to);
        FloatVector g = FloatVector.fromArray(F, dy, dyOff + i, m).mul(PanamaMath.geluDerivative(FloatVector.fromArray(F, x, xOff + i, m)));
        FloatVector.fromArray(F, dx, dxOff + i, m).add(g).intoArray(dx, dxOff + i, m);
    }

    @Override
    public void starReluForward(float[] x, int xOff, float scale, float bias, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector r = FloatVector.fromArray(F, x, xOff + i).max(0f);
                r.mul(r).mul(scale).add(bias).intoArray(y, yOff + i);
            }
            for (; i < to; i++) {
                float r = Math.max(x[xOff + i], 0f);
                y[yOff + i] = scale * (r * r) + bias;
            }
        });
    }

    @Override
    public void starReluBackward(float[] x, int xOff, float scale, float[] dy, int dyOff, float[] dx, int dxOff,
                                 float[] dScale, int dScaleOff, float[] dBias, int dBiasOff, int n) {
        int chunks = Parallel.chunkCount(n, GRAIN);
        // Per chunk: [Σ dy·relu(x)², Σ dy], combined in chunk order below.
        float[] partial = new float[2 * chunks];
        float twoScale = 2f * scale;
        Parallel.forChunks(n, GRAIN, (chunk, from, to) -> {
            // One accumulator per sum: the two chains are independent and each iteration also loads two
            // vectors and stores one, so the add latency is already hidden.
            FloatVector accScale = FloatVector.zero(F), accBias = FloatVector.zero(F);
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector r = FloatVector.fromArray(F, x, xOff + i).max(0f);
                FloatVector g = FloatVector.fromArray(F, dy, dyOff + i);
                if (dx != null) {
                    FloatVector.fromArray(F, dx, dxOff + i).add(g.mul(r.mul(twoScale))).intoArray(dx, dxOff + i);
                }
                accScale = accScale.add(g.mul(r.mul(r)));
                accBias = accBias.add(g);
            }
            float sumScale = PanamaLanes.sum(accScale), sumBias = PanamaLanes.sum(accBias);
            for (; i < to; i++) {
                float r = Math.max(x[xOff + i], 0f), g = dy[dyOff + i];
                if (dx != null) dx[dxOff + i] += g * (twoScale * r);
                sumScale += g * (r * r);
                sumBias += g;
            }
            partial[2 * chunk] = sumScale;
            partial[2 * chunk + 1] = sumBias;
        });
        float s = 0f, b = 0f;
        for (int k = 0; k < chunks; k++) {
            s += partial[2 * k];
            b += partial[2 * k + 1];
        }
        if (dScale != null) dScale[dScaleOff] += s;
        if (dBias != null) dBias[dBiasOff] += b;
    }

    @Override
    public void squaredReluForward(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector r = FloatVector.fromArray(F, x, xOff + i).max(0f);
                r.mul(r).intoArray(y, yOff + i);
            }
            for (; i < to; i++) {
                float r = Math.max(x[xOff + i], 0f);
                y[yOff + i] = r * r;
            }
        });
    }

    @Override
    public void squaredReluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector r2 = FloatVector.fromArray(F, x, xOff + i).max(0f).mul(2f);
                FloatVector g = FloatVector.fromArray(F, dy, dyOff + i).mul(r2);
                FloatVector.fromArray(F, dx, dxOff + i).add(g).intoArray(dx, dxOff + i);
            }
            for (; i < to; i++) dx[dxOff + i] += dy[dyOff + i] * (2f * Math.max(x[xOff + i], 0f));
        });
    }

    @Override
    public void sigmoidForward(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                PanamaMath.sigmoid(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
            }
            if (i < to) sigmoidTail(x, xOff, y, yOff, i, to);
        });
    }

    /** The masked last vector of a {@code sigmoid} range (see the class comment for why it is out of line). */
    private static void sigmoidTail(float[] x, int xOff, float[] y, int yOff, int i, int to) {
        VectorMask<Float> m = F.indexInRange(i, to);
        PanamaMath.sigmoid(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector s = FloatVector.fromArray(F, y, yOff + i);
                FloatVector g = FloatVector.fromArray(F, dy, dyOff + i).mul(s.mul(s.neg().add(1f)));
                FloatVector.fromArray(F, dx, dxOff + i).add(g).intoArray(dx, dxOff + i);
            }
            for (; i < to; i++) {
                float s = y[yOff + i];
                dx[dxOff + i] += dy[dyOff + i] * (s * (1f - s));
            }
        });
    }

    @Override
    public void tanhForward(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                PanamaMath.tanh(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
            }
            if (i < to) tanhTail(x, xOff, y, yOff, i, to);
        });
    }

    /** The masked last vector of a {@code tanh} range (see the class comment for why it is out of line). */
    private static void tanhTail(float[] x, int xOff, float[] y, int yOff, int i, int to) {
        VectorMask<Float> m = F.indexInRange(i, to);
        PanamaMath.tanh(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector t = FloatVector.fromArray(F, y, yOff + i);
                FloatVector g = FloatVector.fromArray(F, dy, dyOff + i).mul(t.mul(t).neg().add(1f));
                FloatVector.fromArray(F, dx, dxOff + i).add(g).intoArray(dx, dxOff + i);
            }
            for (; i < to; i++) {
                float t = y[yOff + i];
                dx[dxOff + i] += dy[dyOff + i] * (1f - t * t);
            }
        });
    }

    @Override
    public void expForward(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                PanamaMath.exp(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
            }
            if (i < to) expTail(x, xOff, y, yOff, i, to);
        });
    }

    /** The masked last vector of a {@code exp} range (see the class comment for why it is out of line). */
    private static void expTail(float[] x, int xOff, float[] y, int yOff, int i, int to) {
        VectorMask<Float> m = F.indexInRange(i, to);
        PanamaMath.exp(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
    }

    @Override
    public void expBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        multiplyAdd(dy, dyOff, y, yOff, dx, dxOff, n);
    }

    @Override
    public void erf(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                PanamaMath.erf(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
            }
            if (i < to) erfTail(x, xOff, y, yOff, i, to);
        });
    }

    /** The masked last vector of a {@code erf} range (see the class comment for why it is out of line). */
    private static void erfTail(float[] x, int xOff, float[] y, int yOff, int i, int to) {
        VectorMask<Float> m = F.indexInRange(i, to);
        PanamaMath.erf(FloatVector.fromArray(F, x, xOff + i, m)).intoArray(y, yOff + i, m);
    }
}
