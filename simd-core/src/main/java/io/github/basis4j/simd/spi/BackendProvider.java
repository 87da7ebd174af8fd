package io.github.basis4j.simd.spi;

/**
 * Finds and creates a {@link Backend}; registered in {@code META-INF/services}. The highest-ranked
 * available provider wins unless {@code -Dbasis4j.backend=NAME} names one.
 */
public interface BackendProvider {
    /** The name {@code -Dbasis4j.backend} selects it by. */
    String name();

    /** Higher wins among available providers. */
    int rank();

    /**
     * Whether this backend can run in this JVM; when not, {@link #unavailableReason()} says why and
     * how to fix it. Must not load classes that need a missing module.
     */
    boolean isAvailable();

    /** Why {@link #isAvailable()} is false, with the fix; empty when available. */
    String unavailableReason();

    /** Creates the backend; called once, only when available. */
    Backend create();
}
