package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.ElementwiseKernels;

/**
 * Plain-loop {@link ElementwiseKernels}: the test oracle and the fallback. Twin of
 * {@code io.github.basis4j.simd.panama.PanamaElementwise}, method for method.
 *
 * <p>Transcendental functions are evaluated in double ({@link Math#exp}, {@link Math#tanh}, the erf of
 * {@link ScalarMath}) and rounded once, so this class is the accurate side of every parity test.
 *
 * <p>Threading: element ranges (or rows, for channel broadcasts) are cut into chunks of a fixed size
 * over {@link Parallel}. Cross-chunk sums keep one partial per chunk, added in chunk order.
 */
public final class ScalarElementwise implements ElementwiseKernels {
    /**
     * Elements per parallel chunk: 16 Ki floats (64 KiB per operand) is large enough that forking costs
     * well under 1 % of a chunk, and small enough that a 56×56×64 feature map splits into a dozen chunks.
     */
    static final int GRAIN = 1 << 14;

    /** Channel-backward modes: what is summed into db and how dx is formed. */
    private static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3;

    // ---- same-shape binary ops, scalar ops, axpy ---------------------------------------------------

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] = a[aOff + i] + b[bOff + i];
        });
    }

    @Override
    public void sub(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] = a[aOff + i] - b[bOff + i];
        });
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] = a[aOff + i] * b[bOff + i];
        });
    }

    @Override
    public void div(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] = a[aOff + i] / b[bOff + i];
        });
    }

    @Override
    public void mulBackward(float[] a, int aOff, float[] b, int bOff, float[] dy, int dyOff,
                            float[] da, int daOff, float[] db, int dbOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float g = dy[dyOff + i];
                if (da != null) da[daOff + i] += g * b[bOff + i];
                if (db != null) db[dbOff + i] += g * a[aOff + i];
            }
        });
    }

    @Override
    public void divBackward(float[] a, int aOff, float[] b, int bOff, float[] dy, int dyOff,
                            float[] da, int daOff, float[] db, int dbOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float g = dy[dyOff + i], bi = b[bOff + i];
                float gOverB = g / bi;
                if (da != null) da[daOff + i] += gOverB;
                if (db != null) db[dbOff + i] -= gOverB * a[aOff + i] / bi;
            }
        });
    }

    @Override
    public void scale(float[] x, int xOff, float alpha, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] = alpha * x[xOff + i];
        });
    }

    @Override
    public void addScalar(float[] x, int xOff, float s, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] = x[xOff + i] + s;
        });
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] += alpha * x[xOff + i];
        });
    }

    // ---- broadcasting over the channel axis ---------------------------------------------------------

    /** Rows per chunk for [rows, c] kernels: about {@link #GRAIN} elements, at least one row. */
    static int rowGrain(int c) {
        return Math.max(1, GRAIN / Math.max(1, c));
    }

    @Override
    public void addChannel(float[] x, int xOff, float[] b, int bOff, float[] y, int yOff, int rows, int c) {
        Parallel.forRange(rows, rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int row = r * c;
                for (int j = 0; j < c; j++) y[yOff + row + j] = x[xOff + row + j] + b[bOff + j];
            }
        });
    }

    @Override
    public void subChannel(float[] x, int xOff, float[] b, int bOff, float[] y, int yOff, int rows, int c) {
        Parallel.forRange(rows, rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int row = r * c;
                for (int j = 0; j < c; j++) y[yOff + row + j] = x[xOff + row + j] - b[bOff + j];
            }
        });
    }

    @Override
    public void mulChannel(float[] x, int xOff, float[] b, int bOff, float[] y, int yOff, int rows, int c) {
        Parallel.forRange(rows, rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int row = r * c;
                for (int j = 0; j < c; j++) y[yOff + row + j] = x[xOff + row + j] * b[bOff + j];
            }
        });
    }

    @Override
    public void divChannel(float[] x, int xOff, float[] b, int bOff, float[] y, int yOff, int rows, int c) {
        Parallel.forRange(rows, rowGrain(c), (from, to) -> {
            for (int r = from; r < to; r++) {
                int row = r * c;
                for (int j = 0; j < c; j++) y[yOff + row + j] = x[xOff + row + j] / b[bOff + j];
            }
        });
    }

    @Override
    public void addChannelBackward(float[] dy, int dyOff, float[] dx, int dxOff, float[] db, int dbOff, int rows, int c) {
        channelBackward(ADD, null, 0, null, 0, dy, dyOff, dx, dxOff, db, dbOff, rows, c);
    }

    @Override
    public void subChannelBackward(float[] dy, int dyOff, float[] dx, int dxOff, float[] db, int dbOff, int rows, int c) {
        channelBackward(SUB, null, 0, null, 0, dy, dyOff, dx, dxOff, db, dbOff, rows, c);
    }

    @Override
    public void mulChannelBackward(float[] x, int xOff, float[] b, int bOff, float[] dy, int dyOff,
                                   float[] dx, int dxOff, float[] db, int dbOff, int rows, int c) {
        channelBackward(MUL, x, xOff, b, bOff, dy, dyOff, dx, dxOff, db, dbOff, rows, c);
    }

    @Override
    public void divChannelBackward(float[] x, int xOff, float[] b, int bOff, float[] dy, int dyOff,
                                   float[] dx, int dxOff, float[] db, int dbOff, int rows, int c) {
        channelBackward(DIV, x, xOff, b, bOff, dy, dyOff, dx, dxOff, db, dbOff, rows, c);
    }

    /**
     * The four channel backwards. dx is formed row by row; the db sum (Σ dy for add/sub, Σ dy·x for
     * mul/div) goes into one [c] partial per chunk, and the partials are added in chunk order, then
     * signed (sub, div) and divided by b² (div) once per channel.
     */
    private static void channelBackward(int mode, float[] x, int xOff, float[] b, int bOff, float[] dy, int dyOff,
                                        float[] dx, int dxOff, float[] db, int dbOff, int rows, int c) {
        if (rows == 0 || c == 0) return;
        int grain = rowGrain(c);
        int chunks = Parallel.chunkCount(rows, grain);
        float[] partial = db == null ? null : new float[chunks * c];
        Parallel.forChunks(rows, grain, (chunk, from, to) -> {
            for (int r = from; r < to; r++) {
                int row = r * c;
                if (dx != null) {
                    switch (mode) {
                        case ADD, SUB -> {
                            for (int j = 0; j < c; j++) dx[dxOff + row + j] += dy[dyOff + row + j];
                        }
                        case MUL -> {
                            for (int j = 0; j < c; j++) dx[dxOff + row + j] += dy[dyOff + row + j] * b[bOff + j];
                        }
                        default -> {
                            for (int j = 0; j < c; j++) dx[dxOff + row + j] += dy[dyOff + row + j] / b[bOff + j];
                        }
                    }
                }
                if (partial != null) {
                    int p = chunk * c;
                    if (mode == ADD || mode == SUB) {
                        for (int j = 0; j < c; j++) partial[p + j] += dy[dyOff + row + j];
                    } else {
                        for (int j = 0; j < c; j++) partial[p + j] += dy[dyOff + row + j] * x[xOff + row + j];
                    }
                }
            }
        });
        if (partial != null) combineChannelPartials(mode, partial, chunks, b, bOff, db, dbOff, c);
    }

    /** Adds the per-chunk [c] partials in chunk order into db, with the sign and 1/b² of the mode. */
    private static void combineChannelPartials(int mode, float[] partial, int chunks, float[] b, int bOff,
                                               float[] db, int dbOff, int c) {
        for (int j = 0; j < c; j++) {
            float s = 0f;
            for (int k = 0; k < chunks; k++) s += partial[k * c + j];
            switch (mode) {
                case ADD, MUL -> db[dbOff + j] += s;
                case SUB -> db[dbOff + j] -= s;
                default -> db[dbOff + j] -= s / (b[bOff + j] * b[bOff + j]);
            }
        }
    }

    // ---- activations -------------------------------------------------------------------------------

    @Override
    public void reluForward(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] = Math.max(x[xOff + i], 0f);
        });
    }

    @Override
    public void reluMask(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
        });
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                if (x[xOff + i] > 0f) dx[dxOff + i] += dy[dyOff + i];
            }
        });
    }

    @Override
    public void geluForward(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] = ScalarMath.gelu(x[xOff + i]);
        });
    }

    @Override
    public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) dx[dxOff + i] += dy[dyOff + i] * ScalarMath.geluDerivative(x[xOff + i]);
        });
    }

    @Override
    public void starReluForward(float[] x, int xOff, float scale, float bias, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
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
            float sumScale = 0f, sumBias = 0f;
            for (int i = from; i < to; i++) {
                float r = Math.max(x[xOff + i], 0f), g = dy[dyOff + i];
                if (dx != null) dx[dxOff + i] += g * (twoScale * r);
                sumScale += g * (r * r);
                sumBias += g;
            }
            partial[2 * chunk] = sumScale;
            partial[2 * chunk + 1] = sumBias;
        });
        addChunkPartials(partial, chunks, dScale, dScaleOff, dBias, dBiasOff);
    }

    /** Adds [Σ₀, Σ₁] pairs per chunk, in chunk order, into {@code s0[s0Off]} and {@code s1[s1Off]} (null: skipped). */
    static void addChunkPartials(float[] partial, int chunks, float[] s0, int s0Off, float[] s1, int s1Off) {
        float a = 0f, b = 0f;
        for (int k = 0; k < chunks; k++) {
            a += partial[2 * k];
            b += partial[2 * k + 1];
        }
        if (s0 != null) s0[s0Off] += a;
        if (s1 != null) s1[s1Off] += b;
    }

    @Override
    public void squaredReluForward(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float r = Math.max(x[xOff + i], 0f);
                y[yOff + i] = r * r;
            }
        });
    }

    @Override
    public void squaredReluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) dx[dxOff + i] += dy[dyOff + i] * (2f * Math.max(x[xOff + i], 0f));
        });
    }

    @Override
    public void sigmoidForward(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] = (float) (1 / (1 + Math.exp(-(double) x[xOff + i])));
        });
    }

    @Override
    public void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float s = y[yOff + i];
                dx[dxOff + i] += dy[dyOff + i] * (s * (1f - s));
            }
        });
    }

    @Override
    public void tanhForward(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] = (float) Math.tanh(x[xOff + i]);
        });
    }

    @Override
    public void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float t = y[yOff + i];
                dx[dxOff + i] += dy[dyOff + i] * (1f - t * t);
            }
        });
    }

    @Override
    public void expForward(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] = (float) Math.exp(x[xOff + i]);
        });
    }

    @Override
    public void expBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) dx[dxOff + i] += dy[dyOff + i] * y[yOff + i];
        });
    }

    @Override
    public void erf(float[] x, int xOff, float[] y, int yOff, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) y[yOff + i] = ScalarMath.erf(x[xOff + i]);
        });
    }
}
