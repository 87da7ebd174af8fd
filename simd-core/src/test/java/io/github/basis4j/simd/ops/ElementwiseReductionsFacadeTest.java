package io.github.basis4j.simd.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The {@link Elementwise} and {@link Reductions} facades: shapes of results, delegation to the kernels
 * (with tensors at non-zero offsets) and the error messages for every kind of bad argument.
 */
class ElementwiseReductionsFacadeTest {

    /** A tensor viewing {@code values} from offset 2 of a larger array. */
    private static Tensor at2(float[] values, int... dims) {
        float[] a = new float[values.length + 4];
        System.arraycopy(values, 0, a, 2, values.length);
        return Tensor.wrap(a, 2, Shape.of(dims));
    }

    @Test
    void channelBroadcastAddsPerChannelOverLeadingAxes() {
        Tensor x = at2(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 2, 2, 3);
        Tensor b = at2(new float[] {10, 20, 30}, 3);
        Tensor y = Elementwise.addChannel(x, b);
        assertThat(y.shape()).isEqualTo(Shape.of(2, 2, 3));
        assertThat(y.toArray()).containsExactly(11, 22, 33, 14, 25, 36, 17, 28, 39, 20, 31, 42);
        Tensor db = Tensor.full(Shape.of(3), 1f);
        Elementwise.mulChannelBackward(x, b, Tensor.full(Shape.of(2, 2, 3), 1f), null, db);
        assertThat(db.toArray()).containsExactly(1 + 1 + 4 + 7 + 10, 1 + 2 + 5 + 8 + 11, 1 + 3 + 6 + 9 + 12);
    }

    @Test
    void starReluUsesItsScalarParameters() {
        Tensor x = Tensor.of(new float[] {-1, 2}, 2);
        Tensor y = Elementwise.starRelu(x, Tensor.of(new float[] {0.5f}, 1), Tensor.of(new float[] {-1f}, 1));
        assertThat(y.toArray()).containsExactly(-1f, 1f);
        Tensor ds = Tensor.zeros(1), dbias = Tensor.zeros(1), dx = Tensor.zeros(2);
        Elementwise.starReluBackward(x, Tensor.of(new float[] {0.5f}, 1), Tensor.of(new float[] {1, 3}, 2), dx, ds, dbias);
        assertThat(dx.toArray()).containsExactly(0f, 6f);
        assertThat(ds.get(0)).isEqualTo(12f);
        assertThat(dbias.get(0)).isEqualTo(4f);
    }

    @Test
    void inPlaceForwardIsAllowed() {
        Tensor x = Tensor.of(new float[] {-1, 0.5f, 2}, 3);
        assertThat(Elementwise.relu(x, x)).isSameAs(x);
        assertThat(x.toArray()).containsExactly(0f, 0.5f, 2f);
    }

