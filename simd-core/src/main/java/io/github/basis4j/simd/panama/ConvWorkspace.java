package io.github.basis4j.simd.panama;

/**
 * Per-thread scratch arrays for the convolution kernels (padded images, im2col columns, pixel offsets),
 * grown on demand and reused by every later call on the same thread, so no kernel allocates per row.
 *
 * <p>Each use has its own slot, so a buffer filled by the calling thread before a parallel loop is never
 * overwritten by a chunk that happens to run on that same thread.
 */
final class ConvWorkspace {
    /** A padded copy of one image, filled by the thread that runs the chunk. */
    static final int PADDED = 0;
    /** A padded copy of a single image, filled by the caller before the parallel loop and shared by all chunks. */
    static final int PADDED_SHARED = 1;
    /** im2col / col2im columns. */
    static final int COLUMNS = 2;
    /** One band of output pixels, computed before being added into a gradient. */
    static final int BAND_OUTPUT = 3;
    /** Packed channel blocks of depthwise input rows, weights and one output row. */
    static final int DEPTHWISE = 4;
    /** Per-chunk gradient partials, filled by the caller before the parallel loop and read after it. */
    static final int PARTIALS_SHARED = 5;
    /** A narrow weight gradient summed in OHWI order by one chunk before it is added into the chunk's partial. */
    static final int NARROW_GRADIENT = 6;
    private static final int FLOAT_SLOTS = 7;

    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[FLOAT_SLOTS][0]);
    private static final ThreadLocal<int[]> INTS = ThreadLocal.withInitial(() -> new int[0]);

    private ConvWorkspace() {
    }

    /** This thread's float buffer of at least {@code size} elements in {@code slot}; contents are stale. */
    static float[] floats(int slot, int size) {
        float[][] s = FLOATS.get();
        if (s[slot].length < size) s[slot] = new float[size];
        return s[slot];
    }

    /** This thread's int buffer of at least {@code size} elements; contents are stale. */
    static int[] ints(int size) {
        int[] a = INTS.get();
        if (a.length < size) {
            a = new int[size];
            INTS.set(a);
        }
        return a;
    }
}
