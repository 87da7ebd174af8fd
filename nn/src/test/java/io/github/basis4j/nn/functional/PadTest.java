package io.github.basis4j.nn.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Pad} against PyTorch's F.pad and the DSFB reference's option-A shortcut, and finite differences. */
class PadTest {
    /** Finite differences in float (see {@link GradCheck}): truncation and rounding both near 1e-4. */
    private static final double FD_RTOL = 2e-3, FD_ATOL = 2e-4;

    @Test
    void pad2dMatchesPyTorch() {
        // F.pad(x, (left=1, right=2, top=0, bottom=3)) on NCHW.
        OpsFixture.assertPoolOpMatches("pad2d", x -> Pad.pad2d(x, 0, 3, 1, 2));
    }

    @Test
    void optionAShortcutMatchesTheReferenceLambdaLayer() {
        OpsFixture.assertPoolOpMatches("shortcut8", x -> Pad.optionAShortcut(x, 8));
    }

    @Test
    void subsampleAndPadChannelsKeepValuesWhereTorchIndexingPutsThem() {
        Tensor x = Tensor.uniform(Shape.of(1, 5, 3, 2), -1, 1, 3);
        Tensor s = Pad.subsample(Variable.constant(x), 2, 2).value();
        assertThat(s.shape()).isEqualTo(Shape.of(1, 3, 2, 2));
        assertThat(s.at(0, 2, 1, 1)).isEqualTo(x.at(0, 4, 2, 1));
        Tensor c = Pad.padChannels(Variable.constant(x), 1, 2).value();
        assertThat(c.shape()).isEqualTo(Shape.of(1, 5, 3, 5));
        assertThat(c.at(0, 3, 1, 2)).isEqualTo(x.at(0, 3, 1, 1));
        assertThat(c.at(0, 3, 1, 0)).isZero();
        assertThat(c.at(0, 3, 1, 4)).isZero();
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Parameter x = new Parameter(Tensor.uniform(Shape.of(2, 5, 4, 3), -1, 1, 41));
        GradCheck.check("pad2d", List.of(x), v -> Pad.pad2d(v.get(0), 1, 0, 2, 1), FD_RTOL, FD_ATOL);
        GradCheck.check("subsample", List.of(x), v -> Pad.subsample(v.get(0), 2, 3), FD_RTOL, FD_ATOL);
        GradCheck.check("padChannels", List.of(x), v -> Pad.padChannels(v.get(0), 2, 1), FD_RTOL, FD_ATOL);
        GradCheck.check("optionAShortcut", List.of(x), v -> Pad.optionAShortcut(v.get(0), 6), FD_RTOL, FD_ATOL);
    }

    @Test
    void badArgumentsAreNamed() {
        Variable x = Variable.constant(Tensor.zeros(1, 4, 4, 2));
        assertThatThrownBy(() -> Pad.pad2d(x, -1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pad2d: top must be >= 0, got -1");
        assertThatThrownBy(() -> Pad.subsample(x, 0, 1)).hasMessageContaining("strideH must be >= 1, got 0");
        assertThatThrownBy(() -> Pad.padChannels(x, 0, -2)).hasMessageContaining("after must be >= 0, got -2");
        assertThatThrownBy(() -> Pad.optionAShortcut(x, -4)).hasMessageContaining("optionAShortcut: planes must be >= 0, got -4");
        assertThatThrownBy(() -> Pad.optionAShortcut(Variable.constant(Tensor.zeros(4, 2)), 4))
                .hasMessageContaining("must be an NHWC feature map [n, h, w, c], got shape [4, 2]");
    }
}
