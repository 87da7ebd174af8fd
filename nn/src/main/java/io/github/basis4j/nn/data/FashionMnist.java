package io.github.basis4j.nn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds and loads Fashion-MNIST (Xiao, Rasul and Vollgraf 2017: 60000 training and 10000 test images,
 * 28×28 grey, 10 classes of 6000 + 1000 each) from its four IDX files, gzipped or raw.
 *
 * <p>Where from, in order: an explicit data directory if the caller gives one (then only there: a
 * directory asked for by name is never silently replaced by another); otherwise Debian's
 * {@code dataset-fashion-mnist} package at {@link #SYSTEM_DIR}; otherwise, with {@link Install#IF_ROOT}
 * and when running as root, that package is installed with {@code apt-get}. Anything else ends in a
 * {@link DataFileException} that says which command to run.
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
    public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** The Debian package holding the files. */
    public static final String DEBIAN_PACKAGE = "dataset-fashion-mnist";
    /** Class names by label, as torchvision's {@code FashionMNIST.classes}. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final System.Logger LOG = System.getLogger(FashionMnist.class.getName());
    private static final List<String> BASE_NAMES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private FashionMnist() {
    }

    /** Whether {@link #locate} may install the Debian package when the files are nowhere. */
    public enum Install {
        /** Never run a package manager; report what to run instead. */
        NEVER,
        /** Run {@code apt-get install -y dataset-fashion-mnist} if this process is root. */
        IF_ROOT
    }

    /** Runs the package installation; a seam so tests can check the flow without root. */
    interface Installer {
        /** Whether this process may install packages. */
        boolean canInstall();

        /** Installs the package; returns the exit status. */
        int install() throws IOException, InterruptedException;
    }

    /**
     * The directory holding the four files.
     *
     * @param dataDir an explicit directory (a {@code --data} option), or {@code null} to use the system copy
     * @param install whether to install the Debian package if the files are nowhere
     */
    public static Path locate(Path dataDir, Install install) throws IOException {
        return locate(dataDir, install, SYSTEM_DIR, new AptInstaller());
    }

    static Path locate(Path dataDir, Install install, Path systemDir, Installer installer) throws IOException {
        if (dataDir != null) {
            List<String> missing = missingFiles(dataDir);
            if (!missing.isEmpty()) {
                throw new DataFileException(dataDir, "Fashion-MNIST files missing: " + missing + " (each may be gzipped, *.gz)");
            }
            return dataDir;
        }
        if (missingFiles(systemDir).isEmpty()) return systemDir;
        String command = "apt-get install -y " + DEBIAN_PACKAGE;
        if (install == Install.NEVER) {
            throw new DataFileException(systemDir, "Fashion-MNIST is not installed; run `" + command
                    + "` as root (it installs the files here), or pass a directory holding " + BASE_NAMES + "[.gz]");
        }
        if (!installer.canInstall()) {
            throw new DataFileException(systemDir, "Fashion-MNIST is not installed and this process is not root, so it cannot "
                    + "install it; run `sudo " + command + "`, or pass a directory holding " + BASE_NAMES + "[.gz]");
        }
        LOG.log(System.Logger.Level.INFO, "Fashion-MNIST not found in {0}; running {1}", systemDir, command);
        int status;
        try {
            status = installer.install();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command, e);
        }
        if (status != 0) {
            throw new DataFileException(systemDir, "`" + command + "` failed with exit status " + status
                    + "; if apt does not know the package, run `apt-get update` first");
        }
        List<String> missing = missingFiles(systemDir);
        if (!missing.isEmpty()) {
            throw new DataFileException(systemDir, "`" + command + "` succeeded but " + missing + " are still missing");
        }
        return systemDir;
    }

    /** Loads one split from a directory {@link #locate} returned. */
    public static ByteImageDataset load(Path dir, Split split) throws IOException {
        int i = split == Split.TRAIN ? 0 : 2;
        return IdxReader.readDataset(file(dir, BASE_NAMES.get(i)), file(dir, BASE_NAMES.get(i + 1)), CLASS_NAMES);
    }

    private static Path file(Path dir, String base) throws DataFileException {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) return gz;
        Path raw = dir.resolve(base);
        if (Files.isRegularFile(raw)) return raw;
        throw new DataFileException(dir, "missing " + base + " (or " + base + ".gz)");
    }

    private static List<String> missingFiles(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String base : BASE_NAMES) {
            if (!Files.isRegularFile(dir.resolve(base + ".gz")) && !Files.isRegularFile(dir.resolve(base))) missing.add(base);
        }
        return missing;
    }

    /** {@code apt-get install -y dataset-fashion-mnist}, output passed through, if the user id is 0. */
    private static final class AptInstaller implements Installer {
        @Override
        public boolean canInstall() {
            try {
                // The owner of /proc/self is this process's user id on Linux.
                return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                // No "unix" attribute view (not Linux): treated as not root, so the caller is told the command.
                return false;
            }
        }

        @Override
        public int install() throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder("apt-get", "install", "-y", DEBIAN_PACKAGE).inheritIO();
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            return pb.start().waitFor();
        }
    }
}
