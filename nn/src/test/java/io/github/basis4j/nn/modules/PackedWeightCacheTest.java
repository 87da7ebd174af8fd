package io.github.basis4j.nn.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Conv;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.optim.ParamGroup;
import io.github.basis4j.nn.optim.Sgd;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.PackedConv2dWeight;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conv2d's inference path packs its weight once ({@link PackedWeightCache}): it must match the recorded path bit
 * for bit and must never serve weights that have changed since they were packed.
 */
class PackedWeightCacheTest {
    private static final Variable X = Variable.constant(Tensor.uniform(Shape.of(2, 9, 7, 6), -1, 1, 11));

    private static float[] recorded(Conv2d conv, Variable x) {
        return conv.forward(x).value().toArray();
    }

    private static float[] inference(Conv2d conv, Variable x) {
        try (var _ = NoGrad.enter()) {
            return conv.forward(x).value().toArray();
        }
    }

    @Test
    void inferenceMatchesTheRecordedPathBitForBit() {
        Conv2d dense = Conv2d.builder().setInChannels(6).setOutChannels(17).setKernelSize(3, 2).optStride(2, 1).optPadding(1)
                .setRng(Rng.of(3)).build();
        Conv2d depthwise = Conv2d.builder().setInChannels(6).setOutChannels(6).setKernelSize(7).optPadding(3).optGroups(6)
                .setRng(Rng.of(4)).build();
        for (Conv2d conv : List.of(dense, depthwise)) {
            float[] expected = recorded(conv, X);
            assertThat(inference(conv, X)).containsExactly(expected);
            assertThat(inference(conv, X)).as("second call, from the cache").containsExactly(expected);
        }
    }

    @Test
    void reusesThePackUntilTheWeightChanges() {
        Conv2d conv = new Conv2d(6, 5, 3, 1, 1, true, Rng.of(5));
        PackedWeightCache cache = new PackedWeightCache();
        PackedConv2dWeight first = cache.get(conv.weight().value());
        assertThat(cache.get(conv.weight().value())).isSameAs(first);
        conv.weight().value().set(7, conv.weight().value().get(7) + 0.25f);
        assertThat(cache.get(conv.weight().value())).isNotSameAs(first);
    }

    @Test
    void neverServesAStaleWeight() {
        Conv2d conv = new Conv2d(6, 5, 3, 1, 1, true, Rng.of(6));
        float[] before = inference(conv, X);

        // A write through the raw array, the way optimisers and kernels write.
        Tensor w = conv.weight().value();
        w.data()[w.offset() + w.size() - 1] += 0.5f;
        float[] afterWrite = inference(conv, X);
        assertThat(afterWrite).isNotEqualTo(before).containsExactly(recorded(conv, X));

        // An optimiser step.
        conv.zeroGrad();
        Variable y = conv.forward(X);
        y.backward(Tensor.uniform(y.shape(), -1, 1, 12));
        new Sgd(List.of(new ParamGroup(List.of(conv.weight(), conv.bias()), 0.1, 0.0)), 0.0, 0.0, false).step();
        float[] afterStep = inference(conv, X);
        assertThat(afterStep).isNotEqualTo(afterWrite).containsExactly(recorded(conv, X));

        // A state dict from another layer.
        Conv2d other = new Conv2d(6, 5, 3, 1, 1, true, Rng.of(7));
        conv.loadStateDict(Map.of("weight", other.weight().value().copy(), "bias", other.bias().value().copy()), true);
        assertThat(inference(conv, X)).containsExactly(recorded(other, X));

        // A sign flip of a zero changes bits, not value: the packed copy follows the bits too.
        w = conv.weight().value();
        w.set(0, 0.0f);
        inference(conv, X);
        w.set(0, -0.0f);
        assertThat(inference(conv, X)).containsExactly(recorded(conv, X));
    }

    @Test
    void packedConvolutionRefusesToDropAGradient() {
        Conv2d conv = new Conv2d(6, 5, 3, 1, 1, true, Rng.of(8));
        PackedConv2dWeight packed = PackedConv2dWeight.pack(conv.weight().value());
        Variable x = new Variable(X.value(), true);
        assertThatThrownBy(() -> Conv.conv2d(x, packed, conv.bias(), conv.params()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("conv2d: packed weights are for inference");
        try (var _ = NoGrad.enter()) {
            assertThat(Conv.conv2d(x, packed, conv.bias(), conv.params()).value().toArray()).containsExactly(recorded(conv, X));
        }
    }
}
