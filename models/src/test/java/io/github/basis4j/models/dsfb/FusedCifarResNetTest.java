package io.github.basis4j.models.dsfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.dsfb.FusedCifarResNet.Algorithm;
import io.github.basis4j.models.dsfb.FusedCifarResNet.Kind;
import io.github.basis4j.models.dsfb.FusedCifarResNet.LayerPlan;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.Sequential;
import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Inference fusion: fused logits against the eval-mode model, the per-layer plan, multiply-add totals and refusals. */
class FusedCifarResNetTest {
    /**
     * Fused and unfused logits differ by float rounding only: folded weights round once, merged convolutions
     * sum in another order. Each logit must agree within RTOL relative, plus an absolute ATOL_SCALE times the
     * largest |logit| of its image, so that a logit near zero (cancellation) is held to the image's scale.
     */
    private static final double RTOL = 1e-5, ATOL_SCALE = 1e-5;

    private static Tensor input(int n, int h, int w, int c, long seed) {
        return Tensor.of(Numerics.randomFloats(n * h * w * c, seed), n, h, w, c);
    }

    /** Every batch norm gets non-trivial scale, shift and running statistics, then the model goes to eval mode. */
    private static <M extends Module> M randomiseNormsAndEval(M model, long seed) {
        Random r = new Random(seed);
        for (Module m : model.namedModules().values()) {
            if (m instanceof BatchNorm2d bn) {
                for (int c = 0; c < bn.numFeatures(); c++) {
                    bn.weight().value().set(c, 0.5f + r.nextFloat());
                    bn.bias().value().set(c, 0.6f * r.nextFloat() - 0.3f);
                    bn.runningMean().set(c, 0.6f * r.nextFloat() - 0.3f);
                    bn.runningVar().set(c, 0.5f + 1.5f * r.nextFloat());
                }
            }
        }
        model.eval();
        return model;
    }

    private static Tensor unfused(CifarResNet m, Tensor x) {
        try (NoGrad ignored = NoGrad.enter()) {
            return m.forward(Variable.constant(x)).value();
        }
    }

