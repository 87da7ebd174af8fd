package io.github.basis4j.nn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
    @TempDir
    Path root;

    private static int rgbAt(int seed, int y, int x) {
        int r = (seed * 40 + y * 17) & 0xff, g = (x * 29 + 3) & 0xff, b = (seed + x * y * 5) & 0xff;
        return (r << 16) | (g << 8) | b;
    }

    private static Path writeRgbPng(Path file, int seed, int h, int w) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgbAt(seed, y, x));
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(img, "png", file.toFile())).isTrue();
        return file;
    }

    private static Path writeGrayPng(Path file, int h, int w) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, (y * w + x) * 9 & 0xff);
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(img, "png", file.toFile())).isTrue();
        return file;
    }

    @Test
    void classesAreSortedSubFoldersAndSamplesFollowClassThenPath() throws IOException {
        writeRgbPng(root.resolve("dog/b.png"), 1, 4, 5);
        writeRgbPng(root.resolve("dog/a.PNG"), 2, 4, 5);
        writeRgbPng(root.resolve("cat/z/deep.png"), 3, 4, 5);
        writeRgbPng(root.resolve("cat/m.png"), 4, 4, 5);
        Files.writeString(root.resolve("cat/notes.txt"), "not an image");
        Dataset d = ImageFolderReader.open(root, ColorMode.RGB);
        assertThat(d.classNames()).containsExactly("cat", "dog");
        assertThat(d.size()).isEqualTo(4);
        int[] labels = {d.label(0), d.label(1), d.label(2), d.label(3)};
        assertThat(labels).containsExactly(0, 0, 1, 1);
        // cat/m.png (top level) before cat/z/deep.png; dog/a.PNG before dog/b.png.
        assertThat(d.image(0).at(0, 0, 0)).isEqualTo(((rgbAt(4, 0, 0) >> 16) & 0xff) / 255f);
        assertThat(d.image(1).at(0, 0, 0)).isEqualTo(((rgbAt(3, 0, 0) >> 16) & 0xff) / 255f);
        assertThat(d.image(2).at(0, 0, 0)).isEqualTo(((rgbAt(2, 0, 0) >> 16) & 0xff) / 255f);
    }

    @Test
    void rgbPngRoundTripsExactlyAndConvertsToGreyAsPil() throws IOException {
        Path f = writeRgbPng(root.resolve("c/x.png"), 5, 6, 7);
        Image rgb = ImageFolderReader.decode(f, ColorMode.RGB);
        Image grey = ImageFolderReader.decode(f, ColorMode.GRAY);
        assertThat(rgb.shape()).containsExactly(6, 7, 3);
        assertThat(grey.shape()).containsExactly(6, 7, 1);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 7; x++) {
                int p = rgbAt(5, y, x);
                int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
                assertThat(rgb.at(y, x, 0)).isEqualTo(r / 255f);
                assertThat(rgb.at(y, x, 1)).isEqualTo(g / 255f);
                assertThat(rgb.at(y, x, 2)).isEqualTo(b / 255f);
                long pil = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                assertThat(grey.at(y, x, 0) * 255.0).isCloseTo((double) pil, offset(1.0001));
                // ColorMode.luma is the same conversion without the 8-bit rounding.
                assertThat(grey.at(y, x, 0) * 255.0).isCloseTo(ColorMode.luma(r, g, b), offset(1.0001));
            }
        }
        // Pure red and green have PIL values 76 and 150.
        BufferedImage two = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        two.setRGB(0, 0, 0xff0000);
        two.setRGB(1, 0, 0x00ff00);
        Path t = root.resolve("two.png");
        ImageIO.write(two, "png", t.toFile());
        Image g = ImageFolderReader.decode(t, ColorMode.GRAY);
        assertThat(g.data()).containsExactly(76 / 255f, 150 / 255f);
        assertThat(ColorMode.luma(1, 0, 0)).isEqualTo(0.299f);
        assertThat(ColorMode.luma(0, 1, 0)).isEqualTo(0.587f);
        assertThat(ColorMode.luma(0, 0, 1)).isEqualTo(0.114f);
    }

    @Test
    void greyPngReadsRawSamplesNotGammaConverted() throws IOException {
        Path f = writeGrayPng(root.resolve("c/g.png"), 5, 6);
        Image grey = ImageFolderReader.decode(f, ColorMode.GRAY);
        Image rgb = ImageFolderReader.decode(f, ColorMode.RGB);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 6; x++) {
                float v = ((y * 6 + x) * 9 & 0xff) / 255f;
                assertThat(grey.at(y, x, 0)).isEqualTo(v);
                for (int c = 0; c < 3; c++) assertThat(rgb.at(y, x, c)).isEqualTo(v);
            }
        }
    }

    @Test
    void jpegLoadsCloseToItsSource() throws IOException {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) img.setRGB(x, y, 0x406080);
        Path f = root.resolve("c/flat.jpg");
        Files.createDirectories(f.getParent());
        assertThat(ImageIO.write(img, "jpeg", f.toFile())).isTrue();
        Image im = ImageFolderReader.decode(f, ColorMode.RGB);
        assertThat(im.shape()).containsExactly(16, 16, 3);
        // A flat colour survives JPEG within a couple of levels.
        assertThat(im.at(7, 9, 0) * 255).isCloseTo(0x40, offset(3f));
        assertThat(im.at(7, 9, 2) * 255).isCloseTo(0x80, offset(3f));
    }

    @Test
    void corruptImagesEmptyClassesAndMissingRootAreNamed() throws IOException {
        Path bad = root.resolve("c/broken.png");
        Files.createDirectories(bad.getParent());
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        assertThatThrownBy(() -> ImageFolderReader.decode(bad, ColorMode.RGB)).isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(bad.toString()).hasMessageContaining("not a PNG or JPEG image");
        Path truncated = writeRgbPng(root.resolve("c/trunc.png"), 1, 20, 20);
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ImageFolderReader.decode(truncated, ColorMode.RGB)).isInstanceOf(DataFileException.class)
                .hasMessageStartingWith(truncated.toString());
        Dataset d = ImageFolderReader.open(root, ColorMode.RGB);
        assertThatThrownBy(() -> d.image(0)).isInstanceOf(UncheckedIOException.class).hasMessageContaining("broken.png");

        Files.createDirectories(root.resolve("empty"));
        assertThatThrownBy(() -> ImageFolderReader.open(root, ColorMode.RGB)).hasMessageContaining("empty")
                .hasMessageContaining("class folder holds no");
        assertThatThrownBy(() -> ImageFolderReader.open(root.resolve("nope"), ColorMode.RGB)).hasMessageContaining("not a directory");
    }
}
