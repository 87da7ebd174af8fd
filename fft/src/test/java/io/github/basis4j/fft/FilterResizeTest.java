package io.github.basis4j.fft;

import static io.github.basis4j.simd.testing.Numerics.assertBitIdentical;
import static io.github.basis4j.simd.testing.Numerics.assertClose;
import static io.github.basis4j.simd.testing.Numerics.randomFloats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link FilterResize} against PyTorch's {@code F.interpolate(mode="bicubic", align_corners=True)} and its autograd
 * ({@code filter_resize.safetensors}: up, down, identity, 1-pixel sources and targets, DFFormer and global layouts),
 * the backward as the forward's adjoint, accumulation, and argument errors.
 */
class FilterResizeTest {
    private static final Safetensors.File FIXTURE = Fixtures.open("filter_resize.safetensors");
    /**
     * PyTorch 1.13 computes source positions and cubic weights in float (we use exact ones): its weights are off by up
     * to ~1e-6 at positions near 27 (one float ulp there is 1.9e-6), which moves outputs of randn banks by a few 1e-6.
     */
    private static final double RTOL = 1e-6, ATOL = 1e-5;
    /** The backward sums up to ~16·(out/in)² such terms per source sample (64 when doubling both axes). */
    private static final double BACKWARD_ATOL = 3e-5;

    private static Set<String> cases() {
        Set<String> names = new TreeSet<>();
        for (String key : FIXTURE.entries().keySet()) names.add(key.substring(0, key.lastIndexOf('.')));
        return names;
    }

    @Test
    void fixtureHoldsTheCasesTheScriptWrites() {
        assertThat(cases()).contains("14x8_to_28x15", "7x4_to_9x5", "7x4_to_7x4_identity", "28x15_to_14x8",
                "9x5_to_4x3", "14x8_to_7x4_global", "3x2_to_1x1", "1x1_to_3x2", "5x3_to_6x7");
    }

    @Test
    void forwardAndBackwardMatchPyTorch() {
        for (String c : cases()) {
            Tensor bank = FIXTURE.tensor(c + ".bank"), expected = FIXTURE.tensor(c + ".out");
            Tensor out = FilterResize.resize(bank, expected.dim(0), expected.dim(1));
            assertThat(out.shape()).as(c).isEqualTo(expected.shape());
            assertClose(c + " forward", expected.toArray(), out.toArray(), RTOL, ATOL);

            Tensor grad = Tensor.zeros(bank.shape());
            FilterResize.resizeBackward(FIXTURE.tensor(c + ".grad_out"), grad);
            assertClose(c + " backward", FIXTURE.tensor(c + ".grad_bank").toArray(), grad.toArray(), RTOL, BACKWARD_ATOL);
        }
    }

    @Test
    void sameSizeIsAnExactCopy() {
        Tensor bank = Tensor.of(randomFloats(7 * 4 * 4 * 2, 5), 7, 4, 4, 2);
        assertBitIdentical("identity resize", bank.toArray(), FilterResize.resize(bank, 7, 4).toArray());
    }

    @Test
    void backwardIsTheAdjointOfTheForward() {
        // <resize(a), g> = <a, resizeBackward(g)> for a linear map and its adjoint, checked in double.
        int[][] sizes = {{14, 8, 28, 15}, {9, 5, 4, 3}, {2, 3, 5, 1}};
        for (int[] s : sizes) {
            Tensor a = Tensor.of(randomFloats(s[0] * s[1] * 6, 11), s[0], s[1], 3, 2);
            Tensor g = Tensor.of(randomFloats(s[2] * s[3] * 6, 12), s[2], s[3], 3, 2);
            Tensor ga = Tensor.zeros(a.shape());
            FilterResize.resizeBackward(g, ga);
            double lhs = dot(FilterResize.resize(a, s[2], s[3]), g), rhs = dot(a, ga);
            assertThat(rhs).as("adjoint %dx%d -> %dx%d", s[0], s[1], s[2], s[3]).isCloseTo(lhs, org.assertj.core.data.Offset.offset(1e-4 * Math.abs(lhs) + 1e-5));
        }
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) s += (double) a.get(i) * b.get(i);
        return s;
    }

    @Test
    void backwardAddsIntoANonZeroBuffer() {
        Tensor g = Tensor.of(randomFloats(9 * 5 * 8, 21), 9, 5, 4, 2);
        Tensor fresh = Tensor.zeros(7, 4, 4, 2);
        FilterResize.resizeBackward(g, fresh);
        float[] start = randomFloats(7 * 4 * 8, 22);
        Tensor acc = Tensor.of(start.clone(), 7, 4, 4, 2);
        FilterResize.resizeBackward(g, acc);
        float[] expected = new float[start.length];
        for (int i = 0; i < start.length; i++) expected[i] = start[i] + fresh.get(i);
        assertClose("accumulated gradient", expected, acc.toArray(), 1e-6, 1e-6);
    }

    @Test
    void worksOnOffsetViews() {
        float[] backing = randomFloats(5 + 7 * 4 * 2, 31);
        Tensor view = Tensor.wrap(backing, 5, Shape.of(7, 4, 2));
        Tensor copy = view.copy();
        assertBitIdentical("offset view", FilterResize.resize(copy, 9, 5).toArray(), FilterResize.resize(view, 9, 5).toArray());
    }

    @Test
    void rejectsBadArguments() {
        Tensor bank = Tensor.zeros(7, 4, 4, 2);
        assertThatThrownBy(() -> FilterResize.resize(Tensor.zeros(7), 9, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resize: bank must be a filter bank [h, w, ...]")
                .hasMessageContaining("[7]");
        assertThatThrownBy(() -> FilterResize.resize(bank, 0, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1x1, got 0x5");
        assertThatThrownBy(() -> FilterResize.resize(bank, Tensor.zeros(9, 5, 3, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[9, 5, 4, 2]").hasMessageContaining("[9, 5, 3, 2]");
        assertThatThrownBy(() -> FilterResize.resizeBackward(Tensor.zeros(9, 5, 4), bank))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resizeBackward").hasMessageContaining("[9, 5, 4]");
    }
}
