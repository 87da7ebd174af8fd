/**
 * JMH benchmarks of basis4j's kernels and models, run beside PyTorch by {@code benchmarks/compare.sh}
 * ({@code ./basis4j bench kernels|fft|models}).
 *
 * <p>Conventions every benchmark class here follows:
 * <ul>
 *   <li>One class per kernel family; one {@code @Benchmark} method per pass ({@code forward},
 *       {@code forwardBackward}); the workload is a {@code @Param String shape} written as
 *       {@link io.github.basis4j.bench.ShapeSpec} tokens ({@code m256_n256_k256}, {@code n128_h32_w32_c16_oc16_k3}).
 *       The same string names the workload in {@code benchmarks/workloads.py}, which holds the FLOP count and
 *       the PyTorch twin, so adding a workload is one {@code @Param} value here and one entry there.</li>
 *   <li>Average time per call in milliseconds; GFLOP/s are computed by the comparison script from the
 *       explicit FLOP count, not by JMH.</li>
 *   <li>Forks get {@code --add-modules jdk.incubator.vector} from {@code @Fork(jvmArgsAppend)}; the comparison
 *       script also runs each facade in a plain fork without it, where the scalar backend takes over.
 *       Threads come from {@code -Dbasis4j.threads} in the fork's JVM arguments.</li>
 *   <li>{@code @Setup} checks the result of the backend in use against the scalar twin
 *       ({@code Backends.scalar()}) before anything is timed, and throws if they differ
 *       ({@link io.github.basis4j.bench.Verify}).</li>
 *   <li>Whole models ({@link io.github.basis4j.bench.ModelBench}, and ONNX Runtime as a reference in
 *       {@link io.github.basis4j.bench.OrtModelBench}) load the reference PyTorch model's weights that the
 *       comparison script prepared ({@link io.github.basis4j.bench.BenchModels}) and check their logits against
 *       the reference's instead of a scalar twin; they run in the vector fork only.
 *       {@link io.github.basis4j.bench.ModelChecks} holds the memory checks and op profiles of the models group.</li>
 * </ul>
 */
package io.github.basis4j.bench;
