package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.nn.data.CifarReader;
import io.github.basis4j.nn.data.ColorMode;
import io.github.basis4j.nn.data.Dataset;
import io.github.basis4j.nn.data.FashionMnist;
import io.github.basis4j.nn.data.ImageFolderReader;
import io.github.basis4j.nn.data.Split;
import io.github.basis4j.nn.data.Transform;
import io.github.basis4j.nn.data.Transforms;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The datasets {@code train} and {@code eval} read, with where their files come from, the per-channel
 * statistics they are normalised with and the training augmentation each is usually trained with.
 *
 * <p>Normalisation statistics: Fashion-MNIST's training-set mean and standard deviation (0.2860, 0.3530);
 * CIFAR-10's (0.4914, 0.4822, 0.4465) / (0.2023, 0.1994, 0.2010), the pair the DSFB reference's
 * kuangliu-style training script uses; CIFAR-100's training-set (0.5071, 0.4865, 0.4409) /
 * (0.2673, 0.2564, 0.2762); image folders torchvision's ImageNet (0.485, 0.456, 0.406) / (0.229, 0.224, 0.225),
 * for grey folders their luma-weighted means.
 */
public enum DatasetKind {
    /** Fashion-MNIST, 28×28 grey, 10 classes; the Debian package's copy unless {@code --data} names a directory. */
    FASHION_MNIST("fashion-mnist", new InputSize(28, 28, 1), new float[] {0.2860f}, new float[] {0.3530f}),
    /** CIFAR-10 binary version: {@code --data} is the unpacked {@code cifar-10-batches-bin}. */
    CIFAR10("cifar10", new InputSize(32, 32, 3), new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2023f, 0.1994f, 0.2010f}),
    /** CIFAR-100 binary version, fine labels: {@code --data} is the unpacked {@code cifar-100-binary}. */
    CIFAR100("cifar100", new InputSize(32, 32, 3), new float[] {0.5071f, 0.4865f, 0.4409f}, new float[] {0.2673f, 0.2564f, 0.2762f}),
    /**
     * A folder of PNG/JPEG images, one sub-folder per class, under {@code --data}{@code /train} and
     * {@code --data}{@code /val} (or {@code /test}); images are resized to the model's input size.
     */
    FOLDER("folder", null, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    /** Padding of the CIFAR random crop (torchvision {@code RandomCrop(32, padding=4)}). */
    private static final int CIFAR_CROP_PADDING = 4;
    /** Probability of the horizontal flip ({@code RandomHorizontalFlip()}'s default). */
    private static final double FLIP_PROBABILITY = 0.5;

    private final String cliName;
    private final InputSize size;
    private final float[] mean;
    private final float[] std;

    DatasetKind(String cliName, InputSize size, float[] mean, float[] std) {
        this.cliName = cliName;
        this.size = size;
        this.mean = mean;
        this.std = std;
    }

    /** The name on the command line ({@code fashion-mnist}, {@code cifar10}, {@code cifar100}, {@code folder}). */
    public String cliName() {
        return cliName;
    }

    /** The images' fixed size, or null for a folder (whose images may differ; they are resized). */
    public InputSize fixedSize() {
        return size;
    }

    /** The kind called {@code name} on the command line, any case. */
    public static DatasetKind parse(String name) {
        for (DatasetKind k : values()) if (k.cliName.equalsIgnoreCase(name.strip())) return k;
        throw new IllegalArgumentException("unknown dataset '" + name + "'; known: " + names());
    }

    /** The command-line names, comma-separated. */
    public static String names() {
        List<String> n = new ArrayList<>();
        for (DatasetKind k : values()) n.add(k.cliName);
        return String.join(", ", n);
    }

    /**
     * Reads one split. Fashion-MNIST without {@code dataDir} comes from the system copy (installed with
     * apt-get when running as root); the others need {@code dataDir}.
     *
     * @param mode channels a folder's images are converted to (the fixed-size datasets have their own)
     */
    public Dataset load(Path dataDir, Split split, ColorMode mode) throws IOException {
        if (this != FASHION_MNIST && dataDir == null) throw new CliException("dataset " + cliName + " needs --data DIR");
        if (dataDir != null && !Files.isDirectory(dataDir)) throw new CliException("data directory " + dataDir + " does not exist");
        return switch (this) {
            case FASHION_MNIST -> FashionMnist.load(FashionMnist.locate(dataDir, FashionMnist.Install.IF_ROOT), split);
            case CIFAR10 -> CifarReader.cifar10(dataDir, split);
            case CIFAR100 -> CifarReader.cifar100(dataDir, split, CifarReader.Format.CIFAR100_FINE);
            case FOLDER -> ImageFolderReader.open(folderSplit(dataDir, split), mode);
        };
    }

    /** {@code dir/train} for training; {@code dir/val}, else {@code dir/test}, for evaluation. */
    private static Path folderSplit(Path dir, Split split) throws CliException {
        List<String> candidates = split == Split.TRAIN ? List.of("train") : List.of("val", "test");
        for (String c : candidates) {
            if (Files.isDirectory(dir.resolve(c))) return dir.resolve(c);
        }
        throw new CliException("image folder " + dir + " has no " + String.join(" or ", candidates) + " sub-folder (expected "
                + dir + "/" + candidates.get(0) + "/<class>/<image>.png)");
    }

    /** Per-channel means for images of {@code channels} channels (1 or 3). */
    public float[] mean(int channels) {
        return forChannels(mean, channels, "mean");
    }

    /** Per-channel standard deviations for images of {@code channels} channels (1 or 3). */
    public float[] std(int channels) {
        return forChannels(std, channels, "std");
    }

    private float[] forChannels(float[] stat, int channels, String what) {
        if (stat.length == channels) return stat.clone();
        if (stat.length == 3 && channels == 1) return new float[] {ColorMode.luma(stat[0], stat[1], stat[2])};
        throw new CliException(cliName + " has " + stat.length + "-channel images; a " + channels + "-channel " + what
                + " is not defined for it");
    }

    /**
     * The training augmentation for images of {@code size}: CIFAR's random crop with 4 pixels of padding
     * and horizontal flip, a folder's horizontal flip, none for Fashion-MNIST (its usual recipe: its
     * centred, upright 28×28 items leave little for crops and flips to add).
     */
    public Transform augmentation(InputSize size) {
        return switch (this) {
            case FASHION_MNIST -> Transform.identity();
            case CIFAR10, CIFAR100 -> Transforms.compose(Transforms.randomCrop(size.height(), size.width(), CIFAR_CROP_PADDING),
                    Transforms.horizontalFlip(FLIP_PROBABILITY));
            case FOLDER -> Transforms.horizontalFlip(FLIP_PROBABILITY);
        };
    }

    @Override
    public String toString() {
        return cliName;
    }

    /** picocli's converter from the command-line names. */
    public static final class Converter implements ITypeConverter<DatasetKind> {
        @Override
        public DatasetKind convert(String value) {
            try {
                return parse(value.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
