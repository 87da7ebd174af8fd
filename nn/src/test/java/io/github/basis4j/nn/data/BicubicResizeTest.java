package io.github.basis4j.nn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link Interpolation#BICUBIC} against PyTorch 1.13's {@code interpolate(mode="bicubic", antialias=True)}
 * (tools/fixtures/image_resize.py): shrinking (antialiased taps), enlarging, one axis each way, same size.
 */
class BicubicResizeTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/image_resize.safetensors");
    /** Float sums of up to ~20 taps against PyTorch's float sums in another order. */
    private static final double TOL = 2e-6;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"down", "up", "mixed", "same"})
    void matchesPyTorchsAntialiasedBicubic(String name) throws IOException {
        assertThat(FIXTURE).as("fixture missing: run /usr/bin/python3 tools/fixtures/image_resize.py").exists();
        Safetensors.File f = Safetensors.read(FIXTURE);
        Tensor in = f.tensor(name + ".input").nchwToNhwc(), expected = f.tensor(name + ".output").nchwToNhwc();
        Image img = new Image(in.dim(1), in.dim(2), in.dim(3), in.toArray());
        Image out = Transforms.resize(expected.dim(1), expected.dim(2), Interpolation.BICUBIC).apply(img, Rng.of(0));
        assertThat(out.shape()).containsExactly(expected.dim(1), expected.dim(2), expected.dim(3));
        float[] e = expected.toArray();
        for (int i = 0; i < e.length; i++) {
            assertThat((double) out.data()[i]).as("%s element %d", name, i).isCloseTo(e[i], org.assertj.core.data.Offset.offset(TOL));
        }
    }

    @Test
    void shorterSideBicubicKeepsTheAspectAndAConstantImage() {
        float[] d = new float[40 * 60];
        java.util.Arrays.fill(d, 0.25f);
        Image out = Transforms.resizeShorterSide(28, Interpolation.BICUBIC).apply(new Image(40, 60, 1, d), Rng.of(0));
        assertThat(out.shape()).containsExactly(28, 42, 1);
        for (float v : out.data()) assertThat((double) v).isCloseTo(0.25, org.assertj.core.data.Offset.offset(1e-6));
        assertThatThrownBy(() -> Transforms.resize(2, 2, null)).hasMessageContaining("resize: interpolation must not be null");
    }
}
