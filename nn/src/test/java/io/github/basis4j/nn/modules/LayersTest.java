package io.github.basis4j.nn.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.GradCheck;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Layer behaviour that PyTorch fixtures cannot show: finite-difference gradients through every module's
 * forward, initial-weight statistics, batch-norm bookkeeping, train/eval switching, and dropout and
 * drop-path masks drawn from basis4j's own {@link Rng}.
 */
class LayersTest {
    /** Finite differences in float (see {@link GradCheck}): truncation and rounding both near 1e-4. */
    private static final double FD_RTOL = 2e-3, FD_ATOL = 2e-4;
    /** Inputs of kinked layers keep this distance from the kink, beyond the finite-difference step 1e-2. */
    private static final double KINK_MARGIN = 0.05;
    /** Variance tolerances, over four relative spreads √(0.8/n): n ≥ 18 000 weights, 2 000–3 000 biases. */
    private static final double WEIGHT_VAR_PERCENT = 3, BIAS_VAR_PERCENT = 10;

    private static Parameter input(Shape shape, long seed) {
        return new Parameter(Tensor.uniform(shape, -1.5f, 1.5f, seed));
    }

    private static Parameter awayFromZero(Shape shape, long seed) {
        Parameter p = input(shape, seed);
        Tensor t = p.value();
        for (int i = 0; i < t.size(); i++) {
            float v = t.get(i);
            if (Math.abs(v) < KINK_MARGIN) t.set(i, (float) (Math.copySign(KINK_MARGIN, v) + v));
        }
        return p;
    }

    /** Checks d(Σ r·m(x))/d(x and every parameter of m) by central differences. */
    private static void gradCheck(String what, Module m, Parameter x) {
        List<Variable> inputs = new ArrayList<>();
        inputs.add(x);
        inputs.addAll(m.parameters());
        GradCheck.check(what, inputs, v -> m.forward(v.get(0)), FD_RTOL, FD_ATOL);
    }

