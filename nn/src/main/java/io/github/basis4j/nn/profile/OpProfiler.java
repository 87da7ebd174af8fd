package io.github.basis4j.nn.profile;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An opt-in timer of nn's ops: where the time of a forward or training step goes, by {@link OpCategory}.
 * Off unless the JVM starts with {@code -Dbasis4j.profile=true} or {@link #setEnabled(boolean)} turns it on.
 *
 * <p>Every functional op runs its work inside {@code try (var _ = OpProfiler.time(category)) { ... }};
 * {@code Graph.backward} does the same around each node's backward with {@link #timeBackward(OpCategory)}, under
 * the category the node was recorded with ({@link #currentCategory()} at record time). Only the outermost op on a
 * thread is timed, so an op that calls another op counts once, under its own category. Times are wall-clock
 * ({@link System#nanoTime()}) on the calling thread and include the kernels' parallel sections, which the
 * caller waits for.
 *
 * <p>Opening a measurement allocates nothing: when off, {@code time} is one read of a volatile flag returning a
 * shared no-op {@link Scope}, and its {@code close} one comparison; when on, every op of a thread opens the same
 * per-thread scope. (A helper taking the op's body as a lambda would read shorter, but the lambda captures the
 * op's arguments, and C2 does not always inline such a helper shared by every op, so the lambda was allocated
 * on each call.)
 */
public final class OpProfiler {
    /** The system property that turns profiling on at start-up: {@code -Dbasis4j.profile=true}. */
    public static final String PROPERTY = "basis4j.profile";

    /** Whether an op is measured in its forward or its backward pass. */
    public enum Phase {
        FORWARD, BACKWARD
    }

    private static final int CATEGORIES = OpCategory.values().length, PHASES = Phase.values().length;

    private static volatile boolean enabled = Boolean.getBoolean(PROPERTY);
    /** Nanoseconds and calls per [phase · CATEGORIES + category]. */
    private static final AtomicLongArray NANOS = new AtomicLongArray(PHASES * CATEGORIES);
    private static final AtomicLongArray CALLS = new AtomicLongArray(PHASES * CATEGORIES);

    /** What {@code time} returns when profiling is off: closing it does nothing. */
    private static final Scope OFF = new Scope();
    private static final ThreadLocal<Scope> SCOPE = ThreadLocal.withInitial(Scope::new);

    /**
     * The ops a thread is inside, opened by {@link #time} or {@link #timeBackward} and closed by
     * try-with-resources: the nesting depth, and the outermost op's category, phase and start.
     */
    public static final class Scope implements AutoCloseable {
        private int depth;
        private OpCategory category;
        private Phase phase;
        private long start;

        private Scope() {
        }

        /** Ends the innermost open op, adding its time when it was the outermost. */
        @Override
        public void close() {
            // Kept to one test so that every op inlines it; the measurement itself is out of line.
            if (this != OFF) end();
        }

        private void end() {
            long now = System.nanoTime();
            if (--depth > 0) return;
            int slot = phase.ordinal() * CATEGORIES + category.ordinal();
            NANOS.addAndGet(slot, now - start);
            CALLS.incrementAndGet(slot);
            category = null;
        }
    }

    private OpProfiler() {
    }

    /** Whether ops are being timed. */
    public static boolean isEnabled() {
        return enabled;
    }

    /** Turns timing on or off; ops already begun finish their measurement. */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /** Clears every total. */
    public static void reset() {
        for (int i = 0; i < NANOS.length(); i++) {
            NANOS.set(i, 0);
            CALLS.set(i, 0);
        }
    }

    /**
     * Starts timing a forward op of {@code category}, to be closed by try-with-resources around the op's work,
     * also when it throws.
     *
     * @return the scope to close; the same object for every op of a thread
     */
    public static Scope time(OpCategory category) {
        return enabled ? open(category, Phase.FORWARD) : OFF;
    }

    /**
     * Starts timing the backward of an op recorded under {@code category} (null: recorded while profiling was
     * off, counted as {@link OpCategory#OTHER}); closed like {@link #time(OpCategory)}'s.
     */
    public static Scope timeBackward(OpCategory category) {
        return enabled ? open(category == null ? OpCategory.OTHER : category, Phase.BACKWARD) : OFF;
    }

    private static Scope open(OpCategory category, Phase phase) {
        if (category == null) throw new IllegalArgumentException("OpProfiler.time: category must not be null");
        Scope s = SCOPE.get();
        if (s.depth++ > 0) return s;
        s.category = category;
        s.phase = phase;
        s.start = System.nanoTime();
        return s;
    }

    /**
     * The category of the outermost op running on this thread, or null outside ops or when profiling is off;
     * {@code Graph.record} stores it in the node so that its backward is counted under the same category.
     */
    public static OpCategory currentCategory() {
        return enabled ? SCOPE.get().category : null;
    }

    /** The totals so far. */
    public static Snapshot snapshot() {
        long[] nanos = new long[NANOS.length()], calls = new long[CALLS.length()];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = NANOS.get(i);
            calls[i] = CALLS.get(i);
        }
        return new Snapshot(nanos, calls);
    }

    /** Totals per category and phase, frozen when taken. */
    public static final class Snapshot {
        private final long[] nanos, calls;

        private Snapshot(long[] nanos, long[] calls) {
            this.nanos = nanos;
            this.calls = calls;
        }

        /** Nanoseconds spent in ops of {@code category} in {@code phase}. */
        public long nanos(OpCategory category, Phase phase) {
            return nanos[phase.ordinal() * CATEGORIES + category.ordinal()];
        }

        /** Outermost ops of {@code category} timed in {@code phase}. */
        public long calls(OpCategory category, Phase phase) {
            return calls[phase.ordinal() * CATEGORIES + category.ordinal()];
        }

        /** Nanoseconds in {@code category}, both phases. */
        public long nanos(OpCategory category) {
            long sum = 0;
            for (Phase p : Phase.values()) sum += nanos(category, p);
            return sum;
        }

        /** Nanoseconds in every op. */
        public long totalNanos() {
            long sum = 0;
            for (long n : nanos) sum += n;
            return sum;
        }

        /** {@code this − earlier}: what happened between two snapshots. */
        public Snapshot minus(Snapshot earlier) {
            long[] n = nanos.clone(), c = calls.clone();
            for (int i = 0; i < n.length; i++) {
                n[i] -= earlier.nanos[i];
                c[i] -= earlier.calls[i];
            }
            return new Snapshot(n, c);
        }
    }
}
