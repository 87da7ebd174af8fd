package io.github.basis4j.simd.testing;

import io.github.basis4j.simd.spi.Backend;
import io.github.basis4j.simd.spi.Backends;

/**
 * The two backends a twin-parity test compares: the scalar oracle and the backend under test (the
 * current one, which is the Vector API backend unless {@code -Dbasis4j.backend=scalar} forces scalar).
 * Under the scalar run both sides are scalar and the tests still check the oracle against naive loops.
 */
public final class BackendPair {
    private BackendPair() {
    }

    public static Backend oracle() {
        return Backends.scalar();
    }

    public static Backend underTest() {
        return Backends.current();
    }
}
