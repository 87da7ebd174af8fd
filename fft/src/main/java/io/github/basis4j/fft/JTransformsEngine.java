package io.github.basis4j.fft;

import io.github.basis4j.simd.Parallel;
import org.jtransforms.fft.FloatFFT_1D;
import org.jtransforms.utils.CommonUtils;

/**
 * The JTransforms engine of {@link RealFft2dPlan}: the same transforms and layouts, computed one
 * channel at a time with {@code FloatFFT_1D} (rows with {@code realForward} / {@code realInverse},
 * columns with {@code complexForward} / {@code complexInverse}). Only this class knows JTransforms'
 * packing; the planner uses it for even {@code W} only (see {@link RealFft2dPlan#chooseEngine}).
 *
 * <p>JTransforms packs a real forward transform of even length {@code W} in place as
 * {@code a[0] = Re X_0}, {@code a[1] = Re X_{W/2}}, {@code a[2k] = Re X_k}, {@code a[2k+1] = Im X_k}
 * ({@code 0 < k < W/2}); {@code realInverse(a, false)} takes the same packing (so the imaginary
 * parts of the DC and Nyquist bins are dropped, as torch's c2r does) and returns the unnormalised
 * inverse divided by 2 (measured against the reference in the tests; the factor is compensated
 * here). Complex sequences are interleaved (re, im).
 *
 * <p>Threading: rows and columns are split over our own {@link Parallel} pool. JTransforms' global
 * settings ({@code ConcurrencyUtils} thread count, thresholds) are only read, never changed; the
 * planner keeps lengths below the threshold from which JTransforms would start threads of its own
 * ({@link #ownThreadsFrom()}), so every call runs on the calling worker. {@code FloatFFT_1D}
 * instances hold read-only tables and are shared by all threads, as JTransforms' own 2-D classes do.
 */
final class JTransformsEngine {
    private final int h, w, c, wc;
    private final FloatFFT_1D rowFft, colFft;

    JTransformsEngine(int h, int w, int c) {
        if (w % 2 != 0) throw new IllegalArgumentException("JTransformsEngine: needs an even width, got " + w);
        this.h = h;
        this.w = w;
        this.c = c;
        this.wc = w / 2 + 1;
        this.rowFft = new FloatFFT_1D(w);
        this.colFft = new FloatFFT_1D(h);
    }

    /**
     * Whether JTransforms and the two libraries its {@code FloatFFT_1D} constructor calls (commons-math3's
     * {@code FastMath}, JLargeArrays) are on the class path. basis4j declares JTransforms optional, so an
     * application that does not add it gets the batched engine for every plan.
     */
    static final boolean AVAILABLE = loadable("org.jtransforms.fft.FloatFFT_1D") && loadable("org.apache.commons.math3.util.FastMath")
            && loadable("pl.edu.icm.jlargearrays.LargeArray");

