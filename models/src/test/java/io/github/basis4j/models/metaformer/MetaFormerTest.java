package io.github.basis4j.models.metaformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.fft.FilterResize;
import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.Models;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.StarReLU;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link MetaFormer} built by {@link MetaFormers}: filter sizes and forward shapes at a reduced resolution,
 * the reference's initialisation, gradients through every kind of token mixer, and {@link MetaFormers#loadResized}.
 */
class MetaFormerTest {
    private static final ModelOptions AT_64 = ModelOptions.builder().optImageSize(64).build();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dfformer_s18", "cdfformer_s18", "gfformer_s18"})
    void runsAt64x64WithFiltersSizedAsTheReference(String name) {
        // Without the reference initialisation (checked below on a small model) the three builds take 1 s, not 4.
        MetaFormer m = MetaFormers.builder(name, AT_64).optInitialise(false).build();
        Map<String, Tensor> state = m.stateDict();
        // size = 64 // 2**(i+2) per stage, Wc = size // 2 + 1.
        int[] sizes = {16, 8, 4, 2};
        for (int i = 0; i < 4; i++) {
            Tensor k = state.get("stages." + i + ".0.token_mixer.complex_weights");
            if (name.startsWith("cdf") && i < 2) {
                assertThat(k).as("%s stage %d is a SepConv", name, i).isNull();
                continue;
            }
            int third = name.startsWith("gf") ? 2 * new int[] {64, 128, 320, 512}[i] : 4;
            assertThat(k.shape()).as("%s stage %d filter", name, i).isEqualTo(Shape.of(sizes[i], sizes[i] / 2 + 1, third, 2));
        }
        Tensor x = Tensor.uniform(Shape.of(1, 64, 64, 3), -1f, 1f, 5);
        Tensor y;
        try (var ignored = NoGrad.enter()) {
            y = m.eval().forward(Variable.constant(x)).value();
        }
        assertThat(y.shape()).isEqualTo(Shape.of(1, 1000));
        for (float v : y.toArray()) assertThat(Float.isFinite(v)).isTrue();
    }

    @Test
    void rejectsImagesOfAnotherSize() {
        MetaFormer m = small(64, 64);
        assertThatThrownBy(() -> m.forward(Variable.constant(Tensor.zeros(1, 96, 64, 3))))
                .hasMessageContaining("MetaFormer: images must be [n, 64, 64, c] (the size the model was built for), got [1, 96, 64, 3]");
        assertThatThrownBy(() -> MetaFormer.builder().setDepths(1, 1).setDims(8, 8).setTokenMixers((dim, h, w, rng) -> new SepConv(dim, StarReLU::new, rng))
                .optImageSize(2, 64).build()).hasMessageContaining("image 2x64 is too small for 2 stages");
        assertThatThrownBy(() -> Models.create("cifar10/ResNet20", AT_64)).hasMessageContaining("takes no image size");
    }

    /** The reference's {@code _init_weights}: weights N(0, 0.02²) (truncation at ±2 cuts nothing), biases 0. */
    @Test
    void initialisesAsTheReference() {
        MetaFormer m = small(64, 64);
        Map<String, Tensor> s = m.stateDict();
        assertStd(s.get("stages.0.0.mlp.fc1.weight"), 0.02);
        assertStd(s.get("downsample_layers.0.conv.weight"), 0.02);
        assertStd(s.get("stages.0.0.token_mixer.complex_weights"), 0.02);
        assertStd(s.get("head.fc1.weight"), 0.02);
        for (String zero : new String[] {"downsample_layers.0.conv.bias", "head.fc1.bias", "head.fc2.bias", "norm.bias"}) {
            assertThat(s.get(zero).toArray()).as(zero).containsOnly(0f);
        }
        for (String one : new String[] {"norm.weight", "downsample_layers.0.post_norm.weight", "stages.3.0.res_scale1.scale",
                "stages.0.0.mlp.act.scale"}) {
            assertThat(s.get(one).toArray()).as(one).containsOnly(1f);
        }
        assertThat(s).doesNotContainKey("stages.0.0.res_scale1.scale").doesNotContainKey("stages.0.0.layer_scale1.scale");
    }

    private static void assertStd(Tensor t, double std) {
        double ss = 0, mean = 0;
        for (float v : t.toArray()) {
            mean += v;
            ss += (double) v * v;
        }
        mean /= t.size();
        double sd = Math.sqrt(ss / t.size() - mean * mean);
        assertThat(sd).as("std of %s values", t.size()).isBetween(std * 0.85, std * 1.15);
        assertThat(Math.abs(mean)).isLessThan(4 * std / Math.sqrt(t.size()));
    }

