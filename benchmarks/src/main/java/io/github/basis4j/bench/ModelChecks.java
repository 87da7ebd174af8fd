package io.github.basis4j.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.nn.profile.OpProfiler.Phase;
import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The memory and op-profile checks of {@code ./basis4j bench models}, each run by the comparison script in a
 * JVM of its own ({@code java -cp benchmarks.jar io.github.basis4j.bench.ModelChecks ...}) and printing one JSON
 * line:
 * <pre>
 *   memory  train|infer SHAPE STEPS        under the fork's -Xmx: pass/fail and peak heap used
 *   profile train|infer SHAPE WARMUP STEPS OpProfiler totals per category over STEPS after WARMUP unprofiled ones
 * </pre>
 * SHAPE is a models workload shape ({@link BenchModels}); {@code train} is {@link BenchModels.Trainer}'s step,
 * {@code infer} an eval-mode forward without a tape.
 *
 * <p>Peak heap is the largest heap occupancy seen just before any garbage collection (from the collectors'
 * notifications: the heap only grows between collections) or at the end, so it is what the run needed with
 * garbage not yet collected (a collector lets garbage grow towards -Xmx, so this is near the limit whenever
 * any collection ran); "peak after GC" is the largest occupancy just after a collection (a young collection
 * leaves old garbage in place, so it bounds from above what the run held at once); "retained" is the heap after a full collection at the end (the weights and whatever the model
 * keeps, counted in whole G1 regions). A run that throws {@link OutOfMemoryError} reports {@code "ok": false}.
 */
public final class ModelChecks {
    private ModelChecks() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) {
        if (args.length < 4) {
            System.err.println("usage: ModelChecks memory train|infer SHAPE STEPS | profile train|infer SHAPE WARMUP STEPS");
            System.exit(2);
        }
        String check = args[0], mode = args[1], shape = args[2];
        if (!mode.equals("train") && !mode.equals("infer")) throw new IllegalArgumentException("ModelChecks: mode must be train or infer, got " + mode);
        switch (check) {
            case "memory" -> memory(mode, shape, Integer.parseInt(args[3]));
            case "profile" -> {
                if (args.length < 5) throw new IllegalArgumentException("ModelChecks profile: needs WARMUP and STEPS");
                profile(mode, shape, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            }
            default -> throw new IllegalArgumentException("ModelChecks: check must be memory or profile, got " + check);
        }
    }

    /** Runs one step of the given mode: a training step, or an inference. */
    private static Runnable step(String mode, BenchModels.Built model) {
        if (mode.equals("train")) {
            BenchModels.Trainer trainer = new BenchModels.Trainer(model);
            return trainer::step;
        }
        Tensor x = BenchModels.input(model);
        model.module().eval();
        return () -> {
            try (NoGrad ignored = NoGrad.enter()) {
                model.module().forward(Variable.constant(x));
            }
        };
    }

    private static void memory(String mode, String shape, int steps) {
        AtomicLong peak = new AtomicLong(), peakAfterGc = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) return;
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                peak.accumulateAndGet(heapUsed(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
                peakAfterGc.accumulateAndGet(heapUsed(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
            }, null, null);
        }
        long max = Runtime.getRuntime().maxMemory();
        String error = null;
        long parameters = 0;
        try {
            BenchModels.Built model = BenchModels.build(shape);
            parameters = model.module().parameterCount();
            Runnable r = step(mode, model);
            for (int i = 0; i < steps; i++) r.run();
            peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        } catch (OutOfMemoryError e) {
            error = "OutOfMemoryError: " + e.getMessage();
        }
        System.gc();
        long retained = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf(Locale.ROOT, "{\"check\": \"memory\", \"mode\": \"%s\", \"shape\": \"%s\", \"steps\": %d, \"ok\": %s, "
                        + "\"max_heap_bytes\": %d, \"peak_heap_bytes\": %d, \"peak_after_gc_bytes\": %d, \"retained_heap_bytes\": %d, \"parameters\": %d, "
                        + "\"gc\": \"%s\", \"error\": %s}%n",
                mode, shape, steps, error == null, max, peak.get(), peakAfterGc.get(), retained, parameters, collectors(),
                error == null ? "null" : "\"" + error.replace("\"", "'") + "\"");
        System.exit(error == null ? 0 : 3);
    }

    private static long heapUsed(Map<String, MemoryUsage> pools) {
        long sum = 0;
        for (var p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == java.lang.management.MemoryType.HEAP && pools.containsKey(p.getName())) sum += pools.get(p.getName()).getUsed();
        }
        return sum;
    }

    private static String collectors() {
        StringBuilder sb = new StringBuilder();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) sb.append(sb.isEmpty() ? "" : ", ").append(gc.getName());
        return sb.toString();
    }

    private static void profile(String mode, String shape, int warmup, int steps) {
        BenchModels.Built model = BenchModels.build(shape);
        Runnable r = step(mode, model);
        for (int i = 0; i < warmup; i++) r.run();
        OpProfiler.reset();
        OpProfiler.setEnabled(true);
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) r.run();
        long wall = System.nanoTime() - t0;
        OpProfiler.setEnabled(false);
        OpProfiler.Snapshot s = OpProfiler.snapshot();
        StringBuilder cats = new StringBuilder();
        for (OpCategory c : OpCategory.values()) {
            cats.append(cats.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT,
                    "\"%s\": {\"forward_ms\": %.3f, \"backward_ms\": %.3f, \"calls\": %d}", c.label(),
                    s.nanos(c, Phase.FORWARD) / 1e6 / steps, s.nanos(c, Phase.BACKWARD) / 1e6 / steps,
                    (s.calls(c, Phase.FORWARD) + s.calls(c, Phase.BACKWARD)) / steps));
        }
        System.out.printf(Locale.ROOT, "{\"check\": \"profile\", \"mode\": \"%s\", \"shape\": \"%s\", \"steps\": %d, \"threads\": %d, "
                        + "\"backend\": \"%s\", \"step_ms\": %.3f, \"in_ops_ms\": %.3f, \"categories\": {%s}}%n",
                mode, shape, steps, Parallel.threads(), Backends.current().name(), wall / 1e6 / steps, s.totalNanos() / 1e6 / steps, cats);
    }
}
