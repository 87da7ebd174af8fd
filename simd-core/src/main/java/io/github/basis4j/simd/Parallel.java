package io.github.basis4j.simd;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * basis4j's intra-op parallel-for over a fork-join pool the library owns (never the common pool).
 *
 * <p>Determinism: a loop of {@code n} iterations is cut into chunks of {@code grain} iterations, a
 * number that depends on the problem alone, never on the thread count. Each chunk writes disjoint
 * outputs; reductions keep one partial per chunk and combine them in chunk order. So 1 and N threads
 * give bit-identical results.
 *
 * <p>Nesting: a parallel loop started from inside one of our workers runs inline on that worker, so
 * parallel regions never nest (only the outermost independent loop is split).
 *
 * <p>The thread count comes from {@code -Dbasis4j.threads} (default: available processors) and can be
 * changed with {@link #setThreads(int)}.
 */
public final class Parallel {
    /** Receives one chunk: iterations {@code [from, to)}, which is chunk number {@code chunk}. */
    @FunctionalInterface
    public interface ChunkBody {
        void run(int chunk, int from, int to);
    }

    /** Receives iterations {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static volatile ForkJoinPool pool;
    private static volatile int threads = initialThreads();

    private Parallel() {
    }

    private static int initialThreads() {
        String p = System.getProperty("basis4j.threads");
        if (p == null || p.isBlank()) return Runtime.getRuntime().availableProcessors();
        try {
            int t = Integer.parseInt(p.trim());
            if (t >= 1) return t;
        } catch (NumberFormatException e) {
            // fall through to the error below, which names the property
        }
        throw new IllegalArgumentException("-Dbasis4j.threads must be a positive integer, got '" + p + "'");
    }

    /** The number of threads parallel loops use. */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads (≥ 1); the pool is rebuilt lazily on the next parallel loop. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("Parallel.setThreads: n must be >= 1, got " + n);
        if (n == threads) return;
        ForkJoinPool old = pool;
        pool = null;
        threads = n;
        if (old != null) old.shutdown();
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(threads, Parallel::newWorker, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    private static ForkJoinWorkerThread newWorker(ForkJoinPool p) {
        ForkJoinWorkerThread t = new Worker(p);
        t.setName("basis4j-worker-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }

    /** Marker class so nested loops can recognise our own workers. */
    private static final class Worker extends ForkJoinWorkerThread {
        Worker(ForkJoinPool p) {
            super(p);
        }
    }

    /** Number of chunks {@link #forChunks} cuts {@code n} iterations into. */
    public static int chunkCount(int n, int grain) {
        if (grain < 1) throw new IllegalArgumentException("Parallel: grain must be >= 1, got " + grain);
        if (n < 0) throw new IllegalArgumentException("Parallel: n must be >= 0, got " + n);
        return (int) (((long) n + grain - 1) / grain);
    }

    /** Runs {@code body} over {@code [0, n)} in chunks of {@code grain} iterations. */
    public static void forRange(int n, int grain, RangeBody body) {
        forChunks(n, grain, (chunk, from, to) -> body.run(from, to));
    }

    /**
     * Runs {@code body} once per chunk of {@code [0, n)}; chunk {@code c} covers
     * {@code [c·grain, min(n, (c+1)·grain))}. Returns when all chunks are done; an exception in any
     * chunk is rethrown.
     */
    public static void forChunks(int n, int grain, ChunkBody body) {
        int chunks = chunkCount(n, grain);
        if (chunks == 0) return;
        if (chunks == 1 || threads == 1 || Thread.currentThread() instanceof Worker) {
            for (int c = 0; c < chunks; c++) {
                body.run(c, c * grain, Math.min(n, (c + 1) * grain));
            }
            return;
        }
        pool().invoke(new ChunkTask(body, n, grain, 0, chunks));
    }

    private static final class ChunkTask extends RecursiveAction {
        private final ChunkBody body;
        private final int n, grain, lo, hi;

        ChunkTask(ChunkBody body, int n, int grain, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.grain = grain;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                body.run(lo, lo * grain, Math.min(n, (lo + 1) * grain));
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new ChunkTask(body, n, grain, lo, mid), new ChunkTask(body, n, grain, mid, hi));
        }
    }
}
