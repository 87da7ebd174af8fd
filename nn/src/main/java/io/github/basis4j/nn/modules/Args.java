package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.init.Rng;

/** Constructor argument checks shared by several layers; messages name the layer and the argument. */
final class Args {
    private Args() {
    }

    static Rng requireRng(String op, Rng rng) {
        if (rng == null) throw new IllegalArgumentException(op + ": rng must not be null (pass a seeded Rng.of(seed))");
        return rng;
    }

    static double probability(String op, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(op + ": p must be in [0, 1], got " + p);
        return p;
    }
}
