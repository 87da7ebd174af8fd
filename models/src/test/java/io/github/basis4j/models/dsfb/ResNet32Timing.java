package io.github.basis4j.models.dsfb;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.loss.CrossEntropy;
import io.github.basis4j.nn.optim.ParamGroup;
import io.github.basis4j.nn.optim.Sgd;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A repeatable timing of the CIFAR ResNet-32 workloads of issue 6, independent of the CLI and of JMH: for each
 * model it runs SGD-momentum training steps on random 32×32×3 data (cross-entropy, plus the orthogonality
 * penalty for models with shared bases, as the reference trains them), then eval-mode inference through the
 * autograd modules under {@link NoGrad} and through {@link FusedCifarResNet}, each at every requested thread
 * count in the same JVM. It prints the minimum and median over the timed repetitions: on a shared machine the
 * minimum is the figure least disturbed by other processes.
 *
 * <p>Run from the repository root after {@code mvn -pl cli -am package -DskipTests} and
 * {@code mvn -pl models -am test-compile}:
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp cli/target/basis4j-cli.jar:models/target/test-classes \
 *       io.github.basis4j.models.dsfb.ResNet32Timing [steps=8] [threads=1,2] [models=ResNet32,ResNet32_DoubleShared] [batch=128]
 * </pre>
 */
public final class ResNet32Timing {
    private ResNet32Timing() {
    }

    /** Arguments as {@code key=value}: steps, threads, models, batch, infer (false skips inference). */
    public static void main(String[] args) {
        int steps = 8, batch = 128;
        boolean infer = true, train = true;
        int[] threads = {1, 2};
        String[] models = {"ResNet32", "ResNet32_DoubleShared"};
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "steps" -> steps = Integer.parseInt(kv[1]);
                case "batch" -> batch = Integer.parseInt(kv[1]);
                case "infer" -> infer = Boolean.parseBoolean(kv[1]);
                case "train" -> train = Boolean.parseBoolean(kv[1]);
                case "threads" -> threads = java.util.Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "models" -> models = kv[1].split(",");
                default -> throw new IllegalArgumentException("ResNet32Timing: unknown argument '" + a + "'");
            }
        }
        for (String name : models) {
            for (int t : threads) {
                Parallel.setThreads(t);
                if (train) timeTraining(name, t, steps, batch);
                if (infer) timeInference(name, t, steps, batch);
            }
        }
    }

    private static CifarResNet model(String name) {
        return Cifar10ResNets.create(name, ModelOptions.defaults());
    }

    private static Tensor images(int batch, long seed) {
        return Tensor.uniform(Shape.of(batch, 32, 32, 3), -1f, 1f, seed);
    }

    private static void timeTraining(String name, int t, int steps, int batch) {
        CifarResNet net = model(name);
        net.train();
        DsfbRegularizer reg = DsfbRegularizer.appliesTo(net) ? DsfbRegularizer.of(net) : null;
        Sgd sgd = new Sgd(List.of(new ParamGroup(net.parameters(), 0.01, 5e-4)), 0.9, 0, false);
        Tensor x = images(batch, 1);
        int[] labels = new int[batch];
        Random r = new Random(2);
        for (int i = 0; i < batch; i++) labels[i] = r.nextInt(10);
        Variable xv = Variable.constant(x);
        int warm = Math.max(3, steps / 2);
        List<Double> ms = new ArrayList<>(), cpu = new ArrayList<>();
        long allocated = 0;
        for (int s = 0; s < warm + steps; s++) {
            long c0 = processCpuNanos(), a0 = allocatedBytes();
            long t0 = System.nanoTime();
            net.zeroGrad();
            Variable loss = CrossEntropy.crossEntropy(net.forward(xv), labels);
            if (reg != null) loss = Arith.add(loss, reg.penalty());
            loss.backward();
            sgd.step();
            double dt = (System.nanoTime() - t0) / 1e6;
            if (s >= warm) {
                ms.add(dt);
                cpu.add((processCpuNanos() - c0) / 1e6);
                allocated += allocatedBytes() - a0;
            }
        }
        report(name + " train b" + batch, t, ms, batch);
        report(name + " train b" + batch + " (cpu)", t, cpu, batch);
        System.out.println(String.format(Locale.ROOT, "%-40s T=%d  %.0f MiB allocated per step by the calling thread",
                name + " train b" + batch, t, allocated / (double) steps / (1 << 20)));
    }

    private static void timeInference(String name, int t, int steps, int batch) {
        CifarResNet net = model(name);
        net.eval();
        FusedCifarResNet fused = FusedCifarResNet.fuse(net);
        for (int b : new int[] {batch, 1}) {
            Tensor x = images(b, 3);
            Variable xv = Variable.constant(x);
            int reps = b == 1 ? 200 : steps;
            List<Double> eager = new ArrayList<>(), fast = new ArrayList<>();
            for (int s = 0; s < reps + Math.max(3, reps / 2); s++) {
                long t0 = System.nanoTime();
                try (NoGrad ignored = NoGrad.enter()) {
                    net.forward(xv);
                }
                long t1 = System.nanoTime();
                fused.forward(x);
                long t2 = System.nanoTime();
                if (s >= Math.max(3, reps / 2)) {
                    eager.add((t1 - t0) / 1e6);
                    fast.add((t2 - t1) / 1e6);
                }
            }
            report(name + " infer(modules) b" + b, t, eager, b);
            report(name + " infer(fused)   b" + b, t, fast, b);
        }
    }

    /** CPU time of the whole process (every thread, GC and compiler included): at T=1 it is the step's cost even when other processes share the cores. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Bytes the calling thread has allocated so far (the parallel workers allocate little: scratch is per thread and reused). */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static void report(String what, int t, List<Double> ms, int batch) {
        List<Double> sorted = new ArrayList<>(ms);
        sorted.sort(null);
        double min = sorted.get(0), med = sorted.get(sorted.size() / 2);
        System.out.println(String.format(Locale.ROOT, "%-40s T=%d  min %8.2f ms  median %8.2f ms  (%7.1f img/s at min, n=%d)",
                what, t, min, med, batch * 1000.0 / min, sorted.size()));
    }
}
