package io.github.basis4j.simd.panama;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sums of a vector's lanes in one fixed order, for the kernels that promise the same bits on every run and
 * for every thread count.
 *
 * <p>Why not {@code reduceLanes(VectorOperators.ADD)}: the Vector API leaves the association order of a
 * floating-point lane reduction open, and in practice the Java fallback (interpreter, C1) adds the lanes in
 * order while the C2 intrinsic adds them as a tree. A kernel running partly before and partly after its
 * compilation, as happens when two threads split its work during warm-up, then gives results a few ulp
 * apart (seen: the narrow convolution tiles, 1 against 2 threads). Here the order is a butterfly, written
 * with lane-wise adds and lane permutations only, whose results do not depend on how they are executed:
 * at step s = L/2, L/4, …, 1 lane i takes {@code v[i] + v[i xor s]}, after which every lane holds the sum.
 */
final class PanamaLanes {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    /** Butterfly partners at distance 8, 4, 2, 1; a distance the species is too narrow for maps each lane to itself (unused). */
    private static final VectorShuffle<Float> F8 = butterfly(F, 8), F4 = butterfly(F, 4), F2 = butterfly(F, 2), F1 = butterfly(F, 1);
    private static final VectorShuffle<Double> D4 = butterfly(D, 4), D2 = butterfly(D, 2), D1 = butterfly(D, 1);

    private PanamaLanes() {
    }

    private static <E> VectorShuffle<E> butterfly(VectorSpecies<E> species, int distance) {
        int lanes = species.length();
        return VectorShuffle.fromOp(species, i -> distance < lanes ? i ^ distance : i);
    }

    /** The sum of v's lanes, in the butterfly order of the class comment. */
    static float sum(FloatVector v) {
        int lanes = F.length();
        if (lanes > 8) v = v.add(v.rearrange(F8));
        if (lanes > 4) v = v.add(v.rearrange(F4));
        if (lanes > 2) v = v.add(v.rearrange(F2));
        return v.add(v.rearrange(F1)).lane(0);
    }

    /** The sum of v's lanes (v of the double species with {@link PanamaSpecies#FLOAT}'s shape), in the butterfly order. */
    static double sum(DoubleVector v) {
        int lanes = D.length();
        if (lanes > 4) v = v.add(v.rearrange(D4));
        if (lanes > 2) v = v.add(v.rearrange(D2));
        return v.add(v.rearrange(D1)).lane(0);
    }
}
