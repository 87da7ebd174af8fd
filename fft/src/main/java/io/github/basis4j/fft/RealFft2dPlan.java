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
 * <p><b>Threading.</b> A batch of at least as many samples as threads is split by sample: each
 * chunk transforms whole samples, all passes of a sample on one thread, one parallel loop per call.
 * Fewer samples are transformed one after the other, each split into (rows) items for the row pass
 * and (strip of adjacent columns) items for the column pass. Chunks depend on the problem size only,
 * and each row's and column's arithmetic is the same whichever way samples are split and items
 * grouped, so any thread count gives identical bits. Scratch comes from a per-thread
 * {@link Workspace}, once per chunk; the adjoints add their result into the gradient in the last
 * pass, with no batch-sized temporary and no separate pass over the gradient.
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
        execute(Backends.current().fft(), in, inOff, out, outOff, n, s, s, false);
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
     * {@link #execute(float[], int, float[], int, int, Norm)}, unchecked; {@code accumulate} adds the
     * result into {@code out} instead of overwriting it (the backward passes).
     */
    void execute(FftKernels k, float[] in, int inOff, float[] out, int outOff, int n, float edgeScale, float midScale,
                 boolean accumulate) {
        if (n == 0) return;
        if (engine == Engine.JTRANSFORMS) {
            if (direction == Direction.REAL_TO_COMPLEX) {
                jtransforms.forward(in, inOff, out, outOff, n, edgeScale, midScale, accumulate);
            } else {
                jtransforms.inverse(in, inOff, out, outOff, n, edgeScale, midScale, accumulate);
            }
            return;
        }
        boolean forward = direction == Direction.REAL_TO_COMPLEX;
        long inSize = forward ? realSize() : complexSize(), outSize = forward ? complexSize() : realSize();
        if (n >= Parallel.threads()) {
            // Enough samples for every thread: one sample per chunk, all passes of a sample on one
            // thread, so each pass reads the previous one's output from its own core's cache and a
            // call is a single parallel loop. The per-sample loops nested below run inline.
            Parallel.forChunks(n, 1, (chunk, from, to) -> {
                for (int s = from; s < to; s++) {
                    executeSample(k, in, Math.toIntExact(inOff + s * inSize), out, Math.toIntExact(outOff + s * outSize),
                            edgeScale, midScale, accumulate);
                }
            });
        } else {
            // Fewer samples than threads: each sample's row and column passes are split instead.
            for (int s = 0; s < n; s++) {
                executeSample(k, in, Math.toIntExact(inOff + s * inSize), out, Math.toIntExact(outOff + s * outSize),
                        edgeScale, midScale, accumulate);
            }
        }
    }

    /**
     * One sample: rows then columns (forward), or columns then rows (inverse). The last pass writes
     * {@code out} (or adds into it), so nothing is left for a separate pass over the whole output.
     */
    private void executeSample(FftKernels k, float[] in, int inOff, float[] out, int outOff, float edgeScale,
                               float midScale, boolean accumulate) {
        if (direction == Direction.REAL_TO_COMPLEX) {
            // Overwriting: the rows' spectrum is built in place in the output. Adding: in this
            // thread's intermediate, and each column strip is added into the output once transformed.
            float[] spec = accumulate ? Workspace.intermediate(Math.toIntExact(complexSize())) : out;
            int specOff = accumulate ? 0 : outOff;
            forwardRows(k, in, inOff, spec, specOff, edgeScale, midScale);
            columns(k, spec, specOff, spec, specOff, accumulate ? out : null, outOff);
        } else {
            float[] spectrum = Workspace.intermediate(Math.toIntExact(complexSize()));
            columns(k, in, inOff, spectrum, 0, null, 0);
            inverseRows(k, spectrum, out, outOff, edgeScale, midScale, accumulate);
        }
    }

    /** Rows per chunk of a row pass (batched engine). */
    int rowGrain() {
        return (int) Math.max(1, ROW_FLOATS_PER_CHUNK / ((long) w * c));
    }

    /** Adjacent columns per strip of a column pass (batched engine). */
    int columnsPerStrip() {
        return strip;
    }

    /** The {@code H} real rows {@code [W, C]} of one sample to half-spectrum rows {@code [Wc, 2, C]}, scaled. */
    private void forwardRows(FftKernels k, float[] x, int xOff, float[] spec, int specOff, float edgeScale, float midScale) {
        int two = 2 * c;
        boolean even = w % 2 == 0;
        // Odd W: the complex row and its transform's scratch.
        int rowFloats = w * two;
        int scratch = even ? rowFft.workspaceFloats(1, c) : rowFloats + rowFft.workspaceFloats(1, c);
        Parallel.forChunks(h, rowGrain(), (chunk, from, to) -> {
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

    /**
     * The {@code H} half-spectrum rows {@code [Wc, 2, C]} of one sample (in a temporary we may
     * overwrite) to real rows, scaled, written into {@code x} or (accumulate) added into it.
     */
    private void inverseRows(FftKernels k, float[] spec, float[] x, int xOff, float edgeScale, float midScale,
                             boolean accumulate) {
        int two = 2 * c;
        boolean even = w % 2 == 0;
        int rowFloats = w * two;
        int fftScratch = rowFft.workspaceFloats(1, c);
        // Even W, accumulating: the real row is produced after the transform's scratch, then added.
        int scratch = even ? fftScratch + (accumulate ? w * c : 0) : rowFloats + fftScratch;
        Parallel.forChunks(h, rowGrain(), (chunk, from, to) -> {
            float[] ws = Workspace.get(scratch);
            for (int r = from; r < to; r++) {
                int xr = xOff + r * w * c, sr = r * wc * two;
                if (even) {
                    int m = w / 2;
                    k.realInversePre(spec, sr, spec, sr, rowTwiddles, 0, m, c, edgeScale, midScale);
                    if (accumulate) {
                        rowFft.transform(k, spec, sr, two, ws, fftScratch, two, 1, c, ws, 0);
                        addInto(ws, fftScratch, x, xr, w * c);
                    } else {
                        rowFft.transform(k, spec, sr, two, x, xr, two, 1, c, ws, 0);
                    }
                } else {
                    k.hermitianExtend(spec, sr, ws, 0, w, c, edgeScale, midScale);
                    rowFft.transform(k, ws, 0, two, ws, 0, two, 1, c, ws, rowFloats);
                    for (int j = 0; j < w; j++) {
                        if (accumulate) {
                            addInto(ws, j * two, x, xr + j * c, c);
                        } else {
                            System.arraycopy(ws, j * two, x, xr + j * c, c);
                        }
                    }
                }
            }
        });
    }

    /**
     * Complex FFTs along H over all columns of one spectrum, by strips of adjacent columns; with a
     * non-null {@code addTo}, each transformed strip of {@code dst} is then added into
     * {@code addTo} at {@code addOff} (the same layout), while it is still in cache.
     */
    private void columns(FftKernels k, float[] src, int srcOff, float[] dst, int dstOff, float[] addTo, int addOff) {
        int two = 2 * c;
        int strips = (wc + strip - 1) / strip;
        int rowStride = wc * two;
        int scratch = colFft.workspaceFloats(strip, c);
        Parallel.forChunks(strips, 1, (chunk, from, to) -> {
            float[] ws = Workspace.get(scratch);
            for (int item = from; item < to; item++) {
                int first = item * strip;
                int blocks = Math.min(strip, wc - first);
                int plane = first * two;
                colFft.transform(k, src, srcOff + plane, rowStride, dst, dstOff + plane, rowStride, blocks, c, ws, 0);
                if (addTo != null) {
                    for (int y = 0; y < h; y++) {
                        addInto(dst, dstOff + plane + y * rowStride, addTo, addOff + plane + y * rowStride, blocks * two);
                    }
                }
            }
        });
    }

    /**
     * An operation on the half spectrum of one sample, applied strip by strip between the forward and the inverse
     * column passes of {@link #filteredRoundTrip}: it overwrites, in place, bins {@code [first, first + columns)} of
     * every row {@code y < H} of the spectrum {@code [H, Wc, 2, C]} at {@code spec[specOff]}, row {@code y} at
     * {@code specOff + y·Wc·2C}. It must treat each bin on its own (the result cannot depend on how bins are grouped
     * into strips) and must not use {@link Workspace}.
     */
    @FunctionalInterface
    interface StripStep {
        void apply(int sample, float[] spec, int specOff, int first, int columns);
    }

    /**
     * {@code irfft2(step(rfft2(x)))} for {@code n} samples {@code [H, W, C]}, bit-identical to running the three
     * one after the other, in three passes instead of five: forward rows; then per column strip the forward column
     * transform, the step and the inverse column transform while the strip is in cache; then inverse rows. The
     * spectrum lives in the calling thread's {@link Workspace#intermediate}, not in a new tensor. Threads as in
     * {@link #execute}: by sample when there are enough samples, else within each sample. A sample is read whole
     * (forward rows) before any of its output is written, so {@code out} may be {@code x} itself.
     *
     * @param fwd      the batched {@link Direction#REAL_TO_COMPLEX} plan of the sizes
     * @param inv      the batched {@link Direction#COMPLEX_TO_REAL} plan of the same sizes
     * @param fwdScale rfft2's factor, {@code invScale} irfft2's
     */
    static void filteredRoundTrip(FftKernels k, RealFft2dPlan fwd, RealFft2dPlan inv, float[] x, int xOff, float[] out,
                                  int outOff, int n, float fwdScale, float invScale, StripStep step) {
        assert fwd.engine == Engine.BATCHED && inv.engine == Engine.BATCHED && fwd.direction == Direction.REAL_TO_COMPLEX
                && inv.direction == Direction.COMPLEX_TO_REAL && fwd.h == inv.h && fwd.w == inv.w && fwd.c == inv.c;
        if (n == 0) return;
        long size = fwd.realSize();
        if (n >= Parallel.threads()) {
            Parallel.forChunks(n, 1, (chunk, from, to) -> {
                for (int s = from; s < to; s++) {
                    filteredSample(k, fwd, inv, s, x, Math.toIntExact(xOff + s * size), out, Math.toIntExact(outOff + s * size),
                            fwdScale, invScale, step);
                }
            });
        } else {
            for (int s = 0; s < n; s++) {
                filteredSample(k, fwd, inv, s, x, Math.toIntExact(xOff + s * size), out, Math.toIntExact(outOff + s * size),
                        fwdScale, invScale, step);
            }
        }
    }

    private static void filteredSample(FftKernels k, RealFft2dPlan fwd, RealFft2dPlan inv, int sample, float[] x, int xOff,
                                       float[] out, int outOff, float fwdScale, float invScale, StripStep step) {
        float[] spec = Workspace.intermediate(Math.toIntExact(fwd.complexSize()));
        fwd.forwardRows(k, x, xOff, spec, 0, fwdScale, fwdScale);
        int two = 2 * fwd.c, wc = fwd.wc, strip = fwd.strip;
        int strips = (wc + strip - 1) / strip, rowStride = wc * two;
        int scratch = Math.max(fwd.colFft.workspaceFloats(strip, fwd.c), inv.colFft.workspaceFloats(strip, fwd.c));
        Parallel.forChunks(strips, 1, (chunk, from, to) -> {
            float[] ws = Workspace.get(scratch);
            for (int item = from; item < to; item++) {
                int first = item * strip, blocks = Math.min(strip, wc - first), plane = first * two;
                fwd.colFft.transform(k, spec, plane, rowStride, spec, plane, rowStride, blocks, fwd.c, ws, 0);
                step.apply(sample, spec, 0, first, blocks);
                inv.colFft.transform(k, spec, plane, rowStride, spec, plane, rowStride, blocks, fwd.c, ws, 0);
            }
        });
        inv.inverseRows(k, spec, out, outOff, invScale, invScale, false);
    }

    /** {@code dst[dstOff + i] += src[srcOff + i]} for {@code i < len}: a plain loop the JIT vectorises. */
    private static void addInto(float[] src, int srcOff, float[] dst, int dstOff, int len) {
        for (int i = 0; i < len; i++) dst[dstOff + i] += src[srcOff + i];
    }
}
