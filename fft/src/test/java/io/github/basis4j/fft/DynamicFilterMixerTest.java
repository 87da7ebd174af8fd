package io.github.basis4j.fft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SpectralOps#dynamicFilterMixer}: the fused round trip equals rfft2, dynamicFilter and irfft2 called one after
 * the other bit for bit, on every plane kind and thread count.
 */
class DynamicFilterMixerTest {
    /**
     * [n, h, w, c, f]: DFFormer-like planes (several column strips at 27×20×64), odd W, a Bluestein height, one row, one
     * column, channel counts around the vector width, a power-of-two single-channel plane (JTransforms, unfused), and
     * batches below and above the thread count.
     */
    private static final int[][] CASES = {
        {1, 27, 20, 64, 4}, {1, 22, 15, 96, 2}, {2, 14, 14, 33, 4}, {3, 7, 7, 17, 3}, {1, 1, 9, 16, 1},
        {1, 5, 1, 15, 2}, {2, 8, 6, 1, 2}, {1, 16, 16, 1, 4}, {1, 3, 4, 127, 4}, {4, 6, 10, 31, 2},
    };

    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static Tensor[] inputs(int[] p) {
        int n = p[0], h = p[1], w = p[2], c = p[3], f = p[4];
        long seed = Arrays.hashCode(p);
        Tensor x = Tensor.uniform(Shape.of(n, h, w, c), -1, 1, seed);
        Tensor r = Tensor.uniform(Shape.of(n, f, c), 0, 1, seed + 1);
        Tensor k = Tensor.uniform(Shape.of(h, w / 2 + 1, f, 2), -1, 1, seed + 2);
        return new Tensor[] {x, r, k};
    }

    private static float[] unfused(Tensor x, Tensor r, Tensor k, Norm norm) {
        int h = x.dim(1), w = x.dim(2);
        Tensor spec = RealFft2d.rfft2(x, norm);
        return RealFft2d.irfft2(SpectralOps.dynamicFilter(spec, r, k, w), h, w, norm).toArray();
    }

    @Test
    void equalsTheThreeStepsBitForBitOnOneAndTwoThreads() {
        for (int[] p : CASES) {
            Tensor[] in = inputs(p);
            for (Norm norm : new Norm[] {Norm.ORTHO, Norm.BACKWARD}) {
                Parallel.setThreads(1);
                float[] expected = unfused(in[0], in[1], in[2], norm);
                float[] one = SpectralOps.dynamicFilterMixer(in[0], in[1], in[2], norm).toArray();
                Parallel.setThreads(2);
                float[] two = SpectralOps.dynamicFilterMixer(in[0], in[1], in[2], norm).toArray();
                assertThat(one).as("%s %s, one thread", Arrays.toString(p), norm).containsExactly(expected);
                assertThat(two).as("%s %s, two threads", Arrays.toString(p), norm).containsExactly(expected);
            }
        }
    }

    @Test
    void runsInPlaceOverItsInput() {
        for (int[] p : CASES) {
            Tensor[] in = inputs(p);
            float[] expected = unfused(in[0], in[1], in[2], Norm.ORTHO);
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                Tensor x = in[0].copy();
                SpectralOps.dynamicFilterMixer(x, in[1], in[2], Norm.ORTHO, x);
                assertThat(x.toArray()).as("%s in place, %d threads", Arrays.toString(p), threads).containsExactly(expected);
            }
        }
        Tensor whole = Tensor.zeros(2 * 6 * 8 * 4 + 1);
        Tensor x = Tensor.wrap(whole.data(), 0, Shape.of(2, 6, 8, 4)), shiftedY = Tensor.wrap(whole.data(), 1, Shape.of(2, 6, 8, 4));
        assertThatThrownBy(() -> SpectralOps.dynamicFilterMixer(x, Tensor.zeros(2, 2, 4), Tensor.zeros(6, 5, 2, 2), Norm.ORTHO, shiftedY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dynamicFilterMixer: y must be x itself or not overlap it");
    }

    @Test
    void readsItsInputsAtTheirOffsetsAndLeavesThemAlone() {
        int[] p = {2, 9, 12, 20, 3};
        Tensor[] in = inputs(p);
        float[] expected = unfused(in[0], in[1], in[2], Norm.ORTHO);
        float[] xCopy = in[0].toArray();
        // The same values behind a leading row of guard values.
        Tensor x = shifted(in[0]), r = shifted(in[1]), k = shifted(in[2]);
        assertThat(SpectralOps.dynamicFilterMixer(x, r, k, Norm.ORTHO).toArray()).containsExactly(expected);
        assertThat(x.toArray()).containsExactly(xCopy);
    }

    private static Tensor shifted(Tensor t) {
        int guard = 7;
        float[] data = new float[guard + t.size()];
        Arrays.fill(data, 0, guard, Float.NaN);
        System.arraycopy(t.toArray(), 0, data, guard, t.size());
        return Tensor.wrap(data, guard, t.shape());
    }

    @Test
    void rejectsMismatchedArguments() {
        Tensor x = Tensor.zeros(1, 6, 8, 4);
        Tensor r = Tensor.zeros(1, 2, 4);
        Tensor k = Tensor.zeros(6, 5, 2, 2);
        assertThatThrownBy(() -> SpectralOps.dynamicFilterMixer(x, r, k, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dynamicFilterMixer: norm must not be null");
        assertThatThrownBy(() -> SpectralOps.dynamicFilterMixer(Tensor.zeros(6, 8, 4), r, k, Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dynamicFilterMixer: x must be a map [N, H, W, C]");
        assertThatThrownBy(() -> SpectralOps.dynamicFilterMixer(x, r, Tensor.zeros(6, 4, 2, 2), Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dynamicFilterMixer: k must be a filter bank [H, Wc, F, 2] = [6, 5");
        assertThatThrownBy(() -> SpectralOps.dynamicFilterMixer(x, Tensor.zeros(1, 3, 4), k, Norm.ORTHO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dynamicFilterMixer: routeing must be [N, F, C]");
    }
}
