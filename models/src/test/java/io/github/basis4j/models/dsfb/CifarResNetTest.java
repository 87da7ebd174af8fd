package io.github.basis4j.models.dsfb;

import static io.github.basis4j.models.dsfb.InitAssertions.assertMoments;
import static io.github.basis4j.models.dsfb.InitAssertions.assertOrthonormal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Forward shapes, initialisation, train/eval behaviour and gradients of the CIFAR ResNets. */
class CifarResNetTest {
    /** Tied and untied blocks differ only in the order float gradients are summed. */
    private static final double UNTIED_RTOL = 1e-5, UNTIED_ATOL = 1e-6;
    /** Eval-mode logits of one image alone or within a batch: the same arithmetic but GEMM blocking may differ. */
    private static final double BATCH_RTOL = 1e-5, BATCH_ATOL = 1e-6;

    private static Variable input(int n, int h, int w, int c, long seed) {
        return Variable.constant(Tensor.of(Numerics.randomFloats(n * h * w * c, seed), n, h, w, c));
    }

    @Test
    void cifarBatchGivesLogitsPerImage() {
        CifarResNet m = Cifar10ResNets.ResNet20();
        Variable y = m.forward(input(2, 32, 32, 3, 1));
        assertThat(y.shape().dims()).containsExactly(2, 10);
        for (float v : y.value().toArray()) assertThat(Float.isFinite(v)).isTrue();
    }

    @Test
    void fashionMnistBatchFlows28To14To7() {
        ModelOptions gray = ModelOptions.builder().optInChannels(1).build();
        CifarResNet m = Cifar10ResNets.create("ResNet32_DoubleShared", gray);
        assertThat(m.stateDict().get("conv1.weight").shape().dims()).containsExactly(16, 1, 3, 3);
        assertThat(m.forward(input(2, 28, 28, 1, 2)).shape().dims()).containsExactly(2, 10);
        // Stage by stage: the stride-2 entry blocks halve 28 → 14 → 7 on both branches (conv and option A).
        Variable x = input(2, 28, 28, 16, 3);
        int[][] expected = {{2, 28, 28, 16}, {2, 14, 14, 32}, {2, 7, 7, 64}};
        for (int s = 0; s < 3; s++) {
            x = m.stages().get(s).layer().forward(x);
            assertThat(x.shape().dims()).as("stage %d", s + 1).containsExactly(expected[s]);
        }
    }

    @Test
    void oddMapsShrinkByCeilingOnBothBranches() {
        CifarResNet m = CifarResNet.builder().setSharing(Sharing.SINGLE_SHARED).setNumBlocks(2, 2, 2).optSharedRank(2).optUniqueRank(1)
                .optNumClasses(4).build();
        assertThat(m.forward(input(2, 7, 9, 3, 4)).shape().dims()).containsExactly(2, 4);
    }

