package io.github.basis4j.bench;

import io.github.basis4j.fft.Norm;
import io.github.basis4j.fft.RealFft2d;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * basis4j's real 2-D FFT through the {@link RealFft2d} facade: torch's {@code rfft2} then {@code irfft2} over
 * dims (1, 2) of a channel-last {@code [n, h, w, c]} tensor, norm "ortho", as DFFormer's token mixer runs it.
 * Same shapes and passes as {@link JTransformsFftBench}, the plain-use yardstick.
 *
 * <p>Layouts: input and output {@code [n, h, w, c]}; spectrum {@code [n, h, w/2+1, 2, c]}
 * ({@code io.github.basis4j.fft.ComplexLayout}). {@code forwardBackward} adds the gradients torch's autograd
 * computes for the pair: {@code irfft2Backward} of the upstream gradient, then {@code rfft2Backward}.
 *
 * <p>Check before timing: the fft module's scalar twin runs only inside its package, so {@code @Setup} checks
 * sampled spectrum bins against a direct DFT in double precision (an oracle independent of any FFT), and,
 * since {@code irfft2(rfft2(x)) = x}, that the output equals the input and the input gradient the upstream one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FftBench {
    /** The DFFormer-S18 token-mixer maps; the list is also in benchmarks/workloads.py. */
    @Param({
            "n1_h56_w56_c128", "n1_h28_w28_c256", "n1_h14_w14_c640", "n1_h7_w7_c1024",
            "n8_h56_w56_c128", "n8_h28_w28_c256", "n8_h14_w14_c640", "n8_h7_w7_c1024",
    })
    public String shape;

    /** Spectrum bins checked against the direct DFT: each costs h·w complex multiply-adds in double. */
    private static final int CHECKED_BINS = 64;

    int n, h, w, c;
    /** Input, forward output, upstream gradient and input gradient, all [n, h, w, c]. */
    Tensor x, y, gy, dx;
    /** Spectrum and its gradient, [n, h, w/2+1, 2, c]. */
    Tensor spectrum, dSpectrum;

    /** Builds seeded inputs, checks sampled bins against a direct DFT and the round trip against the identity. */
    @Setup(Level.Trial)
    public void setUp() {
        ShapeSpec s = ShapeSpec.parse(shape);
        n = s.get("n");
        h = s.get("h");
        w = s.get("w");
        c = s.get("c");
        x = Tensor.uniform(Shape.of(n, h, w, c), -1f, 1f, 1);
        gy = Tensor.uniform(x.shape(), -1f, 1f, 2);
        y = Tensor.zeros(x.shape());
        dx = Tensor.zeros(x.shape());
        spectrum = Tensor.zeros(n, h, w / 2 + 1, 2, c);
        dSpectrum = Tensor.zeros(spectrum.shape());
        Verify.announceBackend("FftBench " + shape);
        forwardBackward();
        checkBinsAgainstDirectDft();
        Verify.close("FftBench " + shape + " irfft2(rfft2(x)) = x", x.data(), y.data(), Verify.FORWARD_TOLERANCE);
        Verify.close("FftBench " + shape + " input gradient = upstream gradient", gy.data(), dx.data(),
                Verify.FORWARD_TOLERANCE);
    }

    private void checkBinsAgainstDirectDft() {
        int wc = w / 2 + 1;
        float[] expected = new float[2 * CHECKED_BINS], actual = new float[2 * CHECKED_BINS];
        SplittableRandom random = new SplittableRandom(3);
        for (int t = 0; t < CHECKED_BINS; t++) {
            // The first bins are the DC and last (Nyquist for even w) columns, where packing mistakes show first.
            int b = random.nextInt(n), ch = random.nextInt(c), ki = random.nextInt(h);
            int kj = t == 0 ? 0 : t == 1 ? wc - 1 : random.nextInt(wc);
            double re = 0, im = 0;
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double angle = -2 * Math.PI * ((double) ki * i / h + (double) kj * j / w);
                    double v = x.data()[((b * h + i) * w + j) * c + ch];
                    re += v * Math.cos(angle);
                    im += v * Math.sin(angle);
                }
            }
            double ortho = 1 / Math.sqrt((double) h * w);
            expected[2 * t] = (float) (re * ortho);
            expected[2 * t + 1] = (float) (im * ortho);
            int bin = ((b * h + ki) * wc + kj) * 2 * c + ch;
            actual[2 * t] = spectrum.data()[bin];
            actual[2 * t + 1] = spectrum.data()[bin + c];
        }
        Verify.close("FftBench " + shape + " spectrum against a direct DFT", expected, actual, Verify.FORWARD_TOLERANCE);
    }

    /** {@code y = irfft2(rfft2(x))}, the spectrum materialised in between as a token mixer needs it. */
    @Benchmark
    public void forward() {
        RealFft2d.rfft2(x.data(), 0, spectrum.data(), 0, n, h, w, c, Norm.ORTHO);
        RealFft2d.irfft2(spectrum.data(), 0, y.data(), 0, n, h, w, c, Norm.ORTHO);
    }

    /**
     * The forward pass, then the input gradient for the upstream gradient {@code gy}; the gradient buffers are
     * zeroed first since the backward methods add into them.
     */
    @Benchmark
    public void forwardBackward() {
        forward();
        dSpectrum.fill(0f);
        dx.fill(0f);
        RealFft2d.irfft2Backward(gy.data(), 0, dSpectrum.data(), 0, n, h, w, c, Norm.ORTHO);
        RealFft2d.rfft2Backward(dSpectrum.data(), 0, dx.data(), 0, n, h, w, c, Norm.ORTHO);
    }
}
