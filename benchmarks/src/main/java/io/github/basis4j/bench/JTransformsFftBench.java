package io.github.basis4j.bench;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import org.jtransforms.fft.FloatFFT_2D;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import pl.edu.icm.jlargearrays.ConcurrencyUtils;

import java.util.concurrent.TimeUnit;

/**
 * The FFT yardstick "JTransforms used plainly" of PERF.md: torch's {@code rfft2} then {@code irfft2} over dims
 * (1, 2) of a channel-last {@code [n, h, w, c]} tensor with norm "ortho", done the way a JVM user without basis4j
 * would: copy one channel plane out, {@code FloatFFT_2D.realForwardFull}, copy the half spectrum back, and for
 * the inverse rebuild the full Hermitian spectrum, {@code complexInverse} and keep the real part.
 *
 * <p>Layouts: input and output {@code [n, h, w, c]}; the spectrum is torch's half spectrum
 * {@code [n, h, w/2+1, c]} stored as basis4j's fft module stores it, {@code [n, h, w/2+1, 2, c]} (per bin the
 * c real parts, then the c imaginary parts; {@code io.github.basis4j.fft.ComplexLayout}). JTransforms' full spectrum of an {@code h×w} plane is {@code [h, w, 2]} (re, im), which
 * {@code realForwardFull} writes over its {@code [h, 2w]} argument.
 *
 * <p>{@code forwardBackward} adds the two adjoints torch's autograd runs: through {@code irfft2},
 * {@code rfft2} of the upstream gradient with the columns {@code 0 < j < w/2} (those standing for two bins of
 * the full spectrum) doubled; through {@code rfft2}, the half spectrum zero-padded to full, a complex inverse
 * and its real part. Since {@code irfft2(rfft2(x)) = x}, the forward result must equal {@code x} and the
 * input gradient the upstream gradient, which {@code @Setup} checks.
 *
 * <p>Threads: planes are spread over basis4j's {@link Parallel} at {@code -Dbasis4j.threads}, one plan and
 * one plane buffer per worker thread. JTransforms' own thread count is set to 1: these planes (at most 56×56)
 * are below its 2-D threading threshold of 65 536 elements, so it would not thread them anyway, but a larger
 * shape added later would otherwise start JTransforms' pool inside ours and the thread count would no longer be
 * ours alone. This is a global of this benchmark fork only; the library itself never touches it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class JTransformsFftBench {
    /** The DFFormer-S18 token-mixer maps; the list is also in benchmarks/workloads.py. */
    @Param({
            "n1_h56_w56_c128", "n1_h28_w28_c256", "n1_h14_w14_c640", "n1_h7_w7_c1024",
            "n8_h56_w56_c128", "n8_h28_w28_c256", "n8_h14_w14_c640", "n8_h7_w7_c1024",
    })
    public String shape;

    /** Planes per parallel chunk: a 7×7 plane is ~1 µs of work, too little to hand to another thread alone. */
    private static final int PLANE_GRAIN = 8;

    int n, h, w, c, wh;
    float scale;
    /** Input, forward output, upstream gradient and input gradient, all [n, h, w, c]. */
    Tensor x, y, gy, dx;
    /** Spectrum and its gradient, [n, h, w/2+1, 2, c]. */
    float[] spectrum, dSpectrum;
    /** One plan and one {@code [h, 2w]} plane buffer per worker thread: neither is shared between threads. */
    ThreadLocal<PlaneWorkspace> workspace;

    /** A JTransforms plan with its plane buffer. */
    private record PlaneWorkspace(FloatFFT_2D plan, float[] plane) {
    }

    /** Builds seeded inputs and checks the round trip and its gradient against the identity. */
    @Setup(Level.Trial)
    public void setUp() {
        ConcurrencyUtils.setNumberOfThreads(1);
        ShapeSpec s = ShapeSpec.parse(shape);
        n = s.get("n");
        h = s.get("h");
        w = s.get("w");
        c = s.get("c");
        wh = w / 2 + 1;
        scale = (float) (1.0 / Math.sqrt((double) h * w));
        x = Tensor.uniform(Shape.of(n, h, w, c), -1f, 1f, 1);
        gy = Tensor.uniform(x.shape(), -1f, 1f, 2);
        y = Tensor.zeros(x.shape());
        dx = Tensor.zeros(x.shape());
        spectrum = new float[n * h * wh * c * 2];
        dSpectrum = new float[spectrum.length];
        int rows = h, cols = w;
        workspace = ThreadLocal.withInitial(() -> new PlaneWorkspace(new FloatFFT_2D(rows, cols), new float[2 * rows * cols]));
        Verify.announceBackend("JTransformsFftBench " + shape);
        forwardBackward();
        Verify.close("JTransformsFftBench " + shape + " irfft2(rfft2(x)) = x", x.data(), y.data(), Verify.FORWARD_TOLERANCE);
        Verify.close("JTransformsFftBench " + shape + " input gradient = upstream gradient", gy.data(), dx.data(),
                Verify.FORWARD_TOLERANCE);
    }

    /** {@code y = irfft2(rfft2(x))}, the spectrum materialised in between as a token mixer needs it. */
    @Benchmark
    public void forward() {
        realForward(x.data(), spectrum, false);
        realInverse(spectrum, y.data(), true);
    }

    /** The forward pass, then the input gradient for the upstream gradient {@code gy}. */
    @Benchmark
    public void forwardBackward() {
        forward();
        realForward(gy.data(), dSpectrum, true);
        realInverse(dSpectrum, dx.data(), false);
    }

    /**
     * {@code out = rfft2(in)} (ortho) plane by plane; with {@code doubleInterior} the columns {@code 0 < j < w/2}
     * are doubled, which makes it the adjoint of {@code irfft2}.
     */
    private void realForward(float[] in, float[] out, boolean doubleInterior) {
        Parallel.forRange(n * c, PLANE_GRAIN, (from, to) -> {
            PlaneWorkspace ws = workspace.get();
            float[] plane = ws.plane();
            for (int q = from; q < to; q++) {
                int b = q / c, ch = q % c;
                for (int i = 0; i < h; i++) {
                    int src = ((b * h + i) * w) * c + ch;
                    for (int j = 0; j < w; j++) plane[i * w + j] = in[src + j * c];
                }
                ws.plan().realForwardFull(plane);
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < wh; j++) {
                        // Interior columns stand for bin j and its mirror w − j; the edges (0 and, for even w, w/2) for one bin.
                        float f = doubleInterior && j > 0 && 2 * j < w ? 2 * scale : scale;
                        int dst = ((b * h + i) * wh + j) * 2 * c + ch;
                        out[dst] = plane[i * 2 * w + 2 * j] * f;
                        out[dst + c] = plane[i * 2 * w + 2 * j + 1] * f;
                    }
                }
            }
        });
    }

    /**
     * {@code out = real part of ifft2(full)} (ortho), where the full spectrum is the half spectrum {@code in}
     * completed by Hermitian symmetry ({@code mirror}, which makes this {@code irfft2}) or by zeros (which makes
     * it the adjoint of {@code rfft2}).
     */
    private void realInverse(float[] in, float[] out, boolean mirror) {
        Parallel.forRange(n * c, PLANE_GRAIN, (from, to) -> {
            PlaneWorkspace ws = workspace.get();
            float[] plane = ws.plane();
            for (int q = from; q < to; q++) {
                int b = q / c, ch = q % c;
                for (int i = 0; i < h; i++) {
                    int mi = (h - i) % h;
                    for (int j = 0; j < w; j++) {
                        float re = 0f, im = 0f;
                        if (j < wh) {
                            int src = ((b * h + i) * wh + j) * 2 * c + ch;
                            re = in[src];
                            im = in[src + c];
                        } else if (mirror) {
                            // X[i, j] = conj(X[−i mod h, w − j]) for the spectrum of a real plane.
                            int src = ((b * h + mi) * wh + (w - j)) * 2 * c + ch;
                            re = in[src];
                            im = -in[src + c];
                        }
                        plane[i * 2 * w + 2 * j] = re;
                        plane[i * 2 * w + 2 * j + 1] = im;
                    }
                }
                ws.plan().complexInverse(plane, false);
                for (int i = 0; i < h; i++) {
                    int dst = ((b * h + i) * w) * c + ch;
                    for (int j = 0; j < w; j++) out[dst + j * c] = plane[i * 2 * w + 2 * j] * scale;
                }
            }
        });
    }
}
