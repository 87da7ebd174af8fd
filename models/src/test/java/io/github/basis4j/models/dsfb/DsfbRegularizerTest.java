package io.github.basis4j.models.dsfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The regulariser against a direct transcription, in double, of the reference's training loop
 * ({@code train_cifar10.py}: {@code train_basis_double} / {@code _single} / {@code _sharedonly}): value and
 * finite-difference gradient.
 */
class DsfbRegularizerTest {
    /** Float Gram sums over up to 64·9-long rows against a double loop: a few float ulps of relative error. */
    private static final double VALUE_RTOL = 1e-5;
    /** Central differences in double of a quartic are exact up to h² terms; the analytic side is float. */
    private static final double GRAD_RTOL = 1e-3, GRAD_ATOL = 1e-6;
    private static final double FD_STEP = 1e-4;
    private static final int FD_STRIDE = 37;

    /** A DoubleShared net small enough for finite differences over every basis element. */
    private static CifarResNet tiny(Sharing sharing, int shared, int unique) {
        CifarResNet m = CifarResNet.builder().setSharing(sharing).setNumBlocks(3, 2, 2).optSharedRank(shared).optUniqueRank(unique)
                .optSeed(7).build();
        perturbBases(m, 11);
        return m;
    }

    /** Moves every basis away from its initialisation so no Gram term is zero by construction. */
    private static void perturbBases(CifarResNet m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Parameter p : bases(m, true)) {
            float[] d = p.value().data();
            for (int i = 0; i < d.length; i++) d[i] += (float) (0.05 * (r.nextDouble() - 0.5));
        }
    }

    /** The reference's per-stage bases in its stacking order, as parameters (possibly repeated per stage). */
    private static List<Parameter> bases(CifarResNet m, boolean withUnique) {
        List<Parameter> out = new ArrayList<>();
        for (CifarResNet.Stage s : m.stages()) out.addAll(stageBases(s, withUnique));
        return out;
    }

    private static List<Parameter> stageBases(CifarResNet.Stage s, boolean withUnique) {
        List<Parameter> out = new ArrayList<>();
        for (Conv2d c : s.sharedBases()) out.add(c.weight());
        if (withUnique) {
            // layer[i].basis_conv1, layer[i].basis_conv2 for i = 1 .. len(layer) - 1
            for (int i = 1; i < s.layer().size(); i++) {
                BasisBlock b = (BasisBlock) s.layer().get(i);
                for (Conv2d u : b.uniqueBases()) out.add(u.weight());
            }
        }
        return out;
    }

    /**
     * The reference's loop, literally: per stage B = cat(bases).view(A, -1), D = (B·Bᵀ − I)², then
     * sim += ΣD[0:S, :] and the unique diagonal blocks (or ΣD[0:S, 0:S] without unique rows),
     * cnt likewise; λ·sim/cnt. Values are read from {@code values} (the flattened parameters, in order).
     */
    private static double referencePenalty(CifarResNet m, boolean withUnique, double lambda, double[] values) {
        double sim = 0, cnt = 0;
        int pos = 0;
        for (CifarResNet.Stage s : m.stages()) {
            int shared = 0;
            for (Conv2d c : s.sharedBases()) shared += c.outChannels();
            List<Parameter> ps = stageBases(s, withUnique);
            int all = 0, d = ps.get(0).value().size() / ps.get(0).value().dim(0);
            for (Parameter p : ps) all += p.value().dim(0);
            double[][] b = new double[all][d];
            for (int row = 0; row < all; row++) for (int k = 0; k < d; k++) b[row][k] = values[pos + row * d + k];
            pos += all * d;
            double[][] dm = new double[all][all];
            for (int i = 0; i < all; i++) {
                for (int j = 0; j < all; j++) {
                    double g = 0;
                    for (int k = 0; k < d; k++) g += b[i][k] * b[j][k];
                    double e = g - (i == j ? 1 : 0);
                    dm[i][j] = e * e;
                }
            }
            boolean unique = withUnique && all > shared;
            if (unique) {
                int u = ps.get(ps.size() - 1).value().dim(0);
                for (int i = 0; i < shared; i++) for (int j = 0; j < all; j++) sim += dm[i][j];
                cnt += (double) shared * all;
                for (int base = shared; base < all; base += u) {
                    for (int i = base; i < base + u; i++) for (int j = base; j < base + u; j++) sim += dm[i][j];
                    cnt += (double) u * u;
                }
            } else {
                for (int i = 0; i < shared; i++) for (int j = 0; j < shared; j++) sim += dm[i][j];
                cnt += (double) shared * shared;
            }
        }
        return lambda * sim / cnt;
    }

    private static double[] flatten(List<Parameter> ps) {
        int n = 0;
        for (Parameter p : ps) n += p.value().size();
        double[] out = new double[n];
        int pos = 0;
        for (Parameter p : ps) for (float v : p.value().toArray()) out[pos++] = v;
        return out;
    }

    @Test
    void doubleSharedValueMatchesReferenceLoop() {
        CifarResNet m = Cifar10ResNets.ResNet32_DoubleShared(16, 1);
        perturbBases(m, 3);
        DsfbRegularizer reg = DsfbRegularizer.of(m);
        double expected = referencePenalty(m, true, DsfbRegularizer.DEFAULT_LAMBDA, flatten(bases(m, true)));
        assertThat((double) reg.penalty().value().get(0)).isCloseTo(expected, withinPercentage(100 * VALUE_RTOL));
        // cnt per stage: S·A + K·U² with S = 2·16·f, U = f, K = 2·4 unique bases, f = 1, 2, 4.
        long cnt = 0;
        for (int f : new int[] {1, 2, 4}) {
            long s = 32L * f, u = f, k = 8, a = s + k * u;
            cnt += s * a + k * u * u;
        }
        assertThat(reg.count()).isEqualTo(cnt);
        assertThat(reg.lambda()).isEqualTo(10.0);
    }

    @Test
    void singleSharedAndSharedOnlyValuesMatchReferenceLoops() {
        CifarResNet single = Cifar10ResNets.ResNet32_SingleShared(16, 1);
        perturbBases(single, 4);
        assertThat((double) DsfbRegularizer.of(single).penalty().value().get(0))
                .isCloseTo(referencePenalty(single, true, 10, flatten(bases(single, true))), withinPercentage(100 * VALUE_RTOL));
        CifarResNet sharedOnly = Cifar10ResNets.ResNet32_SharedOnly(16);
        perturbBases(sharedOnly, 5);
        assertThat((double) DsfbRegularizer.of(sharedOnly).penalty().value().get(0))
                .isCloseTo(referencePenalty(sharedOnly, false, 10, flatten(bases(sharedOnly, false))), withinPercentage(100 * VALUE_RTOL));
        assertThat(DsfbRegularizer.of(sharedOnly).count()).isEqualTo(32L * 32 + 64 * 64 + 128 * 128);
    }

    @Test
    void withoutUniqueBasesOnlySharedRowsCount() {
        CifarResNet m = tiny(Sharing.DOUBLE_SHARED, 2, 1);
        DsfbRegularizer reg = DsfbRegularizer.of(m, 0.5, false);
        assertThat((double) reg.penalty().value().get(0))
                .isCloseTo(referencePenalty(m, false, 0.5, flatten(bases(m, false))), withinPercentage(100 * VALUE_RTOL));
        assertThat(reg.count()).isEqualTo(4L * 4 + 8 * 8 + 16 * 16);
    }

    @Test
    void doubleSharedGradientMatchesFiniteDifferencesOfReferenceLoop() {
        checkGradient(tiny(Sharing.DOUBLE_SHARED, 2, 1), true);
    }

    @Test
    void singleSharedGradientMatchesFiniteDifferencesOfReferenceLoop() {
        checkGradient(tiny(Sharing.SINGLE_SHARED, 2, 2), true);
    }

    /**
     * Central differences of the reference loop at every {@value #FD_STRIDE}th element of the stacked bases
     * (the stride is prime, so the samples fall on every basis and at varying positions inside filters).
     */
    private static void checkGradient(CifarResNet m, boolean withUnique) {
        List<Parameter> ps = bases(m, withUnique);
        m.zeroGrad();
        DsfbRegularizer.of(m).penalty().backward();
        double[] x = flatten(ps);
        float[] analytic = new float[x.length];
        int pos = 0;
        for (Parameter p : ps) {
            assertThat(p.grad()).as("gradient of a basis " + p.shape()).isNotNull();
            System.arraycopy(p.grad().data(), p.grad().offset(), analytic, pos, p.value().size());
            pos += p.value().size();
        }
        int checked = 0;
        for (int i = 0; i < x.length; i += FD_STRIDE) {
            double xi = x[i];
            x[i] = xi + FD_STEP;
            double fp = referencePenalty(m, withUnique, DsfbRegularizer.DEFAULT_LAMBDA, x);
            x[i] = xi - FD_STEP;
            double fm = referencePenalty(m, withUnique, DsfbRegularizer.DEFAULT_LAMBDA, x);
            x[i] = xi;
            Numerics.assertGradient("stacked basis element " + i, new double[] {(fp - fm) / (2 * FD_STEP)}, analytic, i, GRAD_RTOL, GRAD_ATOL);
            checked++;
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void modelsWithoutSharedBasesAreNotRegularised() {
        assertThat(DsfbRegularizer.appliesTo(Cifar10ResNets.ResNet20())).isFalse();
        assertThat(DsfbRegularizer.appliesTo(Cifar10ResNets.ResNet32_NonShared(1))).isFalse();
        assertThat(DsfbRegularizer.appliesTo(Cifar10ResNets.ResNet32_SharedOnly(16))).isTrue();
        assertThatThrownBy(() -> DsfbRegularizer.of(Cifar10ResNets.ResNet32_NonShared(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NON_SHARED").hasMessageContaining("no shared bases");
        CifarResNet m = tiny(Sharing.SHARED_ONLY, 2, 0);
        assertThatThrownBy(() -> DsfbRegularizer.of(m, -1, true)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lambda");
        assertThatThrownBy(() -> DsfbRegularizer.of(m, Double.NaN, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void penaltyIsAScalarVariableThatReadsCurrentValues() {
        CifarResNet m = tiny(Sharing.DOUBLE_SHARED, 2, 1);
        DsfbRegularizer reg = DsfbRegularizer.of(m);
        Variable before = reg.penalty();
        assertThat(before.value().size()).isEqualTo(1);
        Tensor w = m.stages().get(0).sharedBases().get(0).weight().value();
        w.set(0, w.get(0) + 0.5f);
        assertThat(reg.penalty().value().get(0)).isNotEqualTo(before.value().get(0));
    }
}
