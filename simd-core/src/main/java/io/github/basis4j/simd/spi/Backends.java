package io.github.basis4j.simd.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Chooses the backend once per JVM: {@code -Dbasis4j.backend=NAME} forces one (an unknown or
 * unavailable name fails loudly), otherwise the available provider of highest rank is used. When the
 * Vector API module is missing the scalar backend takes over and one line is logged with the fix.
 */
public final class Backends {
    /** The system property that forces a backend by name. */
    public static final String PROPERTY = "basis4j.backend";

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());

    private Backends() {
    }

    private static final class Holder {
        static final List<BackendProvider> PROVIDERS = loadProviders();
        static final Backend CURRENT = choose(PROVIDERS, System.getProperty(PROPERTY));
    }

    private static List<BackendProvider> loadProviders() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(list::add);
        list.sort(Comparator.comparingInt(BackendProvider::rank).reversed());
        return List.copyOf(list);
    }

    private static Backend choose(List<BackendProvider> providers, String forced) {
        if (forced != null && !forced.isBlank()) {
            String want = forced.trim();
            for (BackendProvider p : providers) {
                if (p.name().equals(want)) {
                    if (!p.isAvailable()) {
                        throw new IllegalStateException("-D" + PROPERTY + "=" + want + " is not available: " + p.unavailableReason());
                    }
                    return p.create();
                }
            }
            throw new IllegalStateException("-D" + PROPERTY + "=" + want + " names no backend; known: " + names(providers));
        }
        for (BackendProvider p : providers) {
            if (p.isAvailable()) return p.create();
            LOG.log(System.Logger.Level.INFO, "basis4j: backend ''{0}'' not used: {1}", p.name(), p.unavailableReason());
        }
        throw new IllegalStateException("basis4j: no backend available among " + names(providers));
    }

    private static String names(List<BackendProvider> providers) {
        return providers.stream().map(BackendProvider::name).collect(Collectors.joining(", ", "[", "]"));
    }

    /** The backend in use. */
    public static Backend current() {
        return Holder.CURRENT;
    }

    /** The scalar backend (always available): the oracle for twin tests. */
    public static Backend scalar() {
        return byName("scalar");
    }

    /** Whether a backend of this name is registered and available. */
    public static boolean isAvailable(String name) {
        return Holder.PROVIDERS.stream().anyMatch(p -> p.name().equals(name) && p.isAvailable());
    }

    /** A new instance of the named backend; throws naming the known backends when unknown or unavailable. */
    public static Backend byName(String name) {
        for (BackendProvider p : Holder.PROVIDERS) {
            if (p.name().equals(name)) {
                if (!p.isAvailable()) throw new IllegalStateException("backend '" + name + "' is not available: " + p.unavailableReason());
                return p.create();
            }
        }
        throw new IllegalArgumentException("backend: unknown name '" + name + "'; known: " + names(Holder.PROVIDERS));
    }
}
