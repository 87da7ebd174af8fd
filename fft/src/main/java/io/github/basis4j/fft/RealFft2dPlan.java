package io.github.basis4j.fft;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.FftKernels;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A plan for batched real 2-D FFTs over the H and W axes of channel-last data: one plane size
 * {@code H × W}, one channel count {@code C}, one {@link Direction}. Built once, cached, immutable
 * and thread-safe; {@link #of} returns the cached plan.
 *
 * <p>Layouts: the real side is {@code [N, H, W, C]}; the complex side is {@code [N, H, Wc, 2, C]} with
 * {@code Wc = W/2 + 1} (see {@link ComplexLayout}).
 *
 * <p><b>Real to complex</b> ({@code torch.fft.rfft2(x, dim=(1, 2))}): rows first, each row of
 * {@code W} channel vectors turned into its {@code Wc} half-spectrum bins; then complex FFTs along H
 * over the {@code Wc} columns, in place in the output. An even {@code W = 2M} row is read, without a
 * copy, as {@code M} complex vectors {@code x_{2j} + i·x_{2j+1}} (the channel-last row already is
 * that split layout), transformed at half length and post-processed
 * ({@link FftKernels#realForwardPost}); an odd {@code W} row is transformed as a complex row with
 * zero imaginary parts.
 *
 * <p><b>Complex to real</b> ({@code torch.fft.irfft2(X, s=(H, W), dim=(1, 2))}): complex inverse FFTs
 * along H into a temporary spectrum, then each row back to {@code W} reals, ignoring the imaginary
 * parts of the DC and (even {@code W}) Nyquist bins as pocketfft's c2r does.
 *
 * <p><b>Engines.</b> The batched engine vectorises every butterfly across channels and wins whenever
 * there are channels to fill vector lanes with. JTransforms (used one channel at a time, from our
 * own pool, never touching its global thread settings) is the second engine; the planner chooses it
 * by a fixed rule ({@link #chooseEngine}) for one- or two-channel power-of-two planes.
 *
 * <p><b>Threading.</b> A batch is split by sample: each chunk transforms whole samples, rows then
 * columns on one thread. A single sample is split into (row) items for row transforms and (strip of
 * adjacent columns) items for column transforms. Chunks depend on the problem size only.
 * Each item's arithmetic is the same however items are grouped, so any thread count gives identical
 * bits. Scratch comes from a per-thread {@link Workspace}, once per chunk.
 */
public final class RealFft2dPlan {
    /** Which way a plan transforms. */
    public enum Direction {
        /** Real {@code [N, H, W, C]} to half spectrum {@code [N, H, Wc, 2, C]} (rfft2). */
        REAL_TO_COMPLEX,
        /** Half spectrum {@code [N, H, Wc, 2, C]} to real {@code [N, H, W, C]} (irfft2). */
        COMPLEX_TO_REAL
    }

    /** The implementation a plan runs on. */
    enum Engine {
        /** Our Stockham / Bluestein transforms over channel vectors ({@link FftKernels}). */
        BATCHED,
        /** JTransforms' {@code FloatFFT_1D}, one channel at a time ({@link JTransformsEngine}). */
        JTRANSFORMS
    }

    /** Target floats of row data per chunk: enough work to amortise a task, small enough to balance. */
    private static final int ROW_FLOATS_PER_CHUNK = 16 * 1024;
    /** Target floats per column strip: the strip and its two ping-pong buffers stay well inside L2. */
    private static final int STRIP_FLOATS = 32 * 1024;
    /** JTransforms is planned for at most this many channels: from 3 on, vector lanes win. */
    private static final int JTRANSFORMS_MAX_CHANNELS = 2;
    /** ... and for planes at least this wide and tall: below, both engines take about a microsecond. */
    private static final int JTRANSFORMS_MIN_SIDE = 16;

    private record Key(int h, int w, int c, Direction direction) {
    }

    private static final ConcurrentHashMap<Key, RealFft2dPlan> CACHE = new ConcurrentHashMap<>();

    private final int h, w, c, wc;
    private final Direction direction;
    private final Engine engine;
    // Batched engine: the row transform (length W/2 for even W, W for odd W), its post/pre twiddles
    // (even W only), the column transform (length H) and the number of columns per strip.
    private final ComplexFft1d rowFft, colFft;
    private final float[] rowTwiddles;
    private final int strip;
    private final JTransformsEngine jtransforms;

    private RealFft2dPlan(int h, int w, int c, Direction direction, Engine engine) {
        this.h = h;
        this.w = w;
        this.c = c;
        this.wc = w / 2 + 1;
        this.direction = direction;
        this.engine = engine;
        boolean inverse = direction == Direction.COMPLEX_TO_REAL;
        if (engine == Engine.JTRANSFORMS) {
            rowFft = colFft = null;
            rowTwiddles = null;
            strip = 0;
            jtransforms = new JTransformsEngine(h, w, c);
            return;
        }
        jtransforms = null;
        colFft = ComplexFft1d.of(h, inverse);
        if (w % 2 == 0) {
            int m = w / 2;
            rowFft = ComplexFft1d.of(m, inverse);
            rowTwiddles = new float[2 * (m / 2 + 1)];
            double sign = inverse ? 1 : -1;
            for (int k = 0; 2 * k <= m; k++) {
                double ang = sign * 2 * Math.PI * k / w;
                rowTwiddles[2 * k] = (float) Math.cos(ang);
                rowTwiddles[2 * k + 1] = (float) Math.sin(ang);
            }
        } else {
            rowFft = ComplexFft1d.of(w, inverse);
            rowTwiddles = null;
        }
        strip = (int) Math.max(1, Math.min(wc, STRIP_FLOATS / (2L * h * c)));
    }

    /**
     * The cached plan for planes of {@code h × w} with {@code c} channels in the given direction.
     *
     * @throws IllegalArgumentException if a size is not positive
     */
    public static RealFft2dPlan of(int h, int w, int c, Direction direction) {
        checkSizes("RealFft2dPlan", h, w, c);
        if (direction == null) throw new IllegalArgumentException("RealFft2dPlan: direction must not be null");
        Key key = new Key(h, w, c, direction);
        RealFft2dPlan plan = CACHE.get(key);
        if (plan == null) {
            RealFft2dPlan fresh = new RealFft2dPlan(h, w, c, direction, chooseEngine(h, w, c));
            plan = CACHE.putIfAbsent(key, fresh);
            if (plan == null) plan = fresh;
        }
        return plan;
    }

    /** An uncached plan on a given engine (tests compare the engines). */
    static RealFft2dPlan create(int h, int w, int c, Direction direction, Engine engine) {
        checkSizes("RealFft2dPlan", h, w, c);
        return new RealFft2dPlan(h, w, c, direction, engine);
    }

    /**
     * The planner's rule. The batched engine runs each butterfly on a vector of channels at once; with
     * one or two channels its lanes are mostly idle and JTransforms' scalar split-radix code is
     * faster, on the power-of-two lengths where that code is at its best (measured side by side:
     * 1.3–2× faster at 16² to 256² with one or two channels, slower from three channels on). Lengths
     * stay below the one from which JTransforms would start threads of its own. Without JTransforms on the
     * class path (it is an optional dependency) every plan is batched.
     */
    static Engine chooseEngine(int h, int w, int c) {
        if (!JTransformsEngine.AVAILABLE) return Engine.BATCHED;
        long ownThreadsFrom = JTransformsEngine.ownThreadsFrom();
        boolean pow2 = Integer.bitCount(h) == 1 && Integer.bitCount(w) == 1;
        if (c <= JTRANSFORMS_MAX_CHANNELS && pow2 && Math.min(h, w) >= JTRANSFORMS_MIN_SIDE
                && Math.max(h, w) < ownThreadsFrom) {
            return Engine.JTRANSFORMS;
        }
        return Engine.BATCHED;
    }

    static void checkSizes(String op, int h, int w, int c) {
        if (h < 1 || w < 1 || c < 1) {
            throw new IllegalArgumentException(op + ": sizes must be positive, got h=" + h + ", w=" + w + ", c=" + c);
        }
    }

    /** Plane height H. */
    public int height() {
        return h;
    }

    /** Plane width W (real side). */
    public int width() {
        return w;
    }

    /** Width of the half spectrum, {@code W/2 + 1}. */
    public int complexWidth() {
        return wc;
    }

    /** Channels C. */
    public int channels() {
        return c;
    }

    /** The direction this plan transforms in. */
    public Direction direction() {
        return direction;
    }

    Engine engine() {
        return engine;
    }

    /** Floats of one real sample {@code [H, W, C]}. */
    long realSize() {
        return (long) h * w * c;
    }

    /** Floats of one half spectrum {@code [H, Wc, 2, C]}. */
    long complexSize() {
        return 2L * h * wc * c;
    }

    /**
     * Transforms {@code n} samples with the given normalisation, on the current backend. For
     * {@link Direction#REAL_TO_COMPLEX} {@code in} is real {@code [n, H, W, C]} and {@code out} the
     * spectrum {@code [n, H, Wc, 2, C]}; for {@link Direction#COMPLEX_TO_REAL} the other way round.
     * {@code in} is never modified; {@code out} is overwritten and must not overlap {@code in}.
     *
     * @throws IllegalArgumentException if {@code n < 0}, {@code norm} is null or an array is too short
     */
    public void execute(float[] in, int inOff, float[] out, int outOff, int n, Norm norm) {
        if (norm == null) throw new IllegalArgumentException("RealFft2dPlan.execute: norm must not be null");
        if (n < 0) throw new IllegalArgumentException("RealFft2dPlan.execute: n must be >= 0, got " + n);
        boolean forward = direction == Direction.REAL_TO_COMPLEX;
        checkArray("in", in, inOff, n * (forward ? realSize() : complexSize()));
        checkArray("out", out, outOff, n * (forward ? complexSize() : realSize()));
        long points = (long) h * w;
        float s = (float) (forward ? norm.forwardScale(points) : norm.inverseScale(points));
        execute(Backends.current().fft(), in, inOff, out, outOff, n, s, s);
    }

    private static void checkArray(String what, float[] a, int off, long need) {
        if (a == null) throw new IllegalArgumentException("RealFft2dPlan.execute: " + what + " must not be null");
        if (off < 0 || off + need > a.length) {
            throw new IllegalArgumentException("RealFft2dPlan.execute: " + what + " needs " + need + " floats from offset "
                    + off + ", but the array has " + a.length);
        }
    }

    /**
     * The transform with separate factors for the edge bins (DC and, for even W, Nyquist) and the
     * other bins of the W axis: equal factors give rfft2 / irfft2; the adjoints weight the other
     * bins by ½ or 2 (they stand for two bins of the full spectrum). Arguments as
     * {@link #execute(float[], int, float[], int, int, Norm)}, unchecked.
     */
    void execute(FftKernels k, float[] in, int inOff, float[] out, int outOff, int n, float edgeScale, float midScale) {
        if (n == 0) return;
        if (engine == Engine.JTRANSFORMS) {
            if (direction == Direction.REAL_TO_COMPLEX) {
                jtransforms.forward(in, inOff, out, outOff, n, edgeScale, midScale);
            } else {
                jtransforms.inverse(in, inOff, out, outOff, n, edgeScale, midScale);
            }
            return;
        }
        if (n > 1) {
            // A batch: one sample per chunk, rows and columns of a sample on one thread, so the column
            // pass reads the rows' output from its own core's cache. The per-sample loops nested below
            // run inline on the worker. Chunks depend on n alone, so every thread count gives the same bits.
            Parallel.forChunks(n, 1, (chunk, from, to) -> {
                for (int s = from; s < to; s++) executeSamples(k, in, inOff, out, outOff, s, 1, edgeScale, midScale);
            });
            return;
        }
        executeSamples(k, in, inOff, out, outOff, 0, 1, edgeScale, midScale);
    }

    /** Transforms samples {@code [first, first + count)}: rows then columns (forward), or the reverse. */
    private void executeSamples(FftKernels k, float[] in, int inOff, float[] out, int outOff, int first, int count,
                                float edgeScale, float midScale) {
        if (direction == Direction.REAL_TO_COMPLEX) {
            int x = Math.toIntExact(inOff + (long) first * realSize()), spec = Math.toIntExact(outOff + (long) first * complexSize());
            forwardRows(k, in, x, out, spec, count, edgeScale, midScale);
            columns(k, out, spec, out, spec, count);
        } else {
            int spec = Math.toIntExact(inOff + (long) first * complexSize()), x = Math.toIntExact(outOff + (long) first * realSize());
            float[] spectrum = Workspace.intermediate(Math.toIntExact(count * complexSize()));
            columns(k, in, spec, spectrum, 0, count);
            inverseRows(k, spectrum, out, x, count, edgeScale, midScale);
        }
    }

    private int rowGrain() {
        return (int) Math.max(1, ROW_FLOATS_PER_CHUNK / ((long) w * c));
    }

    /** Real rows {@code [W, C]} to half-spectrum rows {@code [Wc, 2, C]}, scaled. */
    private void forwardRows(FftKernels k, float[] x, int xOff, float[] spec, int specOff, int n,
                             float edgeScale, float midScale) {
        int two = 2 * c;
        boolean even = w % 2 == 0;
        // Odd W: the complex row and its transform's scratch.
        int rowFloats = w * two;
        int scratch = even ? rowFft.workspaceFloats(1, c) : rowFloats + rowFft.workspaceFloats(1, c);
        Parallel.forChunks(n * h, rowGrain(), (chunk, from, to) -> {
            float[] ws = Workspace.get(scratch);
            for (int r = from; r < to; r++) {
                int xr = xOff + r * w * c, sr = specOff + r * wc * two;
                if (even) {
                    int m = w / 2;
                    rowFft.transform(k, x, xr, two, spec, sr, two, 1, c, ws, 0);
                    k.realForwardPost(spec, sr, spec, sr, rowTwiddles, 0, m, c, edgeScale, midScale);
                } else {
                    for (int j = 0; j < w; j++) {
                        System.arraycopy(x, xr + j * c, ws, j * two, c);
                        Arrays.fill(ws, j * two + c, (j + 1) * two, 0f);
                    }
                    rowFft.transform(k, ws, 0, two, ws, 0, two, 1, c, ws, rowFloats);
                    // Odd W has no Nyquist bin: bin 0 is the only edge bin.
                    k.scale(ws, 0, spec, sr, two, edgeScale);
                    k.scale(ws, two, spec, sr + two, (wc - 1) * two, midScale);
                }
            }
        });
    }

    /** Half-spectrum rows {@code [Wc, 2, C]} (of a temporary we may overwrite) to real rows, scaled. */
    private void inverseRows(FftKernels k, float[] spec, float[] x, int xOff, int n, float edgeScale, float midScale) {
        int two = 2 * c;
        boolean even = w % 2 == 0;
        int rowFloats = w * two;
        int scratch = even ? rowFft.workspaceFloats(1, c) : rowFloats + rowFft.workspaceFloats(1, c);
        Parallel.forChunks(n * h, rowGrain(), (chunk, from, to) -> {
            float[] ws = Workspace.get(scratch);
            for (int r = from; r < to; r++) {
                int xr = xOff + r * w * c, sr = r * wc * two;
                if (even) {
                    int m = w / 2;
                    k.realInversePre(spec, sr, spec, sr, rowTwiddles, 0, m, c, edgeScale, midScale);
                    rowFft.transform(k, spec, sr, two, x, xr, two, 1, c, ws, 0);
                } else {
                    k.hermitianExtend(spec, sr, ws, 0, w, c, edgeScale, midScale);
                    rowFft.transform(k, ws, 0, two, ws, 0, two, 1, c, ws, rowFloats);
                    for (int j = 0; j < w; j++) System.arraycopy(ws, j * two, x, xr + j * c, c);
                }
            }
        });
    }

    /** Complex FFTs along H over all columns of {@code n} spectra, by strips of adjacent columns. */
    private void columns(FftKernels k, float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int two = 2 * c;
        int strips = (wc + strip - 1) / strip;
        int rowStride = wc * two;
        int scratch = colFft.workspaceFloats(strip, c);
        Parallel.forChunks(n * strips, 1, (chunk, from, to) -> {
            float[] ws = Workspace.get(scratch);
            for (int item = from; item < to; item++) {
                int sample = item / strips, first = (item % strips) * strip;
                int blocks = Math.min(strip, wc - first);
                long plane = (long) sample * h * rowStride + (long) first * two;
                colFft.transform(k, src, (int) (srcOff + plane), rowStride, dst, (int) (dstOff + plane), rowStride,
                        blocks, c, ws, 0);
            }
        });
    }
}
