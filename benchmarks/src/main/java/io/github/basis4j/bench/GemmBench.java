package io.github.basis4j.bench;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Gemm;
import io.github.basis4j.simd.spi.Backends;
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

import java.util.concurrent.TimeUnit;

/**
 * Single-precision GEMM through the {@link Gemm} facade: {@code c [m, n] = a [m, k] · b [k, n]}, no
 * transposes, {@code beta = 0}. FLOPs per call: {@code 2·m·n·k}.
 *
 * <p>Shapes: 256³ (fits in L2), 1024³ (PERF.md's OpenBLAS yardstick) and m=3136 n=64 k=576, the im2col
 * GEMM of a 3×3, 64→64 convolution on a 56×56 map (ResNet-34 stage 1).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBench {
    /** {@code m<M>_n<N>_k<K>}; the list is also in benchmarks/workloads.py under "GemmBench.sgemm". */
    @Param({"m256_n256_k256", "m1024_n1024_k1024", "m3136_n64_k576"})
    public String shape;

    Tensor a, b, c;

    /** Builds seeded inputs and checks the backend in use against the scalar twin. */
    @Setup(Level.Trial)
    public void setUp() {
        ShapeSpec s = ShapeSpec.parse(shape);
        int m = s.get("m"), n = s.get("n"), k = s.get("k");
        a = Tensor.uniform(Shape.of(m, k), -1f, 1f, 1);
        b = Tensor.uniform(Shape.of(k, n), -1f, 1f, 2);
        c = Tensor.zeros(m, n);
        if (Verify.announceBackend("GemmBench.sgemm " + shape)) return;
        sgemm();
        float[] expected = new float[m * n];
        Backends.scalar().gemm().sgemm(false, false, m, n, k, 1f, a.data(), 0, k, b.data(), 0, n, 0f, expected, 0, n);
        Verify.close("GemmBench.sgemm " + shape, expected, c.data(), Verify.FORWARD_TOLERANCE);
    }

    /** One product; the result stays in {@code c}, a field, so it cannot be optimised away. */
    @Benchmark
    public void sgemm() {
        Gemm.gemm(false, false, 1f, a, b, 0f, c);
    }
}
