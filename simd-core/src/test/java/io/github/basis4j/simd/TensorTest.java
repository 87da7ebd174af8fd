package io.github.basis4j.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void reshapeIsAViewAndSliceOffsetsIntoTheSameArray() {
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor r = t.reshape(3, 2);
        r.set(5, 50f);
        assertThat(t.at(1, 2)).isEqualTo(50f);
        Tensor row1 = t.slice(1, 2);
        assertThat(row1.shape()).isEqualTo(Shape.of(1, 3));
        assertThat(row1.toArray()).containsExactly(3f, 4f, 50f);
    }

    @Test
    void permuteMatchesIndexFormula() {
        int n = 2, c = 3, h = 4, w = 5;
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) x[i] = i;
        Tensor nchw = Tensor.of(x, n, c, h, w);
        Tensor nhwc = nchw.nchwToNhwc();
        assertThat(nhwc.shape()).isEqualTo(Shape.of(n, h, w, c));
        for (int in = 0; in < n; in++)
            for (int ic = 0; ic < c; ic++)
                for (int ih = 0; ih < h; ih++)
                    for (int iw = 0; iw < w; iw++)
                        assertThat(nhwc.at(in, ih, iw, ic)).isEqualTo(nchw.at(in, ic, ih, iw));
        assertThat(nhwc.nhwcToNchw().toArray()).containsExactly(x);
    }

    @Test
    void badShapesAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3]").hasMessageContaining("5");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).reshape(4, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reshape");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).permute(0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("permute");
        assertThatThrownBy(() -> Shape.of(2, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).at(2, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
    }

    @Test
    void compactShapeString() {
        assertThat(Shape.of(16, 3, 3, 3).toCompactString()).isEqualTo("16x3x3x3");
    }
}
