package io.github.basis4j.fft;

import static io.github.basis4j.simd.testing.Numerics.assertBitIdentical;
import static io.github.basis4j.simd.testing.Numerics.assertClose;
import static io.github.basis4j.simd.testing.Numerics.randomFloats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link SpectralOps} as a facade: the layout converters, offsets passed through, accumulation and skipped
 * gradients, in-place products, and every argument error. The arithmetic itself is checked against naive loops,
 * finite differences and the vector twin in simd-core's {@code SpectralKernelsTest}, and against PyTorch in
 * {@link SpectralOpsFixtureTest}.
 */
class SpectralOpsTest {
    private static final int N = 2, H = 5, W = 6, WC = W / 2 + 1, C = 7, F = 3;

    private static Tensor random(long seed, int... dims) {
        return Tensor.of(randomFloats(Math.toIntExact(Shape.of(dims).size()), seed), dims);
    }

    private static Tensor spectrum(long seed) {
        return random(seed, N, H, WC, 2, C);
    }

    @Test
    void convertersSwapTheComplexAxisAndRoundTrip() {
        Tensor interleaved = random(1, 3, 4, C, 2);
        Tensor planar = SpectralOps.toPlanar(interleaved);
        assertThat(planar.shape()).isEqualTo(Shape.of(3, 4, 2, C));
        for (int ch = 0; ch < C; ch++) {
            assertThat(planar.at(2, 1, 0, ch)).isEqualTo(interleaved.at(2, 1, ch, 0));
            assertThat(planar.at(2, 1, 1, ch)).isEqualTo(interleaved.at(2, 1, ch, 1));
        }
        assertBitIdentical("round trip", interleaved.toArray(), SpectralOps.toInterleaved(planar).toArray());
        assertThatThrownBy(() -> SpectralOps.toPlanar(Tensor.zeros(3, 4, 2, C)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("toPlanar: interleaved must be [..., C, 2]")
                .hasMessageContaining("[3, 4, 2, 7]");
        assertThatThrownBy(() -> SpectralOps.toInterleaved(Tensor.zeros(3, 4, C, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("toInterleaved: planar must be [..., 2, C]");
    }

    @Test
    void offsetViewsGiveTheSameResultsAsCopies() {
        Tensor x = spectrum(2), r = random(3, N, F, C), k = random(4, H, WC, F, 2);
        float[] backing = new float[9 + x.size()];
        Tensor xv = Tensor.wrap(backing, 9, x.shape());
        xv.copyFrom(x);
        assertBitIdentical("dynamic on an offset view", SpectralOps.dynamicFilter(x, r, k, W).toArray(),
                SpectralOps.dynamicFilter(xv, r, k, W).toArray());
        Tensor kg = random(5, H, WC, 2, C);
        assertBitIdentical("global on an offset view", SpectralOps.globalFilter(x, kg, W).toArray(),
                SpectralOps.globalFilter(xv, kg, W).toArray());
    }

    @Test
    void productsRunInPlace() {
        Tensor x = spectrum(6), r = random(7, N, F, C), k = random(8, H, WC, F, 2), kg = random(9, H, WC, 2, C);
        Tensor expected = SpectralOps.dynamicFilter(x, r, k, W);
        Tensor y = x.copy();
        SpectralOps.dynamicFilter(y, r, k, W, y);
        assertBitIdentical("dynamic in place", expected.toArray(), y.toArray());
        expected = SpectralOps.globalFilter(x, kg, W);
        y = x.copy();
        SpectralOps.globalFilter(y, kg, W, y);
        assertBitIdentical("global in place", expected.toArray(), y.toArray());
    }

    @Test
    void backwardsAccumulateAndSkipNullGradients() {
        Tensor x = spectrum(10), r = random(11, N, F, C), k = random(12, H, WC, F, 2), gy = spectrum(13);
        Tensor gx = Tensor.zeros(x.shape()), gr = Tensor.zeros(r.shape()), gk = Tensor.zeros(k.shape());
        SpectralOps.dynamicFilterBackward(x, r, k, gy, W, gx, gr, gk);
        Tensor gr2 = random(14, N, F, C);
        float[] start = gr2.toArray();
        SpectralOps.dynamicFilterBackward(x, r, k, gy, W, null, gr2, null);
        float[] expected = new float[start.length];
        for (int i = 0; i < start.length; i++) expected[i] = start[i] + gr.get(i);
        assertClose("dynamic gradRouteing accumulates", expected, gr2.toArray(), 1e-6, 1e-6);

        Tensor kg = random(15, H, WC, 2, C), ggk = Tensor.zeros(kg.shape());
        SpectralOps.globalFilterBackward(x, kg, gy, W, null, ggk);
        Tensor ggk2 = Tensor.full(kg.shape(), 0.5f);
        SpectralOps.globalFilterBackward(x, kg, gy, W, null, ggk2);
        float[] shifted = ggk.toArray();
        for (int i = 0; i < shifted.length; i++) shifted[i] += 0.5f;
        assertClose("global gradK accumulates", shifted, ggk2.toArray(), 1e-6, 1e-6);
    }

    @Test
    void globalFilterRejectsBadShapes() {
        Tensor x = spectrum(20), k = random(21, H, WC, 2, C);
        assertThatThrownBy(() -> SpectralOps.globalFilter(Tensor.zeros(N, H, WC, C), k, W))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("globalFilter: x must be a half spectrum [N, H, Wc, 2, C]").hasMessageContaining("[2, 5, 4, 7]");
        assertThatThrownBy(() -> SpectralOps.globalFilter(Tensor.zeros(N, H, WC, C, 2), k, W))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("planar re/im");
        assertThatThrownBy(() -> SpectralOps.globalFilter(x, k, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("globalFilter: x must be the half spectrum of a width-8 map, [N, H, W/2+1 = 5, 2, C], got [2, 5, 4, 2, 7]");
        assertThatThrownBy(() -> SpectralOps.globalFilter(x, k, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width must be >= 1, got 0");
        assertThatThrownBy(() -> SpectralOps.globalFilter(x, Tensor.zeros(H + 1, WC, 2, C), W))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("globalFilter: k must be [H, Wc, 2, C] = [5, 4, 2, 7], got [6, 4, 2, 7]");
        assertThatThrownBy(() -> SpectralOps.globalFilter(x, Tensor.zeros(H, WC, 2, C + 1), W))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got [5, 4, 2, 8]");
        assertThatThrownBy(() -> SpectralOps.globalFilter(x, k, W, Tensor.zeros(N, H, WC, 2, C + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("globalFilter: y must be x's shape");
        assertThatThrownBy(() -> SpectralOps.globalFilterBackward(x, k, Tensor.zeros(1, H, WC, 2, C), W, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("globalFilterBackward: gradY must be");
        assertThatThrownBy(() -> SpectralOps.globalFilterBackward(x, k, x, W, Tensor.zeros(k.shape()), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gradX must be x's shape");
        assertThatThrownBy(() -> SpectralOps.globalFilterBackward(x, k, x, W, null, Tensor.zeros(x.shape())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gradK must be k's shape [H, Wc, 2, C] = [5, 4, 2, 7]");
    }

    @Test
    void dynamicFilterRejectsBadShapes() {
        Tensor x = spectrum(30), r = random(31, N, F, C), k = random(32, H, WC, F, 2);
        assertThatThrownBy(() -> SpectralOps.dynamicFilter(x, r, Tensor.zeros(H, WC + 1, F, 2), W))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dynamicFilter: k must be a filter bank [H, Wc, F, 2] = [5, 4, F >= 1, 2] to match x, got [5, 5, 3, 2]");
        assertThatThrownBy(() -> SpectralOps.dynamicFilter(x, r, Tensor.zeros(H, WC, F * 2), W))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got [5, 4, 6]");
        assertThatThrownBy(() -> SpectralOps.dynamicFilter(x, Tensor.zeros(N, F + 1, C), k, W))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dynamicFilter: routeing must be [N, F, C] = [2, 3, 7], got [2, 4, 7]");
        assertThatThrownBy(() -> SpectralOps.dynamicFilter(x, Tensor.zeros(N, C, F), k, W))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got [2, 7, 3]");
        assertThatThrownBy(() -> SpectralOps.dynamicFilter(x, Tensor.zeros(1, F, C), k, W))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got [1, 3, 7]");
        assertThatThrownBy(() -> SpectralOps.dynamicFilter(x, r, k, 9))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("width-9 map");
        assertThatThrownBy(() -> SpectralOps.dynamicFilterBackward(x, r, k, x, W, null, Tensor.zeros(N, F, C + 1), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dynamicFilterBackward: gradRouteing must be routeing's shape [N, F, C] = [2, 3, 7]");
        assertThatThrownBy(() -> SpectralOps.dynamicFilterBackward(x, r, k, x, W, null, null, Tensor.zeros(H, WC, 2, F)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gradK must be k's shape [H, Wc, F, 2] = [5, 4, 3, 2], got [5, 4, 2, 3]");
    }

    @Test
    void partiallyOverlappingOutputIsRejected() {
        Tensor x = spectrum(40), k = random(41, H, WC, 2, C);
        float[] backing = new float[x.size() + 3];
        Tensor xv = Tensor.wrap(backing, 0, x.shape()), yv = Tensor.wrap(backing, 3, x.shape());
        assertThatThrownBy(() -> SpectralOps.globalFilter(xv, k, W, yv))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("globalFilter: y must be x itself or not overlap it");
    }
}
