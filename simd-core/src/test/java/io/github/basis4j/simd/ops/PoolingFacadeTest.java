package io.github.basis4j.simd.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import org.junit.jupiter.api.Test;

/** The Pooling and Padding facades: output shapes, offsets of sliced tensors, and every validation error. */
class PoolingFacadeTest {
    private static Tensor map(int n, int h, int w, int c, long seed) {
        return Tensor.uniform(Shape.of(n, h, w, c), -1f, 1f, seed);
    }

    @Test
    void outputShapesFollowPyTorch() {
        Tensor x = map(2, 7, 8, 3, 1);
        int[] argmax = new int[2 * 4 * 4 * 3];
        assertThat(Pooling.maxPool2d(x, 3, 3, 2, 2, 1, 1, argmax).shape()).isEqualTo(Shape.of(2, 4, 4, 3));
        assertThat(Pooling.avgPool2d(x, 2, 2, 2, 2, 0, 0, true).shape()).isEqualTo(Shape.of(2, 3, 4, 3));
        assertThat(Pooling.adaptiveAvgPool2d(x, 3, 5).shape()).isEqualTo(Shape.of(2, 3, 5, 3));
        assertThat(Pooling.globalMean(x).shape()).isEqualTo(Shape.of(2, 3));
        assertThat(Padding.pad2d(x, 1, 2, 3, 4).shape()).isEqualTo(Shape.of(2, 10, 15, 3));
        assertThat(Padding.subsample(x, 2, 3).shape()).isEqualTo(Shape.of(2, 4, 3, 3));
        assertThat(Padding.padChannels(x, 1, 2).shape()).isEqualTo(Shape.of(2, 7, 8, 6));
    }

