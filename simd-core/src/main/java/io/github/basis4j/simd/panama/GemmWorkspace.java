package io.github.basis4j.simd.panama;

/**
 * Per-thread scratch for {@link PanamaGemm}: the packed B block of the tile a thread is working on, an
 * accumulator spill buffer, a contiguous copy of a strided vector, and the partial products of a k-split.
 *
 * <p>Each thread (the caller or a {@code Parallel} worker) owns one workspace, so panels are never
 * shared and never allocated per call: a buffer grows to the largest block the thread has seen and is
 * then reused. The panel sizes are bounded by the tile and k-block sizes of {@link PanamaGemm} (a few
 * hundred KiB per thread); the partial products of a k-split by {@link PanamaGemm#PARTIALS_BUDGET}, and
 * a shared packed B by {@link PanamaGemm#SHARED_B_MAX_FLOATS}.
 */
final class GemmWorkspace {
    private static final ThreadLocal<GemmWorkspace> CURRENT = ThreadLocal.withInitial(GemmWorkspace::new);

    private float[] bPanels = new float[0];
    private float[] accumulators = new float[0];
    private float[] partials = new float[0];
    private float[] vector = new float[0];
    private float[] sharedB = new float[0];

    private GemmWorkspace() {
    }

    /** This thread's workspace. */
    static GemmWorkspace get() {
        return CURRENT.get();
    }

    /** A buffer of at least {@code size} floats for packed B; its contents are unspecified. */
    float[] bPanels(int size) {
        if (bPanels.length < size) bPanels = new float[size];
        return bPanels;
    }

    /** A buffer of at least {@code size} floats for one micro-kernel's accumulator tile. */
    float[] accumulators(int size) {
        if (accumulators.length < size) accumulators = new float[size];
        return accumulators;
    }

    /**
     * A buffer of at least {@code size} floats for the per-depth-chunk partial products of a k-split
     * product; taken by the calling thread and written by the workers, each into its own slice.
     */
    float[] partials(int size) {
        if (partials.length < size) partials = new float[size];
        return partials;
    }

    /**
     * A buffer of at least {@code size} floats for the whole of op(B) packed once per call and read by every
     * tile ({@link PanamaGemm#SHARED_B_MAX_FLOATS} at most); taken by the calling thread, packed by the
     * workers into disjoint panels, then only read.
     */
    float[] sharedB(int size) {
        if (sharedB.length < size) sharedB = new float[size];
        return sharedB;
    }

    /** A buffer of at least {@code size} floats for a strided vector copied contiguous. */
    float[] vector(int size) {
        if (vector.length < size) vector = new float[size];
        return vector;
    }
}
