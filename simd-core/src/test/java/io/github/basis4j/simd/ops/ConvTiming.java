package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.ConvKernels;
import io.github.basis4j.simd.spi.ConvKernels.Conv2dGeometry;
import io.github.basis4j.simd.testing.Numerics;

/**
 * A timing main, not a test: best-of-N milliseconds of the current backend's conv kernels on the workloads
 * of PERF.md, forward and forward + backward (input and weight gradients, with bias). It guides kernel
 * design on a shared machine, so it reports the best run and the load average, never asserts anything;
 * the benchmarks module makes the published comparisons.
 *
 * <p>Run after {@code mvn test-compile}: {@code java --add-modules jdk.incubator.vector -cp
 * simd-core/target/classes:simd-core/target/test-classes io.github.basis4j.simd.ops.ConvTiming [threads]
 * [reps] [name-filter]}.
 */
public final class ConvTiming {
    private ConvTiming() {
    }

    /** One workload: a name and its geometry. */
    private record Workload(String name, Conv2dGeometry g) {
    }

    private static final Workload[] WORKLOADS = {
        new Workload("b128 16-16 32x32", new Conv2dGeometry(128, 32, 32, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1)),
        new Workload("b128 32-32 16x16", new Conv2dGeometry(128, 16, 16, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1)),
        new Workload("b128 64-64 8x8", new Conv2dGeometry(128, 8, 8, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1)),
        new Workload("b1 64-64 56x56", new Conv2dGeometry(1, 56, 56, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1)),
        new Workload("dw7 c128 56x56", new Conv2dGeometry(1, 56, 56, 128, 128, 7, 7, 1, 1, 3, 3, 1, 1, 128)),
    };

    /**
     * Prints one line per workload.
     *
     * @param args optional thread count (default 1), repetitions (default 7) and a substring selecting workloads
     */
    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        String filter = args.length > 2 ? args[2] : "";
        Parallel.setThreads(threads);
        ConvKernels k = Backends.current().conv();
        System.out.printf("backend %s, T=%d, best of %d%n", Backends.current().name(), threads, reps);
        for (Workload wl : WORKLOADS) {
            if (!wl.name().contains(filter)) continue;
            Conv2dGeometry g = wl.g();
            int xs = g.n() * g.h() * g.w() * g.c(), ys = g.n() * g.oh() * g.ow() * g.oc();
            float[] x = Numerics.randomFloats(xs, 1), w = Numerics.randomFloats(g.weightSize(), 2);
            float[] bias = Numerics.randomFloats(g.oc(), 3), dy = Numerics.randomFloats(ys, 4);
            float[] y = new float[ys], dx = new float[xs], dw = new float[g.weightSize()], db = new float[g.oc()];
            boolean dwise = g.isDepthwise();
            Runnable fwd = () -> {
                if (dwise) k.depthwiseConv2dForward(g, x, 0, w, 0, bias, 0, y, 0);
                else k.conv2dForward(g, x, 0, w, 0, bias, 0, y, 0);
            };
            Runnable bwdIn = () -> {
                if (dwise) k.depthwiseConv2dBackwardInput(g, dy, 0, w, 0, dx, 0);
                else k.conv2dBackwardInput(g, dy, 0, w, 0, dx, 0);
            };
            Runnable bwdW = () -> {
                if (dwise) k.depthwiseConv2dBackwardWeight(g, x, 0, dy, 0, dw, 0, db, 0);
                else k.conv2dBackwardWeight(g, x, 0, dy, 0, dw, 0, db, 0);
            };
            double f = best(reps, fwd), bi = best(reps, bwdIn), bw = best(reps, bwdW);
            double flops = 2.0 * g.n() * g.oh() * g.ow() * g.oc() * g.kh() * g.kw() * g.icg();
            System.out.printf("%-18s fwd %7.3f ms (%5.1f GFLOP/s)  dX %7.3f  dW %7.3f  fwd+bwd %7.3f ms   [%s]%n",
                    wl.name(), f, flops / f / 1e6, bi, bw, f + bi + bw, loadAverage());
        }
    }

    private static double best(int reps, Runnable r) {
        for (int i = 0; i < 3; i++) r.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }

    private static String loadAverage() {
        try {
            return "load " + java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "load ?";
        }
    }
}
