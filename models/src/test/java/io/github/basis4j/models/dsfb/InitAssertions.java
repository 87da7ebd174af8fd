package io.github.basis4j.models.dsfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Tensor;
import java.util.stream.IntStream;

/** Checks of the reference initialisation ({@link ReferenceInit}) that the DSFB model tests share. */
final class InitAssertions {
    /** Orthogonal initialisation runs in double and rounds to float: Gram entries within float rounding of δ_ij. */
    static final double ORTHO_TOL = 1e-5;

    private InitAssertions() {
    }

    /** t's sample mean is about 0 and its sample standard deviation about {@code std}. */
    static void assertMoments(Tensor t, double std) {
        double s = 0, s2 = 0;
        int n = t.size();
        for (int i = 0; i < n; i++) {
            s += t.get(i);
            s2 += (double) t.get(i) * t.get(i);
        }
        double mean = s / n, sd = Math.sqrt(s2 / n - mean * mean);
        // Over the thousands of draws of the tensors checked (≥ 4352) the sample std is within a few percent of the true one.
        assertThat(sd).as("std of %s", t.shape()).isCloseTo(std, within(0.06 * std));
        assertThat(mean).as("mean of %s", t.shape()).isCloseTo(0, within(0.06 * std));
    }

    /** Every batch norm of {@code model} starts as the identity: weight 1, bias 0. */
    static void assertNormsAreIdentity(Module model) {
        for (Module mod : model.namedModules().values()) {
            if (mod instanceof BatchNorm2d bn) {
                for (float v : bn.weight().value().toArray()) assertThat(v).isEqualTo(1f);
                for (float v : bn.bias().value().toArray()) assertThat(v).isEqualTo(0f);
            }
        }
    }

    /** {@link #assertOrthonormal(Tensor, Tensor, boolean, int[])} over every index of the semi-orthogonal side. */
    static void assertOrthonormal(Tensor a, Tensor b, boolean same) {
        int r = a.dim(0), d = a.size() / r;
        assertOrthonormal(a, b, same, IntStream.range(0, Math.min(r, d)).toArray());
    }

    /**
     * The Gram entries over {@code indices}: rows of the flattened {@code [r, d]} weights when r ≤ d, columns
     * otherwise (the semi-orthogonal side), δ_ij when {@code same}, 0 otherwise.
     */
    static void assertOrthonormal(Tensor a, Tensor b, boolean same, int[] indices) {
        int r = a.dim(0), d = a.size() / r;
        boolean rows = r <= d;
        int len = rows ? d : r, stride = rows ? 1 : d;
        for (int i : indices) {
            for (int j : indices) {
                int baseI = rows ? i * d : i, baseJ = rows ? j * d : j;
                double g = 0;
                for (int k = 0; k < len; k++) g += (double) a.get(baseI + k * stride) * b.get(baseJ + k * stride);
                assertThat(g).as("%s %d · %d of %s", rows ? "rows" : "columns", i, j, a.shape()).isCloseTo(same && i == j ? 1 : 0, within(ORTHO_TOL));
            }
        }
    }
}
