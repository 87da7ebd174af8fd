package io.github.basis4j.simd.panama;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one float species every Panama kernel uses, fixed at class initialisation so the JIT sees a
 * constant (the Vector API only compiles to SIMD instructions when the species is a constant).
 *
 * <p>Default: the platform's preferred shape (512 bits on AVX-512). {@code -Dbasis4j.vectorBits=128|256|512}
 * forces a narrower one, which is how the tests prove every kernel correct at every width.
 */
public final class PanamaSpecies {
    /** The species of all float kernels. */
    public static final VectorSpecies<Float> FLOAT = choose();

    /** Lanes of {@link #FLOAT}. */
    public static final int LANES = FLOAT.length();

    private PanamaSpecies() {
    }

    private static VectorSpecies<Float> choose() {
        String p = System.getProperty("basis4j.vectorBits");
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (p == null || p.isBlank()) return preferred;
        int bits;
        try {
            bits = Integer.parseInt(p.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dbasis4j.vectorBits must be 128, 256 or 512, got '" + p + "'");
        }
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("-Dbasis4j.vectorBits must be 128, 256 or 512, got " + bits);
        }
        if (bits > preferred.vectorBitSize()) {
            throw new IllegalArgumentException("-Dbasis4j.vectorBits=" + bits + " exceeds this CPU's preferred vector width of "
                    + preferred.vectorBitSize() + " bits");
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }
}