    @Test
    void forwardRejectsWrongChannels() {
        CifarResNet m = Cifar10ResNets.ResNet20();
        assertThatThrownBy(() -> m.forward(input(1, 28, 28, 1, 5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[n, h, w, 3]").hasMessageContaining("[1, 28, 28, 1]");
    }

    @Test
    void stageSharedBasesAreOrthogonalisedJointly() {
        for (CifarResNet m : List.of(Cifar10ResNets.ResNet32_DoubleShared(16, 1), Cifar10ResNets.ResNet32_SharedOnly(16))) {
            for (CifarResNet.Stage s : m.stages()) {
                Tensor a = s.sharedBases().get(0).weight().value(), b = s.sharedBases().get(1).weight().value();
                // Rows of [a; b] orthonormal: within each basis and, the joint draw's mark, across the two.
                assertOrthonormal(a, a, true);
                assertOrthonormal(b, b, true);
                assertOrthonormal(a, b, false);
            }
        }
    }

    @Test
    void singleSharedBasisIsOrthogonalOnItsOwn() {
        for (CifarResNet.Stage s : Cifar10ResNets.ResNet32_SingleShared(16, 1).stages()) {
            Tensor a = s.sharedBases().get(0).weight().value();
            assertOrthonormal(a, a, true);
        }
    }

    @Test
    void convolutionsAreKaimingNormalFanOutAndNormsAreIdentity() {
        CifarResNet m = Cifar10ResNets.ResNet56_DoubleShared(16, 1);
        // std = √2/√fan_out: a 3×3 conv to 64 channels has fan_out 576, a 1×1 coefficient conv to 64 has 64.
        assertMoments(m.stateDict().get("layer3.0.conv2.weight"), Math.sqrt(2.0 / 576));
        Tensor coeff = m.stateDict().get("layer3.1.coeff_conv1.weight");
        assertMoments(coeff, Math.sqrt(2.0 / 64));
        InitAssertions.assertNormsAreIdentity(m);
        double bound = 1 / Math.sqrt(64);
        for (float v : m.stateDict().get("fc.bias").toArray()) assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
    }

    @Test
    void seedDeterminesWeights() {
        ModelOptions a = ModelOptions.builder().optSeed(5).build();
        Tensor w1 = Cifar10ResNets.create("ResNet32_SingleShared", a).stateDict().get("layer2.1.coeff_conv2.weight");
        Tensor w2 = Cifar10ResNets.create("ResNet32_SingleShared", a).stateDict().get("layer2.1.coeff_conv2.weight");
        Tensor w3 = Cifar10ResNets.create("ResNet32_SingleShared", ModelOptions.builder().optSeed(6).build()).stateDict()
                .get("layer2.1.coeff_conv2.weight");
        Numerics.assertBitIdentical("same seed", w1.toArray(), w2.toArray());
        assertThat(w3.toArray()).isNotEqualTo(w1.toArray());
    }

    private static CifarResNet tiny(Sharing sharing) {
        return CifarResNet.builder().setSharing(sharing).setNumBlocks(3, 2, 2).optSharedRank(2).optUniqueRank(sharing.hasUniqueBases() ? 1 : 0)
                .optNumClasses(3).optInChannels(1).optSeed(3).build();
    }

    @Test
    void evalUsesRunningStatisticsAndTrainUsesTheBatch() {
        CifarResNet m = tiny(Sharing.DOUBLE_SHARED);
        Variable batch = input(3, 8, 8, 1, 6);
        Variable first = Variable.constant(batch.value().slice(0, 1).copy());
        BatchNorm2d bn = (BatchNorm2d) m.namedModules().get("layer2.1.basis_bn1");

        m.train();
        for (Module mod : m.namedModules().values()) assertThat(mod.isTraining()).isTrue();
        float[] trainBatch = m.forward(batch).value().slice(0, 1).toArray();
        float[] trainAlone = m.forward(first).value().toArray();
        // Batch statistics: the first image's logits depend on the other images.
        assertThat(trainAlone).isNotEqualTo(trainBatch);
        assertThat(bn.numBatchesTracked()).isEqualTo(2);
        float[] running = bn.runningMean().toArray();
        assertThat(running).isNotEqualTo(new float[running.length]);

        m.eval();
        for (Module mod : m.namedModules().values()) assertThat(mod.isTraining()).isFalse();
        try (NoGrad ignored = NoGrad.enter()) {
            Variable yb = m.forward(batch);
            assertThat(yb.gradFn()).isNull();
            float[] evalBatch = yb.value().slice(0, 1).toArray();
            float[] evalAlone = m.forward(first).value().toArray();
            // Running statistics: each image is classified on its own.
            Numerics.assertClose("eval logits of image 0", evalBatch, evalAlone, BATCH_RTOL, BATCH_ATOL);
        }
        assertThat(bn.numBatchesTracked()).isEqualTo(2);
        assertThat(bn.runningMean().toArray()).isEqualTo(running);
    }

    /**
     * Two chained basis blocks sharing their bases against the same blocks with untied copies of equal
     * weights: the shared basis's gradient must be the sum of the copies' (each block uses a double-shared
     * basis once, a single-shared one twice). Only the summation order differs.
     */
    @Test
    void sharedBasisGradientIsTheSumOverEveryUse() {
        for (Sharing sharing : List.of(Sharing.DOUBLE_SHARED, Sharing.SINGLE_SHARED, Sharing.SHARED_ONLY)) {
            int planes = 8, rank = 3, unique = sharing.hasUniqueBases() ? 1 : 0;
            Rng rng = Rng.of(21);
            List<Conv2d> tied = bases(sharing, planes, rank, rng);
            BasisBlock a1 = new BasisBlock(sharing, planes, tied, unique, rng), a2 = new BasisBlock(sharing, planes, tied, unique, rng);
            List<Conv2d> copy1 = bases(sharing, planes, rank, rng), copy2 = bases(sharing, planes, rank, rng);
            BasisBlock b1 = new BasisBlock(sharing, planes, copy1, unique, rng), b2 = new BasisBlock(sharing, planes, copy2, unique, rng);
            b1.loadStateDict(a1.stateDict(), true);
            b2.loadStateDict(a2.stateDict(), true);

            Variable x = input(2, 5, 5, planes, 13);
            Tensor r = Tensor.of(Numerics.randomFloats(2 * 5 * 5 * planes, 14), 2, 5, 5, planes);
            a2.forward(a1.forward(x)).backward(r.copy());
            b2.forward(b1.forward(x)).backward(r.copy());
            Numerics.assertClose("untied forward", a2.forward(a1.forward(x)).value().toArray(), b2.forward(b1.forward(x)).value().toArray(), UNTIED_RTOL, UNTIED_ATOL);
            for (int k = 0; k < tied.size(); k++) {
                float[] sum = copy1.get(k).weight().grad().toArray();
                float[] second = copy2.get(k).weight().grad().toArray();
                for (int i = 0; i < sum.length; i++) sum[i] += second[i];
                Numerics.assertClose(sharing + " shared basis " + k + " gradient", sum, tied.get(k).weight().grad().toArray(), UNTIED_RTOL, UNTIED_ATOL);
            }
        }
    }

    private static List<Conv2d> bases(Sharing sharing, int planes, int rank, Rng rng) {
        List<Conv2d> out = new ArrayList<>();
        for (int i = 0; i < sharing.sharedBasesPerStage(); i++) out.add(new Conv2d(planes, rank, 3, 1, 1, false, rng));
        return out;
    }

    /**
     * Central differences in float through the whole network at the last stage's shared basis (three
     * blocks, two of them using it). Steps of 1e-3 beat float rounding of the logits; a step can still
     * flip a ReLU or two, so most elements must agree tightly and every one roughly.
     */
    private static final float MODEL_FD_STEP = 1e-3f;
    private static final double MODEL_TIGHT = 0.02, MODEL_LOOSE = 0.15, MODEL_TIGHT_SHARE = 0.9;
    /** Every 53rd of the 2304 basis elements: about 44 per variant, spread over filters and taps (53 is prime). */
    private static final int MODEL_FD_STRIDE = 53;

    @Test
    void wholeModelGradientOfASharedBasisMatchesFiniteDifferences() {
        for (Sharing sharing : List.of(Sharing.DOUBLE_SHARED, Sharing.SINGLE_SHARED, Sharing.SHARED_ONLY)) {
            CifarResNet m = CifarResNet.builder().setSharing(sharing).setNumBlocks(2, 2, 3).optSharedRank(2)
                    .optUniqueRank(sharing.hasUniqueBases() ? 1 : 0).optNumClasses(3).optInChannels(1).optSeed(3).build();
            Variable x = input(2, 8, 8, 1, 8);
            float[] r = Numerics.randomFloats(2 * 3, 9);
            m.zeroGrad();
            m.forward(x).backward(Tensor.of(r.clone(), 2, 3));
            Parameter basis = m.stages().get(2).sharedBases().get(0).weight();
            float[] analytic = basis.grad().toArray();
            float[] w = basis.value().data();
            int off = basis.value().offset();
            double maxAbs = 0;
            for (float g : analytic) maxAbs = Math.max(maxAbs, Math.abs(g));
            assertThat(maxAbs).as("%s shared basis gradient", sharing).isGreaterThan(1e-3);
            int tight = 0, total = 0;
            for (int i = 0; i < basis.value().size(); i += MODEL_FD_STRIDE) {
                float wi = w[off + i];
                w[off + i] = wi + MODEL_FD_STEP;
                double fp = weighted(m.forward(x).value(), r);
                w[off + i] = wi - MODEL_FD_STEP;
                double fm = weighted(m.forward(x).value(), r);
                w[off + i] = wi;
                double err = Math.abs((fp - fm) / (2 * MODEL_FD_STEP) - analytic[i]) / maxAbs;
                assertThat(err).as("%s d loss / d shared_basis_3[%d], error relative to the largest gradient", sharing, i).isLessThan(MODEL_LOOSE);
                if (err < MODEL_TIGHT) tight++;
                total++;
            }
            assertThat((double) tight / total).as("%s share of elements within %s", sharing, MODEL_TIGHT).isGreaterThanOrEqualTo(MODEL_TIGHT_SHARE);
        }
    }

    private static double weighted(Tensor y, float[] r) {
        double s = 0;
        for (int i = 0; i < r.length; i++) s += (double) r[i] * y.get(i);
        return s;
    }

    @Test
    void everyParameterGetsAGradient() {
        CifarResNet m = tiny(Sharing.DOUBLE_SHARED);
        m.zeroGrad();
        m.forward(input(2, 8, 8, 1, 10)).backward(Tensor.of(Numerics.randomFloats(6, 11), 2, 3));
        for (var e : m.namedParameters().entrySet()) assertThat(e.getValue().grad()).as(e.getKey()).isNotNull();
    }

    @Test
    void builderRejectsBadConfigurations() {
        assertThatThrownBy(() -> CifarResNet.builder().setNumBlocks(3, 3, 3).build()).hasMessageContaining("setSharing");
        assertThatThrownBy(() -> CifarResNet.builder().setSharing(Sharing.NONE).setNumBlocks(3, 3).build()).hasMessageContaining("3 stages");
        assertThatThrownBy(() -> CifarResNet.builder().setSharing(Sharing.DOUBLE_SHARED).setNumBlocks(1, 3, 3).optSharedRank(2).optUniqueRank(1).build())
                .hasMessageContaining("at least 2 blocks");
        assertThatThrownBy(() -> CifarResNet.builder().setSharing(Sharing.DOUBLE_SHARED).setNumBlocks(3, 3, 3).optUniqueRank(1).build())
                .hasMessageContaining("sharedRank >= 1");
        assertThatThrownBy(() -> CifarResNet.builder().setSharing(Sharing.SHARED_ONLY).setNumBlocks(3, 3, 3).optSharedRank(2).optUniqueRank(1).build())
                .hasMessageContaining("no use for uniqueRank");
        assertThatThrownBy(() -> CifarResNet.builder().setSharing(Sharing.NONE).setNumBlocks(3, 3, 3).optInChannels(0).build())
                .hasMessageContaining("inChannels");
    }

    @Test
    void optionBShortcutAddsAProjection() {
        CifarResNet m = CifarResNet.builder().setSharing(Sharing.NONE).setNumBlocks(1, 1, 1).optShortcut(Shortcut.B).build();
        assertThat(m.stateDict().get("layer2.0.shortcut.0.weight").shape().dims()).containsExactly(32, 16, 1, 1);
        assertThat(m.stateDict()).containsKey("layer2.0.shortcut.1.running_var").doesNotContainKey("layer1.0.shortcut.0.weight");
        assertThat(m.forward(input(2, 8, 8, 3, 12)).shape().dims()).containsExactly(2, 10);
        Conv2d proj = (Conv2d) m.namedModules().get("layer3.0.shortcut.0");
        assertThat(proj.params().strideH()).isEqualTo(2);
    }
}
