package io.github.basis4j.fft;

/**
 * Per-thread scratch arrays. Chunks' scratch ({@link #get}): a chunk asks once for the floats it needs,
 * gets this thread's array (grown when too small, never shrunk), and uses it for every row or strip
 * it handles, so rows and columns never allocate.
 *
 * <p>Safe because a chunk body runs start to finish on one thread and never starts another chunk
 * that would use the same array: {@code Parallel}'s threads take the next chunk only between chunk
 * bodies, and a nested parallel loop runs inline after the body's own use of the scratch is over. The array's
 * contents never reach the results before being overwritten, so reuse does not affect determinism.
 */
final class Workspace {
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> INTERMEDIATE = ThreadLocal.withInitial(() -> new float[0]);

    private Workspace() {
    }

    /** This thread's scratch array with at least {@code floats} elements (contents undefined). */
    static float[] get(int floats) {
        float[] a = SCRATCH.get();
        if (a.length < floats) {
            a = new float[floats];
            SCRATCH.set(a);
        }
        return a;
    }

    /**
     * The calling thread's array for a transform's intermediate spectrum (between the column and row
     * passes of an inverse transform, or the spectrum a forward adjoint adds into the gradient), at
     * least {@code floats} long. A separate slot from {@link #get}: the caller holds it across its
     * parallel loops, whose chunk bodies, if they run on this same thread, use {@link #get} only.
     * The array is kept for the next call of the same thread, so repeated transforms do not
     * allocate and zero a fresh spectrum on one thread each time.
     */
    static float[] intermediate(int floats) {
        float[] a = INTERMEDIATE.get();
        if (a.length < floats) {
            a = new float[floats];
            INTERMEDIATE.set(a);
        }
        return a;
    }
}
