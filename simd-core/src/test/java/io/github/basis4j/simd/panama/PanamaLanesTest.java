package io.github.basis4j.simd.panama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PanamaLanes} adds lanes in its documented butterfly order, exactly, at every vector width the suite
 * runs (512, 256, 128 bits). In the suite's run without the incubator module, where no Panama class can load,
 * the class-level assumption skips it (surefire counts 0 tests there).
 */
class PanamaLanesTest {
    @BeforeAll
    static void needsTheVectorModule() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the jdk.incubator.vector module is not loaded in this run");
    }

    /** The butterfly of the class comment in plain Java: at distance s = n/2 … 1, a[i] ← a[i] + a[i xor s]; returns lane 0. */
    private static double butterfly(double[] a, boolean inFloat) {
        double[] v = a.clone();
        for (int s = v.length / 2; s >= 1; s /= 2) {
            double[] next = new double[v.length];
            for (int i = 0; i < v.length; i++) next[i] = inFloat ? (float) v[i] + (float) v[i ^ s] : v[i] + v[i ^ s];
            v = next;
        }
        return v[0];
    }

    @Test
    void floatSumFollowsTheButterflyOrderBitForBit() {
        VectorSpecies<Float> f = PanamaSpecies.FLOAT;
        SplittableRandom random = new SplittableRandom(7);
        int orderMattered = 0;
        for (int trial = 0; trial < 2000; trial++) {
            float[] lanes = new float[f.length()];
            double[] asDouble = new double[lanes.length];
            double inOrder = 0;
            float sequential = 0f;
            for (int i = 0; i < lanes.length; i++) {
                // Magnitudes spread over six decades, so different association orders round differently.
                lanes[i] = (float) ((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(6)));
                asDouble[i] = lanes[i];
                inOrder += lanes[i];
                sequential += lanes[i];
            }
            float got = PanamaLanes.sum(FloatVector.fromArray(f, lanes, 0));
            assertThat(got).as("trial %d", trial).isEqualTo((float) butterfly(asDouble, true));
            assertThat((double) got).isCloseTo(inOrder, within(1e-5 * 1e5 * lanes.length));
            if (got != sequential) orderMattered++;
        }
        // The test data must be able to tell a lane-order sum from the butterfly, or the first assertion proves nothing.
        assertThat(orderMattered).isPositive();
    }

    @Test
    void doubleSumFollowsTheButterflyOrderBitForBit() {
        VectorSpecies<Double> d = VectorSpecies.of(double.class, PanamaSpecies.FLOAT.vectorShape());
        SplittableRandom random = new SplittableRandom(11);
        int orderMattered = 0;
        for (int trial = 0; trial < 2000; trial++) {
            double[] lanes = new double[d.length()];
            double sequential = 0;
            for (int i = 0; i < lanes.length; i++) {
                lanes[i] = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(12));
                sequential += lanes[i];
            }
            double got = PanamaLanes.sum(DoubleVector.fromArray(d, lanes, 0));
            assertThat(got).as("trial %d", trial).isEqualTo(butterfly(lanes, false));
            if (got != sequential) orderMattered++;
        }
        // Two lanes (128 bits) have one order only; wider vectors must show the data can tell orders apart.
        if (d.length() > 2) assertThat(orderMattered).isPositive();
    }
}