    @Test
    void reductionsDropTheAxisAndAcceptNegativeAxes() {
        Tensor x = at2(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(Reductions.sum(x, 1).toArray()).containsExactly(6f, 15f);
        assertThat(Reductions.sum(x, -2).toArray()).containsExactly(5f, 7f, 9f);
        assertThat(Reductions.mean(x, 0).shape()).isEqualTo(Shape.of(3));
        Reductions.MaxResult m = Reductions.max(x, 0);
        assertThat(m.values().toArray()).containsExactly(4f, 5f, 6f);
        assertThat(m.indices()).containsExactly(1, 1, 1);
        Tensor dx = Tensor.zeros(2, 3);
        Reductions.maxBackward(Tensor.of(new float[] {1, 2, 3}, 3), m.indices(), 0, dx);
        assertThat(dx.toArray()).containsExactly(0f, 0f, 0f, 1f, 2f, 3f);
        assertThat(Reductions.argmax(x)).containsExactly(2, 2);
        Reductions.TopK top = Reductions.topK(x, 2);
        assertThat(top.values().shape()).isEqualTo(Shape.of(2, 2));
        assertThat(top.values().toArray()).containsExactly(3f, 2f, 6f, 5f);
        assertThat(top.indices()).containsExactly(2, 1, 2, 1);
        assertThat(Reductions.sum(Tensor.zeros(2, 0), 1).toArray()).containsExactly(0f, 0f);
        assertThat(Reductions.mean(Tensor.zeros(2, 0), 1).toArray()).containsExactly(Float.NaN, Float.NaN);
        Tensor p = Reductions.softmax(x);
        assertThat(p.get(0) + p.get(1) + p.get(2)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void elementwiseErrorsNameOperationArgumentAndShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(3, 2);
        assertThatThrownBy(() -> Elementwise.add(a, b))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("add: b must have the shape of a [2, 3], got [3, 2]");
        assertThatThrownBy(() -> Elementwise.mul(null, b)).hasMessage("mul: a must not be null");
        assertThatThrownBy(() -> Elementwise.sub(a, a, Tensor.zeros(6)))
                .hasMessage("sub: out must have the shape of a [2, 3], got [6]");
        assertThatThrownBy(() -> Elementwise.addChannel(Tensor.zeros(2, 4, 4, 16), Tensor.zeros(8)))
                .hasMessage("addChannel: b must be [c] = [16] to match x [2, 4, 4, 16] (channel-last), got [8]");
        assertThatThrownBy(() -> Elementwise.mulChannel(Tensor.zeros(), Tensor.zeros(1)))
                .hasMessage("mulChannel: x must have a channel axis (rank >= 1), got the scalar shape []");
        assertThatThrownBy(() -> Elementwise.addChannelBackward(Tensor.zeros(5, 4), null, Tensor.zeros(5)))
                .hasMessage("addChannelBackward: db must be [c] = [4] to match dy [5, 4] (channel-last), got [5]");
        assertThatThrownBy(() -> Elementwise.divChannelBackward(Tensor.zeros(5, 4), Tensor.zeros(4), Tensor.zeros(4, 5), null, null))
                .hasMessage("divChannelBackward: dy must have the shape of x [5, 4], got [4, 5]");
        assertThatThrownBy(() -> Elementwise.starRelu(Tensor.zeros(3), Tensor.zeros(2), Tensor.zeros(1)))
                .hasMessage("starRelu: scale must be [1], got [2]");
        assertThatThrownBy(() -> Elementwise.starReluBackward(Tensor.zeros(3), Tensor.zeros(1), Tensor.zeros(3), null,
                Tensor.zeros(1, 1), null)).hasMessage("starReluBackward: dScale must be [1], got [1, 1]");
        assertThatThrownBy(() -> Elementwise.geluBackward(Tensor.zeros(3), Tensor.zeros(3), Tensor.zeros(4)))
                .hasMessage("geluBackward: dx must have the shape of x [3], got [4]");
        assertThatThrownBy(() -> Elementwise.sigmoidBackward(Tensor.zeros(3), Tensor.zeros(2), Tensor.zeros(3)))
                .hasMessage("sigmoidBackward: dy must have the shape of y [3], got [2]");
        assertThatThrownBy(() -> Elementwise.axpy(1f, Tensor.zeros(3), Tensor.zeros(2)))
                .hasMessage("axpy: y must have the shape of x [3], got [2]");
        float[] shared = new float[10];
        Tensor x = Tensor.wrap(shared, 0, Shape.of(6)), shifted = Tensor.wrap(shared, 2, Shape.of(6));
        assertThatThrownBy(() -> Elementwise.exp(x, shifted))
                .hasMessageStartingWith("exp: out (elements [2, 8)) partially overlaps x (elements [0, 6))");
    }

    @Test
    void reductionErrorsNameOperationArgumentAndShapes() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertThatThrownBy(() -> Reductions.sum(x, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sum: axis must be in [-3, 3) for shape [2, 3, 4], got 3");
        assertThatThrownBy(() -> Reductions.mean(x, -4)).hasMessage("mean: axis must be in [-3, 3) for shape [2, 3, 4], got -4");
        assertThatThrownBy(() -> Reductions.sumBackward(Tensor.zeros(2, 3), 1, x))
                .hasMessage("sumBackward: dy must be [2, 4] (dx [2, 3, 4] without axis 1), got [2, 3]");
        assertThatThrownBy(() -> Reductions.max(Tensor.zeros(2, 0), 1))
                .hasMessage("max: axis 1 of x [2, 0] is empty; a maximum needs at least one element");
        assertThatThrownBy(() -> Reductions.maxBackward(Tensor.zeros(2, 4), new int[7], 1, x))
                .hasMessage("maxBackward: indices must hold one index per element of dy (8), got 7");
        assertThatThrownBy(() -> Reductions.maxBackward(Tensor.zeros(2, 4), new int[] {0, 0, 3, 0, 0, 0, 0, 0}, 1, x))
                .hasMessage("maxBackward: indices[2] must be in [0, 3), got 3");
        assertThatThrownBy(() -> Reductions.softmax(Tensor.zeros(3, 0)))
                .hasMessage("softmax: x must have a non-empty last axis, got shape [3, 0]");
        assertThatThrownBy(() -> Reductions.logSoftmax(x, x))
                .hasMessageStartingWith("logSoftmax: out must not share elements with x");
        assertThatThrownBy(() -> Reductions.softmaxBackward(x, x, Tensor.zeros(2, 3)))
                .hasMessage("softmaxBackward: dx must have the shape of y [2, 3, 4], got [2, 3]");
        assertThatThrownBy(() -> Reductions.topK(x, 5)).hasMessage("topK: k must be in [1, 4] for x [2, 3, 4], got 5");
        assertThatThrownBy(() -> Reductions.argmax(Tensor.zeros())).hasMessage("argmax: x must have a non-empty last axis, got shape []");
        assertThatThrownBy(() -> Reductions.sum(null, 0)).hasMessage("sum: x must not be null");
    }
}
