package io.github.basis4j.simd.scalar;

import io.github.basis4j.simd.spi.Backend;
import io.github.basis4j.simd.spi.BackendProvider;

/** Registers the scalar backend: always available, lowest rank. */
public final class ScalarBackendProvider implements BackendProvider {
    @Override public String name() { return "scalar"; }
    @Override public int rank() { return 0; }
    @Override public boolean isAvailable() { return true; }
    @Override public String unavailableReason() { return ""; }
    @Override public Backend create() { return new ScalarBackend(); }
}
