package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code basis4j bench}: inference speed of a model at a batch size and thread count — a quick figure,
 * not a JMH measurement (the benchmarks module has those). The model runs in eval mode without a tape on
 * random inputs at its native size; {@code --warmup} untimed passes let the JIT compile the kernels, then
 * {@code --iterations} passes are timed one by one. Prints images per second (from the total time) and
 * the latency per batch at the 50th, 90th and 99th percentiles (nearest rank), minimum and mean.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Inference throughput (images/s) and latency percentiles of a model.")
final class BenchCommand implements Callable<Integer> {
    private final ModelCatalog catalog;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelArgs modelArgs;

    @Option(names = "--batch-size", defaultValue = "1", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--threads", description = "Threads of the kernels (default: all cores).")
    private Integer threads;

    @Option(names = "--warmup", defaultValue = "10", description = "Untimed passes first (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--iterations", defaultValue = "50", description = "Timed passes (default: ${DEFAULT-VALUE}).")
    private int iterations;

    BenchCommand(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Integer call() {
        modelArgs.require(spec);
        modelArgs.validate(spec);
        Checks.atLeast(spec, "--batch-size", batchSize, 1);
        Checks.atLeast(spec, "--warmup", warmup, 0);
        Checks.atLeast(spec, "--iterations", iterations, 1);
        Checks.threads(spec, threads);
        CliModel model = catalog.create(modelArgs.request(modelArgs.model, null, null, 0));
        InputSize size = model.nativeInput();
        Tensor x = Tensor.uniform(Shape.of(batchSize, size.height(), size.width(), size.channels()), -1f, 1f, 0);
        model.module().eval();
        long[] nanos = new long[iterations];
        try (NoGrad ignored = NoGrad.enter()) {
            for (int i = 0; i < warmup; i++) model.module().forward(Variable.constant(x));
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                model.module().forward(Variable.constant(x));
                nanos[i] = System.nanoTime() - t0;
            }
        }
        long total = 0;
        for (long n : nanos) total += n;
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "model\t%s%n", model.name());
        out.printf(Locale.ROOT, "input\t%dx%s%n", batchSize, size);
        out.printf(Locale.ROOT, "backend\t%s%n", Backends.current().name());
        out.printf(Locale.ROOT, "threads\t%d%n", Parallel.threads());
        out.printf(Locale.ROOT, "iterations\t%d (after %d warm-up)%n", iterations, warmup);
        out.printf(Locale.ROOT, "images_per_second\t%.2f%n", (double) batchSize * iterations / (total * 1e-9));
        out.printf(Locale.ROOT, "latency_ms_p50\t%.3f%n", percentile(sorted, 50) * 1e-6);
        out.printf(Locale.ROOT, "latency_ms_p90\t%.3f%n", percentile(sorted, 90) * 1e-6);
        out.printf(Locale.ROOT, "latency_ms_p99\t%.3f%n", percentile(sorted, 99) * 1e-6);
        out.printf(Locale.ROOT, "latency_ms_min\t%.3f%n", sorted[0] * 1e-6);
        out.printf(Locale.ROOT, "latency_ms_mean\t%.3f%n", total * 1e-6 / iterations);
        out.flush();
        return 0;
    }

    /** The nearest-rank percentile of ascending {@code sorted}: the smallest value with at least p% at or below it. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
