package io.github.basis4j.nn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path tmp;

    @Test
    void theRealFilesLoadWithTheirDocumentedSizesAndBalancedLabels() throws IOException {
        // Fails (never skips) when the package is missing; the message says what to install.
        Path dir = FashionMnist.locate(null, FashionMnist.Install.NEVER);
        for (Split split : Split.values()) {
            ByteImageDataset d = FashionMnist.load(dir, split);
            int n = split == Split.TRAIN ? 60_000 : 10_000;
            assertThat(d.size()).isEqualTo(n);
            assertThat(new int[] {d.height(), d.width(), d.channels()}).containsExactly(28, 28, 1);
            assertThat(d.classNames()).hasSize(10).startsWith("T-shirt/top").endsWith("Ankle boot");
            int[] histogram = new int[10];
            for (int i = 0; i < n; i++) histogram[d.label(i)]++;
            for (int c : histogram) assertThat(c).isEqualTo(n / 10);
            // An image is not blank and lies in [0, 1].
            Image im = d.image(0);
            float max = 0;
            for (float v : im.data()) max = Math.max(max, v);
            assertThat(max).isGreaterThan(0.5f).isLessThanOrEqualTo(1f);
        }
    }

    private static void writeAll(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String n : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte.gz"}) {
            Files.write(dir.resolve(n), new byte[0]);
        }
    }

    private static final class FakeInstaller implements FashionMnist.Installer {
        final boolean root;
        final Path installInto;
        final int status;
        int calls;

        FakeInstaller(boolean root, Path installInto, int status) {
            this.root = root;
            this.installInto = installInto;
            this.status = status;
        }

        @Override
        public boolean canInstall() {
            return root;
        }

        @Override
        public int install() throws IOException {
            calls++;
            if (status == 0) writeAll(installInto);
            return status;
        }
    }

    @Test
    void anExplicitDirectoryIsUsedOrReportedNeverReplaced() throws IOException {
        Path data = tmp.resolve("data");
        writeAll(data);
        Path system = tmp.resolve("system");
        writeAll(system);
        assertThat(FashionMnist.locate(data, FashionMnist.Install.NEVER, system, new FakeInstaller(false, system, 0)))
                .isEqualTo(data);
        Path partial = Files.createDirectories(tmp.resolve("partial"));
        Files.write(partial.resolve("train-images-idx3-ubyte"), new byte[0]);
        assertThatThrownBy(() -> FashionMnist.locate(partial, FashionMnist.Install.IF_ROOT, system, new FakeInstaller(true, system, 0)))
                .isInstanceOf(DataFileException.class).hasMessageStartingWith(partial.toString())
                .hasMessageContaining("[train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte]");
    }

    @Test
    void missingSystemCopyIsInstalledOnlyWhenAllowedAndRoot() throws IOException {
        Path system = tmp.resolve("system");
        FakeInstaller notRoot = new FakeInstaller(false, system, 0);
        assertThatThrownBy(() -> FashionMnist.locate(null, FashionMnist.Install.NEVER, system, notRoot))
                .hasMessageContaining("run `apt-get install -y dataset-fashion-mnist`");
        assertThatThrownBy(() -> FashionMnist.locate(null, FashionMnist.Install.IF_ROOT, system, notRoot))
                .hasMessageContaining("not root").hasMessageContaining("sudo apt-get install -y dataset-fashion-mnist");
        assertThat(notRoot.calls).isZero();
        FakeInstaller failing = new FakeInstaller(true, system, 100);
        assertThatThrownBy(() -> FashionMnist.locate(null, FashionMnist.Install.IF_ROOT, system, failing))
                .hasMessageContaining("failed with exit status 100").hasMessageContaining("apt-get update");
        FakeInstaller root = new FakeInstaller(true, system, 0);
        assertThat(FashionMnist.locate(null, FashionMnist.Install.IF_ROOT, system, root)).isEqualTo(system);
        assertThat(root.calls).isEqualTo(1);
        assertThat(FashionMnist.locate(null, FashionMnist.Install.NEVER, system, notRoot)).isEqualTo(system);
    }
}