    @Test
    void optionAShortcutSubsamplesAndPadsChannelsAsTheCifarLambdaLayer() {
        // x[b, i, j, ch] = 100·i + 10·j + ch; the shortcut to planes = 8 keeps even i, j and adds 2 zero
        // channels on each side, as F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, 2, 2)) does in NCHW.
        Tensor x = Tensor.zeros(1, 4, 5, 4);
        for (int i = 0; i < 4; i++) for (int j = 0; j < 5; j++) for (int ch = 0; ch < 4; ch++) {
            x.set((i * 5 + j) * 4 + ch, 100 * i + 10 * j + ch);
        }
        Tensor y = Padding.subsamplePadChannels(x, 2, 2, 8 / 4, 8 / 4);
        assertThat(y.shape()).isEqualTo(Shape.of(1, 2, 3, 8));
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int ch = 0; ch < 8; ch++) {
            float expected = ch < 2 || ch >= 6 ? 0f : 200 * i + 20 * j + (ch - 2);
            assertThat(y.at(0, i, j, ch)).as("y[0, %d, %d, %d]", i, j, ch).isEqualTo(expected);
        }
        Tensor dx = Tensor.full(x.shape(), 1f);
        Padding.subsamplePadChannelsBackward(y, 2, 2, 2, 2, dx);
        assertThat(dx.at(0, 2, 4, 3)).isEqualTo(1f + 200 + 40 + 3);
        assertThat(dx.at(0, 1, 4, 3)).isEqualTo(1f);
    }

    @Test
    void slicedTensorsAreReadAndWrittenAtTheirOffsets() {
        Tensor both = map(3, 5, 5, 7, 2);
        Tensor x = both.slice(1, 3);
        Tensor expected = Pooling.avgPool2d(x.copy(), 3, 3, 1, 1, 1, 1, false);
        Tensor out = Tensor.full(Shape.of(3, 5, 5, 7), 5f);
        Pooling.avgPool2d(x, 3, 3, 1, 1, 1, 1, false, out.slice(1, 3));
        assertThat(out.slice(1, 3).toArray()).containsExactly(expected.toArray());
        assertThat(out.slice(0, 1).toArray()).containsOnly(5f);
    }

    @Test
    void maxPoolRoundTripSendsEachGradientToItsWinner() {
        Tensor x = Tensor.of(new float[] {1, 5, 2, 0, 3, 4, 9, 8, 7}, 1, 3, 3, 1);
        int[] argmax = new int[4];
        Tensor y = Pooling.maxPool2d(x, 2, 2, 1, 1, 0, 0, argmax);
        assertThat(y.toArray()).containsExactly(5, 5, 9, 8);
        assertThat(argmax).containsExactly(1, 1, 6, 7);
        Tensor dx = Tensor.zeros(1, 3, 3, 1);
        Pooling.maxPool2dBackward(Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2, 1), argmax, dx);
        assertThat(dx.toArray()).containsExactly(0, 3, 0, 0, 0, 0, 3, 4, 0);
    }

    @Test
    void invalidArgumentsAreRejectedNamingOperationAndArgument() {
        Tensor x = map(2, 6, 6, 3, 3);
        int[] argmax = new int[2 * 3 * 3 * 3];
        assertThatThrownBy(() -> Pooling.maxPool2d(Tensor.zeros(6, 6, 3), 2, 2, 2, 2, 0, 0, argmax))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPool2d: x must be an NHWC feature map");
        assertThatThrownBy(() -> Pooling.maxPool2d(x, 2, 2, 0, 2, 0, 0, argmax))
                .hasMessageContaining("maxPool2d: strideH must be >= 1, got 0");
        assertThatThrownBy(() -> Pooling.maxPool2d(x, 3, 3, 2, 2, 2, 2, argmax))
                .hasMessageContaining("maxPool2d: padding must be at most half the window");
        assertThatThrownBy(() -> Pooling.avgPool2d(x, 7, 7, 1, 1, 0, 0, true))
                .hasMessageContaining("avgPool2d: the 7×7 window does not fit x [2, 6, 6, 3]");
        assertThatThrownBy(() -> Pooling.maxPool2d(x, 2, 2, 2, 2, 0, 0, new int[5]))
                .hasMessageContaining("maxPool2d: argmax must hold n·outH·outW·c = 54 indices, got an array of 5");
        assertThatThrownBy(() -> Pooling.maxPool2d(x, 2, 2, 2, 2, 0, 0, Tensor.zeros(2, 3, 3, 4), argmax))
                .hasMessageContaining("maxPool2d: y must be [n, outH, outW, c] = [2, 3, 3, 3], got [2, 3, 3, 4]");
        assertThatThrownBy(() -> Pooling.maxPool2d(x, 1, 1, 1, 1, 0, 0, x, new int[x.size()]))
                .hasMessageContaining("maxPool2d: y must not overlap x");
        int[] bad = new int[54];
        bad[7] = 36;
        assertThatThrownBy(() -> Pooling.maxPool2dBackward(Tensor.zeros(2, 3, 3, 3), bad, Tensor.zeros(2, 6, 6, 3)))
                .hasMessageContaining("maxPool2dBackward: argmax[7] must be in [0, h·w) = [0, 36), got 36");
        assertThatThrownBy(() -> Pooling.maxPool2dBackward(Tensor.zeros(2, 3, 3, 4), argmax, Tensor.zeros(2, 6, 6, 3)))
                .hasMessageContaining("maxPool2dBackward: dy must be [n, outH, outW, c] with n, c of dx");
        assertThatThrownBy(() -> Pooling.avgPool2dBackward(Tensor.zeros(2, 4, 3, 3), 2, 2, 2, 2, 0, 0, true, Tensor.zeros(2, 6, 6, 3)))
                .hasMessageContaining("avgPool2dBackward: dy must be [n, outH, outW, c] = [2, 3, 3, 3], got [2, 4, 3, 3]");
        assertThatThrownBy(() -> Pooling.adaptiveAvgPool2d(x, 0, 2)).hasMessageContaining("adaptiveAvgPool2d: outH must be >= 1, got 0");
        assertThatThrownBy(() -> Pooling.adaptiveAvgPool2d(x, Tensor.zeros(2, 2, 2, 4)))
                .hasMessageContaining("adaptiveAvgPool2d: y must be [n, outH, outW, c] = [2, outH >= 1, outW >= 1, 3]");
        assertThatThrownBy(() -> Pooling.adaptiveAvgPool2dBackward(Tensor.zeros(1, 2, 2, 3), Tensor.zeros(2, 6, 6, 3)))
                .hasMessageContaining("adaptiveAvgPool2dBackward: dy must be");
        assertThatThrownBy(() -> Pooling.globalMean(x, Tensor.zeros(2, 4)))
                .hasMessageContaining("globalMean: y must be [n, c] = [2, 3], got [2, 4]");
        assertThatThrownBy(() -> Pooling.globalMeanBackward(Tensor.zeros(3, 3), Tensor.zeros(2, 6, 6, 3)))
                .hasMessageContaining("globalMeanBackward: dy must be [n, c] = [2, 3], got [3, 3]");
        assertThatThrownBy(() -> Padding.pad2d(x, -1, 0, 0, 0)).hasMessageContaining("pad2d: top must be >= 0, got -1");
        assertThatThrownBy(() -> Padding.pad2d(x, 1, 1, 1, 1, Tensor.zeros(2, 8, 7, 3)))
                .hasMessageContaining("pad2d: y must be [n, top + h + bottom, left + w + right, c] = [2, 8, 8, 3], got [2, 8, 7, 3]");
        assertThatThrownBy(() -> Padding.pad2dBackward(Tensor.zeros(2, 8, 8, 3), 1, 1, 1, 0, Tensor.zeros(2, 6, 6, 3)))
                .hasMessageContaining("pad2dBackward: dy must be");
        assertThatThrownBy(() -> Padding.subsample(x, 0, 1)).hasMessageContaining("subsamplePadChannels: strideH must be >= 1, got 0");
        assertThatThrownBy(() -> Padding.padChannels(x, 0, -2)).hasMessageContaining("subsamplePadChannels: after must be >= 0, got -2");
        assertThatThrownBy(() -> Padding.subsamplePadChannelsBackward(Tensor.zeros(2, 3, 3, 7), 2, 2, 2, 1, Tensor.zeros(2, 6, 6, 3)))
                .hasMessageContaining("subsamplePadChannelsBackward: dy must be [n, ⌈h/strideH⌉, ⌈w/strideW⌉, before + c + after] = [2, 3, 3, 6], got [2, 3, 3, 7]");
        assertThatThrownBy(() -> Padding.subsamplePadChannels(x, 1, 1, 0, 0, x))
                .hasMessageContaining("subsamplePadChannels: y must not overlap x");
    }
}
