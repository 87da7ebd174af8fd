package io.github.basis4j.models.metaformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Dense;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.StarReLU;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link AFNO2D} as a module: the reference's state order, shapes and initialisation, the residual around the
 * spectral MLP, and bad arguments. Its values and gradients against PyTorch are in {@link GoldenTest}; its ops'
 * gradients against finite differences in the fft and nn modules.
 */
class AFNO2DTest {
    @Test
    void stateFollowsTheReferenceOrderShapesAndInitialisation() {
        AFNO2D m = new AFNO2D(64, 4, 6, AFNO2D.DEFAULT_NUM_BLOCKS, AFNO2D.DEFAULT_SPARSITY_THRESHOLD, StarReLU::new, Rng.of(1));
        Map<String, Tensor> s = m.stateDict();
        assertThat(s.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().shape()).collect(Collectors.toList())).containsExactly(
                "w1 [2, 8, 16, 16]", "b1 [2, 8, 16]", "w2 [2, 8, 16, 16]", "b2 [2, 8, 16]", "pwconv1.weight [128, 64]",
                "act1.scale [1]", "act1.bias [1]", "pwconv2.weight [64, 128]");
        for (String key : new String[] {"w1", "w2", "b1", "b2"}) {
            float[] v = s.get(key).toArray();
            double ss = 0;
            for (float f : v) ss += (double) f * f;
            assertThat(Math.sqrt(ss / v.length)).as("rms of %s", key).isBetween(0.85 * AFNO2D.INIT_STD, 1.15 * AFNO2D.INIT_STD);
        }
    }

    /**
     * A threshold above every spectral value shrinks the whole spectrum to zero, leaving the residual the reference
     * adds after the inverse FFT: {@code y = pwconv2(act1(pwconv1(x)))}.
     */
    @Test
    void aThresholdAboveEverySpectralValueLeavesOnlyTheResidual() {
        AFNO2D m = new AFNO2D(8, 4, 5, 2, 1e9f, StarReLU::new, Rng.of(2));
        Map<String, Tensor> s = m.stateDict();
        Tensor x = Tensor.uniform(Shape.of(2, 4, 5, 8), -1, 1, 3);
        Variable u = new StarReLU().forward(Dense.linear(Variable.constant(x), Variable.constant(s.get("pwconv1.weight")), null));
        Tensor expected = Dense.linear(u, Variable.constant(s.get("pwconv2.weight")), null).value();
        Numerics.assertClose("residual only", expected.toArray(), m.forward(Variable.constant(x)).value().toArray(), 1e-6, 1e-7);
        // With the reference's threshold the spectral branch contributes.
        AFNO2D shrinking = new AFNO2D(8, 4, 5, 2, AFNO2D.DEFAULT_SPARSITY_THRESHOLD, StarReLU::new, Rng.of(2));
        float[] y = shrinking.forward(Variable.constant(x)).value().toArray();
        double diff = 0;
        for (int i = 0; i < y.length; i++) diff = Math.max(diff, Math.abs(y[i] - expected.get(i)));
        assertThat(diff).isGreaterThan(1e-4);
    }

    @Test
    void badArgumentsAreNamed() {
        Rng rng = Rng.of(4);
        assertThatThrownBy(() -> new AFNO2D(6, 4, 4, 8, 0.01f, StarReLU::new, rng)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AFNO2D: numBlocks must divide the hidden width 2·dim = 12, got 8");
        assertThatThrownBy(() -> new AFNO2D(8, 0, 4, 2, 0.01f, StarReLU::new, rng)).hasMessageContaining("AFNO2D: the map must be at least 1x1, got 0x4");
        assertThatThrownBy(() -> new AFNO2D(8, 4, 4, 2, -1f, StarReLU::new, rng)).hasMessageContaining("AFNO2D: sparsityThreshold must be >= 0, got -1.0");
        AFNO2D m = new AFNO2D(8, 4, 6, 2, 0.01f, StarReLU::new, rng);
        assertThatThrownBy(() -> m.forward(Variable.constant(Tensor.zeros(1, 4, 5, 8))))
                .hasMessageContaining("AFNO2D: x must be [n, 4, 6, dim] (the size the mixer was built for), got [1, 4, 5, 8]");
    }
}