    private static void assertLogitsClose(Tensor fused, Tensor expected, String what) {
        assertThat(fused.shape()).isEqualTo(expected.shape());
        int n = expected.dim(0), k = expected.dim(1);
        for (int i = 0; i < n; i++) {
            double scale = 0;
            for (int j = 0; j < k; j++) scale = Math.max(scale, Math.abs(expected.at(i, j)));
            for (int j = 0; j < k; j++) {
                double e = expected.at(i, j), f = fused.at(i, j);
                assertThat(Math.abs(f - e)).as("%s: image %d logit %d: fused %s vs unfused %s", what, i, j, f, e)
                        .isLessThanOrEqualTo(RTOL * Math.abs(e) + ATOL_SCALE * scale);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ResNet20", "ResNet32", "ResNet32_NonShared", "ResNet32_SharedOnly", "ResNet32_SingleShared", "ResNet32_DoubleShared"})
    void fusedLogitsMatchTheEvalModel(String name) {
        CifarResNet rgb = randomiseNormsAndEval(Cifar10ResNets.create(name, ModelOptions.defaults()), 11);
        Tensor x = input(3, 32, 32, 3, 12);
        assertLogitsClose(FusedCifarResNet.fuse(rgb).forward(x), unfused(rgb, x), name + " 3×32×32×3");

        CifarResNet gray = randomiseNormsAndEval(Cifar10ResNets.create(name, ModelOptions.builder().optInChannels(1).optSeed(5).build()), 13);
        Tensor g = input(1, 28, 28, 1, 14);
        assertLogitsClose(FusedCifarResNet.fuse(gray).forward(g), unfused(gray, g), name + " 1×28×28×1");
    }

    @Test
    void optionBShortcutFoldsItsNormToo() {
        CifarResNet m = randomiseNormsAndEval(CifarResNet.builder().setSharing(Sharing.DOUBLE_SHARED).setNumBlocks(2, 2, 2).optSharedRank(3)
                .optUniqueRank(1).optShortcut(Shortcut.B).build(), 21);
        FusedCifarResNet fused = FusedCifarResNet.fuse(m);
        assertThat(fused.layerPlans()).extracting(LayerPlan::name).contains("layer2.0.shortcut", "layer3.0.shortcut");
        Tensor x = input(2, 9, 7, 3, 22);
        assertLogitsClose(fused.forward(x), unfused(m, x), "option B");
    }

    /** The rule for the 3×3 (k² = 9) basis layers: merge exactly when k²·C_in·C_out < k²·C_in·R + R·C_out. */
    private static Kind expectedKind(int cin, int rank, int cout) {
        return 9L * cin * cout < 9L * cin * rank + (long) rank * cout ? Kind.MERGED : Kind.SPLIT;
    }

    @Test
    void planMergesWhereCheaperAndSplitsWhereNot() {
        // Stage 1 has 16 channels: rank 14 costs 9·16·14 + 14·16 = 2240 < 2304 = 9·16·16 split; rank 15 costs
        // 2400 > 2304, so it merges. Ranks scale with the width, so every stage decides alike.
        assertThat(expectedKind(16, 14, 16)).isEqualTo(Kind.SPLIT);
        assertThat(expectedKind(16, 15, 16)).isEqualTo(Kind.MERGED);
        LayerPlan split = plan(Cifar10ResNets.ResNet32_SharedOnly(14), "layer1.1.conv1");
        assertThat(split.kind()).isEqualTo(Kind.SPLIT);
        assertThat(split.rank()).isEqualTo(14);
        assertThat(split.macsPerPixel()).isEqualTo(2240).isLessThan(split.mergedMacsPerPixel());
        LayerPlan merged = plan(Cifar10ResNets.ResNet32_SharedOnly(15), "layer1.1.conv1");
        assertThat(merged.kind()).isEqualTo(Kind.MERGED);
        assertThat(merged.macsPerPixel()).isEqualTo(2304).isLessThan(merged.splitMacsPerPixel());
        assertThat(merged.unfusedMacsPerPixel()).isEqualTo(2400);

        for (String name : List.of("ResNet32_NonShared", "ResNet32_SharedOnly", "ResNet32_SingleShared", "ResNet32_DoubleShared")) {
            FusedCifarResNet f = FusedCifarResNet.fuse(Cifar10ResNets.create(name, ModelOptions.defaults()).eval());
            assertThat(f.layerPlans()).as(name).hasSize(31);
            for (LayerPlan p : f.layerPlans()) {
                boolean basis = !p.name().equals("conv1") && !p.name().matches("layer\\d\\.0\\..*");
                Kind want = basis ? expectedKind(p.inChannels(), p.rank(), p.outChannels()) : Kind.PLAIN;
                assertThat(p.kind()).as("%s %s", name, p).isEqualTo(want);
                assertThat(p.macsPerPixel()).as("%s %s", name, p).isEqualTo(Math.min(p.splitMacsPerPixel(), p.mergedMacsPerPixel()));
            }
        }
        // Defaults: NonShared's rank 1 stays split; DoubleShared's 1 + 16 merges, in every stage.
        assertThat(plan(Cifar10ResNets.ResNet32_NonShared(1), "layer3.4.conv2").kind()).isEqualTo(Kind.SPLIT);
        LayerPlan ds = plan(Cifar10ResNets.ResNet32_DoubleShared(16, 1), "layer3.4.conv2");
        assertThat(ds.kind()).isEqualTo(Kind.MERGED);
        assertThat(ds.rank()).isEqualTo(68);
    }

    /**
     * Winograd runs exactly the 3×3 stride-1 layers with at least WINOGRAD_MIN_CHANNELS channels in and out (for a
     * split layer, its basis convolution): stages 2 and 3 of a plain ResNet after their first, strided,
     * convolution; never the stem or stage 1.
     */
    @Test
    void planRunsWinogradWhereItsChannelsPay() {
        FusedCifarResNet f = FusedCifarResNet.fuse(Cifar10ResNets.ResNet32().eval());
        int winograd = 0;
        for (LayerPlan p : f.layerPlans()) {
            boolean want = p.kernel() == 3 && p.stride() == 1 && p.inChannels() >= FusedCifarResNet.WINOGRAD_MIN_CHANNELS
                    && (p.kind() == Kind.SPLIT ? p.rank() : p.outChannels()) >= FusedCifarResNet.WINOGRAD_MIN_CHANNELS;
            assertThat(p.algorithm()).as("%s", p).isEqualTo(want ? Algorithm.WINOGRAD : Algorithm.DIRECT);
            if (want) winograd++;
        }
        // Stages 2 and 3: 5 blocks × 2 convolutions, less the strided first one.
        assertThat(winograd).isEqualTo(2 * 9);
        assertThat(plan(Cifar10ResNets.ResNet32(), "conv1").algorithm()).isEqualTo(Algorithm.DIRECT);
        assertThat(plan(Cifar10ResNets.ResNet32(), "layer1.3.conv2").algorithm()).isEqualTo(Algorithm.DIRECT);
        assertThat(plan(Cifar10ResNets.ResNet32(), "layer2.0.conv1").algorithm()).isEqualTo(Algorithm.DIRECT);
        assertThat(plan(Cifar10ResNets.ResNet32(), "layer2.0.conv2").algorithm()).isEqualTo(Algorithm.WINOGRAD);
        // A split layer whose basis is narrow keeps it direct; a merged 64-channel layer takes Winograd.
        assertThat(plan(Cifar10ResNets.ResNet32_NonShared(1), "layer3.4.conv2").algorithm()).isEqualTo(Algorithm.DIRECT);
        assertThat(plan(Cifar10ResNets.ResNet32_DoubleShared(16, 1), "layer3.4.conv2").algorithm()).isEqualTo(Algorithm.WINOGRAD);
    }

    private static LayerPlan plan(CifarResNet m, String layer) {
        m.eval();
        return FusedCifarResNet.fuse(m).layerPlans().stream().filter(p -> p.name().equals(layer)).findFirst().orElseThrow();
    }

    @Test
    void macsPerImageFollowThePlans() {
        FusedCifarResNet r32 = FusedCifarResNet.fuse(Cifar10ResNets.ResNet32().eval());
        // Stem 9·3·16·32²; 28 convolutions of 9·C²·(16·32/C)² = 2359296 each; the two stride-2 entry convolutions
        // (C → 2C at a quarter of the pixels) half that; the classifier 64·10.
        long expected = 9L * 3 * 16 * 1024 + 28L * 2359296 + 2L * 1179648 + 640;
        assertThat(expected).isEqualTo(68_862_592L);
        assertThat(r32.macsPerImage(32, 32)).isEqualTo(expected).isEqualTo(r32.unfusedMacsPerImage(32, 32));

        FusedCifarResNet ds = FusedCifarResNet.fuse(Cifar10ResNets.ResNet32_DoubleShared(16, 1).eval());
        // Merging saves (split − merged) per pixel on each of the 24 basis layers: 416·1024, 1664·256, 6656·64 per stage and layer.
        long saved = 8L * (416 * 1024 + 1664 * 256 + 6656 * 64);
        assertThat(ds.unfusedMacsPerImage(32, 32) - ds.macsPerImage(32, 32)).isEqualTo(saved);
        assertThat(ds.unfusedMacsPerImage(32, 32)).isEqualTo(79_086_208L);
        // Merged, each basis layer costs what ResNet32's plain convolution does.
        assertThat(ds.macsPerImage(32, 32)).isEqualTo(expected);
    }

    @Test
    void buffersFollowTheInputShape() {
        CifarResNet m = randomiseNormsAndEval(Cifar10ResNets.ResNet32_NonShared(1), 31);
        FusedCifarResNet f = FusedCifarResNet.fuse(m);
        // Same batch with another size, then another batch with the first size: each must rebind the buffers.
        Tensor a = input(2, 32, 32, 3, 32), b = input(2, 17, 23, 3, 33), c = input(1, 32, 32, 3, 34);
        Tensor ya = f.forward(a);
        assertLogitsClose(f.forward(b), unfused(m, b), "odd 17×23 after 32×32");
        assertLogitsClose(f.forward(c), unfused(m, c), "batch 1 after batch 2");
        Tensor again = Tensor.zeros(2, 10);
        f.forward(a, again);
        Numerics.assertBitIdentical("second call at 2×32×32", ya.toArray(), again.toArray());
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        FusedCifarResNet f = FusedCifarResNet.fuse(randomiseNormsAndEval(Cifar10ResNets.ResNet32_NonShared(1), 51));
        Tensor x = input(2, 16, 16, 3, 52);
        int saved = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Tensor one = f.forward(x);
            Parallel.setThreads(2);
            Numerics.assertBitIdentical("fused logits, 2 threads vs 1", one.toArray(), f.forward(x).toArray());
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void concurrentCallsGiveTheBitsOfSequentialOnesAndThePoolStaysBounded() throws Exception {
        FusedCifarResNet f = FusedCifarResNet.fuse(randomiseNormsAndEval(Cifar10ResNets.ResNet20(), 61));
        int threads = 6;
        List<Tensor> inputs = new ArrayList<>();
        List<float[]> sequential = new ArrayList<>();
        for (int i = 0; i < 2 * threads; i++) {
            // Two shapes interleaved, so that callers take and return sets of both.
            inputs.add(input(1 + i % 2, 16, 16, 3, 70 + i));
            sequential.add(f.forward(inputs.get(i)).toArray());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (Tensor x : inputs) results.add(pool.submit(() -> f.forward(x).toArray()));
            }
            for (int i = 0; i < results.size(); i++) {
                Numerics.assertBitIdentical("concurrent call " + i, sequential.get(i % inputs.size()), results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
        // These sets are small: all that were made may stay, at most one per caller and shape.
        assertThat(f.idleWorkspaces()).isBetween(1, 2 * threads);
        // Past the idle budget only the most recent set stays, and it is the one the next call of its shape reuses.
        f.idleFloats = 1;
        Tensor last = inputs.get(0);
        Numerics.assertBitIdentical("after the budget shrank", sequential.get(0), f.forward(last).toArray());
        assertThat(f.idleWorkspaces()).isEqualTo(1);
    }

    @Test
    void tryFuseFusesWhereFusionAppliesOnly() {
        CifarResNet m = Cifar10ResNets.ResNet20();
        assertThat(FusedCifarResNet.tryFuse(m)).isEmpty();
        m.eval();
        assertThat(FusedCifarResNet.tryFuse(m)).isPresent();
        assertThat(FusedCifarResNet.tryFuse(new Sequential().eval())).isEmpty();
        assertThatThrownBy(() -> FusedCifarResNet.tryFuse(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be null");
    }

    @Test
    void refusesTrainingModeAndOtherModels() {
        CifarResNet m = Cifar10ResNets.ResNet20();
        assertThatThrownBy(() -> FusedCifarResNet.fuse(m)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eval mode").hasMessageContaining("the model is in training mode");
        m.eval();
        m.stages().get(1).layer().get(0).train(true);
        assertThatThrownBy(() -> FusedCifarResNet.fuse(m)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eval mode").hasMessageContaining("module 'layer2.0' is in training mode");
        assertThatThrownBy(() -> FusedCifarResNet.fuse(new Sequential().eval())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("can only fuse a CifarResNet").hasMessageContaining(Sequential.class.getName());
        assertThatThrownBy(() -> FusedCifarResNet.fuse(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be null");
    }

    @Test
    void forwardValidatesItsArguments() {
        FusedCifarResNet f = FusedCifarResNet.fuse(Cifar10ResNets.ResNet20().eval());
        assertThatThrownBy(() -> f.forward(input(1, 28, 28, 1, 41))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[n, h, w, 3]").hasMessageContaining("[1, 28, 28, 1]");
        assertThatThrownBy(() -> f.forward(input(2, 8, 8, 3, 42), Tensor.zeros(2, 9))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logits must be [n, numClasses] = [2, 10]").hasMessageContaining("[2, 9]");
    }
}
