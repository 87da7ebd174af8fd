package io.github.basis4j.fft;

/**
 * Per-thread scratch arrays for the transforms' chunks: a chunk asks once for the floats it needs,
 * gets this thread's array (grown when too small, never shrunk), and uses it for every row or strip
 * it handles, so rows and columns never allocate.
 *
 * <p>Safe because a chunk body runs start to finish on one thread and never starts another chunk
 * that would use the same array: {@code Parallel} only steals work between chunk bodies, and a
 * nested parallel loop runs inline after the body's own use of the scratch is over. The array's
 * contents never reach the results before being overwritten, so reuse does not affect determinism.
 */
final class Workspace {
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

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
}
