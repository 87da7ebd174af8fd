package io.github.basis4j.simd.spi;

/**
 * Registers the Vector API backend. It is available only when {@code jdk.incubator.vector} is in the
 * boot layer ({@code --add-modules jdk.incubator.vector}); this class never touches the module's
 * classes itself, and creates the backend reflectively (as Lucene's VectorizationProvider does), so it
 * loads safely where the module is absent.
 */
public final class VectorBackendProvider implements BackendProvider {
    private static final String MODULE = "jdk.incubator.vector";
    private static final String BACKEND_CLASS = "io.github.basis4j.simd.panama.PanamaBackend";

    @Override public String name() { return "vector"; }
    @Override public int rank() { return 100; }

    @Override
    public boolean isAvailable() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    @Override
    public String unavailableReason() {
        return isAvailable() ? "" : "the Vector API module is not loaded; run java with --add-modules " + MODULE
                + " (./basis4j does) for the vectorised kernels";
    }

    @Override
    public Backend create() {
        try {
            return (Backend) Class.forName(BACKEND_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("basis4j: cannot create the vector backend " + BACKEND_CLASS, e);
        }
    }
}
