package io.github.basis4j.nn.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder of PNG/JPEG images with one sub-folder per class, as torchvision's {@code ImageFolder}:
 * <pre>
 *   root/cat/001.png      label 0 ("cat")
 *   root/cat/x/002.jpg    label 0 (sub-folders of a class folder belong to it)
 *   root/dog/003.jpeg     label 1 ("dog")
 * </pre>
 * Classes are the sub-folder names sorted; samples are ordered by class, then by path. Files other than
 * {@code .png}, {@code .jpg}, {@code .jpeg} (any case) are not images and are left out, as torchvision
 * does; a class folder without any image is an error.
 *
 * <p>Decoding is lazy (on {@link Dataset#image(int)}, i.e. on the loader's background thread) with
 * {@code javax.imageio}. Images may differ in size; a resize or crop transform makes batches uniform.
 */
public final class ImageFolderReader {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private ImageFolderReader() {
    }

    /** Lists {@code root}'s classes and images; nothing is decoded yet. */
    public static Dataset open(Path root, ColorMode mode) throws IOException {
        if (!Files.isDirectory(root)) throw new DataFileException(root, "not a directory");
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        if (classDirs.isEmpty()) throw new DataFileException(root, "has no class sub-folders (expected root/<class>/<image>.png)");
        List<String> classNames = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path dir : classDirs) {
            List<Path> images;
            try (Stream<Path> s = Files.walk(dir)) {
                images = s.filter(Files::isRegularFile).filter(ImageFolderReader::isImage)
                        .sorted(Comparator.comparing((Path p) -> dir.relativize(p).getParent() == null ? ""
                                : dir.relativize(p).getParent().toString()).thenComparing(p -> p.getFileName().toString()))
                        .toList();
            }
            if (images.isEmpty()) throw new DataFileException(dir, "class folder holds no " + EXTENSIONS + " image");
            int label = classNames.size();
            classNames.add(dir.getFileName().toString());
            for (Path p : images) {
                files.add(p);
                labels.add(label);
            }
        }
        return new FolderDataset(List.copyOf(files), labels.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(classNames),
                mode);
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String ext : EXTENSIONS) if (name.endsWith(ext)) return true;
        return false;
    }

    /**
     * Decodes one image file to {@code [H, W, mode.channels()]} floats in [0, 1]. Grey sources (8 or 16 bit)
     * are read from their raster, not through {@code getRGB}, which would apply a gamma conversion; RGB to
     * grey uses PIL's {@code convert("L")} weights (299, 587, 114)/1000 on 8-bit values, with rounding.
     */
    public static Image decode(Path file, ColorMode mode) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new DataFileException(file, "cannot decode the image (" + e.getMessage() + ")", e);
        }
        if (img == null) throw new DataFileException(file, "not a PNG or JPEG image that javax.imageio can read");
        return toImage(img, mode);
    }

    /**
     * A decoded image converted to {@code mode}, values in [0, 1]: grey images scaled by their sample
     * range, others through their RGB colours (alpha dropped, not composited); grey from RGB with PIL's
     * integer luma.
     */
    public static Image toImage(BufferedImage img, ColorMode mode) {
        int h = img.getHeight(), w = img.getWidth(), c = mode.channels();
        float[] out = new float[h * w * c];
        Raster raster = img.getRaster();
        boolean gray = img.getColorModel() instanceof ComponentColorModel
                && img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        if (gray) {
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    float v = row[x] / max;
                    for (int k = 0; k < c; k++) out[(y * w + x) * c + k] = v;
                }
            }
        } else {
            int[] argb = new int[w];
            for (int y = 0; y < h; y++) {
                img.getRGB(0, y, w, 1, argb, 0, w);
                for (int x = 0; x < w; x++) {
                    int r = (argb[x] >> 16) & 0xff, g = (argb[x] >> 8) & 0xff, b = argb[x] & 0xff;
                    int o = (y * w + x) * c;
                    if (c == 1) {
                        // PIL: L = (R·19595 + G·38470 + B·7471 + 2^15) >> 16, i.e. 0.299 R + 0.587 G + 0.114 B rounded.
                        out[o] = ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16) / 255f;
                    } else {
                        out[o] = r / 255f;
                        out[o + 1] = g / 255f;
                        out[o + 2] = b / 255f;
                    }
                }
            }
        }
        return new Image(h, w, c, out);
    }

    /** The lazily decoding dataset {@link #open} returns. */
    private record FolderDataset(List<Path> files, int[] labels, List<String> classNames, ColorMode mode) implements Dataset {
        @Override
        public int size() {
            return files.size();
        }

        @Override
        public Image image(int i) {
            try {
                return decode(files.get(i), mode);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public int label(int i) {
            return labels[i];
        }
    }
}
