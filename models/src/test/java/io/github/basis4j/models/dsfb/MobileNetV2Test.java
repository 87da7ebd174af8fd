package io.github.basis4j.models.dsfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Forward shapes, sharing and the ReLU6, channel-gate and ECA gradients of the DSFB MobileNetV2s. */
class MobileNetV2Test {
    /** Finite differences in double of float ops over O(10) terms. */
    private static final double GRAD_RTOL = 1e-3, GRAD_ATOL = 1e-4;
    private static final double FD_STEP = 1e-3;

    private static Variable input(int n, int h, int w, int c, long seed) {
        return Variable.constant(Tensor.of(Numerics.randomFloats(n * h * w * c, seed), n, h, w, c));
    }

    @Test
    void everyVariantMapsA64ImageToLogits() {
        for (MobileNetV2.Variant v : MobileNetV2.Variant.values()) {
            MobileNetV2 m = new MobileNetV2(MobileNetV2.Flavor.ILSVRC, v, 3, 1000, 0);
            Variable y;
            try (NoGrad g = NoGrad.enter()) {
                y = m.forward(input(1, 64, 64, 3, 1));
            }
            assertThat(y.shape().dims()).as("%s", v).containsExactly(1, 1000);
            for (float f : y.value().toArray()) assertThat(Float.isFinite(f)).isTrue();
        }
    }

    @Test
    void stagesShrinkA64ImageTo2() {
        MobileNetV2 m = IlsvrcModels.MobileNetV2();
        int[][] expected = {{1, 32, 32, 16}, {1, 16, 16, 24}, {1, 8, 8, 32}, {1, 4, 4, 64}, {1, 4, 4, 96}, {1, 2, 2, 160}, {1, 2, 2, 320}};
        try (NoGrad g = NoGrad.enter()) {
            Variable x = input(1, 32, 32, 32, 2);
            for (int s = 0; s < 7; s++) {
                x = m.stages().get(s).forward(x);
                assertThat(x.shape().dims()).as("stage %d", s + 1).containsExactly(expected[s]);
            }
        }
    }

    @Test
    void sharedDoubleUsesOneExpansionAndProjectionPerStageAndEca() {
        MobileNetV2 m = IlsvrcModels.MobileNetV2_SharedDouble();
        Map<String, Tensor> state = m.stateDict();
        for (int i = 1; i < 4; i++) {
            assertThat(state.get("stage4." + i + ".shared_basis1.weight")).isSameAs(state.get("shared_basis_2_1.weight"));
            assertThat(state.get("stage4." + i + ".shared_basis2.weight")).isSameAs(state.get("shared_basis_2_2.weight"));
        }
        // The reference's kernel size rule: 1 tap below 96 input channels, 3 from 96 on.
        assertThat(state.get("stage4.1.chan_attention.conv.weight").shape().dims()).containsExactly(1, 1, 1);
        assertThat(state.get("stage5.1.chan_attention.conv.weight").shape().dims()).containsExactly(1, 1, 3);
        assertThat(state).doesNotContainKey("stage3.0.chan_attention.conv.weight").doesNotContainKey("stage4.1.conv1.weight");
        assertThat(m.namedParameters()).doesNotContainKey("stage4.1.shared_basis1.weight");
    }

    @Test
    void cifarFlavourMapsA32ImageTo100LogitsAndProjectsStride1Shortcuts() {
        for (MobileNetV2 m : new MobileNetV2[] {Cifar100Models.MobileNetV2(), Cifar100Models.MobileNetV2_Shared(), Cifar100Models.MobileNetV2_SharedDouble()}) {
            Variable y;
            try (NoGrad g = NoGrad.enter()) {
                y = m.forward(input(1, 32, 32, 3, 3));
            }
            assertThat(y.shape().dims()).containsExactly(1, 100);
            for (float f : y.value().toArray()) assertThat(Float.isFinite(f)).isTrue();
        }
        MobileNetV2 m = Cifar100Models.MobileNetV2_SharedDouble();
        Map<String, Tensor> state = m.stateDict();
        // Stage 1 (32 → 16, stride 1) projects its shortcut; stage 2's first block (stride 2) has none.
        assertThat(state.get("stage1.shortcut.0.weight").shape().dims()).containsExactly(16, 32, 1, 1);
        assertThat(state).doesNotContainKey("stage2.0.shortcut.0.weight").doesNotContainKey("stage3.1.chan_attention.conv.weight");
        assertThat(state.get("conv2.weight").shape().dims()).containsExactly(100, 1280, 1, 1);
        // The 1×1 stem with padding 1 grows 32 → 34, and stage 6 keeps stride 1: 34 → 17 → 9 → 5 → 5 → 5.
        try (NoGrad g = NoGrad.enter()) {
            Variable x = m.stages().get(0).forward(input(1, 34, 34, 32, 4));
            for (int s = 1; s < 7; s++) x = m.stages().get(s).forward(x);
            assertThat(x.shape().dims()).containsExactly(1, 5, 5, 320);
        }
    }