    /** One block per stage of each mixer: every parameter of the network receives a gradient. */
    @Test
    void gradientsReachEveryParameter() {
        MetaFormer m = small(32, 64);
        Variable y = m.forward(Variable.constant(Tensor.uniform(Shape.of(2, 32, 64, 3), -1f, 1f, 6)));
        assertThat(y.shape()).isEqualTo(Shape.of(2, 7));
        y.backward(Tensor.uniform(y.shape(), -1f, 1f, 7));
        for (Map.Entry<String, Parameter> p : m.namedParameters().entrySet()) {
            Tensor g = p.getValue().grad();
            assertThat(g).as("gradient of %s", p.getKey()).isNotNull();
            boolean nonZero = false;
            for (float v : g.toArray()) nonZero |= v != 0f;
            assertThat(nonZero).as("non-zero gradient of %s", p.getKey()).isTrue();
        }
    }

    /**
     * The reference's {@code load_weights}: a state saved at 64×64 loads into a model for 96×96 with each filter
     * bank resized bicubically (align_corners=True keeps the corner values), every other tensor unchanged.
     */
    @Test
    void inferenceInPlacePathGivesTheRecordedLogitsBitForBit() {
        // Layer scales and residual scales on some stages, none on others: every form of the in-place residual.
        MetaFormer m = MetaFormer.builder().setDepths(1, 2, 1, 1).setDims(8, 16, 24, 32).setTokenMixers(MetaFormerTest::mixer)
                .optLayerScaleInitValues(null, 0.5, null, 0.7).optResScaleInitValues(null, null, 1.3, 0.9)
                .optNumClasses(7).optImageSize(32, 64).optSeed(4).build();
        Variable x = Variable.constant(Tensor.uniform(Shape.of(2, 32, 64, 3), -1f, 1f, 8));
        float[] input = x.value().toArray();
        float[] recorded = m.forward(x).value().toArray();
        try (NoGrad ignored = NoGrad.enter()) {
            assertThat(m.forward(x).value().toArray()).containsExactly(recorded);
        }
        assertThat(x.value().toArray()).as("the input is not overwritten").containsExactly(input);
    }

    @Test
    void inferenceBlockLeavesItsInputAlone() {
        io.github.basis4j.nn.init.Rng rng = io.github.basis4j.nn.init.Rng.of(9);
        for (Double res : new Double[] {null, 1.1}) {
            MetaFormerBlock block = new MetaFormerBlock(8, mixer(8, 6, 10, rng), new Mlp(8, 4.0, 8, StarReLU::new, 0.0, rng),
                    0.0, null, res, rng);
            Variable x = Variable.constant(Tensor.uniform(Shape.of(1, 6, 10, 8), -1f, 1f, 10));
            float[] input = x.value().toArray();
            float[] recorded = block.forward(x).value().toArray();
            try (NoGrad ignored = NoGrad.enter()) {
                assertThat(block.forward(x).value().toArray()).containsExactly(recorded);
            }
            assertThat(x.value().toArray()).as("res scale %s: x is not overwritten", res).containsExactly(input);
        }
    }

    @Test
    void loadResizedResizesFilterBanksOnly() {
        MetaFormer src = small(64, 64);
        MetaFormer dst = MetaFormer.builder().setDepths(1, 1, 1, 1).setDims(8, 16, 24, 32).setTokenMixers(MetaFormerTest::mixer)
                .optNumClasses(7).optImageSize(96, 96).optSeed(9).build();
        Map<String, Tensor> from = src.stateDict();
        MetaFormers.loadResized(dst, from, true);
        Map<String, Tensor> to = dst.stateDict();
        Tensor k0 = to.get("stages.0.0.token_mixer.complex_weights");
        assertThat(k0.shape()).isEqualTo(Shape.of(24, 13, 4, 2));
        for (Map.Entry<String, Tensor> e : from.entrySet()) {
            Tensor expected = e.getKey().contains("complex_weights")
                    ? FilterResize.resize(e.getValue(), to.get(e.getKey()).dim(0), to.get(e.getKey()).dim(1)) : e.getValue();
            Numerics.assertBitIdentical(e.getKey(), expected.toArray(), to.get(e.getKey()).toArray());
        }
        Tensor src0 = from.get("stages.0.0.token_mixer.complex_weights");
        assertThat(k0.at(23, 12, 3, 1)).isCloseTo(src0.at(15, 8, 3, 1), org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(k0.at(0, 0, 0, 0)).isCloseTo(src0.at(0, 0, 0, 0), org.assertj.core.data.Offset.offset(1e-6f));
        assertThatThrownBy(() -> dst.loadStateDict(from, true)).hasMessageContaining("shape mismatches");
    }

    // Stage 0 dynamic, 1 separable conv, 2 global, 3 dynamic: all three mixers in one small network.
    private static Module mixer(int dim, int h, int w, io.github.basis4j.nn.init.Rng rng) {
        return switch (dim) {
            case 16 -> new SepConv(dim, StarReLU::new, rng);
            case 24 -> new GlobalFilter(dim, h, w, StarReLU::new, rng);
            default -> new DynamicFilter(dim, h, w, 4, 0.25, StarReLU::new, rng);
        };
    }

    private static MetaFormer small(int h, int w) {
        return MetaFormer.builder().setDepths(1, 1, 1, 1).setDims(8, 16, 24, 32).setTokenMixers(MetaFormerTest::mixer)
                .optNumClasses(7).optImageSize(h, w).optSeed(3).build();
    }
}
