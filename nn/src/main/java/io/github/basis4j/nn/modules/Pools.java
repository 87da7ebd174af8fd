package io.github.basis4j.nn.modules;

/** Construction-time checks shared by the pooling modules, so a bad layer fails where it is built. */
final class Pools {
    private Pools() {
    }

    static void check(String op, int kernel, int stride, int padding) {
        if (kernel < 1) throw new IllegalArgumentException(op + ": kernel must be >= 1, got " + kernel);
        if (stride < 1) throw new IllegalArgumentException(op + ": stride must be >= 1, got " + stride);
        // PyTorch's rule: a window must hold at least one real element.
        if (padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException(op + ": padding must be in [0, kernel/2] = [0, " + kernel / 2 + "], got " + padding);
        }
    }
}