    @Test
    void relu6ClipsAndPassesGradientOnlyInside() {
        float[] xs = {-3f, -0.5f, 0.5f, 2f, 5.5f, 6.5f, 9f};
        Parameter x = new Parameter(Tensor.of(xs.clone(), 1, 7));
        Variable y = MobileNetOps.relu6(x);
        assertThat(y.value().toArray()).containsExactly(0f, 0f, 0.5f, 2f, 5.5f, 6f, 6f);
        float[] w = Numerics.randomFloats(7, 3);
        y.backward(Tensor.of(w.clone(), 1, 7));
        double[] numeric = Numerics.numericGradient(v -> {
            double s = 0;
            for (int i = 0; i < 7; i++) s += w[i] * Math.min(Math.max(v[i], 0), 6);
            return s;
        }, Numerics.toDouble(xs), FD_STEP);
        Numerics.assertGradient("relu6 dx", numeric, x.grad().toArray(), 0, GRAD_RTOL, GRAD_ATOL);
    }

    @Test
    void channelGateGradientsMatchFiniteDifferencesAndAccumulate() {
        int n = 2, h = 3, w = 2, c = 5;
        float[] xv = Numerics.randomFloats(n * h * w * c, 4), sv = Numerics.randomFloats(n * c, 5), wv = Numerics.randomFloats(n * h * w * c, 6);
        Parameter x = new Parameter(Tensor.of(xv.clone(), n, h, w, c));
        Parameter s = new Parameter(Tensor.of(sv.clone(), n, c));
        for (int pass = 0; pass < 2; pass++) MobileNetOps.gateChannels(x, s).backward(Tensor.of(wv.clone(), n, h, w, c));
        double[] dx = Numerics.numericGradient(v -> gate(v, Numerics.toDouble(sv), wv, n, h * w, c), Numerics.toDouble(xv), FD_STEP);
        double[] ds = Numerics.numericGradient(v -> gate(Numerics.toDouble(xv), v, wv, n, h * w, c), Numerics.toDouble(sv), FD_STEP);
        // Two backward passes: the gradients accumulate to twice the derivative.
        for (int i = 0; i < dx.length; i++) dx[i] *= 2;
        for (int i = 0; i < ds.length; i++) ds[i] *= 2;
        Numerics.assertGradient("gate dx", dx, x.grad().toArray(), 0, GRAD_RTOL, GRAD_ATOL);
        Numerics.assertGradient("gate ds", ds, s.grad().toArray(), 0, GRAD_RTOL, GRAD_ATOL);
        assertThatThrownBy(() -> MobileNetOps.gateChannels(x, Variable.constant(Tensor.zeros(n, c + 1)))).hasMessageContaining("gateChannels");
    }

    /** Σ w · x[i, p, ch] · s[i, ch] in double. */
    private static double gate(double[] x, double[] s, float[] w, int n, int hw, int c) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < hw; p++) {
                for (int ch = 0; ch < c; ch++) {
                    int k = (i * hw + p) * c + ch;
                    sum += w[k] * x[k] * s[i * c + ch];
                }
            }
        }
        return sum;
    }

    @Test
    void ecaGradientMatchesFiniteDifferences() {
        int n = 2, hw = 4, c = 7, k = 3;
        EcaLayer eca = new EcaLayer(c, k, Rng.of(7));
        Parameter weight = (Parameter) eca.namedParameters().get("conv.weight");
        float[] kv = weight.value().toArray();
        float[] xv = Numerics.randomFloats(n * hw * c, 8), wv = Numerics.randomFloats(n * hw * c, 9);
        Parameter x = new Parameter(Tensor.of(xv.clone(), n, 2, 2, c));
        eca.forward(x).backward(Tensor.of(wv.clone(), n, 2, 2, c));
        double[] dx = Numerics.numericGradient(v -> eca(v, Numerics.toDouble(kv), wv, n, hw, c), Numerics.toDouble(xv), FD_STEP);
        double[] dk = Numerics.numericGradient(v -> eca(Numerics.toDouble(xv), v, wv, n, hw, c), Numerics.toDouble(kv), FD_STEP);
        Numerics.assertGradient("eca dx", dx, x.grad().toArray(), 0, GRAD_RTOL, GRAD_ATOL);
        Numerics.assertGradient("eca dweight", dk, weight.grad().toArray(), 0, GRAD_RTOL, GRAD_ATOL);
    }

    /** Σ w · x · σ(conv1d(mean_hw x)) in double, zero-padded (k−1)/2 on both ends of the channel axis. */
    private static double eca(double[] x, double[] kernel, float[] w, int n, int hw, int c) {
        int k = kernel.length, pad = (k - 1) / 2;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double[] mean = new double[c];
            for (int p = 0; p < hw; p++) for (int ch = 0; ch < c; ch++) mean[ch] += x[(i * hw + p) * c + ch] / hw;
            for (int ch = 0; ch < c; ch++) {
                double a = 0;
                for (int j = 0; j < k; j++) {
                    int src = ch + j - pad;
                    if (src >= 0 && src < c) a += kernel[j] * mean[src];
                }
                double gate = 1 / (1 + Math.exp(-a));
                for (int p = 0; p < hw; p++) {
                    int idx = (i * hw + p) * c + ch;
                    sum += w[idx] * x[idx] * gate;
                }
            }
        }
        return sum;
    }
}
