package io.github.basis4j.simd;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * basis4j's intra-op parallel-for over a fork-join pool the library owns (never the common pool).
 *
 * <p>Determinism: a loop of {@code n} iterations is cut into chunks of {@code grain} iterations, a
 * number that depends on the problem alone, never on the thread count. Each chunk writes disjoint
 * outputs; reductions keep one partial per chunk and combine them in chunk order. So 1 and N threads
 * give bit-identical results. Which thread runs which chunk is decided at run time and never matters.
 *
 * <p>Scheduling: the calling thread runs chunks itself, taking the next unclaimed chunk from a shared
 * counter, while up to {@code threads − 1} pool workers do the same. A worker that arrives late finds
 * fewer (or no) chunks left, so a loop shorter than a worker's wake-up costs about what it costs on
 * one thread instead of waiting for the pool. Waking a parked thread is slow on virtual machines
 * (tens to hundreds of µs when its CPU is idle), so a worker that runs out of chunks spins for a
 * short while and joins the next loop directly, as OpenMP runtimes do; back-to-back loops (the row
 * and column passes of an FFT, the layers of a network) then pay no wake-up at all.
 *
 * <p>Nesting: a parallel loop started from inside a chunk body (on a worker or on the calling
 * thread) runs inline on that thread, so parallel regions never nest (only the outermost independent
 * loop is split).
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

    /**
     * How long a caller that has run out of chunks spins before parking while workers finish the ones
     * they took, and how long an idle worker spins waiting for the next loop: about the cost of
     * waking a parked thread on a virtual machine, so spinning never costs much more than a wake-up.
     */
    private static final long SPIN_NANOS = 100_000;

    /** The loop workers join next; cleared when its caller returns, so it holds on to no arrays. */
    private static volatile Loop published;
    /** Workers spinning for the next loop: a new loop submits tasks only for the helpers it lacks. */
    private static final AtomicInteger SPINNING = new AtomicInteger();
    /** The task a loop hands to the pool for each helper it wants. */
    private static final Runnable HELP = Parallel::help;

    private static volatile ForkJoinPool pool;
    private static volatile int threads = initialThreads();
    /** Set while a thread other than our workers runs chunks of a loop it started (nested loops run inline). */
    private static final ThreadLocal<Boolean> RUNNING_CHUNKS = new ThreadLocal<>();

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

    /**
     * Sets the number of threads (≥ 1), the caller included; the pool of {@code n − 1} workers is
     * rebuilt lazily on the next parallel loop.
     */
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
                    // The caller runs chunks too, so the pool needs one worker fewer than the thread count.
                    p = new ForkJoinPool(Math.max(1, threads - 1), Parallel::newWorker, null, false);
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
     * chunk is rethrown (chunks not yet started are then skipped).
     */
    public static void forChunks(int n, int grain, ChunkBody body) {
        int chunks = chunkCount(n, grain);
        if (chunks == 0) return;
        int t = threads;
        if (chunks == 1 || t == 1 || Thread.currentThread() instanceof Worker || RUNNING_CHUNKS.get() != null) {
            for (int c = 0; c < chunks; c++) {
                body.run(c, c * grain, Math.min(n, (c + 1) * grain));
            }
            return;
        }
        Loop loop = new Loop(body, n, grain, chunks);
        published = loop;
        try {
            ForkJoinPool p = pool();
            for (int i = Math.min(t, chunks) - 1 - SPINNING.get(); i > 0; i--) p.execute(HELP);
        } catch (RejectedExecutionException e) {
            // setThreads shut this pool down meanwhile: the caller runs what no worker took.
        }
        RUNNING_CHUNKS.set(Boolean.TRUE);
        try {
            loop.run();
        } finally {
            RUNNING_CHUNKS.remove();
        }
        loop.awaitTaken();
        if (published == loop) published = null;
        Throwable failure = loop.failure.get();
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new IllegalStateException("Parallel: a chunk failed", failure);
    }

    /**
     * A worker's task: joins the published loop, then keeps joining new ones until none has come
     * for {@link #SPIN_NANOS}. Loops never depend on a worker arriving: their callers run every
     * chunk nobody took.
     */
    private static void help() {
        Loop seen = null;
        long deadline = System.nanoTime() + SPIN_NANOS;
        SPINNING.incrementAndGet();
        try {
            while (true) {
                Loop loop = published;
                if (loop != null && loop != seen) {
                    seen = loop;
                    SPINNING.decrementAndGet();
                    try {
                        loop.run();
                    } finally {
                        SPINNING.incrementAndGet();
                    }
                    deadline = System.nanoTime() + SPIN_NANOS;
                } else if (System.nanoTime() - deadline > 0) {
                    return;
                } else {
                    Thread.onSpinWait();
                }
            }
        } finally {
            SPINNING.decrementAndGet();
        }
    }

    /**
     * One parallel loop: chunks are claimed from a counter by the caller and by every worker the loop
     * was handed to; the caller returns once every chunk has finished.
     */
    private static final class Loop implements Runnable {
        private final ChunkBody body;
        private final int n, grain, chunks;
        private final Thread caller = Thread.currentThread();
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger unfinished;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** Set by the caller before it parks; whoever finishes the last chunk then unparks it. */
        private volatile boolean callerParking;

        Loop(ChunkBody body, int n, int grain, int chunks) {
            this.body = body;
            this.n = n;
            this.grain = grain;
            this.chunks = chunks;
            this.unfinished = new AtomicInteger(chunks);
        }

        /** Claims and runs chunks until none is left; never throws (a failure is recorded for the caller). */
        @Override
        public void run() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    if (failure.get() == null) body.run(c, c * grain, Math.min(n, (c + 1) * grain));
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (unfinished.decrementAndGet() == 0 && callerParking) LockSupport.unpark(caller);
                }
            }
        }

        /** Waits (on the caller) until the chunks other threads took are done: a short spin, then park. */
        void awaitTaken() {
            if (unfinished.get() == 0) return;
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (unfinished.get() != 0) {
                if (System.nanoTime() > spinUntil) break;
                Thread.onSpinWait();
            }
            boolean interrupted = false;
            callerParking = true;
            while (unfinished.get() != 0) {
                LockSupport.park(this);
                // Like a fork-join join, the wait ignores interrupts and re-asserts them afterwards.
                if (Thread.interrupted()) interrupted = true;
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