    /** Distinct values per 2×2 window with gaps far above the finite-difference step: no pooling ties. */
    private static Parameter distinctValues(Shape shape, long seed) {
        int n = shape.sizeAsInt();
        int[] order = Rng.of(seed).permutation(n);
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < n; i++) t.set(i, (order[i] - n / 2f) * 0.1f);
        return new Parameter(t);
    }

    @Test
    void everyLayerPassesFiniteDifferences() {
        Rng rng = Rng.of(7);
        gradCheck("Conv2d", Conv2d.builder().setInChannels(4).setOutChannels(6).setKernelSize(3, 2).optStride(2, 1)
                .optPadding(1, 0).optDilation(1, 2).optGroups(2).setRng(rng).build(), input(Shape.of(2, 5, 6, 4), 1));
        gradCheck("Linear", new Linear(5, 3, true, rng), input(Shape.of(2, 2, 5), 2));
        gradCheck("BatchNorm2d train", new BatchNorm2d(3), input(Shape.of(2, 3, 2, 3), 3));
        BatchNorm2d eval = new BatchNorm2d(3);
        eval.runningMean().set(1, 0.4f);
        eval.runningVar().set(2, 2.5f);
        eval.eval();
        gradCheck("BatchNorm2d eval", eval, input(Shape.of(2, 3, 2, 3), 4));
        gradCheck("LayerNormChannels", new LayerNormChannels(5), input(Shape.of(2, 2, 3, 5), 5));
        gradCheck("LayerNormChannels without bias", new LayerNormChannels(5, 1e-6, false), input(Shape.of(2, 3, 5), 6));
        gradCheck("ReLU", new ReLU(), awayFromZero(Shape.of(2, 3, 4), 7));
        gradCheck("GELU", new GELU(), input(Shape.of(2, 3, 4), 8));
        gradCheck("StarReLU", new StarReLU(0.9, -0.2, true, true), awayFromZero(Shape.of(2, 3, 4), 9));
        gradCheck("SquaredReLU", new SquaredReLU(), awayFromZero(Shape.of(2, 3, 4), 10));
        gradCheck("MaxPool2d", new MaxPool2d(2, 2, 1), distinctValues(Shape.of(2, 4, 5, 3), 11));
        gradCheck("AvgPool2d", new AvgPool2d(3, 2, 1, false), input(Shape.of(1, 5, 5, 2), 12));
        gradCheck("AdaptiveAvgPool2d", new AdaptiveAvgPool2d(2, 3), input(Shape.of(2, 5, 4, 2), 13));
        gradCheck("Flatten", new Flatten(), input(Shape.of(2, 2, 3, 2), 14));
        gradCheck("Identity", new Identity(), input(Shape.of(3, 4), 15));
        Scale scale = new Scale(4, 0.5, true);
        scale.scale().value().set(2, -1.25f);
        gradCheck("Scale", scale, input(Shape.of(2, 3, 4), 16));
        gradCheck("Sequential", new Sequential(new Conv2d(2, 3, 3, 1, 1, true, rng), new GELU(), new Linear(3, 2, true, rng)),
                input(Shape.of(1, 4, 4, 2), 17));
    }

    @Test
    void dropoutAndDropPathPassFiniteDifferencesInEvalAndWithAFixedMask() {
        Parameter x = input(Shape.of(4, 3, 2), 18);
        Dropout dropout = new Dropout(0.5, Rng.of(1));
        dropout.eval();
        gradCheck("Dropout eval", dropout, x);
        DropPath dropPath = new DropPath(0.5, Rng.of(1));
        dropPath.eval();
        gradCheck("DropPath eval", dropPath, x);
        // In training the module draws a new mask per call; a fresh module per evaluation fixes it.
        GradCheck.check("Dropout train", List.of(x), v -> new Dropout(0.5, Rng.of(2)).forward(v.get(0)), FD_RTOL, FD_ATOL);
        GradCheck.check("DropPath train", List.of(x), v -> new DropPath(0.5, Rng.of(2)).forward(v.get(0)), FD_RTOL, FD_ATOL);
    }

    /**
     * Max |w| within the bound and reaching near it, and the variance of U(−b, b), b²/3, within
     * {@code varPercent}: the sample variance of n uniforms has a relative spread of about √(0.8/n).
     */
    private static void assertUniform(String what, Tensor w, double bound, double varPercent) {
        double max = 0, sum = 0, sq = 0;
        for (int i = 0; i < w.size(); i++) {
            double v = w.get(i);
            max = Math.max(max, Math.abs(v));
            sum += v;
            sq += v * v;
        }
        int n = w.size();
        double mean = sum / n, var = sq / n - mean * mean;
        assertThat(max).as(what + " max |w|").isLessThanOrEqualTo(bound).isGreaterThan(0.98 * bound);
        // The mean of n uniforms has standard deviation b/√(3n); five of those is a loose, seed-proof bound.
        assertThat(Math.abs(mean)).as(what + " mean").isLessThan(5 * bound / Math.sqrt(3.0 * n));
        assertThat(var).as(what + " variance").isCloseTo(bound * bound / 3, org.assertj.core.data.Percentage.withPercentage(varPercent));
    }

    @Test
    void initialWeightsFollowPyTorchsDefault() {
        Conv2d conv = new Conv2d(64, 64, 3, 1, 1, true, Rng.of(1));
        assertUniform("Conv2d weight", conv.weight().value(), 1 / Math.sqrt(64 * 9), WEIGHT_VAR_PERCENT);
        Conv2d grouped = Conv2d.builder().setInChannels(32).setOutChannels(256).setKernelSize(3).optGroups(4).setRng(Rng.of(2)).build();
        assertThat(grouped.weight().shape().dims()).containsExactly(256, 8, 3, 3);
        assertUniform("grouped Conv2d weight (fan_in = in/groups·k²)", grouped.weight().value(), 1 / Math.sqrt(8 * 9), WEIGHT_VAR_PERCENT);
        Linear linear = new Linear(200, 300, true, Rng.of(3));
        assertUniform("Linear weight", linear.weight().value(), 1 / Math.sqrt(200), WEIGHT_VAR_PERCENT);
        Linear wide = new Linear(400, 2000, true, Rng.of(4));
        assertUniform("Linear bias", wide.bias().value(), 1 / Math.sqrt(400), BIAS_VAR_PERCENT);
        assertUniform("Conv2d bias", new Conv2d(8, 3000, 1, 1, 0, true, Rng.of(5)).bias().value(), 1 / Math.sqrt(8), BIAS_VAR_PERCENT);

        assertThat(new Conv2d(3, 4, 3, 1, 1, true, Rng.of(9)).weight().value().toArray())
                .as("a seed reproduces the weights").containsExactly(new Conv2d(3, 4, 3, 1, 1, true, Rng.of(9)).weight().value().toArray());
        assertThat(new Conv2d(3, 4, 3, 1, 1, true, Rng.of(9)).weight().value().toArray())
                .isNotEqualTo(new Conv2d(3, 4, 3, 1, 1, true, Rng.of(10)).weight().value().toArray());

        BatchNorm2d bn = new BatchNorm2d(3);
        assertThat(bn.weight().value().toArray()).containsOnly(1f);
        assertThat(bn.bias().value().toArray()).containsOnly(0f);
        assertThat(bn.runningMean().toArray()).containsOnly(0f);
        assertThat(bn.runningVar().toArray()).containsOnly(1f);
        assertThat(new StarReLU().scale().value().toArray()).containsExactly(1f);
        assertThat(new StarReLU().bias().value().toArray()).containsExactly(0f);
        assertThat(new Scale(3, 1e-5, true).scale().value().toArray()).containsOnly(1e-5f);
        LayerNormChannels ln = new LayerNormChannels(4, 1e-6, false);
        assertThat(ln.weight().value().toArray()).containsOnly(1f);
        assertThat(ln.bias()).isNull();
    }

    @Test
    void stateKeysAndShapesAreTorchs() {
        assertThat(shapes(new Conv2d(3, 8, 3, 1, 1, true, Rng.of(1)))).containsExactly("weight=[8, 3, 3, 3]", "bias=[8]");
        assertThat(shapes(Conv2d.builder().setInChannels(8).setOutChannels(8).setKernelSize(7).optGroups(8).optBias(false)
                .setRng(Rng.of(1)).build())).containsExactly("weight=[8, 1, 7, 7]");
        assertThat(shapes(new Linear(4, 2, false, Rng.of(1)))).containsExactly("weight=[2, 4]");
        assertThat(shapes(new BatchNorm2d(5))).containsExactly("weight=[5]", "bias=[5]", "running_mean=[5]", "running_var=[5]",
                "num_batches_tracked=[]");
        assertThat(shapes(BatchNorm2d.builder().setNumFeatures(5).optAffine(false).optTrackRunningStats(false).build())).isEmpty();
        assertThat(shapes(new LayerNormChannels(6))).containsExactly("weight=[6]", "bias=[6]");
        assertThat(shapes(new LayerNormChannels(6, 1e-6, false))).containsExactly("weight=[6]");
        assertThat(shapes(new StarReLU())).containsExactly("scale=[1]", "bias=[1]");
        assertThat(shapes(new Scale(7))).containsExactly("scale=[7]");
        ModuleList<Linear> list = new ModuleList<>(new Linear(2, 3, true, Rng.of(1)), new Linear(3, 1, false, Rng.of(2)));
        assertThat(shapes(list)).containsExactly("0.weight=[3, 2]", "0.bias=[3]", "1.weight=[1, 3]");
        assertThat(list.get(1).outFeatures()).isEqualTo(1);
        assertThat(list.size()).isEqualTo(2);
        for (Module m : List.of(new ReLU(), new GELU(), new SquaredReLU(), new Identity(), new Flatten(), new MaxPool2d(2),
                new AvgPool2d(2), new AdaptiveAvgPool2d(1), new Dropout(0.1, Rng.of(1)), new DropPath(0.1, Rng.of(1)))) {
            assertThat(m.stateDict()).as(m.getClass().getSimpleName() + " has no state").isEmpty();
        }
    }

    private static List<String> shapes(Module m) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) out.add(e.getKey() + "=" + e.getValue().shape());
        return out;
    }

    /** Per-channel mean and unbiased variance of a [rows, c] view, in double. */
    private static double[][] channelStats(Tensor x, int c) {
        int rows = x.size() / c;
        double[] mean = new double[c], var = new double[c];
        for (int r = 0; r < rows; r++) for (int j = 0; j < c; j++) mean[j] += x.get(r * c + j) / rows;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < c; j++) {
                double d = x.get(r * c + j) - mean[j];
                var[j] += d * d / (rows - 1);
            }
        }
        return new double[][] {mean, var};
    }

    @Test
    void batchNormCountsBatchesAndMovesRunningStatisticsWithMomentum() {
        BatchNorm2d bn = BatchNorm2d.builder().setNumFeatures(3).optMomentum(0.25).build();
        Tensor x = Tensor.uniform(Shape.of(2, 3, 4, 3), -2, 3, 21);
        double[][] s = channelStats(x, 3);
        bn.forward(Variable.constant(x));
        bn.forward(Variable.constant(x));
        assertThat(bn.numBatchesTracked()).isEqualTo(2);
        for (int j = 0; j < 3; j++) {
            // Two steps from (0, 1) with momentum m: r = (1 − m)²·r₀ + (1 − (1 − m)²)·stat.
            double keep = 0.75 * 0.75;
            assertThat((double) bn.runningMean().get(j)).isCloseTo((1 - keep) * s[0][j], org.assertj.core.data.Offset.offset(1e-5));
            assertThat((double) bn.runningVar().get(j)).isCloseTo(keep + (1 - keep) * s[1][j], org.assertj.core.data.Offset.offset(1e-5));
        }
        // Evaluation neither counts nor moves, and normalises with the running statistics.
        bn.eval();
        float[] mean = bn.runningMean().toArray(), var = bn.runningVar().toArray();
        Tensor y = bn.forward(Variable.constant(x)).value();
        assertThat(bn.numBatchesTracked()).isEqualTo(2);
        assertThat(bn.runningMean().toArray()).containsExactly(mean);
        for (int i = 0; i < x.size(); i++) {
            int j = i % 3;
            double expected = (x.get(i) - mean[j]) / Math.sqrt(var[j] + BatchNorm2d.DEFAULT_EPS);
            assertThat((double) y.get(i)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void batchNormCumulativeAverageIsTheMeanOfAllBatches() {
        BatchNorm2d bn = BatchNorm2d.builder().setNumFeatures(2).optCumulativeAverage().build();
        assertThat(bn.momentum()).isNaN();
        Tensor a = Tensor.uniform(Shape.of(3, 2, 2, 2), -1, 1, 31), b = Tensor.uniform(Shape.of(3, 2, 2, 2), 0, 4, 32);
        bn.forward(Variable.constant(a));
        bn.forward(Variable.constant(b));
        double[][] sa = channelStats(a, 2), sb = channelStats(b, 2);
        for (int j = 0; j < 2; j++) {
            assertThat((double) bn.runningMean().get(j)).isCloseTo((sa[0][j] + sb[0][j]) / 2, org.assertj.core.data.Offset.offset(1e-5));
            assertThat((double) bn.runningVar().get(j)).isCloseTo((sa[1][j] + sb[1][j]) / 2, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void batchNormWithoutRunningStatisticsUsesBatchStatisticsEvenInEval() {
        BatchNorm2d bn = BatchNorm2d.builder().setNumFeatures(2).optTrackRunningStats(false).build();
        Tensor x = Tensor.uniform(Shape.of(2, 2, 3, 2), -1, 2, 41);
        float[] train = bn.forward(Variable.constant(x)).value().toArray();
        bn.eval();
        assertThat(bn.forward(Variable.constant(x)).value().toArray()).containsExactly(train);
        assertThat(bn.numBatchesTracked()).isZero();
        assertThat(bn.runningMean()).isNull();
    }

    @Test
    void trainAndEvalReachEveryLayerOfATree() {
        Dropout dropout = new Dropout(0.5, Rng.of(1));
        BatchNorm2d bn = new BatchNorm2d(2);
        Sequential seq = new Sequential(new Sequential(bn), dropout);
        seq.eval();
        assertThat(dropout.isTraining()).isFalse();
        assertThat(bn.isTraining()).isFalse();
        Variable x = Variable.constant(Tensor.uniform(Shape.of(2, 2, 2, 2), -1, 1, 3));
        assertThat(dropout.forward(x)).as("dropout in eval returns its input").isSameAs(x);
        seq.train();
        assertThat(dropout.isTraining()).isTrue();
        assertThat(bn.isTraining()).isTrue();
    }

    @Test
    void dropoutMasksComeFromTheRngAndHaveTheRightStatistics() {
        double p = 0.3;
        int n = 100_000;
        Dropout dropout = new Dropout(p, Rng.of(77));
        Parameter x = new Parameter(Tensor.full(Shape.of(n), 2f));
        Variable y = dropout.forward(x);
        Rng replay = Rng.of(77);
        int dropped = 0;
        float kept = (float) (1 / (1 - p));
        for (int i = 0; i < n; i++) {
            boolean keep = replay.nextDouble() < 1 - p;
            assertThat(y.value().get(i)).isEqualTo(keep ? 2f * kept : 0f);
            if (!keep) dropped++;
        }
        // Binomial(n, p): the dropped fraction is within 5 standard deviations √(p(1−p)/n) of p.
        assertThat((double) dropped / n).isCloseTo(p, org.assertj.core.data.Offset.offset(5 * Math.sqrt(p * (1 - p) / n)));
        y.backward(Tensor.full(y.shape(), 1f));
        for (int i = 0; i < n; i++) assertThat(x.grad().get(i)).isEqualTo(y.value().get(i) == 0 ? 0f : kept);
        // The next call draws a new mask.
        assertThat(dropout.forward(x).value().toArray()).isNotEqualTo(y.value().toArray());
    }

    @Test
    void dropoutExtremes() {
        Variable x = Variable.constant(Tensor.uniform(Shape.of(5, 4), -1, 1, 9));
        assertThat(new Dropout(0.0, Rng.of(1)).forward(x)).isSameAs(x);
        // x·0 is −0 for negative x, as in PyTorch; both zeros count.
        for (float v : new Dropout(1.0, Rng.of(1)).forward(x).value().toArray()) assertThat(v == 0f).as("dropout p = 1").isTrue();
        for (float v : new DropPath(1.0, Rng.of(1)).forward(x).value().toArray()) assertThat(v == 0f).as("dropPath p = 1").isTrue();
        assertThatThrownBy(() -> new Dropout(-0.1, Rng.of(1))).hasMessageContaining("Dropout: p must be in [0, 1], got -0.1");
        assertThatThrownBy(() -> new DropPath(0.5, null)).hasMessageContaining("DropPath: rng must not be null");
    }

    @Test
    void dropPathDropsWholeSamples() {
        double p = 0.25;
        int samples = 4000, per = 6;
        DropPath dropPath = new DropPath(p, Rng.of(88));
        Parameter x = new Parameter(Tensor.uniform(Shape.of(samples, 1, 2, 3), 0.5f, 1.5f, 10));
        Variable y = dropPath.forward(x);
        Rng replay = Rng.of(88);
        float kept = (float) (1 / (1 - p));
        int dropped = 0;
        for (int s = 0; s < samples; s++) {
            boolean keep = replay.nextDouble() < 1 - p;
            if (!keep) dropped++;
            for (int i = 0; i < per; i++) {
                int k = s * per + i;
                assertThat(y.value().get(k)).isEqualTo(keep ? x.value().get(k) * kept : 0f);
            }
        }
        assertThat((double) dropped / samples).isCloseTo(p, org.assertj.core.data.Offset.offset(5 * Math.sqrt(p * (1 - p) / samples)));
        y.backward(Tensor.full(y.shape(), 1f));
        for (int k = 0; k < samples * per; k++) assertThat(x.grad().get(k)).isEqualTo(y.value().get(k) == 0 ? 0f : kept);
        dropPath.eval();
        assertThat(dropPath.forward(x)).isSameAs(x);
    }

    @Test
    void frozenStarReluAndScaleKeepTheirStateButGetNoGradient() {
        StarReLU act = new StarReLU(0.5, 0.1, false, true);
        Scale scale = new Scale(3, 2.0, false);
        Parameter x = new Parameter(Tensor.uniform(Shape.of(2, 3), 0.2f, 1f, 5));
        Variable y = scale.forward(act.forward(x));
        y.backward(Tensor.full(y.shape(), 1f));
        assertThat(act.scale().grad()).isNull();
        assertThat(scale.scale().grad()).isNull();
        assertThat(act.bias().grad().get(0)).isEqualTo(12f);
        assertThat(act.stateDict()).containsOnlyKeys("scale", "bias");
        assertThat(x.grad()).isNotNull();
    }

    @Test
    void buildersRejectBadOptionsNamingThem() {
        assertThatThrownBy(() -> Conv2d.builder().setInChannels(6).setOutChannels(4).setKernelSize(3).optGroups(4).setRng(Rng.of(1)).build())
                .hasMessageContaining("Conv2d: inChannels and outChannels must be multiples of groups = 4, got in 6, out 4");
        assertThatThrownBy(() -> Conv2d.builder().setInChannels(3).setKernelSize(3).setRng(Rng.of(1)).build())
                .hasMessageContaining("Conv2d: outChannels must be set");
        assertThatThrownBy(() -> Conv2d.builder().setInChannels(3).setOutChannels(3).setKernelSize(3).build())
                .hasMessageContaining("Conv2d: rng must not be null");
        assertThatThrownBy(() -> Conv2d.builder().setInChannels(3).setOutChannels(3).setKernelSize(3).optStride(0).setRng(Rng.of(1)).build())
                .hasMessageContaining("strideH must be >= 1, got 0");
        assertThatThrownBy(() -> BatchNorm2d.builder().setNumFeatures(3).optMomentum(1.5).build())
                .hasMessageContaining("BatchNorm2d: momentum must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> BatchNorm2d.builder().build()).hasMessageContaining("BatchNorm2d: numFeatures must be set");
        assertThatThrownBy(() -> new MaxPool2d(3, 1, 2)).hasMessageContaining("MaxPool2d: padding must be in [0, kernel/2] = [0, 1], got 2");
        assertThatThrownBy(() -> new Linear(0, 3, true, Rng.of(1))).hasMessageContaining("Linear: inFeatures and outFeatures must be >= 1");
        assertThatThrownBy(() -> new LayerNormChannels(4, 0, true)).hasMessageContaining("LayerNormChannels: eps must be finite and > 0");
        assertThatThrownBy(() -> new Sequential(new ReLU()).get(1)).hasMessageContaining("Sequential: index 1 out of range for 1 modules");
    }

    @Test
    void sequentialChainsAndAnEmptyOneIsTheIdentity() {
        Variable x = Variable.constant(Tensor.uniform(Shape.of(2, 3), -1, 1, 6));
        assertThat(new Sequential().forward(x)).isSameAs(x);
        Tensor y = new Sequential(new ReLU(), new Scale(3, 2.0, true)).forward(x).value();
        for (int i = 0; i < 6; i++) assertThat(y.get(i)).isEqualTo(2f * Math.max(x.value().get(i), 0f));
        Numerics.assertClose("sequential", y.toArray(), new Sequential(new Sequential(new ReLU()), new Scale(3, 2.0, true))
                .forward(x).value().toArray(), 0, 0);
    }
}