    private static boolean loadable(String className) {
        try {
            Class.forName(className, false, JTransformsEngine.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The 1-D length from which JTransforms (as configured globally) would use threads of its own. */
    static long ownThreadsFrom() {
        return CommonUtils.getThreadsBeginN_1D_FFT_2Threads();
    }

    /**
     * rfft2 of {@code n} samples {@code [H, W, C]} into {@code [H, Wc, 2, C]}, edge/mid scaled;
     * {@code accumulate} adds into {@code out} instead of overwriting it.
     */
    void forward(float[] x, int xOff, float[] out, int outOff, int n, float edgeScale, float midScale, boolean accumulate) {
        int two = 2 * c;
        // Overwriting: rows are transformed in place in the output; adding: in this thread's
        // intermediate, from which the columns' results are added into the output.
        float[] spec = accumulate ? Workspace.intermediate(Math.toIntExact((long) n * h * wc * two)) : out;
        int specOff = accumulate ? 0 : outOff;
        Parallel.forChunks(n * h, 1, (chunk, from, to) -> {
            float[] a = Workspace.get(w);
            for (int r = from; r < to; r++) {
                int xr = xOff + r * w * c, sr = specOff + r * wc * two;
                for (int ch = 0; ch < c; ch++) {
                    for (int j = 0; j < w; j++) a[j] = x[xr + j * c + ch];
                    rowFft.realForward(a);
                    spec[sr + ch] = edgeScale * a[0];
                    spec[sr + c + ch] = 0f;
                    spec[sr + (wc - 1) * two + ch] = edgeScale * a[1];
                    spec[sr + (wc - 1) * two + c + ch] = 0f;
                    for (int k = 1; k < wc - 1; k++) {
                        spec[sr + k * two + ch] = midScale * a[2 * k];
                        spec[sr + k * two + c + ch] = midScale * a[2 * k + 1];
                    }
                }
            }
        });
        columns(spec, specOff, out, outOff, n, false, accumulate);
    }

    /**
     * irfft2 of {@code n} spectra {@code [H, Wc, 2, C]} into {@code [H, W, C]}, edge/mid scaled;
     * {@code accumulate} adds into {@code x} instead of overwriting it.
     */
    void inverse(float[] spec, int specOff, float[] x, int xOff, int n, float edgeScale, float midScale, boolean accumulate) {
        int two = 2 * c;
        // realInverse(a, false) returns half the unnormalised c2r sum: compensate in the packing.
        float edge = 2 * edgeScale, mid = 2 * midScale;
        // This thread's intermediate, kept between calls: no batch-sized array allocated and zeroed per call.
        float[] tmp = Workspace.intermediate(Math.toIntExact((long) n * h * wc * two));
        columns(spec, specOff, tmp, 0, n, true, false);
        Parallel.forChunks(n * h, 1, (chunk, from, to) -> {
            float[] a = Workspace.get(w);
            for (int r = from; r < to; r++) {
                int xr = xOff + r * w * c, sr = r * wc * two;
                for (int ch = 0; ch < c; ch++) {
                    a[0] = edge * tmp[sr + ch];
                    a[1] = edge * tmp[sr + (wc - 1) * two + ch];
                    for (int k = 1; k < wc - 1; k++) {
                        a[2 * k] = mid * tmp[sr + k * two + ch];
                        a[2 * k + 1] = mid * tmp[sr + k * two + c + ch];
                    }
                    rowFft.realInverse(a, false);
                    if (accumulate) {
                        for (int j = 0; j < w; j++) x[xr + j * c + ch] += a[j];
                    } else {
                        for (int j = 0; j < w; j++) x[xr + j * c + ch] = a[j];
                    }
                }
            }
        });
    }

    /** Complex FFTs along H, one (sample, column, channel) at a time, written into {@code dst} or added into it. */
    private void columns(float[] src, int srcOff, float[] dst, int dstOff, int n, boolean inverse, boolean accumulate) {
        int two = 2 * c, rowStride = wc * two;
        Parallel.forChunks(n * wc, 1, (chunk, from, to) -> {
            float[] a = Workspace.get(2 * h);
            for (int item = from; item < to; item++) {
                int sample = item / wc, col = item % wc;
                long base = (long) sample * h * rowStride + (long) col * two;
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        int at = (int) (srcOff + base + (long) y * rowStride) + ch;
                        a[2 * y] = src[at];
                        a[2 * y + 1] = src[at + c];
                    }
                    if (inverse) {
                        colFft.complexInverse(a, false);
                    } else {
                        colFft.complexForward(a);
                    }
                    for (int y = 0; y < h; y++) {
                        int at = (int) (dstOff + base + (long) y * rowStride) + ch;
                        if (accumulate) {
                            dst[at] += a[2 * y];
                            dst[at + c] += a[2 * y + 1];
                        } else {
                            dst[at] = a[2 * y];
                            dst[at + c] = a[2 * y + 1];
                        }
                    }
                }
            }
        });
    }
}
