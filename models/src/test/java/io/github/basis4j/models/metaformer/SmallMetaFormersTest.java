package io.github.basis4j.models.metaformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.Models;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SmallMetaFormers}: registry names and defaults, stage and filter sizes at 28×28, the state-dict keys,
 * and finite-difference gradients through the whole network at a tiny resolution.
 */
class SmallMetaFormersTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dfformer_fmnist", "cdfformer_fmnist", "gfformer_fmnist"})
    void takes28x28GreyImagesToTenLogitsWithFiltersSizedForStages7And4And2(String name) {
        Module m = Models.create("metaformer/" + name, null);
        assertThat(m).isInstanceOf(MetaFormer.class);
        Map<String, Tensor> state = m.stateDict();
        assertThat(state.get("downsample_layers.0.conv.weight").shape()).isEqualTo(Shape.of(32, 1, 7, 7));
        assertThat(state.get("head.fc2.weight").shape().dim(0)).isEqualTo(10);
        assertThat(((MetaFormer) m).inChannels()).isEqualTo(1);
        assertThat(((MetaFormer) m).numClasses()).isEqualTo(10);
        // Stem 7x7 stride 4 padding 2: 28 -> 7; transitions 3x3 stride 2 padding 1: 7 -> 4 -> 2. Wc = W/2 + 1.
        int[][] sizes = {{7, 4}, {4, 3}, {2, 2}};
        int[] dims = {32, 64, 128};
        for (int i = 0; i < 3; i++) {
            Tensor k = state.get("stages." + i + ".0.token_mixer.complex_weights");
            if (name.startsWith("cdf") && i == 0) {
                assertThat(k).as("stage 1 of %s is a separable convolution", name).isNull();
                assertThat(state).containsKey("stages.0.0.token_mixer.dwconv.weight");
                continue;
            }
            int third = name.startsWith("gf") ? 2 * dims[i] : DynamicFilter.DEFAULT_NUM_FILTERS;
            assertThat(k.shape()).as("%s stage %d filter", name, i).isEqualTo(Shape.of(sizes[i][0], sizes[i][1], third, 2));
        }
        Tensor x = Tensor.uniform(Shape.of(3, 28, 28, 1), -1f, 1f, 4);
        Tensor y;
        try (var ignored = NoGrad.enter()) {
            y = m.eval().forward(Variable.constant(x)).value();
        }
        assertThat(y.shape()).isEqualTo(Shape.of(3, 10));
        for (float v : y.toArray()) assertThat(Float.isFinite(v)).isTrue();
    }

    /** Three stages of two blocks, no fourth stage; res scales in stages 2 and 3 only; the reference's key names. */
    @Test
    void stateDictHasTheReferenceKeysForThreeStagesOfTwoBlocks() {
        Map<String, Tensor> state = SmallMetaFormers.builder("dfformer_fmnist", null).build().stateDict();
        List<String> block = List.of("norm1.weight", "token_mixer.complex_weights", "token_mixer.pwconv1.weight", "token_mixer.act1.scale",
                "token_mixer.act1.bias", "token_mixer.reweight.fc1.weight", "token_mixer.reweight.act.scale", "token_mixer.reweight.act.bias",
                "token_mixer.reweight.fc2.weight", "token_mixer.pwconv2.weight", "norm2.weight", "mlp.fc1.weight", "mlp.act.scale",
                "mlp.act.bias", "mlp.fc2.weight");
        List<String> expected = new ArrayList<>(List.of("downsample_layers.0.conv.weight", "downsample_layers.0.conv.bias",
                "downsample_layers.0.post_norm.weight"));
        for (int i = 1; i < 3; i++) {
            expected.addAll(List.of("downsample_layers." + i + ".pre_norm.weight", "downsample_layers." + i + ".conv.weight",
                    "downsample_layers." + i + ".conv.bias"));
        }
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < SmallMetaFormers.DEPTH; j++) {
                String p = "stages." + i + "." + j + ".";
                for (String k : block) {
                    expected.add(p + k);
                    if (i > 0 && k.equals("token_mixer.pwconv2.weight")) expected.add(p + "res_scale1.scale");
                    if (i > 0 && k.equals("mlp.fc2.weight")) expected.add(p + "res_scale2.scale");
                }
            }
        }
        expected.addAll(List.of("norm.weight", "norm.bias", "head.fc1.weight", "head.fc1.bias", "head.norm.weight", "head.norm.bias",
                "head.fc2.weight", "head.fc2.bias"));
        assertThat(state.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(state.keySet()).noneMatch(k -> k.startsWith("stages.3") || k.startsWith("downsample_layers.3"));
        assertThat(state.get("stages.1.0.res_scale1.scale").toArray()).containsOnly(1f);
    }

    @Test
    void optionsChangeClassesChannelsSizeAndSeedAndRanksAreRefused() {
        ModelOptions o = ModelOptions.builder().optNumClasses(3).optInChannels(3).optImageSize(32).optSeed(5).build();
        MetaFormer net = SmallMetaFormers.builder("gfformer_fmnist", o).build();
        Map<String, Tensor> state = net.stateDict();
        assertThat(state.get("downsample_layers.0.conv.weight").shape()).isEqualTo(Shape.of(32, 3, 7, 7));
        assertThat(state.get("head.fc2.weight").shape().dim(0)).isEqualTo(3);
        assertThat(net.inChannels()).isEqualTo(3);
        assertThat(net.numClasses()).isEqualTo(3);
        assertThat(state.get("stages.0.0.token_mixer.complex_weights").shape()).isEqualTo(Shape.of(8, 5, 64, 2));
        assertThatThrownBy(() -> Models.create("dfformer_fmnist", ModelOptions.builder().optSharedRank(4).build()))
                .hasMessageContaining("dfformer_fmnist takes no basis ranks");
        assertThatThrownBy(() -> SmallMetaFormers.builder("dfformer_s18", null)).hasMessageContaining("unknown model 'dfformer_s18'");
    }

    /**
     * Finite differences in double against the backward pass, through every kind of parameter of the network
     * (stem, filter bank, reweight MLP, residual scale, head) at 12×12 (stage maps 3, 2, 1) with a little
     * drop path that eval mode must switch off.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dfformer_fmnist", "cdfformer_fmnist", "gfformer_fmnist"})
    void gradientsMatchFiniteDifferences(String name) {
        MetaFormer m = SmallMetaFormers.builder(name, ModelOptions.builder().optImageSize(12).optSeed(2).build())
                .optDropPathRate(0.1).build();
        m.eval();
        Tensor x = Tensor.of(Numerics.randomFloats(2 * 12 * 12, 6), 2, 12, 12, 1);
        Tensor r = Tensor.of(Numerics.randomFloats(2 * 10, 7), 2, 10);
        Map<String, Parameter> params = m.namedParameters();
        String mixer = name.startsWith("cdf") ? "stages.0.0.token_mixer.pwconv1.weight" : "stages.0.0.token_mixer.complex_weights";
        List<String> checked = List.of("downsample_layers.0.conv.weight", mixer, "stages.1.1.token_mixer.complex_weights",
                "stages.2.0.res_scale1.scale", "stages.2.1.mlp.fc1.weight", "head.fc2.bias");
        m.zeroGrad();
        m.forward(Variable.constant(x)).backward(r);
        for (String key : checked) {
            Parameter p = params.get(key);
            assertThat(p).as(key).isNotNull();
            float[] w = p.value().data();
            int off = p.value().offset();
            // Five spread-out elements of each tensor; finite differences of the float32 network need h ≈ 1e-2.
            int n = p.value().size();
            int[] idx = {0, n / 5, 2 * n / 5, 3 * n / 5, n - 1};
            double[] at = new double[idx.length];
            for (int i = 0; i < idx.length; i++) at[i] = w[off + idx[i]];
            double[] numeric = Numerics.numericGradient(v -> {
                for (int i = 0; i < idx.length; i++) w[off + idx[i]] = (float) v[i];
                double s = dot(m, x, r);
                return s;
            }, at, 1e-2);
            for (int i = 0; i < idx.length; i++) w[off + idx[i]] = (float) at[i];
            float[] g = p.grad().toArray();
            float[] analytic = new float[idx.length];
            for (int i = 0; i < idx.length; i++) analytic[i] = g[idx[i]];
            Numerics.assertGradient(name + " " + key, numeric, analytic, 0, 3e-2, 3e-4);
        }
    }

    /** Σ logits · r without a tape. */
    private static double dot(MetaFormer m, Tensor x, Tensor r) {
        float[] y;
        try (var ignored = NoGrad.enter()) {
            y = m.forward(Variable.constant(x)).value().toArray();
        }
        float[] rv = r.toArray();
        double s = 0;
        for (int i = 0; i < y.length; i++) s += (double) y[i] * rv[i];
        return s;
    }
}
