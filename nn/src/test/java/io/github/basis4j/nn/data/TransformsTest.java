package io.github.basis4j.nn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.init.Rng;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransformsTest {
    /** [h, w, c] with value 100·y + 10·x + c: every element tells where it came from. */
    private static Image coded(int h, int w, int c) {
        float[] d = new float[h * w * c];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int k = 0; k < c; k++) d[(y * w + x) * c + k] = 100 * y + 10 * x + k;
        return new Image(h, w, c, d);
    }

    @Test
    void randomCropWithPaddingCoversEveryOffsetAndFillsZeros() {
        Image img = coded(4, 5, 2);
        Transform t = Transforms.randomCrop(4, 5, 1);
        Set<String> seen = new HashSet<>();
        Rng rng = Rng.of(1);
        for (int i = 0; i < 400; i++) {
            Image out = t.apply(img, rng);
            assertThat(out.shape()).containsExactly(4, 5, 2);
            // Recover the offset from an element that is inside the image in every case.
            int dy = 0, dx = 0;
            outer:
            for (dy = -1; dy <= 1; dy++) {
                for (dx = -1; dx <= 1; dx++) {
                    if (matches(img, out, dy, dx)) break outer;
                }
            }
            assertThat(dy).as("some offset in [-1, 1]² explains the crop").isBetween(-1, 1);
            seen.add(dy + "," + dx);
        }
        assertThat(seen).hasSize(9);
        assertThat(img.data()[0]).as("input untouched").isEqualTo(0f);
    }

    /** Whether out(y, x) = img(y + dy, x + dx), zero outside. */
    private static boolean matches(Image img, Image out, int dy, int dx) {
        for (int y = 0; y < out.height(); y++) {
            for (int x = 0; x < out.width(); x++) {
                for (int c = 0; c < out.channels(); c++) {
                    int sy = y + dy, sx = x + dx;
                    float want = sy < 0 || sx < 0 || sy >= img.height() || sx >= img.width() ? 0f : img.at(sy, sx, c);
                    if (out.at(y, x, c) != want) return false;
                }
            }
        }
        return true;
    }

    @Test
    void randomCropIsReproducibleFromTheGenerator() {
        Image img = coded(8, 8, 3);
        Transform t = Transforms.compose(Transforms.randomCrop(6, 6, 2), Transforms.horizontalFlip(0.5));
        Rng a = Rng.of(9), b = Rng.of(9);
        for (int i = 0; i < 20; i++) assertThat(t.apply(img, a)).isEqualTo(t.apply(img, b));
        assertThatThrownBy(() -> Transforms.randomCrop(10, 10, 0).apply(img, Rng.of(1))).hasMessageContaining("does not fit");
    }

    @Test
    void horizontalFlipMirrorsColumnsAtTheGivenRate() {
        Image img = coded(2, 3, 2);
        Image f = Transforms.flipHorizontal(img);
        assertThat(f.at(1, 0, 1)).isEqualTo(img.at(1, 2, 1));
        assertThat(f.at(0, 1, 0)).isEqualTo(img.at(0, 1, 0));
        assertThat(Transforms.flipHorizontal(f)).isEqualTo(img);
        Transform t = Transforms.horizontalFlip(0.25);
        Rng rng = Rng.of(3);
        int flips = 0;
        for (int i = 0; i < 4000; i++) if (!t.apply(img, rng).equals(img)) flips++;
        assertThat(flips).isBetween(900, 1100);
        Rng never = Rng.of(4);
        assertThat(Transforms.horizontalFlip(0).apply(img, never)).isEqualTo(img);
    }

    @Test
    void normalizeIsPerChannel() {
        Image img = new Image(1, 2, 2, new float[] {0.5f, 1f, 0.25f, 0f});
        Image n = Transforms.normalize(new float[] {0.5f, 0.5f}, new float[] {0.25f, 0.5f}).apply(img, Rng.of(0));
        assertThat(n.data()).containsExactly(0f, 1f, -1f, -1f);
        assertThatThrownBy(() -> Transforms.normalize(new float[] {0}, new float[] {1}).apply(img, Rng.of(0)))
                .hasMessageContaining("1 channel means for a [1, 2, 2] image");
        assertThatThrownBy(() -> Transforms.normalize(new float[] {0}, new float[] {0})).hasMessageContaining("std must be > 0");
    }

    @Test
    void resizeMatchesTorchInterpolateBilinear() {
        // torch 1.13: F.interpolate([[0, 1], [2, 3]], size=(4, 4), mode="bilinear", align_corners=False).
        Image up = Transforms.resize(4, 4).apply(new Image(2, 2, 1, new float[] {0, 1, 2, 3}), Rng.of(0));
        assertThat(up.data()).containsExactly(0f, 0.25f, 0.75f, 1f, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2f,
                2.25f, 2.75f, 3f);
        // torch 1.13: arange(30).view(5, 6) resized to (3, 4).
        float[] src = new float[30];
        for (int i = 0; i < 30; i++) src[i] = i;
        Image down = Transforms.resize(3, 4).apply(new Image(5, 6, 1, src), Rng.of(0));
        assertThat(down.data()).containsExactly(2.25f, 3.75f, 5.25f, 6.75f, 12.25f, 13.75f, 15.25f, 16.75f, 22.25f, 23.75f,
                25.25f, 26.75f);
        // Channels are resized independently.
        Image two = Transforms.resize(4, 4).apply(new Image(2, 2, 2, new float[] {0, 5, 1, 5, 2, 5, 3, 5}), Rng.of(0));
        assertThat(two.at(1, 2, 0)).isEqualTo(1.25f);
        assertThat(two.at(1, 2, 1)).isEqualTo(5f);
        Image shorter = Transforms.resizeShorterSide(4).apply(coded(6, 9, 1), Rng.of(0));
        assertThat(shorter.shape()).containsExactly(4, 6, 1);
    }

    @Test
    void centerCropRoundsHalfToEvenAndPadsWhenLarger() {
        Image img = coded(7, 5, 1);
        // (7 - 2) / 2 = 2.5 rounds to 2 (Python's round); (5 - 2) / 2 = 1.5 rounds to 2.
        Image c = Transforms.centerCrop(2, 2).apply(img, Rng.of(0));
        assertThat(c.data()).containsExactly(220f, 230f, 320f, 330f);
        // Larger than the image: torchvision pads (9 - 7) // 2 = 1 row on top, (6 - 5) // 2 = 0 columns left.
        Image p = Transforms.centerCrop(9, 6).apply(img, Rng.of(0));
        assertThat(p.shape()).containsExactly(9, 6, 1);
        assertThat(p.at(0, 0, 0)).isEqualTo(0f);
        assertThat(p.at(1, 0, 0)).isEqualTo(img.at(0, 0, 0));
        assertThat(p.at(1, 4, 0)).isEqualTo(img.at(0, 4, 0));
        assertThat(p.at(1, 5, 0)).isEqualTo(0f);
        assertThat(p.at(8, 1, 0)).isEqualTo(0f);
    }
}
