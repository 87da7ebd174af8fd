package io.github.basis4j.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NonFiniteTest {
    private static final float[] BAD = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc0_1234)};

    @Test
    void findsTheFirstBadElementAtAnyPositionAroundTheChunksAndOffsets() {
        // Largest finite values and subnormals share bits with the exponent test: none of them may be reported.
        float[] finite = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0f, 1e-45f, 3f};
        for (int n : new int[] {1, 3, 7, 17, 4095, 4096, 4097, 9000}) {
            for (int off : new int[] {0, 5}) {
                float[] a = new float[off + n + 2];
                for (int i = 0; i < a.length; i++) a[i] = finite[i % finite.length];
                // Guards outside the range: bad values there must be ignored.
                if (off > 0) a[off - 1] = Float.NaN;
                a[off + n] = Float.NaN;
                assertThat(NonFinite.firstIndex(a, off, n)).as("n=%d off=%d all finite", n, off).isEqualTo(-1);
                for (int pos : new int[] {0, n / 2, n - 1}) {
                    for (float bad : BAD) {
                        float[] b = a.clone();
                        b[off + pos] = bad;
                        // A second bad value later: the first one is reported.
                        if (pos + 1 < n) b[off + n - 1] = Float.POSITIVE_INFINITY;
                        assertThat(NonFinite.firstIndex(b, off, n)).as("n=%d off=%d pos=%d %s", n, off, pos, bad).isEqualTo(pos);
                    }
                }
            }
        }
    }

    @Test
    void locatesByMultiIndexAndNamesTheSampleOfABatch() {
        Tensor t = Tensor.zeros(2, 3, 4, 5);
        int flat = ((1 * 3 + 2) * 4 + 3) * 5 + 1;
        t.set(flat, Float.NEGATIVE_INFINITY);
        assertThat(NonFinite.locate(t)).isEqualTo("-Infinity at [1, 2, 3, 1]");
        assertThat(NonFinite.index(t.shape(), flat)).containsExactly(1, 2, 3, 1);
        assertThatThrownBy(() -> NonFinite.requireFiniteBatch("forward: input", t, "NCHW")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("forward: input holds -Infinity in sample 1 at [c=2, h=3, w=1] of [N=2, C=3, H=4, W=5]");
        assertThat(NonFinite.locate(Tensor.zeros(2, 3))).isNull();
        NonFinite.requireFiniteBatch("finite", Tensor.zeros(2, 3), "NK");
        assertThatThrownBy(() -> NonFinite.requireFiniteBatch("x", t, "NHW")).hasMessageContaining("layout 'NHW'");
        assertThatThrownBy(() -> NonFinite.firstIndex(new float[3], 2, 2)).hasMessageContaining("outside an array of 3");
        assertThat(NonFinite.firstIndex(new float[0], 0, 0)).isEqualTo(-1);
    }
}
